// The fast path of cache hits: answered straight from node:http, before Fastify builds a request,
// routes it and runs its hooks. A fresh cached response is sent as its prebuilt UTF-8 payload with
// headers prepared once per response (ETag, Content-Length, Cache-Control, CORS), so a hit costs
// little more than a static file from memory. Everything else (misses, stale copies, other
// methods) goes to Fastify unchanged, and the answers are the same either way:
// test/delivery/http.test.ts compares them.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http'
import type { CachedResponse, ResponseCache } from '../cache/response-cache.js'
import { cacheKeyOfUrl, etagMatches } from './respond.js'
import { securityHeadersFor } from './security-headers.js'

/** Headers on every public read response (GET, HEAD, OPTIONS): the read API is open to any origin. */
export const PUBLIC_READ_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'ETag, X-Cache, Warning, Retry-After',
}

/** Headers on every response. */
export const ALWAYS_HEADERS: Readonly<Record<string, string>> = { 'x-content-type-options': 'nosniff' }

interface Prepared {
  cacheControl: string
  ancestors: string
  full: OutgoingHttpHeaders
  notModified: OutgoingHttpHeaders
}

/** Headers of a response, built on its first hit (a response lives in one server's cache). */
const prepared = new WeakMap<CachedResponse, Prepared>()

function headersOf(
  response: CachedResponse & { payload: Buffer },
  cacheControl: string,
  frameAncestors: readonly string[],
): Prepared {
  const known = prepared.get(response)
  const ancestors = frameAncestors.join(' ')
  if (known && known.cacheControl === cacheControl && known.ancestors === ancestors) return known
  // The same headers as respond.ts `send` and the server's onSend hooks give.
  const notModified: OutgoingHttpHeaders = {
    etag: response.etag,
    'cache-control': cacheControl,
    'x-cache': 'HIT',
    ...response.headers,
    ...PUBLIC_READ_HEADERS,
    ...ALWAYS_HEADERS,
  }
  const full: OutgoingHttpHeaders = {
    ...notModified,
    'content-type': response.contentType,
    'content-length': response.payload.length,
    // Cached responses come from the delivery routes, none of which is embeddable.
    ...securityHeadersFor(response.contentType, 'page', frameAncestors),
  }
  const made = { cacheControl, ancestors, full, notModified }
  prepared.set(response, made)
  return made
}

/**
 * Answers `req` from the cache when it is a GET or HEAD of a fresh cached response; returns false
 * (having written nothing) otherwise. Plain paths are keyed without parsing the URL.
 */
export function serveFreshHit(
  cache: ResponseCache,
  cacheControl: string,
  req: IncomingMessage,
  res: ServerResponse,
  frameAncestors: readonly string[] = [],
): boolean {
  const method = req.method
  if (method !== 'GET' && method !== 'HEAD') return false
  const url = req.url
  if (!url) return false
  // The key serveCached stores under: requests whose URLs normalise to one key are one resource.
  let key: string
  try {
    key = cacheKeyOfUrl(url)
  } catch {
    return false // not a URL: let Fastify answer it
  }
  const response = cache.freshHit(key)
  if (!response?.payload) return false
  const headers = headersOf(response as CachedResponse & { payload: Buffer }, cacheControl, frameAncestors)
  if (
    (response.status === 200 || response.status === 404) &&
    etagMatches(req.headers['if-none-match'], response.etag)
  ) {
    res.writeHead(304, headers.notModified)
    res.end()
    return true
  }
  res.writeHead(response.status, headers.full)
  if (method === 'HEAD') res.end()
  else res.end(response.payload)
  return true
}
