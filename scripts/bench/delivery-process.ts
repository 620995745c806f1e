// Delivery as it runs in production for `npm run bench`: a stateless process of its own in front of
// the lake, not a server inside the bench's process. By the HTTP and live-load steps the bench's
// process holds the parsed dataset, an in-process lake and the naive evaluations' copies (about 3x
// the NDJSON): a delivery server there pays for collections of that heap, which made the cached
// figure swing from 66% to 84% of the raw ceiling between rounds of one run.
//
// The parent (startDeliveryProcess) asks the child over IPC to start delivery servers on a lake URL
// (each with its own options), to start the raw `node:http` ceiling server next to them (the same
// process, so both pay the same costs), to read a server's cache statistics and to close servers.
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { CacheStats } from '../../delivery/cache/response-cache.js'
import { stopChild } from './lake-process.js'

/** The options of a delivery server in the child (the client is built there from the lake URL). */
export interface DeliveryProcessServerOptions {
  lakeUrl: string
  dataset: string
  /** Follow the lake's changes (live events or listen), as `npm start`'s delivery does. */
  listen: boolean
  invalidation?: 'tags' | 'flush'
  cacheEntries?: number
  cacheMaxBytes?: number
  cacheGraceMs?: number
}

type Request =
  | { type: 'start'; options: DeliveryProcessServerOptions }
  | { type: 'raw'; body: string; contentType: string }
  | { type: 'stats'; id: number }
  | { type: 'close'; id: number }

type Answer =
  | { type: 'started'; id: number; url: string }
  | { type: 'stats'; stats: CacheStats }
  | { type: 'closed' }
  | { type: 'error'; message: string }

/** A server in the delivery process. */
export interface RemoteServer {
  url: string
  close(): Promise<void>
}

/** A delivery server in the delivery process, with its cache statistics. */
export interface RemoteDeliveryServer extends RemoteServer {
  cacheStats(): Promise<CacheStats>
}

export interface DeliveryProcess {
  pid: number
  startDelivery(options: DeliveryProcessServerOptions): Promise<RemoteDeliveryServer>
  /** The raw `node:http` ceiling: every request answered with `body`, prebuilt. */
  startRaw(body: string, contentType: string): Promise<RemoteServer>
  stop(): Promise<void>
}

const SELF = fileURLToPath(import.meta.url)

/** Forks the delivery process (the V8 flags of `npm start`) and waits until it takes requests. */
export async function startDeliveryProcess(): Promise<DeliveryProcess> {
  const child = fork(SELF, ['--child'], {
    execArgv: ['--max-semi-space-size=64', '--loader', 'ts-node/esm', '--no-warnings'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve())
    child.once('exit', (code) => reject(new Error(`the delivery process exited (${code}) before it was ready`)))
  })
  child.removeAllListeners('exit')
  // One request at a time: answers come back in order.
  let chain: Promise<unknown> = Promise.resolve()
  const ask = <T extends Answer['type']>(request: Request, expect: T): Promise<Extract<Answer, { type: T }>> => {
    const next = chain.then(
      () =>
        new Promise<Extract<Answer, { type: T }>>((resolve, reject) => {
          const onExit = (code: number | null) => reject(new Error(`the delivery process exited (${code})`))
          child.once('exit', onExit)
          child.once('message', (raw) => {
            child.off('exit', onExit)
            const answer = raw as Answer
            if (answer.type === 'error') reject(new Error(answer.message))
            else if (answer.type !== expect) reject(new Error(`the delivery process answered ${answer.type}`))
            else resolve(answer as Extract<Answer, { type: T }>)
          })
          child.send(request)
        }),
    )
    chain = next.catch(() => undefined)
    return next
  }
  const close = async (id: number) => {
    await ask({ type: 'close', id }, 'closed')
  }
  return {
    pid: child.pid as number,
    async startDelivery(options) {
      const { id, url } = await ask({ type: 'start', options }, 'started')
      return {
        url,
        close: () => close(id),
        cacheStats: async () => (await ask({ type: 'stats', id }, 'stats')).stats,
      }
    },
    async startRaw(body, contentType) {
      const { id, url } = await ask({ type: 'raw', body, contentType }, 'started')
      return { url, close: () => close(id) }
    },
    stop: () => stopChild(child),
  }
}

/** The child: serves the parent's requests until the IPC channel closes. */
async function child(): Promise<void> {
  const { startDeliveryServer } = await import('../../delivery/http/server.js')
  const { benchLakeClient } = await import('./lake-process.js')
  const { startRawServer } = await import('./http.js')
  const servers = new Map<number, { close(): Promise<void>; cache?: { stats(): CacheStats } }>()
  let nextId = 1
  const handle = async (request: Request): Promise<Answer> => {
    switch (request.type) {
      case 'start': {
        const { lakeUrl, dataset, ...options } = request.options
        const server = await startDeliveryServer({
          client: benchLakeClient(lakeUrl, dataset),
          port: 0,
          host: '127.0.0.1',
          ...options,
        })
        const id = nextId++
        servers.set(id, server)
        return { type: 'started', id, url: server.url }
      }
      case 'raw': {
        const server = await startRawServer(request.body, request.contentType)
        const id = nextId++
        servers.set(id, server)
        return { type: 'started', id, url: server.url }
      }
      case 'stats': {
        const cache = servers.get(request.id)?.cache
        if (!cache) throw new Error(`no delivery server ${request.id} in the delivery process`)
        return { type: 'stats', stats: cache.stats() }
      }
      case 'close': {
        await servers.get(request.id)?.close()
        servers.delete(request.id)
        return { type: 'closed' }
      }
    }
  }
  process.on('message', (raw) => {
    handle(raw as Request).then(
      (answer) => process.send?.(answer),
      (error: unknown) =>
        process.send?.({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
    )
  })
  process.once('disconnect', () => {
    void Promise.all([...servers.values()].map((s) => s.close())).finally(() => process.exit(0))
  })
  process.send?.({ type: 'ready' })
}

if (process.argv[1] === SELF && process.argv[2] === '--child') await child()
