// Flush-all invalidation: the listen stream (`client.listen`), locally or on a hosted project. Any
// change to a published document flushes the response cache: a mutation event does not say which
// queries could have read the document (pages embed content from many documents), so everything is
// made stale. The `tags` strategy (delivery/cache/live-events.ts) is the precise one; this one is
// its fallback when the Live Content API is not available, and the `flush` strategy itself.
//
// A transaction is one invalidation: a release publish's documents change together, so its events
// (one per document, one transaction id) flush once (transactions.ts).
//
// `@sanity/client` reconnects on its own after a dropped connection. From the drop until the next
// welcome nothing is served fresh (a publish could go unseen), and every welcome flushes (changes
// may have been missed while disconnected, or before the stream first opened).
import type { SanityClient } from '@sanity/client'
import { listenerClient } from '../client.js'
import { PUBLISHED_CHANGES_LISTEN_QUERY } from '../queries.js'
import { applyToCache, type ChangeFeed } from './changes.js'
import type { ResponseCache } from './response-cache.js'
import type { SourceHealth } from './source-health.js'
import { SeenTransactions } from './transactions.js'

export interface PublishListener {
  /** Resolves on the first welcome (the stream is open), or rejects after `timeoutMs`. */
  ready(timeoutMs?: number): Promise<void>
  close(): void
}

export interface PublishListenerOptions {
  client: SanityClient
  cache: ResponseCache
  health: SourceHealth
  /** Where changes go (default: straight to `cache`). */
  changes?: ChangeFeed
  /** Called after each invalidation (tests and logs). */
  onInvalidate?: (reason: 'mutation' | 'reconnected') => void
  /** Delay before resubscribing after a fatal stream error (default 1000 ms). */
  retryDelayMs?: number
}

export function startPublishListener(options: PublishListenerOptions): PublishListener {
  const { cache, health } = options
  const client = listenerClient(options.client)
  const retryDelayMs = options.retryDelayMs ?? 1000
  let subscription: { unsubscribe(): void } | null = null
  let retryTimer: NodeJS.Timeout | null = null
  let closed = false
  let welcomed = false
  // One invalidation per transaction, however many documents it changed (transactions.ts).
  const seen = new SeenTransactions()
  let resolveReady: () => void = () => {}
  const readyPromise = new Promise<void>((resolve) => (resolveReady = resolve))

  const apply = options.changes
    ? (c: Parameters<ChangeFeed['emit']>[0]) => options.changes?.emit(c)
    : applyToCache(cache)
  const invalidate = (reason: 'mutation' | 'reconnected') => {
    apply({ kind: 'all', reason })
    options.onInvalidate?.(reason)
  }

  const subscribe = () => {
    health.setListener(welcomed ? 'reconnecting' : 'connecting')
    cache.setLive(false)
    subscription = client
      .listen(
        PUBLISHED_CHANGES_LISTEN_QUERY,
        {},
        {
          events: ['welcome', 'mutation', 'reconnect'],
          includeResult: false,
          includeMutations: false,
          visibility: 'query',
          tag: 'cache-invalidation',
        },
      )
      .subscribe({
        next: (event) => {
          if (event.type === 'welcome') {
            health.setListener('connected')
            health.recordSuccess()
            // Whatever was stored before the stream was open may have missed a change.
            if (welcomed || cache.size > 0) invalidate('reconnected')
            cache.setLive(true)
            welcomed = true
            resolveReady()
          } else if (event.type === 'mutation') {
            if (seen.firstReport(event.transactionId)) invalidate('mutation')
          } else if (event.type === 'reconnect') {
            health.setListener('reconnecting')
            cache.setLive(false)
          }
        },
        error: (error: unknown) => {
          health.setListener('reconnecting')
          cache.setLive(false)
          health.recordFailure(error)
          subscription = null
          if (closed) return
          retryTimer = setTimeout(() => {
            retryTimer = null
            if (!closed) subscribe()
          }, retryDelayMs)
          retryTimer.unref()
        },
      })
  }
  subscribe()

  return {
    ready(timeoutMs = 10_000) {
      return readyWithin(readyPromise, timeoutMs, 'listen stream')
    },
    close() {
      closed = true
      if (retryTimer) clearTimeout(retryTimer)
      subscription?.unsubscribe()
      subscription = null
    },
  }
}

/** `opened`, or a clear error when the stream (`what`) has not opened within `timeoutMs`. */
export function readyWithin(opened: Promise<void>, timeoutMs: number, what: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`The ${what} did not open within ${timeoutMs} ms: is the content source reachable?`)),
      timeoutMs,
    )
    opened.then(() => {
      clearTimeout(timer)
      resolve()
    }, reject)
  })
}
