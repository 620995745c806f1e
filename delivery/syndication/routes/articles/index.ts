// GET /syndication/v1/articles (a page of the articles this partner may republish, with licensed
// payloads) and GET /syndication/v1/articles/:slug (one). API key; the prefix is given where the
// plugin is registered. Anything outside the partner's scope is a 404 like a missing article.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { noQuery, queryOf, slugParams, wholeNumber } from '../../../http/route-schemas.js'
import { buildSyndicatedArticle, fetchScopedArticle, fetchScopedArticles } from '../../articles.js'
import {
  notFoundArticle,
  PRIVATE,
  partnerAudience,
  payloadContext,
  SYNDICATION_PREFIX,
  type SyndicationRouteOptions,
  sendJson,
} from '../common.js'
import { guardOf } from '../guard.js'

const listQuery = queryOf({
  offset: Type.Optional(wholeNumber(0, 100_000, 'Articles to skip (default 0)')),
  limit: Type.Optional(wholeNumber(1, 100, 'Page size (1-100, default 20)')),
})

export const articleRoutes: FastifyPluginAsyncTypebox<SyndicationRouteOptions> = async (app, { syndication }) => {
  const guard = guardOf(syndication)

  app.get(
    '/',
    {
      onRequest: guard.apiKey('articles'),
      schema: {
        summary: 'Articles this partner may republish, with licensed payloads (API key)',
        tags: ['syndication'],
        querystring: listQuery,
      },
    },
    async (request, reply) => {
      const partner = guard.partnerOf(request)
      const { offset = 0, limit = 20 } = request.query
      const page = await fetchScopedArticles(syndication.client, partnerAudience(partner), syndication.now(), {
        offset,
        limit,
      })
      const items = page.articles.map((article) =>
        buildSyndicatedArticle({ clinic: page.clinic, article }, payloadContext(syndication)),
      )
      const nextOffset = offset + items.length
      const next =
        nextOffset < page.total
          ? `${syndication.apiBaseUrl()}${SYNDICATION_PREFIX}/articles?offset=${nextOffset}&limit=${limit}`
          : null
      return sendJson(request, reply, { items, total: page.total, offset, limit, next }, PRIVATE)
    },
  )

  app.get(
    '/:slug',
    {
      onRequest: guard.apiKey('article'),
      schema: {
        summary:
          "One article's licensed payload: embed-ready HTML, Portable Text, JSON-LD, canonical URL, review dates, licence (API key)",
        tags: ['syndication'],
        params: slugParams,
        querystring: noQuery,
      },
    },
    async (request, reply) => {
      const partner = guard.partnerOf(request)
      const { slug } = request.params
      const found = await fetchScopedArticle(syndication.client, partnerAudience(partner), slug, syndication.now())
      if (!found) throw notFoundArticle(slug)
      return sendJson(request, reply, buildSyndicatedArticle(found, payloadContext(syndication)), PRIVATE)
    },
  )
}
