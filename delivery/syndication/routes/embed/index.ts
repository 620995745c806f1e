// GET /syndication/v1/embed/:slug: the article page the copy-paste embed snippet loads in an
// iframe. Public, metered by address; the prefix is given where the plugin is registered.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { HTML_CONTENT_TYPE } from '../../../http/content-types.js'
import { sendWithEtag } from '../../../http/respond.js'
import { noQuery, slugParams } from '../../../http/route-schemas.js'
import { escapeHtml } from '../../../render/escape.js'
import { jsonLdScriptTag } from '../../../render/jsonld.js'
import { buildSyndicatedArticle, fetchScopedArticle } from '../../articles.js'
import { notFoundArticle, PUBLIC_EMBED, payloadContext, type SyndicationRouteOptions, VARY } from '../common.js'
import { guardOf } from '../guard.js'

export const embedRoutes: FastifyPluginAsyncTypebox<SyndicationRouteOptions> = async (app, { syndication }) => {
  const guard = guardOf(syndication)
  app.get(
    '/:slug',
    {
      onRequest: guard.publicPath,
      schema: {
        summary: 'The embeddable article page the copy-paste snippet loads in an iframe',
        tags: ['syndication'],
        produces: HTML_CONTENT_TYPE,
        params: slugParams,
        querystring: noQuery,
      },
      // The one HTML other sites may frame (frame-ancestors *; no script may run): the policy lives
      // in delivery/http/security-headers.ts with every other HTML answer's.
      config: { embeddable: true },
    },
    async (request, reply) => {
      const { slug } = request.params
      const found = await fetchScopedArticle(syndication.client, { kind: 'embed' }, slug, syndication.now())
      if (!found) throw notFoundArticle(slug)
      const article = buildSyndicatedArticle(found, payloadContext(syndication))
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
      return sendWithEtag(request, reply, page, HTML_CONTENT_TYPE, PUBLIC_EMBED, VARY)
    },
  )
}
