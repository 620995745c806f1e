// The API's description: /api/v1/openapi.json (OpenAPI 3.1, built from the schemas of every route
// registered) and /api/docs (the same as a page). Registered without a prefix, after every other
// route group, since it describes them.
import type { FastifyPluginAsync } from 'fastify'
import { HTML_CONTENT_TYPE, JSON_CONTENT_TYPE } from '../../content-types.js'
import { buildOpenApiDocument, type RouteRecord, renderDocsPage } from '../../openapi.js'
import { API_PREFIX } from '../../present.js'

export interface DocsRouteOptions {
  /** Every route of the server, as its onRoute hook recorded them. */
  routes: readonly RouteRecord[]
  info: () => { title: string; version: string; serverUrl: string }
}

export const docsRoutes: FastifyPluginAsync<DocsRouteOptions> = async (app, { routes, info }) => {
  let openApi: string | null = null
  const openApiDocument = () => buildOpenApiDocument(routes, info())
  app.get(
    `${API_PREFIX}/openapi.json`,
    { schema: { summary: 'This OpenAPI 3.1 document', tags: ['operations'] } },
    async (_request, reply) => {
      openApi ??= JSON.stringify(openApiDocument())
      return reply.type(JSON_CONTENT_TYPE).header('Cache-Control', 'public, max-age=300').send(openApi)
    },
  )
  app.get(
    '/api/docs',
    { schema: { summary: 'API documentation (HTML)', tags: ['operations'], produces: HTML_CONTENT_TYPE } },
    async (_request, reply) =>
      reply
        .type(HTML_CONTENT_TYPE)
        .header('Cache-Control', 'public, max-age=300')
        .send(renderDocsPage(openApiDocument())),
  )
}
