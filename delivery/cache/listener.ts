// Local invalidation: the lake's listen stream (`client.listen`), as a hosted project's would
// work too. Any change to a published document invalidates the response cache: pages embed
// content from many documents (an article shows its FAQs, conditions, author...), so a targeted
// invalidation would have to know every reverse dependency; a generation bump is exact and cheap.
//
// A transaction is one invalidation: a release publish's documents change together, so its events
// (one per document, one transaction id) bump the generation once (transactions.ts).
//
// `@sanity/client` reconnects on its own after a dropped connection; the welcome that follows a
// reconnect invalidates too (events may have been missed while disconnected).
import type { SanityClient } from '@sanity/client'
import { listenerClient } from '../client.js'
import { PUBLISHED_CHANGES_LISTEN_QUERY } from '../queries.js'
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

  const invalidate = (reason: 'mutation' | 'reconnected') => {
    cache.invalidateAll()
    options.onInvalidate?.(reason)
  }

  const subscribe = () => {
    health.setListener(welcomed ? 'reconnecting' : 'connecting')
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
            if (welcomed) invalidate('reconnected')
            welcomed = true
            resolveReady()
          } else if (event.type === 'mutation') {
            if (seen.firstReport(event.transactionId)) invalidate('mutation')
          } else if (event.type === 'reconnect') {
            health.setListener('reconnecting')
          }
        },
        error: (error: unknown) => {
          health.setListener('reconnecting')
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
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`The listen stream did not open within ${timeoutMs} ms: is the content source reachable?`),
            ),
          timeoutMs,
        )
        readyPromise.then(() => {
          clearTimeout(timer)
          resolve()
        }, reject)
      })
    },
    close() {
      closed = true
      if (retryTimer) clearTimeout(retryTimer)
      subscription?.unsubscribe()
      subscription = null
    },
  }
}
