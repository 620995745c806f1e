// What the syndication route plugins share: their options, path prefixes, Cache-Control values,
// the JSON answer (ETag, 304, private by default) and the problems they raise. Problems, media
// types, validation and error handling are the delivery server's (delivery/http).
import type { FastifyReply, FastifyRequest } from 'fastify'
import { JSON_CONTENT_TYPE } from '../../http/content-types.js'
import { HttpProblem } from '../../http/problem.js'
import type { ServeContext } from '../../http/respond.js'
import { sendWithEtag } from '../../http/respond.js'
import type { PayloadContext } from '../articles.js'
import type { AuthFailure, PartnerRecord } from '../partners.js'
import type { Audience } from '../scope.js'
import type { Syndication } from '../service.js'

export const SYNDICATION_PREFIX = '/syndication/v1'
export const FEEDS_PREFIX = '/feeds'

export interface SyndicationRouteOptions {
  syndication: Syndication
  /** The delivery server's response cache (public feeds are served from it). */
  responses: ServeContext
}

/** Partner answers: only the partner's own caches may keep them, and must revalidate. */
export const PRIVATE = 'private, no-cache'
export const PUBLIC_FEED = 'public, max-age=300, stale-while-revalidate=600'
export const PUBLIC_EMBED = 'public, max-age=300'

/** Answers vary by credential: a shared cache must not hand one partner's answer to another. */
export const VARY = { vary: 'Authorization, X-Api-Key, Accept-Encoding' }

export function sendJson(
  request: FastifyRequest,
  reply: FastifyReply,
  value: unknown,
  cacheControl: string,
): FastifyReply {
  return sendWithEtag(request, reply, JSON.stringify(value), JSON_CONTENT_TYPE, cacheControl, VARY)
}

export function payloadContext(syndication: Syndication): PayloadContext {
  return { apiBaseUrl: syndication.apiBaseUrl(), images: syndication.options.images ?? null }
}

export function partnerAudience(partner: PartnerRecord): Audience {
  return {
    kind: 'partner',
    partnerId: partner.id,
    allowedCategories: partner.allowedCategories,
    languages: partner.languages,
  }
}

/** Outside a partner's scope and nonexistent read the same: nothing tells them apart. */
export function notFoundArticle(slug: string): HttpProblem {
  return new HttpProblem(
    404,
    'not-found',
    'Not found',
    `No article "${slug}" is available to you. Use GET ${SYNDICATION_PREFIX}/articles for the articles you may republish.`,
  )
}

export const AUTH_DETAIL: Record<AuthFailure, string> = {
  missing: 'This resource needs your API key: send it as "Authorization: Bearer <key>" (or "X-Api-Key: <key>").',
  malformed:
    'The credential sent is not a valid API key (keys look like dptk_<16 hex>_<43 characters>); check it was copied whole.',
  unknown: 'The API key is not valid. Check it was copied whole, or ask the clinic for a new one.',
  revoked: 'This API key has been revoked. Use your current key, or ask the clinic to issue a new one.',
  'partner-missing': 'The partner account of this API key no longer exists. Contact the clinic.',
  'partner-suspended':
    'Your partner account is suspended, so its keys and feed tokens are refused. Contact the clinic.',
}

export const FEED_AUTH_DETAIL: Record<AuthFailure, string> = {
  ...AUTH_DETAIL,
  missing: 'This feed URL needs a feed token.',
  malformed:
    'The feed token in this URL is not valid (tokens look like dptf_<16 hex>_<43 characters>); copy the feed URL again.',
  unknown: 'The feed token in this URL is not valid; copy the feed URL again or ask the clinic for a new one.',
  revoked: 'This feed token has been revoked; ask the clinic for the new feed URL.',
}
