// GET /syndication/v1/oembed?url=...: oEmbed 1.0 (JSON, rich) for an article URL on the clinic's
// site. Public, metered by address; the prefix is given where the plugin is registered.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { HttpProblem, invalidParameter } from '../../../http/problem.js'
import { queryOf, wholeNumber } from '../../../http/route-schemas.js'
import { matchPath, normaliseSiteUrl } from '../../../../model/site-paths.js'
import { buildSyndicatedArticle, fetchScopedArticle } from '../../articles.js'
import { notFoundArticle, payloadContext, PUBLIC_EMBED, type SyndicationRouteOptions, sendJson } from '../common.js'
import { guardOf } from '../guard.js'

const oembedQuery = queryOf({
  url: Type.String({ maxLength: 2000, description: "The URL of an article on the clinic's site" }),
  format: Type.Optional(Type.String({ maxLength: 20, description: 'json (the only format produced)' })),
  maxwidth: Type.Optional(wholeNumber(100, 10_000, 'Most width in pixels (default 768)')),
  maxheight: Type.Optional(wholeNumber(100, 10_000, 'Most height in pixels (default 900)')),
})

export const oembedRoutes: FastifyPluginAsyncTypebox<SyndicationRouteOptions> = async (app, { syndication }) => {
  const guard = guardOf(syndication)
  app.get(
    '/',
    {
      onRequest: guard.publicPath,
      schema: {
        summary: "oEmbed 1.0 (JSON, rich) for an article URL on the clinic's site",
        tags: ['syndication'],
        querystring: oembedQuery,
      },
    },
    async (request, reply) => {
      const { url, format = 'json', maxwidth = 768, maxheight = 900 } = request.query
      if (url === '') throw invalidParameter('query.url', "is required: the URL of an article on the clinic's site")
      if (format !== 'json') {
        throw new HttpProblem(
          501,
          'not-implemented',
          'Not implemented',
          `format "${format.slice(0, 20)}" is not supported: this oEmbed provider answers format=json only`,
        )
      }
      let parsed: URL
      try {
        parsed = new URL(url)
      } catch {
        throw invalidParameter('query.url', `is not an absolute URL: ${JSON.stringify(url.slice(0, 100))}`)
      }
      const route = matchPath(parsed.pathname)
      if (route?._type !== 'article') {
        throw new HttpProblem(
          404,
          'not-found',
          'Not found',
          `${url.slice(0, 200)} is not an article URL this provider can embed (article pages look like <site>/articles/<slug>).`,
        )
      }
      const found = await fetchScopedArticle(syndication.client, { kind: 'embed' }, route.slug, syndication.now())
      if (!found || normaliseSiteUrl(found.clinic.siteUrl).split('/').slice(0, 3).join('/') !== parsed.origin)
        throw notFoundArticle(route.slug)
      const article = buildSyndicatedArticle(found, payloadContext(syndication))
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
        PUBLIC_EMBED,
      )
    },
  )
}
