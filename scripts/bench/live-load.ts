// The "busy newsroom" scenario of `npm run bench`: readers on a Zipf mix of delivery URLs while an
// editor publishes one article a second, run four times, in this order, against a fresh delivery
// server each:
//
//   no publishing   the same load with no editor (the reference for req/s)
//   tags            the Live Content API: a publish invalidates only the responses whose sync tags it
//                   touched (the article's pages, the lists and pages it is in)
//   tags + grace    the same, and for 250 ms after a publish the previous copy of a response it
//                   touched is answered while the refresh runs (DELIVERY_CACHE_GRACE_MS)
//   flush-all       the listen API: every publish flushes the whole response cache
//
// Reported per run: hit ratio (X-Cache: HIT among all answers; UPDATING, the previous copy answered
// just after a publish while the refresh runs, is counted apart), req/s, p50/p99 and the stale
// responses: answers that showed an article older than a revision the lake had committed more than
// a second before the request was sent (scripts/bench/live-worker.mjs explains how it is checked).
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { pathFor } from '../../model/site-paths.js'
import { type DeliveryProcess, startDeliveryProcess } from './delivery-process.js'
import { createRandom } from './random.js'

export interface LiveLoadConfig {
  /** How many distinct URLs the readers draw from (default 1,000). */
  urls: number
  connections: number
  durationSeconds: number
  publishEveryMs: number
  /** Zipf exponent of the URL popularity (rank r has weight 1 / r^zipf). */
  zipf: number
  seed: string
  /** The cache grace of the fourth run (DELIVERY_CACHE_GRACE_MS; the server's default is 0). */
  graceMs: number
}

export interface LiveRun {
  name: 'no publishing' | 'flush-all' | 'tags' | 'tags + grace'
  seconds: number
  requests: number
  rps: number
  hitRatio: number
  hits: number
  /** Previous copies answered while their refresh ran, just after a publish (`X-Cache: UPDATING`). */
  updating: number
  misses: number
  /** Answers marked `X-Cache: STALE` (served stale while the source was slow or down). */
  staleMarked: number
  /** Answers served as current (HIT, UPDATING or MISS) that showed an article older than 1 s before the request. */
  staleAsFresh: number
  /** Answers marked STALE that were also out of date (not a violation: they said so). */
  staleMarkedOld: number
  latency: { p50: number; p90: number; p99: number; max: number }
  /** Requests that got no answer (connection errors). */
  errors: number
  /** Answers with a status >= 300. */
  non2xx: number
  /** Cause -> count: an error code (no answer) or a status and the path's first segments. */
  errorCauses: Record<string, number>
  /** The first few answers with a status >= 300 (status, path, X-Cache, start of the body). */
  errorExamples: string[]
  publishes: number
  publishMedianMs: number
  editorError: string | null
  examples: string[]
  /** The server's cache counters after the run. */
  cache: {
    entries: number
    bytes: number
    flushes: number
    tagEvents: number
    entriesInvalidatedByTag: number
    evictions: number
    flushReasons: Record<string, number>
  }
}

export interface LiveLoadResult {
  urls: number
  urlMix: Record<string, number>
  publishedArticles: number
  runs: LiveRun[]
  /** tags req/s over no-publishing req/s. */
  tagsVsNoPublish: number
  tagsGraceVsNoPublish: number
  flushVsNoPublish: number
}

interface Doc {
  _id: string
  _type: string
  [field: string]: unknown
}

const WORKER = fileURLToPath(new URL('./live-worker.mjs', import.meta.url))

const slugOf = (d: Doc): string | undefined => {
  const slug = d.slug as { current?: unknown } | undefined
  return typeof slug?.current === 'string' ? slug.current : undefined
}

/** A bench marker left in a title by an earlier run (scripts/bench/live-worker.mjs). */
const MARKER = /\s*\[zb:[^\]]*\]$/

/**
 * The URL mix, in popularity order (Zipf rank 1 first): the newest-articles list first, then a
 * seeded shuffle of article pages (JSON 60%, HTML 15%), condition and treatment pages (JSON and
 * HTML), category and condition article lists, FAQ lists, searches, the clinic and the sitemaps.
 */
export function deliveryUrls(published: readonly Doc[], count: number, seed: string): Record<string, string[]> {
  const random = createRandom(`${seed}/live-urls`)
  const ofType = (type: string) => published.filter((d) => d._type === type && slugOf(d))
  const articles = ofType('article').filter((a) => a.publishedAt)
  const conditions = ofType('condition')
  const treatments = ofType('treatment')
  const categories = ofType('category')
  const take = <T>(items: readonly T[], n: number): T[] => random.sample(items, Math.max(0, Math.floor(n)))
  const slug = (d: Doc) => encodeURIComponent(slugOf(d) ?? '')
  const html = (d: Doc) => pathFor({ _type: d._type, slug: d.slug as { current: string } }) ?? null
  const words = articles
    .slice(0, 50)
    .map((a) => String(a.title ?? '').split(/\s+/)[1] ?? '')
    .filter((w) => /^[a-z]{4,}$/i.test(w))
  const mix: Record<string, string[]> = {
    lists: [
      '/api/v1/articles',
      '/api/v1/articles?limit=10',
      '/api/v1/conditions',
      '/api/v1/treatments',
      '/api/v1/clinic',
      '/api/v1/sitemap',
      '/sitemap.xml',
      ...take(categories, 10).map((c) => `/api/v1/articles?category=${slug(c)}`),
      ...take(conditions, 10).map((c) => `/api/v1/articles?condition=${slug(c)}`),
      ...take(conditions, 10).map((c) => `/api/v1/faqs?condition=${slug(c)}`),
      ...[...new Set(words)].slice(0, 5).map((w) => `/api/v1/search?q=${encodeURIComponent(w.toLowerCase())}`),
    ],
    'condition pages': [
      ...take(conditions, count * 0.08).map((c) => `/api/v1/conditions/${slug(c)}`),
      ...take(conditions, count * 0.03)
        .map(html)
        .filter((p): p is string => p !== null),
    ],
    'treatment pages': [
      ...take(treatments, count * 0.05).map((t) => `/api/v1/treatments/${slug(t)}`),
      ...take(treatments, count * 0.02)
        .map(html)
        .filter((p): p is string => p !== null),
    ],
  }
  const fixed = Object.values(mix).reduce((n, list) => n + list.length, 0)
  const articleCount = Math.max(0, count - fixed)
  const chosen = take(articles, Math.min(articles.length, Math.round(articleCount * 0.8)))
  const htmlCount = Math.min(chosen.length, articleCount - chosen.length)
  mix['article pages'] = chosen.map((a) => `/api/v1/articles/${slug(a)}`)
  mix['article HTML pages'] = chosen
    .slice(0, htmlCount)
    .map(html)
    .filter((p): p is string => p !== null)
  return mix
}

/** Orders the mix by popularity: the home list first, the rest shuffled (seeded). */
function popularityOrder(mix: Record<string, string[]>, seed: string, count: number): string[] {
  const random = createRandom(`${seed}/live-order`)
  const all = [...new Set(Object.values(mix).flat())]
  const rest = random.sample(
    all.filter((p) => p !== '/api/v1/articles'),
    all.length,
  )
  return ['/api/v1/articles', ...rest].slice(0, count)
}

function runWorker(options: Record<string, unknown>, timeoutSeconds: number): Promise<Omit<LiveRun, 'name' | 'cache'>> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [WORKER, JSON.stringify(options)],
      { timeout: timeoutSeconds * 1000, maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`live load worker failed: ${err.message}\n${stderr}`))
        try {
          resolve(JSON.parse(stdout.trim().split('\n').pop() ?? ''))
        } catch {
          reject(new Error(`live load worker printed no result: ${stdout}\n${stderr}`))
        }
      },
    )
  })
}

export interface LiveLoadTarget {
  lakeUrl: string
  dataset: string
  /** An editor's token for the lake (the editor publishes through the mutate API). */
  token: string
  published: readonly Doc[]
  log: (message: string) => void
}

export async function benchLiveLoad(target: LiveLoadTarget, config: LiveLoadConfig): Promise<LiveLoadResult> {
  // Delivery in a process of its own, as in production (scripts/bench/delivery-process.ts).
  const delivery = await startDeliveryProcess()
  try {
    return await liveLoadRuns(target, config, delivery)
  } finally {
    await delivery.stop()
  }
}

async function liveLoadRuns(
  target: LiveLoadTarget,
  config: LiveLoadConfig,
  delivery: DeliveryProcess,
): Promise<LiveLoadResult> {
  const lake = { lakeUrl: target.lakeUrl, dataset: target.dataset }
  const mix = deliveryUrls(target.published, config.urls, config.seed)
  const paths = popularityOrder(mix, config.seed, config.urls)
  // The editor's articles: among those whose pages are read, one per publish (cycled when fewer).
  const random = createRandom(`${config.seed}/live-editor`)
  const readSlugs = new Set(
    paths.filter((p) => p.startsWith('/api/v1/articles/')).map((p) => decodeURIComponent(p.split('/')[4] ?? '')),
  )
  const candidates = target.published.filter(
    (d) => d._type === 'article' && readSlugs.has(slugOf(d) ?? '') && typeof d.title === 'string',
  )
  const publishCount = Math.max(1, Math.ceil((config.durationSeconds * 1000) / config.publishEveryMs))
  const publishes = random
    .sample(candidates, Math.min(candidates.length, publishCount))
    .map((d) => ({ id: d._id, title: String(d.title).replace(MARKER, '') }))
  if (publishes.length === 0) throw new Error('no published article among the URLs to publish')

  const runs: LiveRun[] = []
  const plan: Array<{ name: LiveRun['name']; invalidation: 'tags' | 'flush'; publish: boolean; graceMs: number }> = [
    // The runs compared with no publishing come right after it: this VM's speed drifts over
    // minutes (back-to-back runs of one load differ by up to a quarter), less from one run to the next.
    { name: 'no publishing', invalidation: 'tags', publish: false, graceMs: 0 },
    { name: 'tags', invalidation: 'tags', publish: true, graceMs: 0 },
    { name: 'tags + grace', invalidation: 'tags', publish: true, graceMs: config.graceMs },
    { name: 'flush-all', invalidation: 'flush', publish: true, graceMs: 0 },
  ]
  // The lake's first answers to these queries build its indexes (seconds each at 100k, on a loaded
  // machine more): one untimed pass over every URL first, so the first run does not pay for them.
  {
    const server = await delivery.startDelivery({ ...lake, listen: false })
    try {
      target.log(`live load: warming the lake up (every URL once)`)
      await runWorker(
        { url: server.url, paths, connections: 8, durationSeconds: 1, zipf: config.zipf, seed: 0 },
        config.durationSeconds + 900,
      )
    } finally {
      await server.close()
    }
  }
  for (const [n, step] of plan.entries()) {
    const server = await delivery.startDelivery({
      ...lake,
      listen: true,
      invalidation: step.invalidation,
      // Room for every URL: the scenario measures invalidation, not eviction (evictions are reported).
      cacheEntries: Math.max(1000, paths.length * 2),
      cacheMaxBytes: 1024 * 1024 * 1024,
      cacheGraceMs: step.graceMs,
    })
    try {
      target.log(
        `live load "${step.name}": ${paths.length} URLs, ${config.connections} connections, ${config.durationSeconds} s${step.publish ? `, a publish every ${config.publishEveryMs} ms` : ''}`,
      )
      const result = await runWorker(
        {
          url: server.url,
          paths,
          connections: config.connections,
          durationSeconds: config.durationSeconds,
          zipf: config.zipf,
          seed: n + 1,
          run: `${Date.now().toString(36)}${n}`,
          lakeUrl: target.lakeUrl,
          dataset: target.dataset,
          token: target.token,
          publishes: step.publish ? publishes : [],
          publishEveryMs: config.publishEveryMs,
        },
        config.durationSeconds + 600,
      )
      const stats = await server.cacheStats()
      runs.push({
        name: step.name,
        ...result,
        cache: {
          entries: stats.entries,
          bytes: stats.bytes,
          flushes: stats.invalidations,
          tagEvents: stats.tagInvalidations,
          entriesInvalidatedByTag: stats.entriesInvalidatedByTag,
          evictions: stats.evictions,
          flushReasons: stats.flushReasons,
        },
      })
    } finally {
      await server.close()
    }
  }
  const rps = (name: LiveRun['name']) => runs.find((r) => r.name === name)?.rps ?? Number.NaN
  return {
    urls: paths.length,
    urlMix: Object.fromEntries(Object.entries(mix).map(([k, v]) => [k, v.length])),
    publishedArticles: publishes.length,
    runs,
    tagsVsNoPublish: rps('tags') / rps('no publishing'),
    tagsGraceVsNoPublish: rps('tags + grace') / rps('no publishing'),
    flushVsNoPublish: rps('flush-all') / rps('no publishing'),
  }
}

// Standalone, on a data dir a dataset was imported into (the bench's other steps skipped):
//
//   LAKE_DATA_DIR=<dir> node --max-semi-space-size=64 --loader ts-node/esm --no-warnings \
//     scripts/bench/live-load.ts
//
// with the bench's BENCH_LIVE_* variables (BENCH_LIVE_SECONDS, default 60). Prints each run's
// figures and its errors by cause as JSON lines.
async function main(): Promise<void> {
  const dataDir = process.env.LAKE_DATA_DIR
  if (!dataDir) throw new Error('set LAKE_DATA_DIR to a data dir a dataset was imported into')
  const int = (name: string, fallback: number): number => {
    const v = process.env[name]
    return v === undefined || v === '' ? fallback : Number(v)
  }
  const { createEditor, startPrivateLake } = await import('../../lake/index.js')
  const { ANONYMOUS } = await import('../../lake/auth/index.js')
  const { perspectiveDocuments } = await import('../../lake/query/index.js')
  const lake = await startPrivateLake({ dataDir, dataset: 'production', projectId: 'local' })
  try {
    const store = lake.store.dataset('production')
    const { token } = createEditor(lake, { name: 'Bench Editor', email: `bench-${Date.now()}@clinic.invalid` })
    const result = await benchLiveLoad(
      {
        lakeUrl: lake.httpUrl,
        dataset: store.name,
        token,
        published: perspectiveDocuments(store, 'published', ANONYMOUS) as readonly Doc[],
        log: (message) => process.stderr.write(`[live ${new Date().toISOString().slice(11, 19)}] ${message}\n`),
      },
      {
        urls: int('BENCH_LIVE_URLS', 1000),
        connections: int('BENCH_LIVE_CONNECTIONS', 50),
        durationSeconds: int('BENCH_LIVE_SECONDS', 60),
        publishEveryMs: int('BENCH_LIVE_PUBLISH_MS', 1000),
        zipf: int('BENCH_LIVE_ZIPF', 1),
        graceMs: int('BENCH_LIVE_GRACE_MS', 250),
        seed: process.env.BENCH_SEED ?? 'bench',
      },
    )
    for (const run of result.runs) {
      const { name, hitRatio, rps, latency, errors, non2xx, errorCauses, errorExamples } = run
      console.log(JSON.stringify({ name, hitRatio, rps, latency, errors, non2xx, errorCauses, errorExamples }))
    }
  } finally {
    await lake.close()
  }
}

if (process.argv[1] && process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err)
    process.exit(1)
  })
}
