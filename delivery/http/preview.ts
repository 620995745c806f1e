// Review reads: `?perspective=<releaseId>` on a content route answers what the resource will look
// like when the release publishes (the stack [releaseId, drafts, published], as hosted Sanity
// resolves a perspective list), for a caller with a Sanity token. The token is the caller's own:
// it is sent to the content source for this one read and the source decides what it may see, so
// the delivery server holds no preview secret and a token that could not read drafts in the
// Studio cannot read them here either.
//
// A review answer is never shared: it bypasses the response cache (neither read from nor stored
// in it, so the fast path never sees it) and goes out with `Cache-Control: private, no-store`.
//
// The Studio's Presentation tool previews the other way: `/api/draft-mode/enable` checks its
// preview URL secret and gives the browser a signed session cookie (preview-session.ts); requests
// carrying a valid one are read with the delivery server's own token in the session's perspective
// (`sessionPreviewOf`), pages with stega (preview-page.ts). The same rules hold: never cached,
// `private, no-store`, `noindex`.
import type { SanityClient } from '@sanity/client'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { reconfigureClient } from '../client.js'
import { type ContentApi, createContentApi } from '../content/index.js'
import type { DeliveryContext } from './context.js'
import { stegaFilter } from './preview-page.js'
import { clearedSessionCookie, cookieValue, PREVIEW_COOKIE, type PreviewSessions } from './preview-session.js'
import { HttpProblem, invalidParameter } from './problem.js'
import { markPreviewReply } from './security-headers.js'

/** Cache-Control of every review answer: for the caller only, stored nowhere. */
export const PREVIEW_CACHE_CONTROL = 'private, no-store'

/** Headers of every preview-session answer besides Cache-Control. */
export const SESSION_PREVIEW_HEADERS: Readonly<Record<string, string>> = {
  'x-robots-tag': 'noindex',
  vary: 'Cookie',
  'x-cache': 'BYPASS',
}

/** What the server needs for preview sessions (Presentation tool); absent: the enable route refuses. */
export interface PreviewMode {
  sessions: PreviewSessions
  /** The server-side read token (SANITY_API_TOKEN): checks the secrets and reads the drafts. */
  token: string | undefined
  /** The Studio's URL stega links to (default: the origin the secret document names). */
  studioUrl: () => string | null | undefined
}

/** Release ids as the Content Lake accepts them. */
const RELEASE_NAME = /^[A-Za-z0-9_-]{1,64}$/
const RESERVED = new Set(['raw', 'previewDrafts', 'published', 'drafts'])

export interface Preview {
  /** The perspective stack the source is read with, e.g. ['spring', 'drafts']. */
  perspective: string[]
  /** Release ids named in the stack (each one exists). */
  releases: string[]
  content: ContentApi
}

/**
 * The stack a `perspective` value asks for, or null for the public (published) answer. Throws a
 * 400 naming the parameter for anything else.
 */
export function parsePreviewPerspective(value: string | undefined): string[] | null {
  if (value === undefined) return null
  const names = value.split(',').map((name) => name.trim())
  if (names.length === 1 && names[0] === 'published') return null
  const fail = (why: string): never => {
    throw invalidParameter(
      'query.perspective',
      `${why}. Use a release id ("spring-update"), a list of release ids ("a,b"), optionally ending with "drafts" or "published", or "drafts"; omit it for published content.`,
    )
  }
  if (names.length > 10) fail(`names ${names.length} perspectives, at most 10 are allowed`)
  names.forEach((name, i) => {
    const last = i === names.length - 1
    if (name === '') fail('has an empty entry')
    if (name === 'raw') fail('"raw" is not a delivery perspective (it returns every version side by side)')
    if (name === 'previewDrafts') fail('"previewDrafts" is the old name of "drafts"')
    if ((name === 'drafts' || name === 'published') && !last) fail(`"${name}" may only come last`)
    if (!RESERVED.has(name) && !RELEASE_NAME.test(name))
      fail(`"${name.slice(0, 70)}" is not a release id (1-64 letters, digits, "_" or "-")`)
  })
  const last = names[names.length - 1]
  // A release list reads over drafts, as the Studio shows a release; "published" ends it explicitly.
  return last === 'drafts' || last === 'published' ? names : [...names, 'drafts']
}

/** The release documents a stack names that do not exist, read with `client`'s token. */
export async function missingReleases(client: SanityClient, perspective: string[]): Promise<string[]> {
  const releases = perspective.filter((name) => !RESERVED.has(name))
  if (releases.length === 0) return []
  const existing = await existingReleases(client, releases)
  return releases.filter((id) => !existing.has(`_.releases.${id}`))
}

/** The 404 problem of releases that do not exist. */
export function releaseNotFound(missing: string[]): HttpProblem {
  return new HttpProblem(
    404,
    'release-not-found',
    'Release not found',
    `There is no release ${missing.map((id) => `"${id}"`).join(', ')} (or the token may not read it): check the id in the Studio's Releases tool.`,
  )
}

/** The bearer token of a request, or a 401 problem saying how to send one. */
function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null
  if (match?.[1]) return match[1]
  throw new HttpProblem(
    401,
    'preview-unauthorized',
    'A token is needed to review unpublished content',
    header
      ? 'The Authorization header must be "Bearer <token>", with a Sanity API token that may read drafts.'
      : `perspective=${String((request.query as Record<string, unknown>).perspective)} shows content that is not published yet: send "Authorization: Bearer <token>" with a Sanity API token that may read drafts (a viewer token is enough), or omit the parameter for published content.`,
    { headers: { 'www-authenticate': 'Bearer realm="content review"' } },
  )
}

/** A content source error that is about the caller's token: the 401/403/429 the caller gets. */
export function previewTokenProblem(error: unknown): HttpProblem | null {
  const status = (error as { statusCode?: unknown } | null)?.statusCode
  if (status === 401)
    return new HttpProblem(
      401,
      'preview-unauthorized',
      'The token was refused',
      'The content source does not accept this token: check that it is a current Sanity API token of this project.',
      { headers: { 'www-authenticate': 'Bearer realm="content review", error="invalid_token"' } },
    )
  if (status === 403)
    return new HttpProblem(
      403,
      'preview-forbidden',
      'The token may not read unpublished content',
      'The content source refused this read for the token: use a token that may read drafts and releases (viewer or above).',
    )
  // A rate limit on the caller's token is the caller's to wait out: answered as such, it must not
  // count as the source being down (that would serve every public answer stale).
  if (status === 429)
    return new HttpProblem(
      429,
      'rate-limited',
      'Too many review requests',
      'The content source is rate-limiting reads with this token: wait a few seconds and try again.',
      { headers: { 'retry-after': '5' } },
    )
  return null
}

/** Runs `read` and turns a token refusal of the source into the caller's 401/403 problem. */
export async function withPreviewErrors<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (error) {
    throw previewTokenProblem(error) ?? error
  }
}

/** The release documents (`_.releases.<id>`) of `releases` that exist, read with the caller's token. */
async function existingReleases(client: SanityClient, releases: string[]): Promise<Set<string>> {
  const found: unknown = await client.fetch(
    '*[_id in $ids]._id',
    { ids: releases.map((id) => `_.releases.${id}`) },
    { perspective: 'raw', tag: 'preview.releases' },
  )
  return new Set(Array.isArray(found) ? found.filter((id): id is string => typeof id === 'string') : [])
}

/**
 * The review a request asks for (`perspective` in its query), or null for the public answer.
 * Throws the 400/401/403/404 problem of a bad perspective, a missing or refused token or an
 * unknown release.
 */
export async function previewOf(context: DeliveryContext, request: FastifyRequest): Promise<Preview | null> {
  const value = (request.query as Record<string, unknown> | undefined)?.perspective
  const perspective = parsePreviewPerspective(typeof value === 'string' ? value : undefined)
  if (!perspective) return null
  const token = bearerToken(request)
  const client = reconfigureClient(context.content.client, { token, perspective, useCdn: false })
  const releases = perspective.filter((name) => !RESERVED.has(name))
  const missing = await withPreviewErrors(() => missingReleases(client, perspective))
  if (missing.length > 0) throw releaseNotFound(missing)
  return {
    perspective,
    releases,
    content: createContentApi(client, { fallbackSiteUrl: context.publicUrl }),
  }
}

/** A preview session's reads: JSON from `content`, pages from `pages` (the same reads with stega). */
export interface SessionPreview extends Preview {
  pages: ContentApi
}

/** Whether a request came over HTTPS (cookies then get `Secure`). */
export function isHttps(request: FastifyRequest): boolean {
  return request.protocol === 'https'
}

/**
 * The preview session of a request's cookie, or null for the public answer. A cookie that is
 * malformed, forged or expired (or a server without preview mode) is ignored and cleared: the
 * request gets the public answer, never an error, so a stale tab keeps working.
 */
export function sessionPreviewOf(
  context: DeliveryContext,
  request: FastifyRequest,
  reply: FastifyReply,
): SessionPreview | null {
  const value = cookieValue(request.headers.cookie, PREVIEW_COOKIE)
  if (value === undefined) return null
  const mode = context.previewMode
  const session = mode?.token ? mode.sessions.verify(value) : null
  if (!mode?.token || !session) {
    reply.header('set-cookie', clearedSessionCookie(isHttps(request)))
    return null
  }
  markPreviewReply(reply)
  const perspective = session.perspective
  const client = reconfigureClient(context.content.client, {
    token: mode.token,
    perspective,
    useCdn: false,
  })
  const studioUrl = mode.studioUrl() ?? session.studioOrigin
  const stegaClient = studioUrl
    ? reconfigureClient(client, { stega: { enabled: true, studioUrl, filter: stegaFilter } })
    : client
  const options = { fallbackSiteUrl: context.publicUrl }
  return {
    perspective,
    releases: perspective.filter((name) => !RESERVED.has(name)),
    content: createContentApi(client, options),
    pages: createContentApi(stegaClient, options),
  }
}
