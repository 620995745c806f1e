// A bounded in-memory cache of rendered API responses.
//
// Every entry is keyed with the sync tags of the lake responses it was built from
// (delivery/cache/sync-tags.ts). Two kinds of invalidation:
// - by tags (`invalidateTags`, from the Live Content API or a webhook carrying tags): only the
//   entries holding one of the tags become stale; an untagged entry (its source gave no tags)
//   becomes stale on any tag change;
// - flush (`invalidateAll`): bumps a generation, which makes every stored response stale (a publish
//   seen through the listen API, a restarted or lost event stream, a recovered outage).
// Invalidation never deletes: a stale response is not served while the content source answers (the
// next request refetches), but it is kept so that while the source is unreachable the last good copy
// can still be served, marked stale. While the change stream is down (`setLive(false)`) nothing is
// fresh: a publish could go unseen. Entries are evicted least-recently-used when the entry or byte
// budget is exceeded.
import type { ResponseTags } from './sync-tags.js'

export interface CachedResponse {
  status: number
  contentType: string
  body: string
  etag: string
  /** Extra headers to replay (e.g. Link), lowercase names. */
  headers?: Record<string, string>
  /**
   * `body` encoded once as UTF-8 when the response is produced, so a hit writes bytes instead of
   * encoding the (often 30+ KB) string on every request. Absent on responses built elsewhere.
   */
  payload?: Buffer
  /** Served through Fastify only (a rate-limited route), never by the server's fast path. */
  metered?: boolean
}

interface Entry {
  response: CachedResponse
  generation: number
  storedAt: number
  bytes: number
  /** The sync tags it was built from; null: untagged (any tag change invalidates it). */
  tags: ResponseTags
  /** Invalidated by a tag change. */
  stale: boolean
  /** When a tag change first made it stale (the start of its grace, see `graceMs`). */
  staleSince?: number
}

/**
 * When a production started: the flush generation and the tag-invalidation sequence number then.
 * Read it before fetching; `set` and `changedSince` use it to notice changes that raced the fetch.
 */
export interface CacheStamp {
  generation: number
  seq: number
}

/** Index key of untagged entries (no sync tag can be spelled like this). */
const UNTAGGED = '\u0000untagged'
/** How many tags' last invalidation are remembered (older stamps then count as changed). */
const MAX_REMEMBERED_TAGS = 200_000

export interface CacheLookup {
  response: CachedResponse
  /** False once invalidated (or older than the TTL): refetch if the source answers. */
  fresh: boolean
  /**
   * Not fresh, but made stale by a publish less than `graceMs` ago: it may be answered while its
   * refresh runs (the publish is at most that old), never later.
   */
  inGrace: boolean
  /** Milliseconds since the response was stored. */
  ageMs: number
}

export interface ResponseCacheOptions {
  maxEntries: number
  /** Upper bound of the summed body sizes (UTF-16 length * 2 plus the encoded payload, as an estimate); default 64 MiB. */
  maxBytes?: number
  /** A response older than this is stale even without an invalidation. */
  ttlMs: number
  /**
   * For how long after a publish made a response stale the previous copy may still be answered while
   * its refresh runs (default 0: never). Bounded well under the one second a publish may take to
   * show, so the hottest resources do not make every reader wait for their refresh after each
   * publish. Only publishes qualify (a tag change, or a flush for one mutation), never a flush for a
   * lost or reopened stream, and never while the stream is down.
   */
  graceMs?: number
  now?: () => number
}

export interface CacheStats {
  entries: number
  bytes: number
  generation: number
  hits: number
  misses: number
  staleServed: number
  /** Flushes (every entry made stale). */
  invalidations: number
  lastInvalidatedAt: string | null
  /** Change events carrying tags, and how many stored entries they made stale in all. */
  tagInvalidations: number
  entriesInvalidatedByTag: number
  /** Entries dropped to stay within the entry or byte budget. */
  evictions: number
  /** Previous copies answered while their refresh ran, just after a publish (see `graceMs`). */
  graceServed: number
  /** Flushes by reason (mutation, reconnected, restart, stream-lost, webhook, recovered). */
  flushReasons: Record<string, number>
  /** False while the change stream is down: nothing is served fresh then. */
  live: boolean
}

export class ResponseCache {
  readonly #entries = new Map<string, Entry>()
  readonly #maxEntries: number
  readonly #maxBytes: number
  readonly #ttlMs: number
  readonly #now: () => number
  /** Tag -> keys of the fresh entries holding it (stale entries leave the index). */
  readonly #byTag = new Map<string, Set<string>>()
  /** Tag -> sequence number of its last invalidation. */
  readonly #tagSeq = new Map<string, number>()
  #bytes = 0
  #generation = 0
  #seq = 0
  /** Stamps older than this are treated as changed (the per-tag memory was reset). */
  #floorSeq = 0
  #live = true
  #lastLiveEventId: string | undefined
  readonly #graceMs: number
  /** When the last flush for a single publish happened, and the generation it ended. */
  #graceFlush: { at: number; generation: number } | null = null
  #stats = {
    hits: 0,
    misses: 0,
    staleServed: 0,
    invalidations: 0,
    lastInvalidatedAt: null as string | null,
    tagInvalidations: 0,
    entriesInvalidatedByTag: 0,
    evictions: 0,
    graceServed: 0,
    flushReasons: {} as Record<string, number>,
  }

  constructor(options: ResponseCacheOptions) {
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 1) {
      throw new RangeError(`ResponseCache: maxEntries must be a whole number >= 1, got ${options.maxEntries}`)
    }
    if (!(options.ttlMs > 0)) throw new RangeError(`ResponseCache: ttlMs must be > 0, got ${options.ttlMs}`)
    this.#maxEntries = options.maxEntries
    this.#maxBytes = options.maxBytes ?? 64 * 1024 * 1024
    this.#ttlMs = options.ttlMs
    this.#now = options.now ?? Date.now
    this.#graceMs = Math.max(0, options.graceMs ?? 0)
  }

  /** The current flush generation. */
  get generation(): number {
    return this.#generation
  }

  /** Changes with every invalidation of any kind (flush or tags): the key of in-flight fetches. */
  get version(): string {
    return `${this.#generation}.${this.#seq}`
  }

  /** Read before fetching; pass to `set` (and `changedSince`) with the tags of what was fetched. */
  stamp(): CacheStamp {
    return { generation: this.#generation, seq: this.#seq }
  }

  /** The id of the last Live Content API message applied (queries pass it on as `lastLiveEventId`). */
  get lastLiveEventId(): string | undefined {
    return this.#lastLiveEventId
  }

  /**
   * Whether content with `tags`, read at `stamp`, may have changed since: a flush (also what the
   * change stream does when it drops or reopens), or one of its tags invalidated (any tag for
   * untagged content).
   */
  changedSince(stamp: CacheStamp, tags: ResponseTags): boolean {
    if (stamp.generation !== this.#generation) return true
    if (stamp.seq === this.#seq) return false
    if (tags === null || stamp.seq < this.#floorSeq) return true
    for (const tag of tags) if ((this.#tagSeq.get(tag) ?? 0) > stamp.seq) return true
    return false
  }

  #isFresh(entry: Entry): boolean {
    return (
      this.#live && !entry.stale && entry.generation === this.#generation && this.#now() - entry.storedAt < this.#ttlMs
    )
  }

  get(key: string): CacheLookup | undefined {
    const entry = this.#entries.get(key)
    if (!entry) {
      this.#stats.misses++
      return undefined
    }
    // Refresh the LRU position.
    this.#entries.delete(key)
    this.#entries.set(key, entry)
    const now = this.#now()
    const ageMs = now - entry.storedAt
    const fresh = this.#isFresh(entry)
    if (fresh) this.#stats.hits++
    else this.#stats.misses++
    return { response: entry.response, fresh, ageMs, inGrace: !fresh && this.#inGrace(entry, now) }
  }

  #inGrace(entry: Entry, now: number): boolean {
    if (!this.#live || this.#graceMs === 0 || now - entry.storedAt >= this.#ttlMs) return false
    if (entry.generation === this.#generation)
      return entry.staleSince !== undefined && now - entry.staleSince < this.#graceMs
    // Stale by one flush for a single publish (the listen API's mutation), and by nothing before it.
    const flush = this.#graceFlush
    return (
      flush !== null &&
      !entry.stale &&
      entry.generation === flush.generation - 1 &&
      flush.generation === this.#generation &&
      now - flush.at < this.#graceMs
    )
  }

  /** Counts a previous copy answered while its refresh ran. */
  noteGraceServed(): void {
    this.#stats.graceServed++
  }

  /**
   * The response under `key` only when it is fresh (counted as a hit and refreshed in the LRU);
   * otherwise undefined without counting anything, so the caller can fall back to `get` (the
   * server's fast path for hits, see delivery/http/fast-path.ts). A metered response (of a
   * rate-limited route) is never a fast hit: its route must count the request.
   */
  freshHit(key: string): CachedResponse | undefined {
    const entry = this.#entries.get(key)
    if (!entry || entry.response.metered || !this.#isFresh(entry)) return undefined
    this.#entries.delete(key)
    this.#entries.set(key, entry)
    this.#stats.hits++
    return entry.response
  }

  /**
   * Stores a response produced from content read at `from` (a stamp taken before fetching, or a bare
   * flush generation) with the sync tags of what it read (`null`: untagged, the default). When an
   * invalidation touching it happened meanwhile, the response is stored already stale, so a publish
   * that raced the fetch is never hidden.
   */
  set(
    key: string,
    response: CachedResponse,
    from: number | CacheStamp = this.stamp(),
    tags: ResponseTags = null,
  ): void {
    const previous = this.#entries.get(key)
    if (previous) this.#remove(key, previous)
    const stamp = typeof from === 'number' ? { generation: from, seq: this.#seq } : from
    const stale = this.changedSince(stamp, tags)
    const bytes =
      response.body.length * 2 + (response.payload?.length ?? 0) + key.length * 2 + 256 + (tags?.length ?? 0) * 64
    const entry: Entry = { response, generation: stamp.generation, storedAt: this.#now(), bytes, tags, stale }
    this.#entries.set(key, entry)
    this.#bytes += bytes
    if (!stale) this.#index(key, entry)
    while (this.#entries.size > this.#maxEntries || (this.#bytes > this.#maxBytes && this.#entries.size > 1)) {
      const oldest = this.#entries.keys().next().value
      if (oldest === undefined) break
      const evicted = this.#entries.get(oldest)
      if (evicted) this.#remove(oldest, evicted)
      this.#stats.evictions++
    }
  }

  #index(key: string, entry: Entry): void {
    for (const tag of entry.tags ?? [UNTAGGED]) {
      let keys = this.#byTag.get(tag)
      if (!keys) this.#byTag.set(tag, (keys = new Set()))
      keys.add(key)
    }
  }

  #remove(key: string, entry: Entry): void {
    this.#entries.delete(key)
    this.#bytes -= entry.bytes
    if (entry.stale) return
    for (const tag of entry.tags ?? [UNTAGGED]) {
      const keys = this.#byTag.get(tag)
      if (!keys) continue
      keys.delete(key)
      if (keys.size === 0) this.#byTag.delete(tag)
    }
  }

  /**
   * A change event: makes stale every entry holding one of `tags`, and every untagged entry.
   * Returns how many entries it made stale. `eventId` is the event's id (Live Content API).
   */
  invalidateTags(tags: readonly string[], eventId?: string): number {
    this.#seq++
    if (eventId) this.#lastLiveEventId = eventId
    this.#stats.tagInvalidations++
    if (this.#tagSeq.size + tags.length > MAX_REMEMBERED_TAGS) {
      // Forget old tags; a fetch that started before now is then treated as raced by a change.
      this.#tagSeq.clear()
      this.#floorSeq = this.#seq
    }
    let count = 0
    for (const tag of [...tags, UNTAGGED]) {
      if (tag !== UNTAGGED) this.#tagSeq.set(tag, this.#seq)
      const keys = this.#byTag.get(tag)
      if (!keys) continue
      for (const key of keys) {
        const entry = this.#entries.get(key)
        if (!entry || entry.stale) continue
        entry.stale = true
        entry.staleSince = this.#now()
        count++
        // Out of the index under its other tags too: a stale entry needs no further invalidation.
        for (const other of entry.tags ?? []) {
          if (other === tag) continue
          const set = this.#byTag.get(other)
          set?.delete(key)
          if (set?.size === 0) this.#byTag.delete(other)
        }
      }
      this.#byTag.delete(tag)
    }
    this.#stats.entriesInvalidatedByTag += count
    return count
  }

  /**
   * Whether the change stream is connected. While it is not, nothing is fresh (a publish could go
   * unseen); copies are still served stale during an outage.
   */
  setLive(live: boolean): void {
    this.#live = live
  }

  get live(): boolean {
    return this.#live
  }

  /**
   * Marks every stored response stale (kept for serving while the source is down). `reason`
   * `mutation` (one publish seen through the listen API) opens a grace (see `graceMs`).
   */
  invalidateAll(reason = 'unspecified'): void {
    this.#generation++
    // Fresh entries are all stale now: the tag index starts over.
    this.#byTag.clear()
    this.#graceFlush = reason === 'mutation' ? { at: this.#now(), generation: this.#generation } : null
    this.#stats.flushReasons[reason] = (this.#stats.flushReasons[reason] ?? 0) + 1
    this.#stats.invalidations++
    this.#stats.lastInvalidatedAt = new Date(this.#now()).toISOString()
  }

  /** Counts a stale response served because the source was unreachable. */
  noteStaleServed(): void {
    this.#stats.staleServed++
  }

  clear(): void {
    this.#entries.clear()
    this.#byTag.clear()
    this.#bytes = 0
  }

  get size(): number {
    return this.#entries.size
  }

  stats(): CacheStats {
    return {
      entries: this.#entries.size,
      bytes: this.#bytes,
      generation: this.#generation,
      ...this.#stats,
      flushReasons: { ...this.#stats.flushReasons },
      live: this.#live,
    }
  }
}
