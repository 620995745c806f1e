// Backpressure between delivery and its content source. Delivery is ONE caller of the Content Lake
// for all of its readers: the local lake gives an anonymous caller a small queue of slow queries
// (LAKE_QUERY_MAX_QUEUED, then 429 `tooManyQueries`), and hosted Sanity rate-limits per caller with
// 429 too. A burst of readers asking for pages not cached yet must not overrun that budget and turn
// into reader-facing 503s, so:
//
// - a gate bounds how many queries delivery has at the source at once (DELIVERY_SOURCE_CONCURRENCY,
//   default the lake's anonymous queue); further queries wait their turn in order, at most
//   `maxWaitMs`, so a source that hangs still fails quickly (served stale or 503, as documented);
// - a 429 that slips through (another caller on the same address, a hosted rate limit, a lake with a
//   smaller queue) is retried after its Retry-After, or a short growing backoff, within a bounded
//   total wait; past it the 429 stands and is handled as the source being unavailable.
//
// Identical reads are already coalesced one level up (delivery/http/respond.ts: one fetch per cache
// key), so the gate only sees distinct work.

/** The default number of queries delivery has at the content source at once. */
export const DEFAULT_SOURCE_CONCURRENCY = 4

/** How long a query may wait for its turn at the gate (the delivery client's own request timeout). */
export const DEFAULT_SOURCE_QUEUE_WAIT_MS = 5_000

/** The most time spent waiting to retry 429 answers of one query. */
export const DEFAULT_SOURCE_RETRY_BUDGET_MS = 2_000

/**
 * A query waited longer than the gate allows for its turn: the source is too slow for the load.
 * A 503 like the source's own overload answer, so it is handled as the source being unavailable
 * (a cached copy is served stale; a never-cached resource gets the 503 problem).
 */
export class SourceBusyError extends Error {
  readonly statusCode = 503
  constructor(waitedMs: number, limit: number) {
    super(
      `the content source is answering too slowly for the load: a query waited ${waitedMs} ms for one of the ${limit} concurrent source requests (DELIVERY_SOURCE_CONCURRENCY) and gave up`,
    )
    this.name = 'SourceBusyError'
  }
}

interface Waiter {
  grant: () => void
}

export interface SourceGateOptions {
  /** Queries at the source at once (default DEFAULT_SOURCE_CONCURRENCY). */
  concurrency?: number
  /** Longest wait for a turn (default DEFAULT_SOURCE_QUEUE_WAIT_MS). */
  maxWaitMs?: number
  /** Longest total wait before retrying 429s of one query (default DEFAULT_SOURCE_RETRY_BUDGET_MS). */
  retryBudgetMs?: number
}

/** A first-in first-out limit on concurrent source requests, with 429 retries inside a turn. */
export class SourceGate {
  readonly concurrency: number
  readonly maxWaitMs: number
  readonly retryBudgetMs: number
  #active = 0
  readonly #waiting: Waiter[] = []
  #retried = 0

  constructor(options: SourceGateOptions = {}) {
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_SOURCE_CONCURRENCY))
    this.maxWaitMs = options.maxWaitMs ?? DEFAULT_SOURCE_QUEUE_WAIT_MS
    this.retryBudgetMs = options.retryBudgetMs ?? DEFAULT_SOURCE_RETRY_BUDGET_MS
  }

  /** Queries at the source now, and queries waiting for a turn. */
  get load(): { active: number; waiting: number; retried: number } {
    return { active: this.#active, waiting: this.#waiting.length, retried: this.#retried }
  }

  /**
   * Runs `request` in a turn. The turn is held while a 429 is waited out: the source asked this
   * caller to slow down, so its other queries should not take the freed place meanwhile.
   */
  async run<T>(request: () => Promise<T>): Promise<T> {
    await this.#acquire()
    try {
      return await retryTooMany(request, this.retryBudgetMs, () => {
        this.#retried++
      })
    } finally {
      this.#release()
    }
  }

  #acquire(): Promise<void> {
    if (this.#active < this.concurrency) {
      this.#active++
      return Promise.resolve()
    }
    const started = Date.now()
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(timer)
          resolve()
        },
      }
      const timer = setTimeout(() => {
        const at = this.#waiting.indexOf(waiter)
        if (at >= 0) this.#waiting.splice(at, 1)
        reject(new SourceBusyError(Date.now() - started, this.concurrency))
      }, this.maxWaitMs)
      timer.unref()
      this.#waiting.push(waiter)
    })
  }

  #release(): void {
    // The turn passes straight to the next waiter, so `#active` stays at the limit.
    const next = this.#waiting.shift()
    if (next) next.grant()
    else this.#active--
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const status = (error as { statusCode?: unknown }).statusCode
  return typeof status === 'number' ? status : undefined
}

/** The Retry-After of a `@sanity/client` error's response in ms (seconds or an HTTP date), if any. */
export function retryAfterMs(error: unknown, now: number = Date.now()): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const headers = (error as { response?: { headers?: unknown } }).response?.headers
  if (typeof headers !== 'object' || headers === null) return undefined
  const raw = (headers as Record<string, unknown>)['retry-after']
  const value = Array.isArray(raw) ? raw[0] : raw
  if (typeof value !== 'string' || value.trim() === '') return undefined
  const text = value.trim()
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/**
 * Runs `request`; a 429 answer is retried after its Retry-After (or 100, 200, 400... ms with
 * jitter when it gives none) while the total wait stays within `budgetMs`. A 429 whose wait would
 * pass the budget is thrown at once rather than waited for in vain.
 */
export async function retryTooMany<T>(
  request: () => Promise<T>,
  budgetMs: number,
  onRetry: () => void = () => {},
): Promise<T> {
  let waited = 0
  let backoff = 100
  for (;;) {
    try {
      return await request()
    } catch (error) {
      if (statusOf(error) !== 429) throw error
      const asked = retryAfterMs(error)
      const wait = asked ?? backoff + Math.floor(Math.random() * (backoff / 2))
      if (waited + wait > budgetMs) throw error
      backoff = Math.min(backoff * 2, 1_000)
      waited += wait
      onRetry()
      await sleep(wait)
    }
  }
}
