// The preview session: what a browser holds after the Studio's Presentation tool opened a page
// through `/api/draft-mode/enable` (routes/draft-mode). It is one HttpOnly cookie carrying the
// perspective to read and an expiry, signed with HMAC-SHA256: the delivery server keeps no session
// table, a restart with a random key ends every session, and a cookie a browser edits (another
// perspective, a later expiry) fails the signature and is ignored.
//
// The cookie grants reading drafts with the server's own token, so it is short-lived, never
// readable by scripts (HttpOnly) and only sent by same-site requests (SameSite=Lax: the Studio on
// 127.0.0.1 framing delivery on 127.0.0.1 is same-site, another site's iframe is not).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** The cookie's name (the draft-isolation test checks it never appears in a public answer). */
export const PREVIEW_COOKIE = 'clinic_preview'

/** How long a session lasts: as long as the Studio's secret lives (SECRET_TTL, one hour). */
export const PREVIEW_SESSION_SECONDS = 3600

export interface PreviewSession {
  /** The perspective stack read in this session, e.g. ['drafts'] or ['spring', 'drafts']. */
  perspective: string[]
  /** Expiry, seconds since the epoch. */
  expires: number
  /** Origin of the Studio that created the secret (where overlays link to), if it gave one. */
  studioOrigin?: string
}

/** Signs and checks preview cookies with one key. */
export class PreviewSessions {
  private readonly key: Buffer

  /** `secret`: a configured key (DELIVERY_PREVIEW_SECRET), so sessions survive restarts; default random. */
  constructor(
    secret?: string,
    private readonly now: () => number = Date.now,
  ) {
    this.key = secret ? Buffer.from(secret, 'utf8') : randomBytes(32)
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url')
  }

  /** The cookie value of a new session. */
  issue(session: Omit<PreviewSession, 'expires'>, seconds = PREVIEW_SESSION_SECONDS): string {
    const body: PreviewSession = { ...session, expires: Math.floor(this.now() / 1000) + seconds }
    const payload = Buffer.from(JSON.stringify(body), 'utf8').toString('base64url')
    return `${payload}.${this.sign(payload)}`
  }

  /** The session of a cookie value, or null when it is malformed, forged or expired. */
  verify(value: string): PreviewSession | null {
    const match = /^([A-Za-z0-9_-]{1,2000})\.([A-Za-z0-9_-]{43})$/.exec(value)
    if (!match) return null
    const [, payload, signature] = match as unknown as [string, string, string]
    const expected = Buffer.from(this.sign(payload), 'utf8')
    const given = Buffer.from(signature, 'utf8')
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null
    let body: unknown
    try {
      body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    } catch {
      return null
    }
    if (typeof body !== 'object' || body === null) return null
    const { perspective, expires, studioOrigin } = body as Record<string, unknown>
    if (!Array.isArray(perspective) || perspective.length === 0) return null
    if (!perspective.every((name): name is string => typeof name === 'string')) return null
    if (typeof expires !== 'number' || expires * 1000 <= this.now()) return null
    return {
      perspective,
      expires,
      ...(typeof studioOrigin === 'string' ? { studioOrigin } : {}),
    }
  }
}

/** The value of cookie `name` in a Cookie header, or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const at = part.indexOf('=')
    if (at < 0) continue
    if (part.slice(0, at).trim() === name) return part.slice(at + 1).trim()
  }
  return undefined
}

/** Whether a request carries a preview cookie at all (cheap: the cache-hit fast path asks). */
export function hasPreviewCookie(header: string | undefined): boolean {
  return header?.includes(`${PREVIEW_COOKIE}=`) === true
}

/** The Set-Cookie value that stores a session (`secure` for HTTPS deployments). */
export function sessionCookie(value: string, secure: boolean): string {
  return `${PREVIEW_COOKIE}=${value}; Path=/; Max-Age=${PREVIEW_SESSION_SECONDS}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`
}

/** The Set-Cookie value that ends a session. */
export function clearedSessionCookie(secure: boolean): string {
  return `${PREVIEW_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`
}

/**
 * The same-origin location a `sanity-preview-pathname` asks for (path, query, hash), or null for
 * anything that could leave this site: an absolute URL, a scheme-relative `//host`, backslashes
 * (browsers read `/\host` as `//host`), control characters, or a path that does not start with `/`.
 * The Studio's own `sanity-preview-*` parameters are dropped: the session carries them.
 */
export function sameOriginPath(value: string): string | null {
  if (value.length > 2000 || !value.startsWith('/') || value.startsWith('//')) return null
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return null
  let url: URL
  try {
    url = new URL(value, 'http://delivery.invalid')
  } catch {
    return null
  }
  if (url.origin !== 'http://delivery.invalid') return null
  for (const name of [...url.searchParams.keys()]) if (name.startsWith('sanity-preview-')) url.searchParams.delete(name)
  return `${url.pathname}${url.search}${url.hash}`
}
