// The one change signal of a delivery server: what changed in the content source, as the response
// cache, the public feeds and syndication's reconciler all need to hear it. Sources: the Live
// Content API (tags, delivery/cache/live-events.ts), the listen API (a flush per mutation,
// delivery/cache/listener.ts), a Sanity webhook (tags or a flush), and source health (a flush when
// the source answers again after an outage).
import type { ResponseCache } from './response-cache.js'

/** Why every cached response was made stale. */
export type FlushReason =
  /** A mutation seen through the listen API (which does not say what a query could have read). */
  | 'mutation'
  /** The change stream reconnected or started: changes may have been missed meanwhile. */
  | 'reconnected'
  /** The Live Content API lost our position in its stream (`restart`). */
  | 'restart'
  /** The change stream dropped, or the server told us to go away (`goaway`). */
  | 'stream-lost'
  /** A webhook call without tags. */
  | 'webhook'
  /** The content source answers again after an outage. */
  | 'recovered'

export type ContentChange =
  | { kind: 'tags'; tags: readonly string[]; id?: string }
  | { kind: 'all'; reason: FlushReason }

export type ChangeListener = (change: ContentChange) => void

export class ChangeFeed {
  readonly #listeners = new Set<ChangeListener>()

  /** Calls `listener` with every change from now on; returns the unsubscribe function. */
  subscribe(listener: ChangeListener): () => void {
    this.#listeners.add(listener)
    return () => {
      this.#listeners.delete(listener)
    }
  }

  emit(change: ContentChange): void {
    for (const listener of this.#listeners) {
      try {
        listener(change)
      } catch (error) {
        // One failing subscriber must not keep the change from the others (the cache above all).
        console.error('[delivery] a change subscriber failed:', error)
      }
    }
  }
}

/** Applies changes to a response cache: tags invalidate their entries, anything else flushes. */
export function applyToCache(cache: ResponseCache): ChangeListener {
  return (change) => {
    if (change.kind === 'tags') cache.invalidateTags(change.tags, change.id)
    else cache.invalidateAll(change.reason)
  }
}
