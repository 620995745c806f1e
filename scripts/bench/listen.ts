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
