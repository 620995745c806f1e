// Site-wide resources: /api/v1/clinic, /api/v1/sitemap (JSON) and /sitemap.xml.
import type { FastifyPluginAsync } from 'fastify'
import { escapeHtml } from '../../render/escape.js'
import type { DeliveryContext } from '../context.js'
import { presentContext } from '../context.js'
import { API_PREFIX, presentClinic, sitemapUrls } from '../present.js'
import { problem } from '../problem.js'
import { jsonBody, problemBody, serveCached, XML_CONTENT_TYPE } from '../respond.js'
import { documentResponse, errorResponses, listResponse, problemResponse } from '../schemas.js'

const noQuery = { type: 'object', additionalProperties: false, properties: {} } as const

export const siteRoutes: FastifyPluginAsync<DeliveryContext> = async (app, context) => {
  app.get(
    `${API_PREFIX}/clinic`,
    {
      schema: {
        summary: "The clinic's settings",
        description: 'Name, site and booking URLs, contact details, address, logo, medical disclaimer, syndication licence and attribution; MedicalClinic JSON-LD.',
        tags: ['site'],
        querystring: noQuery,
        response: { 200: documentResponse('The clinic'), 404: problemResponse('The clinic settings are not published yet'), ...errorResponses },
      },
    },
    (request, reply) =>
      serveCached(context, request, reply, async () => {
        const present = await presentContext(context)
        if (!present.clinic) {
          return problemBody(
            404,
            problem('not-found', 404, 'Clinic settings not found', 'The clinic settings document ("clinic") is not published yet: publish it in the Studio.', request.url),
          )
        }
        return jsonBody(200, presentClinic(present.clinic, present))
      }),
  )

  app.get(
    `${API_PREFIX}/sitemap`,
    {
      schema: {
        summary: 'Sitemap entries',
        description: 'Every article, condition and treatment with a public page (noIndex ones left out), with its last modification.',
        tags: ['site'],
        querystring: noQuery,
        response: { 200: listResponse('Sitemap entries'), ...errorResponses },
      },
    },
    (request, reply) =>
      serveCached(context, request, reply, async () => {
        const [entries, present] = await Promise.all([context.content.sitemapEntries(), presentContext(context)])
        const urls = sitemapUrls(entries, present.clinic, context.publicUrl())
        return jsonBody(200, { data: entries.map((entry, i) => ({ ...entry, loc: urls[i]?.loc ?? null })), links: { self: request.url, xml: '/sitemap.xml' } })
      }),
  )

  app.get(
    '/sitemap.xml',
    {
      schema: {
        summary: 'sitemap.xml',
        description: 'The sitemaps.org XML sitemap of the public pages.',
        tags: ['site'],
        querystring: noQuery,
      },
    },
    (request, reply) =>
      serveCached(context, request, reply, async () => {
        const [entries, present] = await Promise.all([context.content.sitemapEntries(), presentContext(context)])
        const urls = sitemapUrls(entries, present.clinic, context.publicUrl())
        const body =
          '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' +
          urls.map((u) => `  <url><loc>${escapeHtml(u.loc)}</loc><lastmod>${escapeHtml(u.lastmod)}</lastmod></url>\n`).join('') +
          '</urlset>\n'
        return { status: 200, contentType: XML_CONTENT_TYPE, body }
      }),
  )
}
