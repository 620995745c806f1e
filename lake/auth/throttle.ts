/**
 * Sign-in throttling: failed password attempts are counted per account (the email, known or not)
 * and per client address over a sliding window. Past either limit the login answers 429 with
 * `Retry-After` (seconds until the oldest counted failure leaves the window) and does not hash
 * the password at all, so guessing costs the lake nothing more.
 *
 * An attempt counts from the moment it starts (before the hash), so a burst of concurrent
 * attempts cannot all slip in before the first failure is recorded; a successful sign-in takes
 * its own attempt back and clears the account's failures.
 *
 * The per-account limit lets anyone hold up one editor's sign-in for a window by guessing wrong
 * on purpose; the window is short and tokens (`npm run lake -- create-token`) keep working, which
 * is the usual trade against unlimited guessing.
 */

export interface LoginThrottleLimits {
  /** Failed attempts one account (email) may have in the window (`LAKE_LOGIN_MAX_FAILURES_ACCOUNT`). */
  maxFailuresPerAccount: number
  /** Failed attempts one client address may have in the window (`LAKE_LOGIN_MAX_FAILURES_ADDRESS`). */
  maxFailuresPerAddress: number
  /** Length of the sliding window in seconds (`LAKE_LOGIN_WINDOW_SECONDS`). */
  windowSeconds: number
}

export const DEFAULT_LOGIN_LIMITS: LoginThrottleLimits = {
  maxFailuresPerAccount: 10,
  maxFailuresPerAddress: 30,
  windowSeconds: 900,
}

export interface ThrottleRefusal {
  /** Which limit was reached. */
  scope: 'account' | 'address'
  limit: number
  retryAfterSeconds: number
}

/** A started attempt: report its outcome with `succeeded()`; otherwise it stays counted as a failure. */
export interface LoginAttempt {
  succeeded(): void
}

/** Keys kept before expired ones are swept (each key holds at most its limit of timestamps). */
const SWEEP_AT = 1_000

export class LoginThrottle {
  readonly limits: LoginThrottleLimits
  private readonly failures = new Map<string, number[]>()
  private readonly now: () => number

  constructor(limits: Partial<LoginThrottleLimits> = {}, now: () => number = Date.now) {
    this.limits = { ...DEFAULT_LOGIN_LIMITS, ...limits }
    for (const [name, value] of Object.entries(this.limits)) {
      if (!Number.isInteger(value) || value < 1)
        throw new Error(`login throttle: ${name}=${value} must be an integer >= 1`)
    }
    this.now = now
  }

  /**
   * Starts an attempt for `email` from `address`: a refusal (nothing counted, do not check the
   * password) or the attempt, counted as a failure until `succeeded()`.
   */
  begin(email: string, address: string): ThrottleRefusal | LoginAttempt {
    const now = this.now()
    const accountKey = `account:${email.trim().toLowerCase()}`
    const addressKey = `address:${address}`
    const refusal =
      this.refusal(addressKey, 'address', this.limits.maxFailuresPerAddress, now) ??
      this.refusal(accountKey, 'account', this.limits.maxFailuresPerAccount, now)
    if (refusal) return refusal
    if (this.failures.size >= SWEEP_AT) this.sweep(now)
    this.record(accountKey, now)
    this.record(addressKey, now)
    return {
      succeeded: () => {
        this.failures.delete(accountKey)
        this.forget(addressKey, now)
      },
    }
  }

  private live(key: string, now: number): number[] {
    const cutoff = now - this.limits.windowSeconds * 1000
    const stamps = (this.failures.get(key) ?? []).filter((t) => t > cutoff)
    if (stamps.length) this.failures.set(key, stamps)
    else this.failures.delete(key)
    return stamps
  }

  private refusal(key: string, scope: 'account' | 'address', limit: number, now: number): ThrottleRefusal | undefined {
    const stamps = this.live(key, now)
    if (stamps.length < limit) return undefined
    const oldest = stamps[stamps.length - limit]
    const retryAfterSeconds = Math.max(1, Math.ceil((oldest + this.limits.windowSeconds * 1000 - now) / 1000))
    return { scope, limit, retryAfterSeconds }
  }

  private record(key: string, now: number): void {
    const stamps = this.failures.get(key) ?? []
    stamps.push(now)
    this.failures.set(key, stamps)
  }

  private forget(key: string, stamp: number): void {
    const stamps = this.failures.get(key)
    if (!stamps) return
    const at = stamps.lastIndexOf(stamp)
    if (at >= 0) stamps.splice(at, 1)
    if (!stamps.length) this.failures.delete(key)
  }

  private sweep(now: number): void {
    for (const key of [...this.failures.keys()]) this.live(key, now)
  }
}

export function isRefusal(result: ThrottleRefusal | LoginAttempt): result is ThrottleRefusal {
  return 'retryAfterSeconds' in result
}
