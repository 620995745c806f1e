// Per-key rate limiting: a token bucket per API key (or feed token), kept in process memory.
//
// In-process on purpose: limits protect one server's capacity and need no coordination, so with N
// delivery instances behind a load balancer a key gets at most N times the configured rate. (Daily
// usage counts, which are for the clinic's records, are shared in the lake: see usage.ts.)
//
// A bucket holds up to `burst` tokens and refills at `perMinute` tokens per minute; each request
// takes one. With no token left the request is refused with the seconds until one is available,
// which becomes the `Retry-After` header of a 429.

export interface RateLimitConfig {
  /** Sustained requests per minute per key. */
  perMinute: number
  /** Requests allowed at once after idling (bucket size); defaults to perMinute. */
  burst?: number
  /** Most keys tracked at once; the least recently seen are forgotten first. Default 10 000. */
  maxKeys?: number
}

export type RateDecision =
  | { allowed: true; remaining: number; limit: number }
  | { allowed: false; retryAfterSeconds: number; limit: number }

interface Bucket {
  tokens: number
  updatedAt: number
}

export class RateLimitConfigError extends Error {}

export class RateLimiter {
  readonly perMinute: number
  readonly burst: number
  private readonly maxKeys: number
  private readonly buckets = new Map<string, Bucket>()

  constructor(
    config: RateLimitConfig,
    private readonly clock: () => number = Date.now,
  ) {
    if (!Number.isFinite(config.perMinute) || config.perMinute <= 0) {
      throw new RateLimitConfigError(`rate limit perMinute must be a positive number, got ${config.perMinute}`)
    }
    const burst = config.burst ?? config.perMinute
    if (!Number.isInteger(burst) || burst < 1) {
      throw new RateLimitConfigError(`rate limit burst must be a whole number of at least 1, got ${burst}`)
    }
    this.perMinute = config.perMinute
    this.burst = burst
    this.maxKeys = config.maxKeys ?? 10_000
  }

  /** Takes one token from `key`'s bucket if it has one. */
  take(key: string): RateDecision {
    const now = this.clock()
    const refillPerMs = this.perMinute / 60_000
    let bucket = this.buckets.get(key)
    if (bucket) {
      this.buckets.delete(key) // re-insert below: Map order = least recently used first
      bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.updatedAt) * refillPerMs)
      bucket.updatedAt = now
    } else {
      bucket = { tokens: this.burst, updatedAt: now }
    }
    this.buckets.set(key, bucket)
    if (this.buckets.size > this.maxKeys) {
      const oldest = this.buckets.keys().next().value
      if (oldest !== undefined) this.buckets.delete(oldest)
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return { allowed: true, remaining: Math.floor(bucket.tokens), limit: this.burst }
    }
    const waitMs = (1 - bucket.tokens) / refillPerMs
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)), limit: this.burst }
  }

  /**
   * Whether `key` has a token now, without taking it (nothing is stored for an unseen key): lets a
   * caller refuse early, before work that only some requests pay for (failed credentials).
   */
  peek(key: string): RateDecision {
    const bucket = this.buckets.get(key)
    const refillPerMs = this.perMinute / 60_000
    const tokens = bucket
      ? Math.min(this.burst, bucket.tokens + (this.clock() - bucket.updatedAt) * refillPerMs)
      : this.burst
    if (tokens >= 1) return { allowed: true, remaining: Math.floor(tokens), limit: this.burst }
    const waitMs = (1 - tokens) / refillPerMs
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)), limit: this.burst }
  }

  /** Forgets a key (e.g. when it is revoked). */
  forget(key: string): void {
    this.buckets.delete(key)
  }
}
