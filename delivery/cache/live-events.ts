// Tag-precise invalidation: the Live Content API (`client.live.events()`), served by the local lake
// and by hosted Sanity alike. Each `message` event names the sync tags that changed; only the cached
// responses built from a query carrying one of them become stale (delivery/cache/response-cache.ts),
// so a publish refreshes the article's own page and the lists it is in, and nothing else.
//
// Correctness first: no response older than a second after a publish may be served fresh. So
// whenever the stream cannot vouch for what it did not send, the whole cache is flushed:
// - `restart`: the server lost our position in its stream (changes may be lost);
// - `reconnect` (the connection dropped): flushed, and nothing is fresh until the next `welcome`,
//   which flushes again (changes may have been missed while disconnected);
// - `goaway`, or the stream failing for good (e.g. a source without the Live Content API): the
//   listen API takes over with a flush per mutation (delivery/cache/listener.ts), and the Live
//   Content API is tried again after `liveRetryMs`; its next welcome ends the fallback.
import type { SanityClient } from '@sanity/client'
import { listenerClient } from '../client.js'
import type { ChangeFeed, FlushReason } from './changes.js'
import { type PublishListener, readyWithin, startPublishListener } from './listener.js'
import type { ResponseCache } from './response-cache.js'
import { isSourceUnavailable, type SourceHealth } from './source-health.js'

export interface LiveInvalidationOptions {
  client: SanityClient
  cache: ResponseCache
  health: SourceHealth
  changes: ChangeFeed
  /** After a `goaway` or a failed stream, how long the listen fallback runs before the Live Content API is tried again (default 30 s). */
  liveRetryMs?: number
  /** Every stream event and mode change, for tests and logs. */
  onEvent?: (event: { type: string; mode: LiveMode }) => void
}

/** `live`: the Live Content API; `fallback`: the listen API, a flush per mutation. */
export type LiveMode = 'live' | 'fallback'

export interface LiveInvalidation extends PublishListener {
  readonly mode: LiveMode
}

export function startLiveInvalidation(options: LiveInvalidationOptions): LiveInvalidation {
  const { cache, health, changes } = options
  const client = listenerClient(options.client)
  const liveRetryMs = options.liveRetryMs ?? 30_000
  let mode: LiveMode = 'live'
  let subscription: { unsubscribe(): void } | null = null
  let fallback: PublishListener | null = null
  let retryTimer: NodeJS.Timeout | null = null
  let closed = false
  let welcomed = false
  let resolveReady: () => void = () => {}
  const readyPromise = new Promise<void>((resolve) => (resolveReady = resolve))

  const note = (type: string) => options.onEvent?.({ type, mode })
  const flush = (reason: FlushReason) => changes.emit({ kind: 'all', reason })

  const endFallback = () => {
    fallback?.close()
    fallback = null
  }

  const giveUp = (why: string, error?: unknown) => {
    subscription?.unsubscribe()
    subscription = null
    if (closed) return
    if (fallback) {
      // A retry of the Live Content API failed while the listen fallback runs: it keeps vouching.
      note(`retry failed: ${why}`)
    } else {
      if (error !== undefined && isSourceUnavailable(error)) health.recordFailure(error)
      cache.setLive(false)
      flush('stream-lost')
    }
    if (!fallback) {
      mode = 'fallback'
      note(`fallback: ${why}`)
      fallback = startPublishListener({ client, cache, health, changes })
      fallback.ready(liveRetryMs).then(resolveReady, () => {})
    }
    if (retryTimer) clearTimeout(retryTimer)
    retryTimer = setTimeout(() => {
      retryTimer = null
      if (!closed) subscribe()
    }, liveRetryMs)
    retryTimer.unref()
  }

  const subscribe = () => {
    if (!fallback) {
      health.setListener(welcomed ? 'reconnecting' : 'connecting')
      cache.setLive(false)
    }
    subscription = client.live.events({ tag: 'cache-invalidation' }).subscribe({
      next: (event) => {
        switch (event.type) {
          case 'welcome':
            if (fallback) {
              endFallback()
              mode = 'live'
            }
            health.setListener('connected')
            health.recordSuccess()
            // Whatever was stored before the stream was open may have missed a change.
            if (welcomed || cache.size > 0) flush('reconnected')
            cache.setLive(true)
            welcomed = true
            resolveReady()
            break
          case 'message':
            changes.emit({ kind: 'tags', tags: event.tags, id: event.id })
            break
          case 'restart':
            flush('restart')
            break
          case 'reconnect':
            if (!fallback) {
              health.setListener('reconnecting')
              cache.setLive(false)
              flush('stream-lost')
            }
            break
          case 'goaway':
            note(event.type)
            giveUp(`the Live Content API went away (${event.reason})`)
            return
        }
        note(event.type)
      },
      error: (error: unknown) => {
        note('error')
        giveUp(error instanceof Error ? error.message : String(error), error)
      },
    })
  }
  subscribe()

  return {
    get mode() {
      return mode
    },
    ready(timeoutMs = 10_000) {
      return readyWithin(readyPromise, timeoutMs, 'change stream')
    },
    close() {
      closed = true
      if (retryTimer) clearTimeout(retryTimer)
      subscription?.unsubscribe()
      subscription = null
      endFallback()
    },
  }
}
