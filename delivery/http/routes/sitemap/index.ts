// /api/v1/sitemap: the sitemap as JSON, an index of paged child sitemaps and each child page; the
// prefix is given where the plugin is registered. The same sitemaps as XML: ../sitemap-xml.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { SITEMAP_PAGE_SIZE, type SitemapPageRef } from '../../../content/site.js'
import { isRoutableType, ROUTES } from '../../../../model/site-paths.js'
import type { RouteOptions } from '../../context.js'
import { API_PREFIX, sitemapLoc } from '../../present.js'
import { jsonBody, serveCached } from '../../respond.js'
import { errorResponses, listResponse, noQuery, problemResponse } from '../../route-schemas.js'
import { childSitemapNotFound, siteBase, sitemapPath } from './files.js'

const childParams = Type.Object(
  {
    type: Type.Unsafe<string>({ type: 'string', enum: Object.keys(ROUTES), description: 'A routable document type' }),
    page: Type.Integer({ minimum: 1, maximum: 999_999, description: 'Page number, from 1' }),
  },
  { additionalProperties: false },
)

export const sitemapRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { context }) => {
  const presentIndexEntry = (ref: SitemapPageRef) => ({
    ...ref,
    xml: sitemapPath(ref.type, ref.page),
    json: `${API_PREFIX}/sitemap/${ref.type}/${ref.page}`,
  })

  app.get(
    '/',
    {
      schema: {
        summary: 'Sitemap index',
        description: `The child sitemaps: per routable type (article, condition, treatment), pages of at most ${SITEMAP_PAGE_SIZE} entries, with their entry count, the newest modification of the type, and their XML and JSON paths.`,
        tags: ['site'],
        querystring: noQuery,
        response: { 200: listResponse('Child sitemaps'), ...errorResponses },
      },
    },
    (request, reply) =>
      serveCached(context, request, reply, async () => {
        const index = await context.content.sitemapIndex()
        return jsonBody(200, { data: index.map(presentIndexEntry), links: { self: request.url, xml: '/sitemap.xml' } })
      }),
  )

  app.get(
    '/:type/:page',
    {
      schema: {
        summary: 'One child sitemap (JSON)',
        description: `Entries of one routable type in slug order, page by page (at most ${SITEMAP_PAGE_SIZE}): every document with a public page (noIndex ones left out) with its URL and last modification.`,
        tags: ['site'],
        params: childParams,
        querystring: noQuery,
        response: { 200: listResponse('Sitemap entries'), 404: problemResponse('No such page'), ...errorResponses },
      },
    },
    (request, reply) =>
      serveCached(context, request, reply, async () => {
        const { type, page } = request.params
        const [result, base] = await Promise.all([context.content.sitemapPage(type, page), siteBase(context)])
        if (!result.found || !isRoutableType(type)) return childSitemapNotFound(request, `page ${page} of ${type}`)
        return jsonBody(200, {
          data: result.value.map((entry) => ({ ...entry, loc: sitemapLoc(entry, base) })),
          links: {
            self: request.url,
            xml: sitemapPath(type, page),
            next: result.value.length === SITEMAP_PAGE_SIZE ? `${API_PREFIX}/sitemap/${type}/${page + 1}` : null,
            index: `${API_PREFIX}/sitemap`,
          },
        })
      }),
  )
}
