// Hosted invalidation: a Sanity GROQ-powered webhook calls the delivery server on publish. Only
// calls signed with the shared secret are accepted (`@sanity/webhook` checks the HMAC over the raw
// body); a call whose timestamp is too old, or whose message id / signature was already seen, is a
// replay and refused, so a captured request cannot be used to flush the cache at will.
import { decodeSignatureHeader, isValidSignature, SIGNATURE_HEADER_NAME } from '@sanity/webhook'

export { SIGNATURE_HEADER_NAME }

/** Sanity sends each webhook message with an idempotency key; retries of one message share it. */
export const IDEMPOTENCY_HEADER_NAME = 'idempotency-key'

export type WebhookVerdict =
  | { accepted: true; messageId: string; timestamp: number }
  | { accepted: false; status: 400 | 401 | 409; title: string; detail: string }

export interface WebhookVerifierOptions {
  secret: string
  /** How far a signature's timestamp may be from now (default 5 minutes). */
  toleranceMs?: number
  /** How many message ids to remember for replay detection (default 10,000). */
  maxRemembered?: number
  now?: () => number
}

type Headers = Record<string, string | string[] | undefined>

function single(headers: Headers, name: string): string | undefined | 'multiple' {
  const value = headers[name]
  if (Array.isArray(value)) return value.length === 1 ? value[0] : 'multiple'
  return value
}

export class WebhookVerifier {
  readonly #secret: string
  readonly #toleranceMs: number
  readonly #maxRemembered: number
  readonly #now: () => number
  /** Message id -> when it was accepted (insertion ordered, oldest first). */
  readonly #seen = new Map<string, number>()

  constructor(options: WebhookVerifierOptions) {
    if (!options.secret || options.secret.length < 16) {
      throw new RangeError(
        'WebhookVerifier: the webhook secret must be at least 16 characters (set SANITY_WEBHOOK_SECRET)',
      )
    }
    this.#secret = options.secret
    this.#toleranceMs = options.toleranceMs ?? 5 * 60_000
    this.#maxRemembered = options.maxRemembered ?? 10_000
    this.#now = options.now ?? Date.now
  }

  /** Checks one call: `rawBody` exactly as received (never re-serialized JSON), lowercase header names. */
  async verify(rawBody: string, headers: Headers): Promise<WebhookVerdict> {
    const signature = single(headers, SIGNATURE_HEADER_NAME)
    if (signature === undefined || signature === '') {
      return {
        accepted: false,
        status: 401,
        title: 'Unsigned webhook call',
        detail: `The request has no ${SIGNATURE_HEADER_NAME} header. Configure the webhook in sanity.io/manage with the same secret as SANITY_WEBHOOK_SECRET.`,
      }
    }
    if (signature === 'multiple') {
      return {
        accepted: false,
        status: 400,
        title: 'Malformed webhook signature',
        detail: `Send exactly one ${SIGNATURE_HEADER_NAME} header.`,
      }
    }
    let timestamp: number
    try {
      timestamp = decodeSignatureHeader(signature).timestamp
    } catch {
      return {
        accepted: false,
        status: 400,
        title: 'Malformed webhook signature',
        detail: `The ${SIGNATURE_HEADER_NAME} header must look like "t=<unix ms>,v1=<base64url HMAC>".`,
      }
    }
    if (rawBody.length === 0) {
      return {
        accepted: false,
        status: 400,
        title: 'Empty webhook body',
        detail: 'A signed webhook call carries a JSON body.',
      }
    }
    let valid = false
    try {
      valid = await isValidSignature(rawBody, signature, this.#secret)
    } catch {
      valid = false
    }
    if (!valid) {
      return {
        accepted: false,
        status: 401,
        title: 'Invalid webhook signature',
        detail:
          'The signature does not match the body: the secret differs from SANITY_WEBHOOK_SECRET, or the body was changed on the way.',
      }
    }
    const skew = Math.abs(this.#now() - timestamp)
    if (skew > this.#toleranceMs) {
      return {
        accepted: false,
        status: 401,
        title: 'Expired webhook signature',
        detail: `The signature was made ${Math.round(skew / 1000)} s from now; at most ${Math.round(this.#toleranceMs / 1000)} s are accepted (replayed call or a clock that is off).`,
      }
    }
    this.#forgetExpired()
    const idempotencyKey = single(headers, IDEMPOTENCY_HEADER_NAME)
    const ids = [`sig:${signature}`]
    if (typeof idempotencyKey === 'string' && idempotencyKey !== 'multiple' && idempotencyKey !== '')
      ids.push(`key:${idempotencyKey}`)
    if (ids.some((id) => this.#seen.has(id))) {
      return {
        accepted: false,
        status: 409,
        title: 'Replayed webhook call',
        detail: 'This webhook message was already received and acted on.',
      }
    }
    const now = this.#now()
    for (const id of ids) this.#seen.set(id, now)
    while (this.#seen.size > this.#maxRemembered) {
      const oldest = this.#seen.keys().next().value
      if (oldest === undefined) break
      this.#seen.delete(oldest)
    }
    return { accepted: true, messageId: ids[ids.length - 1]!, timestamp }
  }

  /** Ids older than the tolerance window can go: their signatures would be refused as expired. */
  #forgetExpired(): void {
    const cutoff = this.#now() - 2 * this.#toleranceMs
    for (const [id, at] of this.#seen) {
      if (at >= cutoff) break
      this.#seen.delete(id)
    }
  }
}
