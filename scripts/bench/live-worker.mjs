#!/usr/bin/env node
// The "busy newsroom" load of `npm run bench` (scripts/bench/live-load.ts), in a child process so it
// never shares an event loop with the servers it measures. Plain JavaScript (no TypeScript loader).
//
// Readers: `connections` loops, each sending one GET at a time over a keep-alive connection, the
// path drawn from `paths` by a Zipf law (rank r has weight 1 / r^zipf). An editor (when `publishes`
// lists articles): first marks every listed article's title with a marker `[zb:<run>:<i>:0]` and
// waits `settleMs`, then every `publishEveryMs` during the timed run sets article i's marker to the
// next revision through the lake's mutate API, and notes when the lake answered (committed).
//
// A response is stale when it shows an article at a revision older than one the lake had committed
// more than `staleAfterMs` before the request was sent (the markers are found in the raw bytes, in
// JSON and HTML alike). Stale responses are counted apart by X-Cache (HIT/UPDATING/MISS: served as
// current; STALE: marked stale, e.g. during an outage).
//
// Reads one JSON argument and prints one JSON line (see `result` at the end).
import http from 'node:http'

const o = JSON.parse(process.argv[2] ?? '{}')
if (typeof o.url !== 'string' || !Array.isArray(o.paths) || o.paths.length === 0) {
  console.error('live-worker: pass {"url", "paths": [...], "connections", "durationSeconds", ...} (see the header)')
  process.exit(2)
}
const connections = o.connections ?? 50
const durationMs = (o.durationSeconds ?? 60) * 1000
const warmupConnections = Math.min(connections, 8)
const publishes = Array.isArray(o.publishes) ? o.publishes : []
const publishEveryMs = o.publishEveryMs ?? 1000
const staleAfterMs = o.staleAfterMs ?? 1000
const settleMs = o.settleMs ?? 1500
const run = o.run ?? 'r0'

// --- Zipf sampling (seeded) ----------------------------------------------------------------------
let seed = 0x9e3779b9 ^ (o.seed ?? 7)
const random = () => {
  // xorshift32
  seed ^= seed << 13
  seed ^= seed >>> 17
  seed ^= seed << 5
  return (seed >>> 0) / 4294967296
}
const weights = o.paths.map((_, i) => 1 / (i + 1) ** (o.zipf ?? 1))
const total = weights.reduce((a, b) => a + b, 0)
const cdf = new Float64Array(weights.length)
let acc = 0
for (let i = 0; i < weights.length; i++) {
  acc += weights[i] / total
  cdf[i] = acc
}
const pick = () => {
  const x = random()
  let lo = 0
  let hi = cdf.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (cdf[mid] < x) lo = mid + 1
    else hi = mid
  }
  return o.paths[lo]
}

// --- HTTP ----------------------------------------------------------------------------------------
const target = new URL(o.url)
const agent = new http.Agent({ keepAlive: true, maxSockets: connections })
/** Where the editor publishes (only given with `publishes`), over one keep-alive connection. */
const lake = o.lakeUrl ? new URL(o.lakeUrl) : undefined
const editorAgent = new http.Agent({ keepAlive: true, maxSockets: 1 })

/** A request that got no answer: status 0, its cause kept (error code and where it happened). */
function failed(err, where) {
  return { status: 0, cache: '', body: Buffer.alloc(0), cause: `${err?.code ?? err?.message ?? 'unknown'} (${where})` }
}

function get(path) {
  return new Promise((resolve) => {
    const req = http.request(
      { host: target.hostname, port: target.port, path, method: 'GET', agent, headers: { accept: '*/*' } },
      (res) => {
        const chunks = []
        res.on('data', (c) => chunks.push(c))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, cache: res.headers['x-cache'] ?? '', body: Buffer.concat(chunks) }),
        )
        res.on('error', (err) => resolve(failed(err, 'response')))
      },
    )
    req.on('error', (err) => resolve(failed(err, req.reusedSocket ? 'request (reused socket)' : 'request')))
    req.end()
  })
}

// --- The editor ----------------------------------------------------------------------------------
/** Article index -> commits: [{rev, at}] in order (at: Date.now() when the lake answered). */
const history = publishes.map(() => [])
const marker = (i, rev) => `[zb:${run}:${i}:${rev}]`

async function publish(i, rev) {
  const article = publishes[i]
  const body = JSON.stringify({
    mutations: [{ patch: { id: article.id, set: { title: `${article.title} ${marker(i, rev)}` } } }],
  })
  const sentAt = Date.now()
  // node:http, as the readers use, not fetch: the load generator shares the machine with the
  // servers it measures, and fetch's per-request work in this process (undici, Node 20) weighed
  // on the publishing runs alone (docs/performance.md, "The tags run at 100k").
  const { status, text } = await new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: lake.hostname,
        port: lake.port,
        path: `/v2025-02-19/data/mutate/${o.dataset}?returnIds=true&visibility=sync`,
        method: 'POST',
        agent: editorAgent,
        headers: {
          authorization: `Bearer ${o.token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks = []
        res.on('data', (c) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }))
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(body)
  })
  if (status >= 300) throw new Error(`publishing ${article.id} answered ${status}: ${text.slice(0, 300)}`)
  const at = Date.now()
  history[i].push({ rev, at })
  return at - sentAt
}

/** The newest revision of article i committed at or before `t`, or -1. */
function committedBy(i, t) {
  const list = history[i]
  for (let k = list.length - 1; k >= 0; k--) if (list[k].at <= t) return list[k].rev
  return -1
}

const MARK = Buffer.from('[zb:')
/** Whether `body` shows an article older than what was committed `staleAfterMs` before `sentAt`. */
function staleIn(body, sentAt) {
  let from = body.indexOf(MARK)
  while (from !== -1) {
    const end = body.indexOf(0x5d, from) // ']'
    if (end === -1 || end - from > 64) break
    const [, markRun, i, rev] = body.toString('latin1', from + 1, end).split(':')
    const index = Number(i)
    if (index >= 0 && index < history.length) {
      const shown = markRun === run ? Number(rev) : -1
      if (shown < committedBy(index, sentAt - staleAfterMs)) return `article ${index} at revision ${shown}`
    }
    from = body.indexOf(MARK, end)
  }
  return null
}

// --- The run -------------------------------------------------------------------------------------
const stats = {
  requests: 0,
  hits: 0,
  updating: 0,
  misses: 0,
  staleMarked: 0,
  staleAsFresh: 0,
  staleMarkedOld: 0,
  errors: 0,
  /** Cause of each request that got no answer (error code) or a status >= 300 (status and path) -> count. */
  errorCauses: {},
  /** The first few answers with a status >= 300: status, path, X-Cache, the start of the body. */
  errorExamples: [],
  non2xx: 0,
  latencies: [],
  examples: [],
}

async function reader(until) {
  while (Date.now() < until) {
    const path = pick()
    const sentAt = Date.now()
    const t0 = performance.now()
    const res = await get(path)
    const ms = performance.now() - t0
    if (Date.now() > until) break
    stats.requests++
    stats.latencies.push(ms)
    if (res.status === 0) {
      stats.errors++
      stats.errorCauses[res.cause] = (stats.errorCauses[res.cause] ?? 0) + 1
    } else if (res.status >= 300) {
      stats.non2xx++
      const cause = `${res.status} ${path.split('?')[0].split('/').slice(0, 4).join('/')}`
      stats.errorCauses[cause] = (stats.errorCauses[cause] ?? 0) + 1
      if (stats.errorExamples.length < 5)
        stats.errorExamples.push(
          `${res.status} ${path} (${res.cache || 'no X-Cache'}): ${res.body.toString('utf8', 0, 160)}`,
        )
    }
    if (res.cache === 'HIT') stats.hits++
    else if (res.cache === 'UPDATING') stats.updating++
    else if (res.cache === 'STALE') stats.staleMarked++
    else stats.misses++
    if (history.length > 0) {
      const stale = staleIn(res.body, sentAt)
      if (stale) {
        if (res.cache === 'STALE') stats.staleMarkedOld++
        else {
          stats.staleAsFresh++
          if (stats.examples.length < 5) stats.examples.push(`${path} (${res.cache}): ${stale}`)
        }
      }
    }
  }
}

async function main() {
  const publishMs = []
  if (publishes.length > 0) {
    for (let i = 0; i < publishes.length; i++) await publish(i, 0)
    await new Promise((r) => setTimeout(r, settleMs))
  }
  // Warm-up: every path once (the cache filled), a few at a time.
  const queue = [...o.paths]
  await Promise.all(
    Array.from({ length: warmupConnections }, async () => {
      for (let path = queue.shift(); path !== undefined; path = queue.shift()) await get(path)
    }),
  )
  const started = Date.now()
  const until = started + durationMs
  let editorError = null
  const editor = (async () => {
    if (publishes.length === 0) return
    let n = 0
    for (let next = started + publishEveryMs; next < until; next += publishEveryMs) {
      await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())))
      if (Date.now() >= until) break
      const i = n % publishes.length
      const rev = Math.floor(n / publishes.length) + 1
      n++
      try {
        publishMs.push(await publish(i, rev))
      } catch (error) {
        editorError = error instanceof Error ? error.message : String(error)
        return
      }
    }
  })()
  await Promise.all([...Array.from({ length: connections }, () => reader(until)), editor])
  const seconds = (Date.now() - started) / 1000
  const sorted = Float64Array.from(stats.latencies).sort()
  const q = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : Number.NaN)
  agent.destroy()
  process.stdout.write(
    `${JSON.stringify({
      seconds,
      requests: stats.requests,
      rps: stats.requests / seconds,
      hitRatio: stats.requests ? stats.hits / stats.requests : Number.NaN,
      hits: stats.hits,
      updating: stats.updating,
      misses: stats.misses,
      staleMarked: stats.staleMarked,
      staleAsFresh: stats.staleAsFresh,
      staleMarkedOld: stats.staleMarkedOld,
      latency: { p50: q(0.5), p90: q(0.9), p99: q(0.99), max: sorted.length ? sorted[sorted.length - 1] : Number.NaN },
      errors: stats.errors,
      errorCauses: stats.errorCauses,
      errorExamples: stats.errorExamples,
      non2xx: stats.non2xx,
      publishes: publishMs.length,
      publishMedianMs: publishMs.length ? [...publishMs].sort((a, b) => a - b)[publishMs.length >> 1] : Number.NaN,
      editorError,
      examples: stats.examples,
    })}\n`,
  )
}

await main()
