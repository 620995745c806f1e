// Serving a resource through the response cache: fresh hit -> served from memory; otherwise the
// content is fetched and rendered (one fetch per key at a time, however many requests wait); if
// the content source is unreachable, the last good copy is served marked stale (`X-Cache: STALE`,
// `Warning: 110`), or a 503 problem when there is none. Every 200/404 carries an ETag; a matching
// If-None-Match answers 304.
import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { CachedResponse, ResponseCache } from '../cache/response-cache.js'
import { isSourceUnavailable, type SourceHealth } from '../cache/source-health.js'
import { collectTags, type ResponseTags } from '../cache/sync-tags.js'
import { JSON_CONTENT_TYPE, PROBLEM_CONTENT_TYPE } from './content-types.js'
import { problem } from './problem.js'

export { HTML_CONTENT_TYPE, JSON_CONTENT_TYPE, XML_CONTENT_TYPE } from './content-types.js'

/** Default Cache-Control of content responses: short freshness downstream, long grace periods. */
export const DEFAULT_CACHE_CONTROL = 'public, max-age=30, stale-while-revalidate=300, stale-if-error=86400'

/** What a route produces for the cache: status, type and the serialized body. */
export interface Produced {
  status: number
  contentType: string
  body: string
  headers?: Record<string, string>
  /**
   * Answer hits through Fastify only, never from the server's fast path: routes with a rate limit
   * (public feeds) must count every request, cached or not.
   */
  metered?: boolean
  /**
   * Tags of the cache entry besides the sync tags of the queries that built it: a signal of this
   * server's own that must also invalidate it (e.g. the public feeds when an embargo ends).
   */
  extraTags?: readonly string[]
}

export function jsonBody(status: number, value: unknown): Produced {
  return { status, contentType: JSON_CONTENT_TYPE, body: JSON.stringify(value) }
}

export function problemBody(status: number, value: unknown): Produced {
  return { status, contentType: PROBLEM_CONTENT_TYPE, body: JSON.stringify(value) }
}

export function etagOf(body: string): string {
  return etagOfBytes(Buffer.from(body, 'utf8'))
}

/** The ETag of a body's UTF-8 bytes (the same tag as etagOf of the string). */
export function etagOfBytes(bytes: Buffer): string {
  return `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 32)}"`
}

/** RFC 9110 weak comparison of If-None-Match against an ETag (`*`, lists, `W/`). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false
  const bare = (tag: string) => tag.trim().replace(/^W\//, '')
  if (ifNoneMatch.trim() === '*') return true
  return ifNoneMatch.split(',').some((candidate) => bare(candidate) === bare(etag))
}

export interface ServeContext {
  cache: ResponseCache
  health: SourceHealth
  cacheControl: string
  inflight: Map<string, Promise<CachedResponse>>
  /**
   * With a cached copy at hand, how long to wait for the source before answering with the copy
   * (marked stale) while the fetch carries on in the background (default 2000 ms).
   */
  staleAfterMs?: number
}

/**
 * A path that the WHATWG URL parser leaves exactly as it is: no query, no dot segment, no percent
 * escape (`%2e` can be a dot segment), no `//`, nothing it would escape. For such a URL the cache key
 * is the URL plus `?`, computed without parsing (the per-request cost of a cache hit matters).
 */
const PLAIN_PATH = /^(?:\/[A-Za-z0-9_~-][A-Za-z0-9_.~-]*)*\/?$/

/** The cache key of a request URL: path + sorted query (`/api/v1/articles?cursor=x&limit=2`). */
export function cacheKeyOfUrl(requestUrl: string): string {
  if (PLAIN_PATH.test(requestUrl)) return `${requestUrl}?`
  const url = new URL(requestUrl, 'http://delivery.invalid')
  url.searchParams.sort()
  return `${url.pathname}?${url.searchParams.toString()}`
}

/** The cache key of a request: method-independent (HEAD shares GET's), path + sorted query. */
export function cacheKeyOf(request: FastifyRequest): string {
  return cacheKeyOfUrl(request.url)
}

function send(
  request: FastifyRequest,
  reply: FastifyReply,
  response: CachedResponse,
  cacheState: string,
  cacheControl: string,
) {
  reply.header('ETag', response.etag)
  reply.header('Cache-Control', cacheControl)
  reply.header('X-Cache', cacheState)
  if (response.headers) for (const [name, value] of Object.entries(response.headers)) reply.header(name, value)
  if (cacheState === 'STALE') reply.header('Warning', '110 - "Response is Stale"')
  if (
    (response.status === 200 || response.status === 404) &&
    etagMatches(request.headers['if-none-match'], response.etag)
  ) {
    return reply.code(304).send()
  }
  return reply
    .code(response.status)
    .type(response.contentType)
    .send(response.payload ?? response.body)
}

/**
 * The one fetch of `key` since the last invalidation: started if none is running, shared by every
 * request that needs it. It stores its result with the sync tags of the queries that built it
 * (delivery/cache/sync-tags.ts) and tells source health how it went.
 */
function flightFor(context: ServeContext, key: string, produce: () => Promise<Produced>): Promise<CachedResponse> {
  // A request that arrives after an invalidation never joins a fetch that started before it.
  const flightKey = `${context.cache.version}\u0000${key}`
  const running = context.inflight.get(flightKey)
  if (running) return running
  const stamp = context.cache.stamp()
  const flight = (async () => {
    let produced: Produced
    let tags: ResponseTags
    try {
      const collected = await collectTags(produce, context.cache.lastLiveEventId)
      produced = collected.value
      tags = collected.tags
    } catch (error) {
      if (isSourceUnavailable(error)) context.health.recordFailure(error)
      throw error
    }
    context.health.recordSuccess()
    // Encoded and hashed once here, not per request: hits send these bytes as they are.
    const payload = Buffer.from(produced.body, 'utf8')
    const response: CachedResponse = {
      status: produced.status,
      contentType: produced.contentType,
      body: produced.body,
      etag: etagOfBytes(payload),
      headers: produced.headers,
      payload,
      ...(produced.metered ? { metered: true } : {}),
    }
    if (produced.status === 200 || produced.status === 404)
      context.cache.set(key, response, stamp, produced.extraTags && tags ? [...tags, ...produced.extraTags] : tags)
    return response
  })()
  context.inflight.set(flightKey, flight)
  const settled = () => context.inflight.delete(flightKey)
  flight.then(settled, settled)
  return flight
}

type Outcome = { response: CachedResponse } | { error: unknown } | 'slow'

/**
 * Answers `request` with what `produce` makes, through the cache. `produce` throws on source
 * errors; InvalidInputError and other request errors propagate to the error handler (not cached).
 *
 * - fresh copy: served (`X-Cache: HIT`);
 * - a copy a publish made stale less than the cache's grace ago: served (`UPDATING`) while the
 *   refresh runs;
 * - otherwise the content is fetched (`MISS`); but when a copy exists and the source is known to
 *   be down, or does not answer within `staleAfterMs`, or fails, the copy is served marked stale
 *   (`STALE`, `Warning: 110`) and the fetch, if running, still refreshes the cache when it ends;
 * - no copy and no source: 503 problem.
 */
export async function serveCached(
  context: ServeContext,
  request: FastifyRequest,
  reply: FastifyReply,
  produce: () => Promise<Produced>,
): Promise<FastifyReply> {
  const key = cacheKeyOf(request)
  const cached = context.cache.get(key)
  if (cached?.fresh) return send(request, reply, cached.response, 'HIT', context.cacheControl)

  const flight = flightFor(context, key, produce)
  if (cached?.inGrace && context.health.reachable) {
    // Just made stale by a publish: the previous copy while the refresh runs (the publish is at
    // most the cache's grace old, well under the second a publish may take to show).
    flight.catch(() => {})
    context.cache.noteGraceServed()
    return send(request, reply, cached.response, 'UPDATING', context.cacheControl)
  }
  const serveStale = () => {
    context.cache.noteStaleServed()
    return send(request, reply, cached!.response, 'STALE', context.cacheControl)
  }
  if (cached && !context.health.reachable) {
    // Known outage: answer now; the background fetch notices the recovery.
    flight.catch(() => {})
    return serveStale()
  }
  let outcome: Outcome
  if (cached) {
    let timer: NodeJS.Timeout | undefined
    const slow = new Promise<'slow'>((resolve) => {
      timer = setTimeout(() => resolve('slow'), context.staleAfterMs ?? 2000)
    })
    outcome = await Promise.race([
      flight.then(
        (response) => ({ response }),
        (error: unknown) => ({ error }),
      ),
      slow,
    ])
    clearTimeout(timer)
    if (outcome === 'slow') {
      flight.catch(() => {})
      return serveStale()
    }
  } else {
    outcome = await flight.then(
      (response) => ({ response }),
      (error: unknown) => ({ error }),
    )
  }
  if ('response' in outcome) return send(request, reply, outcome.response, 'MISS', context.cacheControl)
  if (!isSourceUnavailable(outcome.error)) throw outcome.error
  if (cached) return serveStale()
  reply.header('Retry-After', '5')
  const body = problem(
    'content-source-unavailable',
    503,
    'Content source unavailable',
    'The content source (Content Lake) cannot be reached and there is no cached copy of this resource yet. Try again shortly; /health shows the source state.',
    request.url,
  )
  return reply.code(503).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body))
}

/**
 * Answers with a body that is not cached on the server (private or per-caller answers): with an
 * ETag, and a 304 when If-None-Match matches it.
 */
export function sendWithEtag(
  request: FastifyRequest,
  reply: FastifyReply,
  body: string,
  contentType: string,
  cacheControl: string,
  headers: Record<string, string> = {},
  status = 200,
): FastifyReply {
  const etag = etagOf(body)
  reply.headers({ ...headers, etag, 'cache-control': cacheControl })
  if ((status === 200 || status === 404) && etagMatches(request.headers['if-none-match'], etag))
    return reply.code(304).send()
  return reply.code(status).type(contentType).send(body)
}
