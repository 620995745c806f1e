// A bounded in-memory cache of rendered API responses.
//
// Invalidation never deletes: it bumps a generation, which makes every stored response stale.
// A stale response is not served while the content source answers (the next request refetches),
// but it is kept so that while the source is unreachable the last good copy can still be served,
// marked stale. Entries are evicted least-recently-used when the entry or byte budget is exceeded.

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
}

export interface CacheLookup {
  response: CachedResponse
  /** False once invalidated (or older than the TTL): refetch if the source answers. */
  fresh: boolean
  /** Milliseconds since the response was stored. */
  ageMs: number
}

export interface ResponseCacheOptions {
  maxEntries: number
  /** Upper bound of the summed body sizes (UTF-16 length * 2 plus the encoded payload, as an estimate); default 64 MiB. */
  maxBytes?: number
  /** A response older than this is stale even without an invalidation. */
  ttlMs: number
  now?: () => number
}

export interface CacheStats {
  entries: number
  bytes: number
  generation: number
  hits: number
  misses: number
  staleServed: number
  invalidations: number
  lastInvalidatedAt: string | null
}

export class ResponseCache {
  readonly #entries = new Map<string, Entry>()
  readonly #maxEntries: number
  readonly #maxBytes: number
  readonly #ttlMs: number
  readonly #now: () => number
  #bytes = 0
  #generation = 0
  #stats = { hits: 0, misses: 0, staleServed: 0, invalidations: 0, lastInvalidatedAt: null as string | null }

  constructor(options: ResponseCacheOptions) {
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 1) {
      throw new RangeError(`ResponseCache: maxEntries must be a whole number >= 1, got ${options.maxEntries}`)
    }
    if (!(options.ttlMs > 0)) throw new RangeError(`ResponseCache: ttlMs must be > 0, got ${options.ttlMs}`)
    this.#maxEntries = options.maxEntries
    this.#maxBytes = options.maxBytes ?? 64 * 1024 * 1024
    this.#ttlMs = options.ttlMs
    this.#now = options.now ?? Date.now
  }

  /** The current generation; pass it to `set` as the generation a response was produced in. */
  get generation(): number {
    return this.#generation
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
    const ageMs = this.#now() - entry.storedAt
    const fresh = entry.generation === this.#generation && ageMs < this.#ttlMs
    if (fresh) this.#stats.hits++
    else this.#stats.misses++
    return { response: entry.response, fresh, ageMs }
  }

  /**
   * The response under `key` only when it is fresh (counted as a hit and refreshed in the LRU);
   * otherwise undefined without counting anything, so the caller can fall back to `get` (the
   * server's fast path for hits, see delivery/http/fast-path.ts). A metered response (of a
   * rate-limited route) is never a fast hit: its route must count the request.
   */
  freshHit(key: string): CachedResponse | undefined {
    const entry = this.#entries.get(key)
    if (
      !entry ||
      entry.response.metered ||
      entry.generation !== this.#generation ||
      this.#now() - entry.storedAt >= this.#ttlMs
    )
      return undefined
    this.#entries.delete(key)
    this.#entries.set(key, entry)
    this.#stats.hits++
    return entry.response
  }

  /**
   * Stores a response produced from content read in `generation` (read it before fetching): when an
   * invalidation happened meanwhile, the response is stored already stale, so a publish that raced
   * the fetch is never hidden.
   */
  set(key: string, response: CachedResponse, generation: number = this.#generation): void {
    const previous = this.#entries.get(key)
    if (previous) {
      this.#entries.delete(key)
      this.#bytes -= previous.bytes
    }
    const bytes = response.body.length * 2 + (response.payload?.length ?? 0) + key.length * 2 + 256
    this.#entries.set(key, { response, generation, storedAt: this.#now(), bytes })
    this.#bytes += bytes
    while (this.#entries.size > this.#maxEntries || (this.#bytes > this.#maxBytes && this.#entries.size > 1)) {
      const oldest = this.#entries.keys().next().value
      if (oldest === undefined) break
      this.#bytes -= this.#entries.get(oldest)?.bytes ?? 0
      this.#entries.delete(oldest)
    }
  }

  /** Marks every stored response stale (kept for serving while the source is down). */
  invalidateAll(): void {
    this.#generation++
    this.#stats.invalidations++
    this.#stats.lastInvalidatedAt = new Date(this.#now()).toISOString()
  }

  /** Counts a stale response served because the source was unreachable. */
  noteStaleServed(): void {
    this.#stats.staleServed++
  }

  clear(): void {
    this.#entries.clear()
    this.#bytes = 0
  }

  get size(): number {
    return this.#entries.size
  }

  stats(): CacheStats {
    return { entries: this.#entries.size, bytes: this.#bytes, generation: this.#generation, ...this.#stats }
  }
}
