// Which sync tags a cached response was built from. Every query response of the Content Lake (local
// or hosted) carries `syncTags`: opaque tags covering everything the query could have read. A
// response the delivery server caches is built from one or more queries; while it is produced, the
// queries report their tags to the collector of that production (an AsyncLocalStorage scope, so
// concurrent productions never mix), and the cache entry is keyed with their union. A change event
// naming any of those tags makes the entry stale (delivery/cache/response-cache.ts).
//
// A query answered without `syncTags` (a source that does not compute them) makes the whole
// response "untagged": any change at all invalidates it. Tags are never guessed narrower than the
// source said.
import { AsyncLocalStorage } from 'node:async_hooks'

/** The tags of one production: `null` when some query had none (then any change invalidates). */
export type ResponseTags = readonly string[] | null

export class TagCollector {
  readonly #tags = new Set<string>()
  #untagged = false
  #queries = 0
  /** The last Live Content API event id seen when the production started (for the API CDN). */
  readonly lastLiveEventId: string | undefined

  constructor(lastLiveEventId?: string) {
    this.lastLiveEventId = lastLiveEventId
  }

  /** Records one query's `syncTags` (undefined or not an array: the source gave none). */
  add(tags: unknown): void {
    this.#queries++
    if (!Array.isArray(tags)) {
      this.#untagged = true
      return
    }
    for (const tag of tags) {
      if (typeof tag === 'string' && tag !== '') this.#tags.add(tag)
      else this.#untagged = true
    }
  }

  /** Adds the tags of a value produced elsewhere (a shared memo) that this production used. */
  addAll(tags: ResponseTags): void {
    this.#queries++
    if (tags === null) this.#untagged = true
    else for (const tag of tags) this.#tags.add(tag)
  }

  /** The union; `null` when any query was untagged, or when nothing reported at all. */
  result(): ResponseTags {
    if (this.#untagged || this.#queries === 0) return null
    return [...this.#tags]
  }
}

const current = new AsyncLocalStorage<TagCollector>()

/** Runs `produce` with a fresh collector; resolves with its value and the tags its queries reported. */
export async function collectTags<T>(
  produce: () => Promise<T>,
  lastLiveEventId?: string,
): Promise<{ value: T; tags: ResponseTags }> {
  const collector = new TagCollector(lastLiveEventId)
  const value = await current.run(collector, produce)
  return { value, tags: collector.result() }
}

/** Called by every query delivery runs: reports the response's `syncTags` to the production, if any. */
export function recordSyncTags(tags: unknown): void {
  current.getStore()?.add(tags)
}

/** Reports tags gathered elsewhere (a memoized value) to the production, if any. */
export function recordTags(tags: ResponseTags): void {
  current.getStore()?.addAll(tags)
}

/** The production's `lastLiveEventId` (pass it to queries so a CDN answers with content at least that new). */
export function currentLastLiveEventId(): string | undefined {
  return current.getStore()?.lastLiveEventId
}
