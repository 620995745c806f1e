// The syndication HTTP routes, one Fastify plugin (encapsulated: its error handling applies to its
// routes only). Mounted by the delivery server; paths are absolute:
//
//   GET /syndication/v1/                        what is here, problem types, the JSON Feed extension
//   GET /syndication/v1/articles                in-scope articles, licensed payloads (API key)
//   GET /syndication/v1/articles/:slug          one article (API key; 404 outside the scope)
//   GET /syndication/v1/changes?since=<cursor>  upserts and tombstones since a cursor (API key)
//   GET /syndication/v1/webhooks/deliveries     the partner's webhook delivery log (API key)
//   GET /syndication/v1/usage                   the partner's daily usage counts (API key)
//   GET /syndication/v1/oembed?url=...          oEmbed 1.0 (JSON) for an article URL on the clinic's site
//   GET /syndication/v1/embed/:slug             the iframe page the embed snippet loads
//   GET /feeds/{rss.xml,atom.xml,feed.json}     public feeds
//   GET /feeds/partners/:token/{rss.xml,atom.xml,feed.json}  a partner's feeds (feed token in the URL)
//
// API keys go in `Authorization: Bearer <key>` (or `X-Api-Key`). Every failure is an
// application/problem+json body saying what was wrong and how to fix it; anything outside a
// partner's scope is a 404 indistinguishable from an article that does not exist.
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { matchPath, normaliseSiteUrl } from '../../model/site-paths.js'
import { escapeHtml } from '../render/escape.js'
import { jsonLdScriptTag } from '../render/jsonld.js'
import { etagMatches, etagOf } from '../http/respond.js'
import { securityHeadersHook } from '../http/security-headers.js'
import {
  buildSyndicatedArticle,
  ClinicNotConfiguredError,
  fetchScopedArticle,
  fetchScopedArticles,
  fetchScopedArticlesByIds,
  heroImageUrl,
  LICENCE_REQUIREMENTS,
  type SyndicatedArticle,
} from './articles.js'
import { apiKeyFromHeaders } from './credentials.js'
import { renderAtom, ATOM_CONTENT_TYPE } from './feeds/atom.js'
import { buildFeed, feedItemOf } from './feeds/build.js'
import { JSON_FEED_CONTENT_TYPE, renderJsonFeed } from './feeds/jsonFeed.js'
import type { FeedLinks } from './feeds/model.js'
import { renderRss, RSS_CONTENT_TYPE } from './feeds/rss.js'
import { changesSince, CursorError, decodeCursor, encodeCursor } from './ledger.js'
import { authenticate, type AuthFailure, type PartnerRecord } from './partners.js'
import { loadLedger } from './reconcile.js'
import { audienceKey, type Audience } from './scope.js'
import type { Syndication } from './service.js'
import { readUsage, utcDay, type UsageRoute } from './usage.js'
import { listDeliveries } from './webhooks/dispatcher.js'

export const SYNDICATION_PREFIX = '/syndication/v1'
export const FEEDS_PREFIX = '/feeds'
const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8'
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8'
const HTML_CONTENT_TYPE = 'text/html; charset=utf-8'

export interface SyndicationPluginOptions {
  syndication: Syndication
}

type ProblemKind =
  | 'unauthorized'
  | 'rate-limited'
  | 'not-found'
  | 'invalid-parameters'
  | 'not-implemented'
  | 'clinic-not-configured'
  | 'content-source-unavailable'
  | 'internal-error'

interface ParameterProblem {
  parameter: string
  message: string
}

class RequestProblem extends Error {
  constructor(
    readonly status: number,
    readonly kind: ProblemKind,
    readonly title: string,
    readonly detail: string,
    readonly errors?: ParameterProblem[],
  ) {
    super(detail)
  }
}

function invalidParameter(parameter: string, message: string): RequestProblem {
  return new RequestProblem(400, 'invalid-parameters', 'Invalid parameters', `${parameter} ${message}`, [
    { parameter, message },
  ])
}

function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  status: number,
  kind: ProblemKind,
  title: string,
  detail: string,
  extensions: Record<string, unknown> = {},
): FastifyReply {
  const body = {
    type: `${SYNDICATION_PREFIX}/#problem-${kind}`,
    title,
    status,
    detail,
    instance: request.url.split('?')[0],
    ...extensions,
  }
  return reply.code(status).header('Cache-Control', 'no-store').type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body))
}

const AUTH_DETAIL: Record<AuthFailure, string> = {
  missing: 'This resource needs your API key: send it as "Authorization: Bearer <key>" (or "X-Api-Key: <key>").',
  malformed:
    'The credential sent is not a valid API key (keys look like dptk_<16 hex>_<43 characters>); check it was copied whole.',
  unknown: 'The API key is not valid. Check it was copied whole, or ask the clinic for a new one.',
  revoked: 'This API key has been revoked. Use your current key, or ask the clinic to issue a new one.',
  'partner-missing': 'The partner account of this API key no longer exists. Contact the clinic.',
  'partner-suspended':
    'Your partner account is suspended, so its keys and feed tokens are refused. Contact the clinic.',
}

const FEED_AUTH_DETAIL: Record<AuthFailure, string> = {
  ...AUTH_DETAIL,
  missing: 'This feed URL needs a feed token.',
  malformed:
    'The feed token in this URL is not valid (tokens look like dptf_<16 hex>_<43 characters>); copy the feed URL again.',
  unknown: 'The feed token in this URL is not valid; copy the feed URL again or ask the clinic for a new one.',
  revoked: 'This feed token has been revoked; ask the clinic for the new feed URL.',
}

function parseInteger(request: FastifyRequest, name: string, fallback: number, min: number, max: number): number {
  const raw = (request.query as Record<string, unknown>)[name]
  if (raw === undefined || raw === '') return fallback
  const text = Array.isArray(raw) ? String(raw[0]) : String(raw)
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw invalidParameter(
      `query.${name}`,
      `must be a whole number from ${min} to ${max}, got ${JSON.stringify(text.slice(0, 40))}`,
    )
  }
  return Number(text)
}

function queryString(request: FastifyRequest, name: string): string | undefined {
  const raw = (request.query as Record<string, unknown>)[name]
  if (raw === undefined) return undefined
  return Array.isArray(raw) ? String(raw[0]) : String(raw)
}

function rejectUnknownParameters(request: FastifyRequest, allowed: readonly string[]): void {
  for (const name of Object.keys(request.query as Record<string, unknown>)) {
    if (!allowed.includes(name)) {
      throw invalidParameter(
        `query.${name}`,
        `is not a parameter of this resource; allowed: ${allowed.length ? allowed.join(', ') : 'none'}`,
      )
    }
  }
}

/** JSON with an ETag; answers 304 to a matching If-None-Match. Partner responses are private. */
function sendJson(
  request: FastifyRequest,
  reply: FastifyReply,
  value: unknown,
  cacheControl: string,
  contentType = JSON_CONTENT_TYPE,
): FastifyReply {
  const body = JSON.stringify(value)
  return sendBody(request, reply, body, contentType, cacheControl)
}

function sendBody(
  request: FastifyRequest,
  reply: FastifyReply,
  body: string,
  contentType: string,
  cacheControl: string,
): FastifyReply {
  const etag = etagOf(body)
  reply
    .header('ETag', etag)
    .header('Cache-Control', cacheControl)
    .header('Vary', 'Authorization, X-Api-Key, Accept-Encoding')
  if (etagMatches(request.headers['if-none-match'], etag)) return reply.code(304).send()
  return reply.code(200).type(contentType).send(body)
}

const PRIVATE = 'private, no-cache'
const PUBLIC_FEED = 'public, max-age=300, stale-while-revalidate=600'

const SLUG_RE = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,199}$/

function requireSlugParam(request: FastifyRequest): string {
  const slug = (request.params as Record<string, string>).slug ?? ''
  if (!SLUG_RE.test(slug))
    throw invalidParameter('path.slug', 'is not a slug: letters, digits and "-", e.g. "integrative-dry-needling"')
  return slug
}

function notFoundArticle(slug: string): RequestProblem {
  return new RequestProblem(
    404,
    'not-found',
    'Not found',
    `No article "${slug}" is available to you. Use GET ${SYNDICATION_PREFIX}/articles for the articles you may republish.`,
  )
}

export const syndicationPlugin: FastifyPluginAsync<SyndicationPluginOptions> = async (
  app: FastifyInstance,
  { syndication },
) => {
  const base = () => syndication.apiBaseUrl()
  const payloadContext = () => ({ apiBaseUrl: base(), images: syndication.options.images ?? null })
  // The same security headers as the delivery server's (which adds them too when it mounts this
  // plugin), so the embed page has its frame policy when the plugin runs on its own.
  app.addHook('onSend', securityHeadersHook())

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof RequestProblem) {
      return sendProblem(
        reply,
        request,
        error.status,
        error.kind,
        error.title,
        error.detail,
        error.errors ? { errors: error.errors } : {},
      )
    }
    if (error instanceof ClinicNotConfiguredError) {
      return sendProblem(
        reply,
        request,
        503,
        'clinic-not-configured',
        'Syndication is not configured',
        `${error.message}.`,
      )
    }
    const status = (error as { statusCode?: unknown }).statusCode
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return sendProblem(reply, request, status, 'invalid-parameters', 'Bad request', (error as Error).message)
    }
    request.log.error(error)
    const cause = error as { code?: unknown; statusCode?: unknown }
    if (
      typeof cause.code === 'string' &&
      /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|UND_ERR)/.test(cause.code)
    ) {
      reply.header('Retry-After', '5')
      return sendProblem(
        reply,
        request,
        503,
        'content-source-unavailable',
        'Content source unavailable',
        'The Content Lake cannot be reached; retry shortly.',
      )
    }
    return sendProblem(
      reply,
      request,
      500,
      'internal-error',
      'Internal error',
      `The server failed to answer: ${(error as Error).message}`,
    )
  })

  /** Authenticates the API key, applies the rate limit and counts usage; throws a RequestProblem otherwise. */
  async function partnerOf(request: FastifyRequest, reply: FastifyReply, route: UsageRoute): Promise<PartnerRecord> {
    const auth = await authenticate(syndication.client, apiKeyFromHeaders(request.headers), 'apiKey')
    if (!auth.ok) {
      reply.header('WWW-Authenticate', 'Bearer realm="syndication"')
      throw new RequestProblem(401, 'unauthorized', 'Unauthorized', AUTH_DETAIL[auth.failure])
    }
    limit(reply, syndication.limiter.take(`key:${auth.credentialId}`), auth.partner.id, route)
    return auth.partner
  }

  function limit(
    reply: FastifyReply,
    decision: ReturnType<Syndication['limiter']['take']>,
    partnerId: string,
    route: UsageRoute,
  ): void {
    reply.header('RateLimit-Limit', String(decision.limit))
    if (!decision.allowed) {
      syndication.usage.record(partnerId, route, 'rate-limited')
      reply.header('Retry-After', String(decision.retryAfterSeconds))
      throw new RequestProblem(
        429,
        'rate-limited',
        'Too many requests',
        `This key has used its ${decision.limit} requests; retry after ${decision.retryAfterSeconds} s (Retry-After).`,
      )
    }
    reply.header('RateLimit-Remaining', String(decision.remaining))
    syndication.usage.record(partnerId, route)
  }

  const partnerAudience = (partner: PartnerRecord): Audience => ({
    kind: 'partner',
    partnerId: partner.id,
    allowedCategories: partner.allowedCategories,
  })

  // -------------------------------------------------------------------------------------------
  // Index

  app.get(
    `${SYNDICATION_PREFIX}/`,
    {
      schema: {
        summary: 'What the syndication API offers, its problem types and the JSON Feed extension',
        tags: ['syndication'],
      },
    },
    async (request, reply) =>
      sendJson(
        request,
        reply,
        {
          name: 'Partner syndication API',
          authentication:
            'Send your API key as "Authorization: Bearer <key>". Feeds take a feed token in the URL instead.',
          endpoints: {
            articles: `${base()}${SYNDICATION_PREFIX}/articles?offset=0&limit=20`,
            article: `${base()}${SYNDICATION_PREFIX}/articles/{slug}`,
            changes: `${base()}${SYNDICATION_PREFIX}/changes?since={cursor}`,
            deliveries: `${base()}${SYNDICATION_PREFIX}/webhooks/deliveries`,
            usage: `${base()}${SYNDICATION_PREFIX}/usage?days=30`,
            oembed: `${base()}${SYNDICATION_PREFIX}/oembed?url={article URL}&format=json`,
            publicFeeds: ['rss.xml', 'atom.xml', 'feed.json'].map((f) => `${base()}${FEEDS_PREFIX}/${f}`),
            partnerFeeds: `${base()}${FEEDS_PREFIX}/partners/{feed token}/{rss.xml|atom.xml|feed.json}`,
          },
          changes:
            'Apply changes in order: "upsert" (store or replace by id) or "delete" (remove by id); then poll again with "since" = "next". ' +
            'When "reset" is true, your cursor belongs to an earlier ledger: drop every article not upserted during this sync.',
          licenceRequirements: LICENCE_REQUIREMENTS,
          webhooks:
            'POST with a JSON event {id, type: article.published|article.updated|article.removed, article, reason, cursor}, signed in the header ' +
            '"sanity-webhook-signature: t=<unix ms>,v1=<base64url HMAC-SHA256 of `${t}.${raw body}` with your webhook secret>" ' +
            '(verify with @sanity/webhook isValidSignature). Answer 2xx; failures are retried with exponential backoff. De-duplicate on "id".',
          jsonFeedExtension: {
            name: '_syndication',
            fields: {
              about: 'this page',
              canonical_url: 'the article on the clinic site; point rel=canonical here',
              last_reviewed: 'date (YYYY-MM-DD) of the last medical review',
              next_review_due: 'date the next review is due',
              reviewed_by: 'the medical reviewer {name}',
              licence: 'licence text',
              attribution: 'attribution text to show',
            },
          },
          problems: {
            unauthorized: 'missing, unknown or revoked key, or suspended partner (401)',
            'rate-limited': 'too many requests: wait Retry-After seconds (429)',
            'not-found': 'no such article in your scope (404)',
            'invalid-parameters': 'a parameter is wrong: see errors[] (400)',
            'not-implemented': 'a format this API does not produce (501)',
            'clinic-not-configured': 'the clinic settings are incomplete (503)',
            'content-source-unavailable': 'the Content Lake cannot be reached (503)',
            'internal-error': 'the server failed; retry, and tell the clinic if it persists (500)',
          },
        },
        'public, max-age=3600',
      ),
  )

  // -------------------------------------------------------------------------------------------
  // Articles

  app.get(
    `${SYNDICATION_PREFIX}/articles`,
    {
      schema: {
        summary: 'Articles this partner may republish, with licensed payloads (API key)',
        tags: ['syndication'],
      },
    },
    async (request, reply) => {
      const partner = await partnerOf(request, reply, 'articles')
      rejectUnknownParameters(request, ['offset', 'limit'])
      const offset = parseInteger(request, 'offset', 0, 0, 100_000)
      const limitCount = parseInteger(request, 'limit', 20, 1, 100)
      const page = await fetchScopedArticles(syndication.client, partnerAudience(partner), syndication.now(), {
        offset,
        limit: limitCount,
      })
      const items = page.articles.map((article) =>
        buildSyndicatedArticle({ clinic: page.clinic, article }, payloadContext()),
      )
      const nextOffset = offset + items.length
      return sendJson(
        request,
        reply,
        {
          items,
          total: page.total,
          offset,
          limit: limitCount,
          next:
            nextOffset < page.total
              ? `${base()}${SYNDICATION_PREFIX}/articles?offset=${nextOffset}&limit=${limitCount}`
              : null,
        },
        PRIVATE,
      )
    },
  )

  app.get(
    `${SYNDICATION_PREFIX}/articles/:slug`,
    {
      schema: {
        summary:
          "One article's licensed payload: embed-ready HTML, Portable Text, JSON-LD, canonical URL, review dates, licence (API key)",
        tags: ['syndication'],
      },
    },
    async (request, reply) => {
      const partner = await partnerOf(request, reply, 'article')
      rejectUnknownParameters(request, [])
      const slug = requireSlugParam(request)
      const found = await fetchScopedArticle(syndication.client, partnerAudience(partner), slug, syndication.now())
      if (!found) throw notFoundArticle(slug)
      return sendJson(request, reply, buildSyndicatedArticle(found, payloadContext()), PRIVATE)
    },
  )

  // -------------------------------------------------------------------------------------------
  // Changes

  app.get(
    `${SYNDICATION_PREFIX}/changes`,
    {
      schema: { summary: 'Upserts and tombstones since a cursor, in a stable order (API key)', tags: ['syndication'] },
    },
    async (request, reply) => {
      const partner = await partnerOf(request, reply, 'changes')
      rejectUnknownParameters(request, ['since', 'limit'])
      const limitCount = parseInteger(request, 'limit', 100, 1, 500)
      const sinceRaw = queryString(request, 'since')
      let since: ReturnType<typeof decodeCursor> | undefined
      try {
        since = sinceRaw === undefined || sinceRaw === '' ? undefined : decodeCursor(sinceRaw)
      } catch (error) {
        if (error instanceof CursorError) throw invalidParameter('query.since', error.message.replace(/^"since" /, ''))
        throw error
      }
      // Bring the ledger up to date first (coalesced with any run in progress), so a read right after
      // a publish sees it even when this instance's listener has not fired yet.
      await syndication.reconcile()
      const { state } = await loadLedger(syndication.client, audienceKey(partnerAudience(partner)))
      const page = changesSince(state, since, limitCount)
      const upsertIds = page.entries.filter((e) => e.op === 'upsert').map((e) => e.articleId)
      const current =
        upsertIds.length > 0
          ? await fetchScopedArticlesByIds(syndication.client, partnerAudience(partner), upsertIds, syndication.now())
          : null
      const changes = page.entries.map((entry) => {
        const source = entry.op === 'upsert' ? current?.articles.get(entry.articleId) : undefined
        if (entry.op === 'upsert' && source && current) {
          return {
            seq: entry.seq,
            op: 'upsert' as const,
            id: entry.articleId,
            slug: entry.slug,
            at: entry.at,
            article: buildSyndicatedArticle({ clinic: current.clinic, article: source }, payloadContext()),
          }
        }
        // Deleted, or left the scope after the ledger was read: a tombstone (a later entry will say the same).
        return {
          seq: entry.seq,
          op: 'delete' as const,
          id: entry.articleId,
          slug: entry.slug,
          at: entry.at,
          reason: entry.reason ?? 'out-of-scope',
        }
      })
      return sendJson(
        request,
        reply,
        { changes, next: encodeCursor(page.next), hasMore: page.hasMore, reset: page.reset },
        PRIVATE,
      )
    },
  )

  // -------------------------------------------------------------------------------------------
  // The partner's own delivery log and usage

  app.get(
    `${SYNDICATION_PREFIX}/webhooks/deliveries`,
    { schema: { summary: "This partner's webhook delivery log (API key)", tags: ['syndication'] } },
    async (request, reply) => {
      const partner = await partnerOf(request, reply, 'deliveries')
      rejectUnknownParameters(request, ['limit'])
      const limitCount = parseInteger(request, 'limit', 50, 1, 200)
      const deliveries = await listDeliveries(syndication.client, { partnerId: partner.id, limit: limitCount })
      return sendJson(request, reply, { webhookUrl: partner.webhookUrl, deliveries }, PRIVATE)
    },
  )

  app.get(
    `${SYNDICATION_PREFIX}/usage`,
    { schema: { summary: "This partner's daily request counts (API key)", tags: ['syndication'] } },
    async (request, reply) => {
      const partner = await partnerOf(request, reply, 'usage')
      rejectUnknownParameters(request, ['days'])
      const days = parseInteger(request, 'days', 30, 1, 366)
      const today = syndication.now()
      const from = new Date(today.getTime() - (days - 1) * 86_400_000)
      await syndication.usage.flush()
      const usage = await readUsage(syndication.client, partner.id, utcDay(from), utcDay(today))
      return sendJson(
        request,
        reply,
        { partnerId: partner.id, from: utcDay(from), to: utcDay(today), days: usage },
        PRIVATE,
      )
    },
  )

  // -------------------------------------------------------------------------------------------
  // oEmbed and the embed page

  app.get(
    `${SYNDICATION_PREFIX}/oembed`,
    { schema: { summary: "oEmbed 1.0 (JSON, rich) for an article URL on the clinic's site", tags: ['syndication'] } },
    async (request, reply) => {
      rejectUnknownParameters(request, ['url', 'format', 'maxwidth', 'maxheight'])
      const url = queryString(request, 'url')
      if (!url) throw invalidParameter('query.url', "is required: the URL of an article on the clinic's site")
      const format = queryString(request, 'format') ?? 'json'
      if (format !== 'json') {
        throw new RequestProblem(
          501,
          'not-implemented',
          'Not implemented',
          `format "${format.slice(0, 20)}" is not supported: this oEmbed provider answers format=json only`,
        )
      }
      const maxwidth = parseInteger(request, 'maxwidth', 768, 100, 10_000)
      const maxheight = parseInteger(request, 'maxheight', 900, 100, 10_000)
      let parsed: URL
      try {
        parsed = new URL(url)
      } catch {
        throw invalidParameter('query.url', `is not an absolute URL: ${JSON.stringify(url.slice(0, 100))}`)
      }
      const route = matchPath(parsed.pathname)
      if (route?._type !== 'article') {
        throw new RequestProblem(
          404,
          'not-found',
          'Not found',
          `${url.slice(0, 200)} is not an article URL this provider can embed (article pages look like <site>/articles/<slug>).`,
        )
      }
      const found = await fetchScopedArticle(syndication.client, { kind: 'embed' }, route.slug, syndication.now())
      if (!found || normaliseSiteUrl(found.clinic.siteUrl).split('/').slice(0, 3).join('/') !== parsed.origin)
        throw notFoundArticle(route.slug)
      const article = buildSyndicatedArticle(found, payloadContext())
      const width = Math.min(maxwidth, 768)
      const height = Math.min(maxheight, 900)
      const html = article.embed.snippet
        .replace('width="100%"', `width="${width}"`)
        .replace('height="900"', `height="${height}"`)
      return sendJson(
        request,
        reply,
        {
          version: '1.0',
          type: 'rich',
          title: article.title,
          author_name: article.author?.name,
          provider_name: found.clinic.name,
          provider_url: normaliseSiteUrl(found.clinic.siteUrl),
          cache_age: 3600,
          html,
          width,
          height,
        },
        'public, max-age=300',
      )
    },
  )

  app.get(
    `${SYNDICATION_PREFIX}/embed/:slug`,
    {
      schema: {
        summary: 'The embeddable article page the copy-paste snippet loads in an iframe',
        tags: ['syndication'],
      },
      // Any site may frame it (frame-ancestors *): see delivery/http/security-headers.ts.
      config: { embeddable: true },
    },
    async (request, reply) => {
      rejectUnknownParameters(request, [])
      const slug = requireSlugParam(request)
      const found = await fetchScopedArticle(syndication.client, { kind: 'embed' }, slug, syndication.now())
      if (!found) throw notFoundArticle(slug)
      const article = buildSyndicatedArticle(found, payloadContext())
      const page =
        `<!doctype html><html lang="en-US"><head><meta charset="utf-8">` +
        `<meta name="viewport" content="width=device-width, initial-scale=1">` +
        `<meta name="robots" content="noindex">` +
        `<title>${escapeHtml(article.title)} | ${escapeHtml(found.clinic.name)}</title>` +
        `<link rel="canonical" href="${escapeHtml(article.canonicalUrl)}">` +
        jsonLdScriptTag(article.jsonLd) +
        `<base target="_blank">` +
        `<style>body{font:1rem/1.6 system-ui,sans-serif;max-width:46rem;margin:0 auto;padding:1rem;color:#1b1b1b}` +
        `img{max-width:100%;height:auto}.syndication-disclaimer{border-left:4px solid #b35c00;padding:.5rem 1rem;background:#fff7ec}` +
        `.syndication-attribution{border-top:1px solid #ccc;margin-top:2rem;font-size:.9rem}</style>` +
        `</head><body><main>${article.html}</main></body></html>`
      return sendBody(request, reply, page, HTML_CONTENT_TYPE, 'public, max-age=300')
    },
  )

  // -------------------------------------------------------------------------------------------
  // Feeds

  type FeedFormat = 'rss.xml' | 'atom.xml' | 'feed.json'
  const FORMATS: readonly FeedFormat[] = ['rss.xml', 'atom.xml', 'feed.json']

  async function serveFeed(
    request: FastifyRequest,
    reply: FastifyReply,
    audience: Audience,
    format: FeedFormat,
    selfBase: string,
    id: string,
    title: string,
    cacheControl: string,
  ): Promise<FastifyReply> {
    const now = syndication.now()
    const page = await fetchScopedArticles(syndication.client, audience, now, {
      offset: 0,
      limit: syndication.options.feedItems ?? 50,
    })
    const items = page.articles.map((source) => {
      const article = buildSyndicatedArticle({ clinic: page.clinic, article: source }, payloadContext())
      return feedItemOf(article, page.clinic, heroImageUrl(source, syndication.options.images), now)
    })
    const feed = buildFeed({
      id,
      title,
      description: `Patient-education articles from ${page.clinic.name}, licensed for republication with attribution.`,
      clinic: page.clinic,
      items,
      builtAt: now,
    })
    const links: FeedLinks = {
      self: `${selfBase}/${format}`,
      homePage: normaliseSiteUrl(page.clinic.siteUrl),
      extensionAbout: `${base()}${SYNDICATION_PREFIX}/#json-feed-extension`,
    }
    if (syndication.options.websubHub) links.hub = syndication.options.websubHub
    reply.header(
      'Link',
      [`<${links.self}>; rel="self"`, ...(links.hub ? [`<${links.hub}>; rel="hub"`] : [])].join(', '),
    )
    if (format === 'rss.xml') return sendBody(request, reply, renderRss(feed, links), RSS_CONTENT_TYPE, cacheControl)
    if (format === 'atom.xml') return sendBody(request, reply, renderAtom(feed, links), ATOM_CONTENT_TYPE, cacheControl)
    return sendBody(request, reply, renderJsonFeed(feed, links), JSON_FEED_CONTENT_TYPE, cacheControl)
  }

  for (const format of FORMATS) {
    app.get(
      `${FEEDS_PREFIX}/${format}`,
      {
        schema: {
          summary: 'Public feed of articles licensed for republication (RSS 2.0, Atom 1.0 or JSON Feed 1.1)',
          tags: ['syndication'],
        },
      },
      async (request, reply) => {
        rejectUnknownParameters(request, [])
        return serveFeed(
          request,
          reply,
          { kind: 'public' },
          format,
          `${base()}${FEEDS_PREFIX}`,
          `${base()}${FEEDS_PREFIX}/public`,
          'Patient education',
          PUBLIC_FEED,
        )
      },
    )
    app.get(
      `${FEEDS_PREFIX}/partners/:token/${format}`,
      {
        schema: {
          summary: "A partner's feed; the feed token in the URL stands in for the API key",
          tags: ['syndication'],
        },
      },
      async (request, reply) => {
        rejectUnknownParameters(request, [])
        const token = (request.params as Record<string, string>).token
        const auth = await authenticate(syndication.client, token, 'feedToken')
        if (!auth.ok) throw new RequestProblem(401, 'unauthorized', 'Unauthorized', FEED_AUTH_DETAIL[auth.failure])
        limit(reply, syndication.feedLimiter.take(`feed:${auth.credentialId}`), auth.partner.id, 'feed')
        return serveFeed(
          request,
          reply,
          partnerAudience(auth.partner),
          format,
          `${base()}${FEEDS_PREFIX}/partners/${token}`,
          `${base()}${FEEDS_PREFIX}/partners/${encodeURIComponent(auth.partner.id)}`,
          `Patient education for ${auth.partner.name}`,
          PRIVATE,
        )
      },
    )
  }
}

export type { SyndicatedArticle }
