// Partner credentials: API keys, feed tokens and webhook signing secrets.
//
// An API key looks like `dptk_<keyId>_<secret>`: `keyId` is 16 hex digits and public (it names the
// key in logs, the CLI and the lake document `syndication.key.<keyId>`); `secret` is 32 random bytes
// in base64url. Only a SHA-256 hash of the whole key is stored. A slow password hash (scrypt,
// argon2) is not needed here: the secret has 256 bits of entropy, so the hash cannot be brute-forced,
// and a fast hash keeps per-request verification cheap. Hashes are compared in constant time.
//
// A feed token (`dptf_<tokenId>_<secret>`) has the same shape. It goes in feed URLs, because feed
// readers cannot send headers; it only grants reading that partner's feeds. It is stored as issued
// (in a private lake document) because WebSub pings must name the partner's feed URL.
//
// A webhook secret (`whsec_<base64url>`) is the HMAC key partners verify pushes with; the platform
// needs it in clear to sign, so it too lives in a private document.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

export const API_KEY_PREFIX = 'dptk'
export const FEED_TOKEN_PREFIX = 'dptf'
export const WEBHOOK_SECRET_PREFIX = 'whsec'

const CREDENTIAL_PATTERN = /^(dptk|dptf)_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/

export type CredentialKind = 'apiKey' | 'feedToken'

export interface IssuedCredential {
  kind: CredentialKind
  /** Public identifier (16 hex digits). */
  id: string
  /** The full credential, to show once. */
  value: string
  /** `sha256:<hex>` of the full credential: what is stored for API keys. */
  hash: string
}

export interface ParsedCredential {
  kind: CredentialKind
  id: string
  value: string
}

function prefixOf(kind: CredentialKind): string {
  return kind === 'apiKey' ? API_KEY_PREFIX : FEED_TOKEN_PREFIX
}

/** Hash as stored: `sha256:<hex>`. */
export function hashCredential(value: string): string {
  return `sha256:${createHash('sha256').update(value, 'utf8').digest('hex')}`
}

/** Issues a fresh API key or feed token. */
export function issueCredential(kind: CredentialKind): IssuedCredential {
  const id = randomBytes(8).toString('hex')
  const secret = randomBytes(32).toString('base64url')
  const value = `${prefixOf(kind)}_${id}_${secret}`
  return { kind, id, value, hash: hashCredential(value) }
}

/** A fresh webhook signing secret. */
export function issueWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}_${randomBytes(32).toString('base64url')}`
}

/**
 * Parses a presented credential; `undefined` when it is not of the expected kind and shape (the
 * caller answers 401 without saying more: a malformed key is just an unknown key).
 */
export function parseCredential(value: string | undefined | null, kind: CredentialKind): ParsedCredential | undefined {
  if (typeof value !== 'string') return undefined
  const match = CREDENTIAL_PATTERN.exec(value.trim())
  if (!match || match[1] !== prefixOf(kind)) return undefined
  return { kind, id: match[2]!, value: match[0] }
}

/** Constant-time comparison of two strings (false when their lengths differ). */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8')
  const right = Buffer.from(b, 'utf8')
  if (left.length !== right.length) {
    // Still spend the time of a comparison so length is the only thing that leaks.
    timingSafeEqual(left, left)
    return false
  }
  return timingSafeEqual(left, right)
}

/** Whether a presented credential matches a stored `sha256:<hex>` hash (constant time). */
export function credentialMatchesHash(value: string, storedHash: string): boolean {
  return constantTimeEqual(hashCredential(value), storedHash)
}

/**
 * Reads an API key from request headers: `Authorization: Bearer <key>` or `X-Api-Key: <key>`.
 * Returns the raw string (unparsed) or undefined.
 */
export function apiKeyFromHeaders(headers: Record<string, string | string[] | undefined>): string | undefined {
  const single = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v)
  const auth = single(headers['authorization'])
  if (auth) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth)
    if (match) return match[1]
  }
  return single(headers['x-api-key'])?.trim() || undefined
}
