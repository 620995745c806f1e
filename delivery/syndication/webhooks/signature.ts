// Webhook signatures in the form Sanity's GROQ-powered webhooks use, so partners can verify pushes
// with `@sanity/webhook` (`isValidSignature(rawBody, header, secret)`) or a few lines of code:
//
//   header  sanity-webhook-signature: t=<unix ms>,v1=<base64url(HMAC-SHA256(secret, `${t}.${rawBody}`))>
//
// The timestamp is inside the signed text, so a captured request cannot be replayed later with a
// new timestamp; receivers should also reject timestamps too far from their clock (see verify).
import { createHmac } from 'node:crypto'
import { constantTimeEqual } from '../credentials.js'

export const SIGNATURE_HEADER = 'sanity-webhook-signature'

/** Earliest plausible timestamp (2021-01-01), as @sanity/webhook checks: catches seconds-vs-ms mix-ups. */
const MINIMUM_TIMESTAMP_MS = 1_609_459_200_000

export class SignatureError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SignatureError'
  }
}

function hmac(rawBody: string, timestampMs: number, secret: string): string {
  return createHmac('sha256', secret).update(`${timestampMs}.${rawBody}`, 'utf8').digest('base64url')
}

/** The signature header value for a raw body sent at `timestampMs`. */
export function signPayload(rawBody: string, secret: string, timestampMs: number = Date.now()): string {
  if (!secret) throw new SignatureError('cannot sign a webhook without a secret')
  if (!Number.isInteger(timestampMs) || timestampMs < MINIMUM_TIMESTAMP_MS) {
    throw new SignatureError(`signature timestamp must be Unix time in milliseconds, got ${timestampMs}`)
  }
  return `t=${timestampMs},v1=${hmac(rawBody, timestampMs, secret)}`
}

export interface VerifyOptions {
  /** Reject signatures older or newer than this many ms from `now` (default 5 minutes). */
  toleranceMs?: number
  now?: number
}

/**
 * Verifies a signature header against the raw body (exactly the bytes received, before any JSON
 * parsing). Returns false for a wrong signature or a stale timestamp; throws SignatureError for a
 * header that is not of the form `t=<ms>,v1=<signature>`.
 */
export function verifySignature(rawBody: string, header: string, secret: string, options: VerifyOptions = {}): boolean {
  const match = /^t=(\d+)[, ]+v1=([A-Za-z0-9_-]+)$/.exec(header.trim())
  if (!match)
    throw new SignatureError(
      `signature header must look like "t=<unix ms>,v1=<signature>", got ${JSON.stringify(header.slice(0, 60))}`,
    )
  const timestamp = Number(match[1])
  const tolerance = options.toleranceMs ?? 5 * 60_000
  const now = options.now ?? Date.now()
  if (Math.abs(now - timestamp) > tolerance) return false
  return constantTimeEqual(hmac(rawBody, timestamp, secret), match[2]!)
}
