// /sitemap.xml, a sitemaps.org index, and its paged child sitemaps /sitemaps/articles-1.xml, ...
// Registered without a prefix: these paths are fixed by the sitemaps protocol and robots.txt.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { SITEMAP_PAGE_SIZE } from '../../../content/site.js'
import { escapeHtml } from '../../../render/escape.js'
import { absoluteUrl } from '../../../../model/site-paths.js'
import type { RouteOptions } from '../../context.js'
import { sitemapUrls } from '../../present.js'
import { type Produced, serveCached, XML_CONTENT_TYPE } from '../../respond.js'
import { noQuery } from '../../route-schemas.js'
import { childSitemapNotFound, collectionName, parseSitemapFile, siteBase, sitemapPath } from '../sitemap/files.js'

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9'
/** Google's namespace for a page's language versions in a sitemap (`xhtml:link rel="alternate"`). */
const XHTML_NS = 'http://www.w3.org/1999/xhtml'

function xml(body: string): Produced {
  return { status: 200, contentType: XML_CONTENT_TYPE, body }
}

const fileParams = Type.Object(
  { file: Type.String({ maxLength: 40, description: 'e.g. articles-1.xml' }) },
  { additionalProperties: false },
)

export const sitemapXmlRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { context }) => {
  app.get(
    '/sitemap.xml',
    {
      schema: {
        summary: 'sitemap.xml (sitemap index)',
        description: `The sitemaps.org sitemap index: one child sitemap per ${SITEMAP_PAGE_SIZE} public pages of each type (/sitemaps/articles-1.xml, ...), with the newest modification of the type.`,
        tags: ['site'],
        produces: XML_CONTENT_TYPE,
        querystring: noQuery,
      },
    },
    (request, reply) =>
      serveCached(context, request, reply, async () => {
        const [index, base] = await Promise.all([context.content.sitemapIndex(), siteBase(context)])
        const sitemaps = index.map(
          (ref) =>
            `  <sitemap><loc>${escapeHtml(absoluteUrl(base, sitemapPath(ref.type, ref.page)))}</loc>` +
            `${ref.lastmod ? `<lastmod>${escapeHtml(ref.lastmod)}</lastmod>` : ''}</sitemap>\n`,
        )
        return xml(`${XML_HEAD}<sitemapindex xmlns="${SITEMAP_NS}">\n${sitemaps.join('')}</sitemapindex>\n`)
      }),
  )

  app.get(
    '/sitemaps/:file',
    {
      schema: {
        summary: 'One child sitemap (XML)',
        description: `A sitemaps.org urlset of at most ${SITEMAP_PAGE_SIZE} public pages of one type, with lastmod: \`/sitemaps/{articles|conditions|treatments}-{page}.xml\` as listed in /sitemap.xml.`,
        tags: ['site'],
        produces: XML_CONTENT_TYPE,
        params: fileParams,
        querystring: noQuery,
      },
    },
    (request, reply) =>
      serveCached(context, request, reply, async () => {
        const wanted = parseSitemapFile(request.params.file)
        if (!wanted) return childSitemapNotFound(request, `named "${request.params.file.slice(0, 40)}"`)
        const [result, base] = await Promise.all([
          context.content.sitemapPage(wanted.type, wanted.page),
          siteBase(context),
        ])
        if (!result.found) return childSitemapNotFound(request, `page ${wanted.page} of ${collectionName(wanted.type)}`)
        const urls = sitemapUrls(result.value, base)
        return xml(
          `${XML_HEAD}<urlset xmlns="${SITEMAP_NS}" xmlns:xhtml="${XHTML_NS}">\n` +
            urls
              .map(
                (u) =>
                  `  <url><loc>${escapeHtml(u.loc)}</loc><lastmod>${escapeHtml(u.lastmod)}</lastmod>` +
                  u.alternates
                    .map(
                      (a) =>
                        `<xhtml:link rel="alternate" hreflang="${escapeHtml(a.hreflang)}" href="${escapeHtml(a.href)}"/>`,
                    )
                    .join('') +
                  '</url>\n',
              )
              .join('') +
            '</urlset>\n',
        )
      }),
  )
}
