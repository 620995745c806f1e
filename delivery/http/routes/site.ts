// Site-wide resources: /api/v1/clinic; the sitemap as a sitemaps.org index (/sitemap.xml) of paged
// child sitemaps (/sitemaps/articles-1.xml, ...), and the same as JSON (/api/v1/sitemap,
// /api/v1/sitemap/{type}/{page}).
import type { FastifyPluginAsync } from 'fastify'
import { SITEMAP_PAGE_SIZE, type SitemapPageRef } from '../../content/site.js'
import { escapeHtml } from '../../render/escape.js'
import { absoluteUrl, isRoutableType, ROUTES, type RoutableType } from '../../../model/site-paths.js'
import type { DeliveryContext } from '../context.js'
import { presentContext } from '../context.js'
import { API_PREFIX, presentClinic, sitemapLoc, sitemapUrls } from '../present.js'
import { problem } from '../problem.js'
import { jsonBody, problemBody, serveCached, XML_CONTENT_TYPE, type Produced } from '../respond.js'
import { documentResponse, errorResponses, listResponse, problemResponse } from '../schemas.js'

const noQuery = { type: 'object', additionalProperties: false, properties: {} } as const

/** `articles` for article: the child sitemaps are named after the route table's collections. */
function collectionName(type: RoutableType): string {
  return ROUTES[type].collection.slice(1)
}

/** The site path of a child sitemap: `/sitemaps/articles-1.xml`. */
export function sitemapPath(type: RoutableType, page: number): string {
  return `/sitemaps/${collectionName(type)}-${page}.xml`
}

/** `articles-2.xml` -> article page 2, or null when the name is not a child sitemap's. */
function parseSitemapFile(file: string): { type: RoutableType; page: number } | null {
  const match = /^([a-z]+)-([1-9][0-9]{0,5})\.xml$/.exec(file)
  if (!match) return null
  const type = (Object.keys(ROUTES) as RoutableType[]).find((t) => collectionName(t) === match[1])
  return type ? { type, page: Number(match[2]) } : null
}

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9'

function xml(body: string): Produced {
  return { status: 200, contentType: XML_CONTENT_TYPE, body }
}

export const siteRoutes: FastifyPluginAsync<DeliveryContext> = async (app, context) => {
  /** Sitemap URLs are absolute, on the clinic's site (this server until the clinic has a site URL). */
  const siteBase = async (): Promise<string> => (await presentContext(context)).clinic?.siteUrl ?? context.publicUrl()

  const childSitemapNotFound = (url: string, what: string): Produced =>
    problemBody(
      404,
      problem(
        'not-found',
        404,
        'Sitemap not found',
        `There is no sitemap ${what}. The sitemap index at /sitemap.xml lists every one.`,
        url,
      ),
    )

  app.get(
    `${API_PREFIX}/clinic`,
    {
      schema: {
        summary: "The clinic's settings",
        description:
          'Name, site and booking URLs, contact details, address, logo, medical disclaimer, syndication licence and attribution; MedicalClinic JSON-LD.',
        tags: ['site'],
        querystring: noQuery,
        response: {
          200: documentResponse('The clinic'),
          404: problemResponse('The clinic settings are not published yet'),
          ...errorResponses,
        },
      },
    },
    (request, reply) =>
      serveCached(context, request, reply, async () => {
        const present = await presentContext(context)
        if (!present.clinic) {
          return problemBody(
            404,
            problem(
              'not-found',
              404,
              'Clinic settings not found',
              'The clinic settings document ("clinic") is not published yet: publish it in the Studio.',
              request.url,
            ),
          )
        }
        return jsonBody(200, presentClinic(present.clinic, present))
      }),
  )

  const presentIndexEntry = (ref: SitemapPageRef) => ({
    ...ref,
    xml: sitemapPath(ref.type, ref.page),
    json: `${API_PREFIX}/sitemap/${ref.type}/${ref.page}`,
  })

  app.get(
    `${API_PREFIX}/sitemap`,
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

  app.get<{ Params: { type: string; page: number } }>(
    `${API_PREFIX}/sitemap/:type/:page`,
    {
      schema: {
        summary: 'One child sitemap (JSON)',
        description: `Entries of one routable type in slug order, page by page (at most ${SITEMAP_PAGE_SIZE}): every document with a public page (noIndex ones left out) with its URL and last modification.`,
        tags: ['site'],
        params: {
          type: 'object',
          required: ['type', 'page'],
          additionalProperties: false,
          properties: {
            type: { type: 'string', enum: Object.keys(ROUTES), description: 'A routable document type' },
            page: { type: 'integer', minimum: 1, maximum: 999_999, description: 'Page number, from 1' },
          },
        },
        querystring: noQuery,
        response: { 200: listResponse('Sitemap entries'), 404: problemResponse('No such page'), ...errorResponses },
      },
    },
    (request, reply) =>
      serveCached(context, request, reply, async () => {
        const { type, page } = request.params
        const [result, base] = await Promise.all([context.content.sitemapPage(type, page), siteBase()])
        if (!result.found || !isRoutableType(type)) return childSitemapNotFound(request.url, `page ${page} of ${type}`)
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

  app.get(
    '/sitemap.xml',
    {
      schema: {
        summary: 'sitemap.xml (sitemap index)',
        description: `The sitemaps.org sitemap index: one child sitemap per ${SITEMAP_PAGE_SIZE} public pages of each type (/sitemaps/articles-1.xml, ...), with the newest modification of the type.`,
        tags: ['site'],
        querystring: noQuery,
      },
    },
    (request, reply) =>
      serveCached(context, request, reply, async () => {
        const [index, base] = await Promise.all([context.content.sitemapIndex(), siteBase()])
        const sitemaps = index.map(
          (ref) =>
            `  <sitemap><loc>${escapeHtml(absoluteUrl(base, sitemapPath(ref.type, ref.page)))}</loc>` +
            `${ref.lastmod ? `<lastmod>${escapeHtml(ref.lastmod)}</lastmod>` : ''}</sitemap>\n`,
        )
        return xml(`${XML_HEAD}<sitemapindex xmlns="${SITEMAP_NS}">\n${sitemaps.join('')}</sitemapindex>\n`)
      }),
  )

  app.get<{ Params: { file: string } }>(
    '/sitemaps/:file',
    {
      schema: {
        summary: 'One child sitemap (XML)',
        description: `A sitemaps.org urlset of at most ${SITEMAP_PAGE_SIZE} public pages of one type, with lastmod: \`/sitemaps/{articles|conditions|treatments}-{page}.xml\` as listed in /sitemap.xml.`,
        tags: ['site'],
        params: {
          type: 'object',
          required: ['file'],
          additionalProperties: false,
          properties: { file: { type: 'string', maxLength: 40, description: 'e.g. articles-1.xml' } },
        },
        querystring: noQuery,
      },
    },
    (request, reply) =>
      serveCached(context, request, reply, async () => {
        const wanted = parseSitemapFile(request.params.file)
        if (!wanted) return childSitemapNotFound(request.url, `named "${request.params.file.slice(0, 40)}"`)
        const [result, base] = await Promise.all([context.content.sitemapPage(wanted.type, wanted.page), siteBase()])
        if (!result.found)
          return childSitemapNotFound(request.url, `page ${wanted.page} of ${collectionName(wanted.type)}`)
        const urls = sitemapUrls(result.value, base)
        return xml(
          `${XML_HEAD}<urlset xmlns="${SITEMAP_NS}">\n` +
            urls
              .map((u) => `  <url><loc>${escapeHtml(u.loc)}</loc><lastmod>${escapeHtml(u.lastmod)}</lastmod></url>\n`)
              .join('') +
            '</urlset>\n',
        )
      }),
  )
}
