// The webhook dispatcher: sends queued events (syndication.webhookDelivery documents written by the
// reconciler) to partners, signed, with retries and backoff, and records every attempt in the
// delivery document: that is the delivery log the clinic reads (`npm run partner -- deliveries`).
//
// - At-least-once, in order per partner: only the oldest undelivered event of a partner is tried;
//   later ones wait, so a partner never sees "updated" after a newer "removed". Receivers de-duplicate
//   on the event `id` (also sent as the `webhook-id` header).
// - Claims are leases guarded by the document revision, so several dispatchers (server instances)
//   never send the same attempt twice; a crashed sender's lease expires and the event is retried.
// - Never blocks publishing: it runs on its own timer, outside any request or lake write.
import type { SanityClient } from '@sanity/client'
import { DOC_TYPES, isRecord, optString } from '../documents.js'
import { PARTNER_FIELDS, PUBLISHED_PARTNER_FILTER, toPartner, type PartnerRecord } from '../partners.js'
import { SIGNATURE_HEADER, signPayload } from './signature.js'

export interface BackoffPolicy {
  /** Delay after the first failure; doubles after each further failure. */
  baseMs: number
  /** Longest delay between attempts. */
  maxMs: number
  /** Attempts before an event is marked failed. */
  maxAttempts: number
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 30_000, maxMs: 6 * 3600_000, maxAttempts: 10 }

export interface DispatcherOptions {
  backoff?: Partial<BackoffPolicy>
  /** Per-attempt timeout (default 10 s). */
  timeoutMs?: number
  /** How long a claimed event is reserved for its sender (default 60 s). */
  leaseMs?: number
  /** Poll interval when idle (default 5 s). */
  intervalMs?: number
  /** Allow plain http: webhook URLs to hosts other than loopback (default false). */
  allowInsecureUrls?: boolean
  /** Most partners served at once (default 4). */
  concurrency?: number
  clock?: () => number
  onError?: (error: unknown) => void
  /** Randomness for backoff jitter (0..1); tests pass () => 0. */
  random?: () => number
}

export type DeliveryStatus = 'pending' | 'sending' | 'delivered' | 'failed' | 'cancelled'

export interface DeliveryAttempt {
  at: string
  durationMs: number
  /** HTTP status of the response, when there was one. */
  httpStatus: number | null
  error: string | null
}

export interface DeliveryRecord {
  id: string
  partnerId: string
  eventId: string
  eventType: string
  seq: number
  status: DeliveryStatus
  attemptCount: number
  attempts: DeliveryAttempt[]
  createdAt: string
  nextAttemptAt: string | null
  deliveredAt: string | null
  note: string | null
}

export function toDeliveryRecord(value: unknown): DeliveryRecord | null {
  if (!isRecord(value) || typeof value._id !== 'string' || typeof value.partnerId !== 'string') return null
  const attempts = Array.isArray(value.attempts)
    ? value.attempts.filter(isRecord).map((a) => ({
        at: String(a.at ?? ''),
        durationMs: typeof a.durationMs === 'number' ? a.durationMs : 0,
        httpStatus: typeof a.httpStatus === 'number' ? a.httpStatus : null,
        error: optString(a.error),
      }))
    : []
  const status = ['pending', 'sending', 'delivered', 'failed', 'cancelled'].includes(String(value.status))
    ? (value.status as DeliveryStatus)
    : 'failed'
  return {
    id: value._id,
    partnerId: value.partnerId,
    eventId: String(value.eventId ?? ''),
    eventType: String(value.eventType ?? ''),
    seq: typeof value.seq === 'number' ? value.seq : 0,
    status,
    attemptCount: typeof value.attemptCount === 'number' ? value.attemptCount : 0,
    attempts,
    createdAt: String(value.createdAt ?? ''),
    nextAttemptAt: optString(value.nextAttemptAt),
    deliveredAt: optString(value.deliveredAt),
    note: optString(value.note),
  }
}

/** The delivery log of one partner (or all), newest first. */
export async function listDeliveries(
  client: SanityClient,
  options: { partnerId?: string; limit?: number } = {},
): Promise<DeliveryRecord[]> {
  const found: unknown = await client.fetch(
    `*[_type == $type && ($partnerId == null || partnerId == $partnerId)] | order(createdAt desc, seq desc) [0...$limit]`,
    { type: DOC_TYPES.delivery, partnerId: options.partnerId ?? null, limit: options.limit ?? 50 },
    { perspective: 'raw', useCdn: false, tag: 'syndication.deliveries' },
  )
  return Array.isArray(found) ? found.map(toDeliveryRecord).filter((d): d is DeliveryRecord => d !== null) : []
}

/** Delay before attempt `failures + 1`, after `failures` failed attempts (exponential, capped, with up to 20 % jitter). */
export function backoffDelay(failures: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, failures - 1))
  return Math.round(exponential * (1 + 0.2 * random()))
}

/** Why a webhook URL may not be used, or null when it may. */
export function webhookUrlProblem(url: string, allowInsecure: boolean): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return `webhook URL ${JSON.stringify(url)} is not an absolute URL`
  }
  if (parsed.username || parsed.password) return 'webhook URL must not contain credentials'
  if (parsed.protocol === 'https:') return null
  if (parsed.protocol === 'http:') {
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname)
    return loopback || allowInsecure ? null : `webhook URL must use https (got ${parsed.protocol}//${parsed.host})`
  }
  return `webhook URL must use https, not ${parsed.protocol}`
}

interface QueuedDelivery {
  id: string
  rev: string
  partnerId: string
  eventId: string
  body: string
  status: string
  attemptCount: number
  attempts: unknown[]
  nextAttemptAt: number
  leaseUntil: number
  seq: number
}

function toQueued(value: unknown): QueuedDelivery | null {
  if (
    !isRecord(value) ||
    typeof value._id !== 'string' ||
    typeof value._rev !== 'string' ||
    typeof value.partnerId !== 'string' ||
    typeof value.body !== 'string'
  )
    return null
  return {
    id: value._id,
    rev: value._rev,
    partnerId: value.partnerId,
    eventId: String(value.eventId ?? ''),
    body: value.body,
    status: String(value.status),
    attemptCount: typeof value.attemptCount === 'number' ? value.attemptCount : 0,
    attempts: Array.isArray(value.attempts) ? value.attempts : [],
    nextAttemptAt: Date.parse(String(value.nextAttemptAt ?? '')) || 0,
    leaseUntil: Date.parse(String(value.leaseUntil ?? '')) || 0,
    seq: typeof value.seq === 'number' ? value.seq : 0,
  }
}

const QUEUE_QUERY = /* groq */ `{
  "queue": *[_type == $type && status in ["pending", "sending"]] | order(seq asc){_id, _rev, partnerId, eventId, body, status, attemptCount, attempts, nextAttemptAt, leaseUntil, seq},
  "partners": *[${PUBLISHED_PARTNER_FILTER}]${PARTNER_FIELDS},
  "secrets": *[_type == $secretType]{partnerId, secret}
}`

/** Keep the log readable: the last attempts of an event. */
const MAX_LOGGED_ATTEMPTS = 20

export interface PassResult {
  attempted: number
  delivered: number
  failed: number
}

export class WebhookDispatcher {
  private readonly backoff: BackoffPolicy
  private readonly clock: () => number
  private timer: NodeJS.Timeout | null = null
  private running: Promise<PassResult> | null = null
  private rerun = false
  private stopped = true

  constructor(
    private readonly client: SanityClient,
    private readonly options: DispatcherOptions = {},
  ) {
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff }
    this.clock = options.clock ?? Date.now
  }

  /** Starts polling; `wake()` runs a pass right away (after the reconciler queued events). */
  start(): void {
    this.stopped = false
    this.schedule(0)
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.running?.catch(() => undefined)
  }

  wake(): void {
    if (this.stopped) return
    if (this.running) this.rerun = true
    else this.schedule(0)
  }

  private schedule(ms: number): void {
    if (this.stopped) return
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => void this.tick(), ms)
    this.timer.unref()
  }

  private async tick(): Promise<void> {
    this.timer = null
    let result: PassResult = { attempted: 0, delivered: 0, failed: 0 }
    try {
      result = await this.runOnce()
    } catch (error) {
      this.options.onError?.(error)
    }
    const again = this.rerun || result.delivered > 0
    this.rerun = false
    this.schedule(again ? 0 : (this.options.intervalMs ?? 5_000))
  }

  /** One pass: tries the oldest due event of every partner once. Passes never overlap. */
  runOnce(): Promise<PassResult> {
    if (this.running) return this.running
    this.running = this.pass().finally(() => {
      this.running = null
    })
    return this.running
  }

  private async pass(): Promise<PassResult> {
    const now = this.clock()
    const snapshot: unknown = await this.client.fetch(
      QUEUE_QUERY,
      { type: DOC_TYPES.delivery, secretType: DOC_TYPES.webhookSecret },
      { perspective: 'raw', useCdn: false, tag: 'syndication.webhooks.queue' },
    )
    if (!isRecord(snapshot)) return { attempted: 0, delivered: 0, failed: 0 }
    const partners = new Map<string, PartnerRecord>()
    for (const p of Array.isArray(snapshot.partners) ? snapshot.partners : []) {
      const partner = toPartner(p)
      if (partner) partners.set(partner.id, partner)
    }
    const secrets = new Map<string, string>()
    for (const s of Array.isArray(snapshot.secrets) ? snapshot.secrets : []) {
      if (isRecord(s) && typeof s.partnerId === 'string' && typeof s.secret === 'string')
        secrets.set(s.partnerId, s.secret)
    }
    const heads = new Map<string, QueuedDelivery>()
    for (const raw of Array.isArray(snapshot.queue) ? snapshot.queue : []) {
      const q = toQueued(raw)
      if (q && !heads.has(q.partnerId)) heads.set(q.partnerId, q)
    }
    const due = [...heads.values()].filter((q) =>
      q.status === 'pending' ? q.nextAttemptAt <= now : q.leaseUntil <= now,
    )
    const result: PassResult = { attempted: 0, delivered: 0, failed: 0 }
    const concurrency = Math.max(1, this.options.concurrency ?? 4)
    for (let i = 0; i < due.length; i += concurrency) {
      await Promise.all(
        due.slice(i, i + concurrency).map(async (q) => {
          try {
            const outcome = await this.deliver(q, partners.get(q.partnerId) ?? null, secrets.get(q.partnerId) ?? null)
            if (outcome === 'skipped') return
            result.attempted++
            if (outcome === 'delivered') result.delivered++
            else if (outcome === 'failed') result.failed++
          } catch (error) {
            this.options.onError?.(error)
          }
        }),
      )
    }
    return result
  }

  private async deliver(
    q: QueuedDelivery,
    partner: PartnerRecord | null,
    secret: string | null,
  ): Promise<'delivered' | 'retrying' | 'failed' | 'cancelled' | 'skipped'> {
    const now = this.clock()
    // Claim: a lease, conditional on the revision we read.
    let claimedRev: string
    try {
      const claimed = await this.client
        .patch(q.id)
        .set({ status: 'sending', leaseUntil: new Date(now + (this.options.leaseMs ?? 60_000)).toISOString() })
        .ifRevisionId(q.rev)
        .commit({ tag: 'syndication.webhooks.claim' })
      claimedRev = claimed._rev
    } catch (error) {
      if (isRecord(error) && (error.statusCode === 409 || error.statusCode === 412)) return 'skipped'
      throw error
    }
    const finish = async (fields: Record<string, unknown>): Promise<void> => {
      try {
        await this.client
          .patch(q.id)
          .set(fields)
          .unset(['leaseUntil'])
          .ifRevisionId(claimedRev)
          .commit({ tag: 'syndication.webhooks.record' })
      } catch (error) {
        // Lost the lease (we were too slow and another dispatcher took over): its record wins.
        if (!(isRecord(error) && (error.statusCode === 409 || error.statusCode === 412))) throw error
      }
    }
    if (partner?.status !== 'active' || !partner.webhookUrl) {
      const why = !partner
        ? 'partner no longer exists'
        : partner.status !== 'active'
          ? 'partner is suspended'
          : 'partner has no webhook URL any more'
      await finish({ status: 'cancelled', note: why, nextAttemptAt: null })
      return 'cancelled'
    }
    const urlProblem = webhookUrlProblem(partner.webhookUrl, this.options.allowInsecureUrls ?? false)
    if (urlProblem) {
      await finish({ status: 'cancelled', note: `${urlProblem}; fix the partner's webhook URL in the Studio` })
      return 'cancelled'
    }
    const started = this.clock()
    let httpStatus: number | null = null
    let error: string | null = null
    if (!secret) {
      error = 'no webhook secret for this partner: run `npm run partner -- rotate-webhook-secret <partner>`'
    } else {
      try {
        const response = await fetch(partner.webhookUrl, {
          method: 'POST',
          redirect: 'manual',
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'user-agent': 'clinic-content-syndication/1',
            'webhook-id': q.eventId,
            [SIGNATURE_HEADER]: signPayload(q.body, secret, this.clock()),
          },
          body: q.body,
        })
        httpStatus = response.status
        await response.arrayBuffer().catch(() => undefined)
        if (response.status < 200 || response.status >= 300) error = `receiver answered HTTP ${response.status}`
      } catch (e) {
        error =
          e instanceof Error
            ? e.name === 'TimeoutError'
              ? `no answer within ${this.options.timeoutMs ?? 10_000} ms`
              : e.message
            : String(e)
      }
    }
    const attemptCount = q.attemptCount + 1
    const attempt = {
      _key: `a${attemptCount}`,
      at: new Date(started).toISOString(),
      durationMs: this.clock() - started,
      httpStatus,
      error,
    }
    const attempts = [...q.attempts, attempt].slice(-MAX_LOGGED_ATTEMPTS)
    if (error === null) {
      await finish({
        status: 'delivered',
        attemptCount,
        attempts,
        deliveredAt: new Date(this.clock()).toISOString(),
        nextAttemptAt: null,
      })
      return 'delivered'
    }
    if (attemptCount >= this.backoff.maxAttempts) {
      await finish({
        status: 'failed',
        attemptCount,
        attempts,
        nextAttemptAt: null,
        note: `gave up after ${attemptCount} attempts`,
      })
      return 'failed'
    }
    const next = this.clock() + backoffDelay(attemptCount, this.backoff, this.options.random)
    await finish({ status: 'pending', attemptCount, attempts, nextAttemptAt: new Date(next).toISOString() })
    return 'retrying'
  }
}
