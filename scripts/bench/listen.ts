// Listen latency for `npm run bench`: the time from a transaction being committed (the store's
// subscribers are told once it is durable) to its `mutation` event arriving at an HTTP listener
// (`GET /data/listen/<dataset>`, server-sent events, parsed here from the raw stream).
import http from 'node:http'
import { summarize, type Timing } from './stats.js'

export interface ListenStore {
  subscribe(listener: (transaction: { transactionId: string }) => void): () => void
  commit(mutations: readonly unknown[], opts?: { transactionId?: string }): Promise<unknown>
}

export interface ListenResult extends Timing {
  p99Ms: number
  events: number
}

interface SseClient {
  close(): void
}

/** Opens an SSE stream and calls `onEvent(eventName, data)` for each event; resolves on `welcome`. */
function openSse(url: string, onEvent: (event: string, data: string) => void): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`listen answered ${res.statusCode}`))
        res.resume()
        return
      }
      res.setEncoding('utf8')
      let buffer = ''
      res.on('data', (chunk: string) => {
        buffer += chunk
        let end: number
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          let event = 'message'
          const data: string[] = []
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim()
            else if (line.startsWith('data:')) data.push(line.slice(5).trimStart())
          }
          if (event === 'welcome') resolve({ close: () => req.destroy() })
          onEvent(event, data.join('\n'))
        }
      })
    })
    req.on('error', reject)
  })
}

/** The listen URL for one document, as delivery's listeners use it (the id as a `$id` parameter). */
export function listenUrl(lakeUrl: string, dataset: string, documentId: string): string {
  const search = new URLSearchParams({
    query: '*[_id == $id]',
    $id: JSON.stringify(documentId),
    includeResult: 'false',
  })
  return `${lakeUrl}/v2025-02-19/data/listen/${dataset}?${search}`
}

/**
 * Commits `count` one-document patches one after another (each waits for its event) and measures
 * commit -> event. `documentId` must be a published document the anonymous listener can see.
 */
export async function measureListenLatency(
  store: ListenStore,
  listenUrl: string,
  documentId: string,
  count: number,
): Promise<ListenResult> {
  const committedAt = new Map<string, number>()
  const waiting = new Map<string, (t: number) => void>()
  const unsubscribe = store.subscribe((tx) => committedAt.set(tx.transactionId, performance.now()))
  const client = await openSse(listenUrl, (event, data) => {
    if (event !== 'mutation') return
    const arrived = performance.now()
    const { transactionId } = JSON.parse(data) as { transactionId: string }
    waiting.get(transactionId)?.(arrived)
  })
  const samples: number[] = []
  try {
    for (let i = 0; i < count; i++) {
      const transactionId = `bench-listen-${Date.now().toString(36)}-${i}`
      const arrived = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listen event for ${transactionId} within 5 s`)), 5000)
        waiting.set(transactionId, (t) => {
          clearTimeout(timer)
          resolve(t)
        })
      })
      await store.commit([{ patch: { id: documentId, set: { benchListenCounter: i } } }], { transactionId })
      const t = await arrived
      waiting.delete(transactionId)
      const committed = committedAt.get(transactionId)
      if (committed !== undefined) samples.push(Math.max(0, t - committed))
    }
  } finally {
    client.close()
    unsubscribe()
  }
  const timing = summarize(samples)
  const sorted = [...samples].sort((a, b) => a - b)
  return {
    ...timing,
    p99Ms: sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)] ?? Number.NaN,
    events: samples.length,
  }
}

// Standalone, to tell the commit path's cost from the bench process's state (its heap holds the
// parsed dataset and every earlier step's garbage):
//
//   LAKE_DATA_DIR=<dir with an imported dataset> node --max-semi-space-size=64 --loader ts-node/esm \
//     --no-warnings scripts/bench/listen.ts [events, default 200] [delivery servers listening, default 0]
//
// The delivery servers subscribe to the lake's live events (tag invalidation) as `npm start`'s do,
// so each commit also computes and sends its sync tags to them.
async function main(): Promise<void> {
  const dataDir = process.env.LAKE_DATA_DIR
  if (!dataDir) throw new Error('set LAKE_DATA_DIR to a data dir a dataset was imported into')
  const events = Number(process.argv[2] ?? 200)
  const servers = Number(process.argv[3] ?? 0)
  const { startPrivateLake } = await import('../../lake/index.js')
  const { ANONYMOUS } = await import('../../lake/auth/index.js')
  const { perspectiveDocuments } = await import('../../lake/query/index.js')
  const { benchLakeClient } = await import('./lake-process.js')
  const { startDeliveryServer } = await import('../../delivery/http/server.js')
  const lake = await startPrivateLake({ dataDir, dataset: 'production', projectId: 'local' })
  const store = lake.store.dataset('production')
  const delivery = []
  try {
    for (let i = 0; i < servers; i++) {
      const client = benchLakeClient(lake.httpUrl, 'production')
      delivery.push(await startDeliveryServer({ client, port: 0, host: '127.0.0.1', listen: true }))
    }
    const target = perspectiveDocuments(store, 'published', ANONYMOUS).find((d) => d._type === 'article')
    if (!target) throw new Error('no published article to patch')
    const url = listenUrl(lake.httpUrl, 'production', target._id)
    // A first round warms the path up (JIT, the listener's filter), as the bench's earlier steps do.
    await measureListenLatency(store, url, target._id, 20)
    const r = await measureListenLatency(store, url, target._id, events)
    console.log(
      `listen commit->event, ${servers} delivery server(s) listening: median ${r.medianMs.toFixed(3)} ms, p95 ${r.p95Ms.toFixed(3)} ms, p99 ${r.p99Ms.toFixed(3)} ms (${r.events} events)`,
    )
  } finally {
    for (const d of delivery) await d.close()
    await lake.close()
  }
}

if (process.argv[1] && process.argv[1] === new URL(import.meta.url).pathname) {
  main().catch((err: unknown) => {
    console.error(err)
    process.exit(1)
  })
}
