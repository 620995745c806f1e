// The security headers of every HTML response, in one place. The delivery server's onSend hook
// (server.ts), the cache-hit fast path (fast-path.ts) and the syndication plugin all apply
// `securityHeadersFor`, so a route moved to another file or plugin keeps them.
//
// Pages and the docs page need no script at all (JSON-LD data blocks are not executed), so their
// Content-Security-Policy allows none; it is sent as a header because only a header can set
// `frame-ancestors` (a `<meta>` CSP ignores it): no other site may frame the clinic's pages
// (clickjacking). The embed page is the one HTML meant to be framed: its snippet is public, carries no
// credential and may be pasted on any site (docs/syndication.md), so it may be framed by any origin.
import type { FastifyReply, FastifyRequest } from 'fastify'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This route's HTML is meant to be shown in other sites' iframes (the syndication embed page). */
    embeddable?: boolean
  }
}

/**
 * Whether an HTML response may be framed by other sites. `preview`: a page of a preview session,
 * framed by the Studio's Presentation tool and running its overlay script (same origin only).
 */
export type FramePolicy = 'page' | 'embed' | 'preview'

/** Replies of preview sessions (marked by preview.ts): their pages get the preview CSP. */
const previewReplies = new WeakSet<FastifyReply>()

/** Marks a reply as a preview session's: its HTML may run the same-origin overlay script. */
export function markPreviewReply(reply: FastifyReply): void {
  previewReplies.add(reply)
}

const BASE_POLICY = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
  "script-src 'none'",
]

/** CSP of the clinic's own pages and the docs page: no scripts, no framing by anyone. */
export const PAGE_CSP = pageCsp([])

/**
 * CSP of pages that the given origins may frame: the Studio's "Preview" pane shows the page in an
 * iframe, so `npm start` lets the Studio's origin frame them (DELIVERY_FRAME_ANCESTORS for others).
 */
export function pageCsp(frameAncestors: readonly string[]): string {
  const ancestors = frameAncestors.length > 0 ? frameAncestors.join(' ') : "'none'"
  return [...BASE_POLICY, 'img-src http: https:', `frame-ancestors ${ancestors}`].join('; ')
}

/**
 * CSP of a preview session's pages: as `pageCsp`, but the overlay script
 * (/preview/visual-editing.js, same origin) may run and talk to this server.
 */
export function previewPageCsp(frameAncestors: readonly string[]): string {
  const ancestors = frameAncestors.length > 0 ? frameAncestors.join(' ') : "'none'"
  return [
    ...BASE_POLICY.filter((directive) => !directive.startsWith('script-src')),
    "script-src 'self'",
    "connect-src 'self'",
    'img-src http: https: data:',
    `frame-ancestors ${ancestors}`,
  ].join('; ')
}

/**
 * Origins from a comma-separated list (DELIVERY_FRAME_ANCESTORS), each `http(s)://host[:port]`.
 * Anything else is refused with what was wrong: a path or a typo would silently block the preview.
 */
export function parseFrameAncestors(raw: string | undefined, name = 'DELIVERY_FRAME_ANCESTORS'): string[] {
  if (!raw || raw.trim() === '') return []
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      let url: URL | null = null
      try {
        url = new URL(entry)
      } catch {
        url = null
      }
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== entry.replace(/\/$/, ''))
        throw new Error(
          `${name}: "${entry}" is not an origin. List origins such as https://clinic.sanity.studio or http://127.0.0.1:3335 (scheme, host and port, no path), separated by commas.`,
        )
      return url.origin
    })
}

/** CSP of the embed page: no scripts; any site may frame it (the snippet is public). */
export const EMBED_CSP = [...BASE_POLICY, 'img-src http: https: data:', 'frame-ancestors *'].join('; ')

/**
 * Features no page of ours uses: denied to the page and to anything it might frame. Only features
 * Chromium and Firefox recognise are listed (an unknown one is logged as an error in the console).
 */
export const PERMISSIONS_POLICY = [
  'accelerometer=()',
  'autoplay=()',
  'camera=()',
  'display-capture=()',
  'geolocation=()',
  'gyroscope=()',
  'magnetometer=()',
  'microphone=()',
  'midi=()',
  'payment=()',
  'usb=()',
].join(', ')

/**
 * Links out of a patient-education page (to journals, partners) carry the origin only, never the
 * path: a path such as /conditions/sciatica says something about the reader's health.
 */
export const REFERRER_POLICY = 'strict-origin-when-cross-origin'

function isHtml(contentType: unknown): boolean {
  return typeof contentType === 'string' && /^\s*text\/html\b/i.test(contentType)
}

/**
 * The headers a response with `contentType` gets: for HTML the CSP of its frame policy,
 * Referrer-Policy, Permissions-Policy, X-Content-Type-Options (and the legacy X-Frame-Options for
 * pages); for anything else only X-Content-Type-Options. Lower-case names.
 */
export function securityHeadersFor(
  contentType: unknown,
  policy: FramePolicy = 'page',
  frameAncestors: readonly string[] = [],
): Record<string, string> {
  if (!isHtml(contentType)) return { 'x-content-type-options': 'nosniff' }
  const page = policy !== 'embed'
  return {
    'content-security-policy':
      policy === 'page' ? pageCsp(frameAncestors) : policy === 'preview' ? previewPageCsp(frameAncestors) : EMBED_CSP,
    'referrer-policy': REFERRER_POLICY,
    'permissions-policy': PERMISSIONS_POLICY,
    'x-content-type-options': 'nosniff',
    // X-Frame-Options cannot list origins: only for pages no one may frame (older browsers).
    ...(page && frameAncestors.length === 0 ? { 'x-frame-options': 'DENY' } : {}),
  }
}

/**
 * An onSend hook adding the security headers by the reply's content type and the route's
 * `embeddable`; `frameAncestors` (read per answer) may frame the pages.
 */
export function securityHeadersHook(frameAncestors: () => readonly string[] = () => []) {
  return async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    const policy: FramePolicy = request.routeOptions.config?.embeddable
      ? 'embed'
      : previewReplies.has(reply)
        ? 'preview'
        : 'page'
    reply.headers(securityHeadersFor(reply.getHeader('content-type'), policy, frameAncestors()))
    return payload
  }
}
