// Soak: the whole platform (lake, delivery, syndication with its webhook dispatcher) under mixed
// traffic for SOAK_SECONDS (default 60; `npm run test:soak` runs 120 and 600): delivery readers
// (JSON API, pages, lists, search, sitemap), partner readers (article list, articles, changes,
// RSS/Atom/JSON feeds), listen streams on the lake (some reconnecting now and then), and an editor
// publishing an edit every ~0.5 s. Zero 5xx and zero failed requests; p50/p99 and the process's
// RSS at start and end (and its samples) are printed; memory must stay flat.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mb, prng, quantile, report, seedFromEnv, sizeFromEnv } from './helpers/figures.js'
import { openListen, type ListenStream } from './helpers/sse.js'
import { startPlatform, syndicatedArticleDraft, type Platform } from './_platform.js'
import { sleep } from '../helpers/wait.js'

const SECONDS = sizeFromEnv('SOAK_SECONDS', 60)
const SEED = seedFromEnv()
const random = prng(SEED)
const SLUG = 'why-you-shouldnt-be-afraid-of-needles'

const test = suite(`reliability: soak (${SECONDS} s)`)
let platform: Platform

test.before(async () => {
  platform = await startPlatform({ syndication: { webhooks: { enabled: true, intervalMs: 500, timeoutMs: 2000 } } })
})
test.after(async () => platform?.close())

interface Stats {
  requests: number
  byStatus: Record<string, number>
  failures: string[]
  latencies: number[]
}

test(`mixed delivery, syndication and listen traffic with publishing for ${SECONDS} s: zero 5xx, flat memory`, async () => {
  try {
    await soak()
  } catch (error) {
    // uvu cannot format @sanity/client's errors (their `details` is an object: it then reports
    // nothing at all): rethrow assertion errors as they are, anything else as a plain Error.
    if (error instanceof Error && error.name.startsWith('Assertion')) throw error
    throw new Error(`soak failed: ${error instanceof Error ? (error.stack ?? error.message) : JSON.stringify(error)}`)
  }
})

async function soak(): Promise<void> {
  const p = platform
  const key = { authorization: `Bearer ${p.partner.apiKey}` }
  const d = p.delivery.url
  const s = p.syndicationUrl
  const deliveryUrls = [
    `${d}/api/v1/articles`,
    `${d}/api/v1/articles/${SLUG}`,
    `${d}/articles/${SLUG}`,
    `${d}/`,
    `${d}/api/v1/conditions`,
    `${d}/api/v1/conditions/tennis-elbow`,
    `${d}/conditions/tennis-elbow`,
    `${d}/api/v1/treatments`,
    `${d}/api/v1/faqs?treatment=integrative-dry-needling`,
    `${d}/api/v1/search?q=needle`,
    `${d}/sitemap.xml`,
    `${d}/api/v1/articles/soak-article`,
    `${d}/health`,
  ]
  const syndicationUrls: Array<[string, Record<string, string>]> = [
    [`${s}/syndication/v1/articles`, key],
    [`${s}/syndication/v1/articles/${SLUG}`, key],
    [`${s}/syndication/v1/changes`, key],
    [`${s}/feeds/rss.xml`, {}],
    [`${s}/feeds/atom.xml`, {}],
    [`${s}/feeds/feed.json`, {}],
    [`${s}/feeds/partners/${p.partner.feedToken}/rss.xml`, {}],
  ]
  const stats: Stats = { requests: 0, byStatus: {}, failures: [], latencies: [] }
  const hit = async (url: string, headers: Record<string, string> = {}): Promise<void> => {
    const started = performance.now()
    try {
      const response = await fetch(url, { headers })
      await response.arrayBuffer()
      stats.latencies.push(performance.now() - started)
      stats.requests++
      stats.byStatus[response.status] = (stats.byStatus[response.status] ?? 0) + 1
      // 404 is expected for the soak article while it is unpublished; 5xx never.
      if (response.status >= 500 || (response.status >= 400 && response.status !== 404))
        stats.failures.push(`${response.status} ${url}`)
    } catch (error) {
      stats.requests++
      stats.failures.push(`${String(error)} ${url}`)
    }
  }

  // Warm up, then the start figures.
  for (const url of deliveryUrls) await hit(url)
  for (const [url, headers] of syndicationUrls) await hit(url, headers)
  stats.latencies.length = 0
  const rssStart = process.memoryUsage().rss
  const heapStart = process.memoryUsage().heapUsed
  const samples: number[] = [rssStart]
  const endAt = Date.now() + SECONDS * 1000
  const running = () => Date.now() < endAt

  const deliveryReader = async () => {
    while (running()) await hit(deliveryUrls[Math.floor(random() * deliveryUrls.length)] as string)
  }
  const partnerReader = async () => {
    while (running()) {
      const [url, headers] = syndicationUrls[Math.floor(random() * syndicationUrls.length)] as [
        string,
        Record<string, string>,
      ]
      await hit(url, headers)
    }
  }
  // Listen streams on the lake; one reconnects every few seconds (connection churn).
  const streams: ListenStream[] = []
  let listenEvents = 0
  let reconnects = 0
  const open = () => openListen({ baseUrl: p.lake.httpUrl, token: p.lake.token, query: '*[_type == "article"]' })
  for (let i = 0; i < 4; i++) streams.push(open())
  await Promise.all(streams.map((st) => st.opened))
  const churn = async () => {
    while (running()) {
      await sleep(3000)
      const old = streams.shift()
      if (old) {
        listenEvents += old.events.length
        old.close()
      }
      const fresh = open()
      await fresh.opened
      streams.push(fresh)
      reconnects++
    }
  }
  // The editor: edit + publish (and now and then unpublish) a soak article and the seed article.
  let publishes = 0
  const editor = async () => {
    for (let n = 0; running(); n++) {
      const id = n % 3 === 0 ? 'article-dry-needling' : 'article-soak'
      const exists = (await p.editor.getDocument(id)) ?? (await p.editor.getDocument(`drafts.${id}`))
      const actions: Array<Record<string, unknown>> = exists
        ? [
            {
              actionType: 'sanity.action.document.edit',
              draftId: `drafts.${id}`,
              publishedId: id,
              patch: { set: { excerpt: `Soak edit ${n}` } },
            },
          ]
        : [
            {
              actionType: 'sanity.action.document.create',
              publishedId: id,
              ifExists: 'fail',
              attributes: syndicatedArticleDraft(id, {
                title: 'Soak article',
                slug: 'soak-article',
                text: 'Soak body.',
                excerpt: `Soak edit ${n}`,
              }),
            },
          ]
      actions.push({ actionType: 'sanity.action.document.publish', draftId: `drafts.${id}`, publishedId: id })
      await p.editor.action(actions as never)
      publishes++
      if (id === 'article-soak' && n % 10 === 4)
        await p.editor.action({
          actionType: 'sanity.action.document.unpublish',
          draftId: `drafts.${id}`,
          publishedId: id,
        } as never)
      await sleep(400 + Math.floor(random() * 200))
    }
  }
  const sampler = async () => {
    while (running()) {
      await sleep(Math.max(1000, (SECONDS * 1000) / 20))
      samples.push(process.memoryUsage().rss)
    }
  }

  await Promise.all([
    deliveryReader(),
    deliveryReader(),
    deliveryReader(),
    partnerReader(),
    partnerReader(),
    churn(),
    editor(),
    sampler(),
  ])
  for (const st of streams) {
    listenEvents += st.events.length
    st.close()
  }
  await sleep(500)
  const rssEnd = process.memoryUsage().rss
  samples.push(rssEnd)
  const heapEnd = process.memoryUsage().heapUsed
  const fiveXx = Object.entries(stats.byStatus)
    .filter(([code]) => Number(code) >= 500)
    .reduce((n, [, c]) => n + c, 0)
  // Flat: the last third of the samples is not above the first third by more than a margin (allocator noise).
  const third = Math.max(1, Math.floor(samples.length / 3))
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
  const early = mean(samples.slice(0, third))
  const late = mean(samples.slice(-third))
  report('soak', {
    seed: SEED,
    seconds: SECONDS,
    requests: stats.requests,
    rps: (stats.requests / SECONDS).toFixed(1),
    statuses: Object.entries(stats.byStatus)
      .map(([k, v]) => `${k}:${v}`)
      .join(','),
    errors: stats.failures.length,
    '5xx': fiveXx,
    p50Ms: quantile(stats.latencies, 0.5).toFixed(1),
    p99Ms: quantile(stats.latencies, 0.99).toFixed(1),
    publishes,
    listenEvents,
    listenReconnects: reconnects,
    webhookCalls: p.receiver.calls.length,
    rssStart: mb(rssStart),
    rssEnd: mb(rssEnd),
    rssMax: mb(Math.max(...samples)),
    heapStart: mb(heapStart),
    heapEnd: mb(heapEnd),
  })
  assert.is(fiveXx, 0, 'no 5xx')
  assert.equal(stats.failures.slice(0, 10), [], `${stats.failures.length} failed requests`)
  assert.ok(stats.requests > SECONDS * 2, `traffic actually ran (${stats.requests} requests)`)
  assert.ok(publishes > SECONDS / 2, `edits were published throughout (${publishes})`)
  assert.ok(listenEvents > 0, 'listeners received the published changes')
  assert.ok(
    late - early < 150 * 1024 * 1024,
    `memory grew from ${mb(early)} to ${mb(late)} (first vs last third of the samples)`,
  )
}

test.run()
