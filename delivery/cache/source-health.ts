// Whether the content source (local lake or hosted Content Lake) is answering, as seen from the
// requests delivery makes and from the listen stream. /health reports it; when the source comes
// back after an outage, `onRecovered` callbacks run (the cache is invalidated then, since publishes
// during the outage may have been missed).

export type ListenerState = 'not-used' | 'connecting' | 'connected' | 'reconnecting'

export interface SourceHealthReport {
  status: 'ok' | 'degraded'
  reachable: boolean
  listener: ListenerState
  lastSuccessAt: string | null
  lastFailureAt: string | null
  lastError: string | null
}

/**
 * True for errors that mean "the source cannot be reached or is failing": network errors and
 * timeouts of a request (`@sanity/client` rejects with the request and a code such as
 * ECONNREFUSED or ESOCKETTIMEDOUT), 5xx, 408 and 429 answers. False for answers about the request
 * itself (a 4xx query error) and for errors of our own code, so a bug is never mistaken for an
 * outage.
 */
export function isSourceUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const status = (error as { statusCode?: unknown }).statusCode
  if (typeof status === 'number') return status >= 500 || status === 429 || status === 408
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' && 'request' in error
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code
    return typeof code === 'string' && !error.message.includes(code) ? `${code}: ${error.message}` : error.message
  }
  return String(error)
}

export class SourceHealth {
  #reachable = true
  #listener: ListenerState = 'not-used'
  #lastSuccessAt: number | null = null
  #lastFailureAt: number | null = null
  #lastError: string | null = null
  readonly #recovered: Array<() => void> = []
  readonly #now: () => number

  constructor(now: () => number = Date.now) {
    this.#now = now
  }

  get reachable(): boolean {
    return this.#reachable
  }

  onRecovered(callback: () => void): void {
    this.#recovered.push(callback)
  }

  recordSuccess(): void {
    this.#lastSuccessAt = this.#now()
    if (!this.#reachable) {
      this.#reachable = true
      for (const callback of this.#recovered) callback()
    }
  }

  recordFailure(error: unknown): void {
    this.#lastFailureAt = this.#now()
    this.#lastError = describe(error)
    this.#reachable = false
  }

  setListener(state: ListenerState): void {
    this.#listener = state
  }

  report(): SourceHealthReport {
    const listenerDown = this.#listener === 'reconnecting'
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())
    return {
      status: this.#reachable && !listenerDown ? 'ok' : 'degraded',
      reachable: this.#reachable,
      listener: this.#listener,
      lastSuccessAt: iso(this.#lastSuccessAt),
      lastFailureAt: iso(this.#lastFailureAt),
      lastError: this.#lastError,
    }
  }
}
