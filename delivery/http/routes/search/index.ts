// /api/v1/search: full-text search over article titles, excerpts and bodies; the prefix is given
// where the plugin is registered.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { RouteOptions } from '../../context.js'
import { presentSearch } from '../../present.js'
import { jsonBody } from '../../respond.js'
import { serveContent } from '../../serve-content.js'
import { errorResponses, listResponse, perspectiveSchema, queryOf, searchLimitSchema } from '../../route-schemas.js'

export const searchRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { context }) => {
  app.get(
    '/',
    {
      schema: {
        summary: 'Search articles',
        description:
          'Articles whose title, excerpt or body contain every word of `q` (prefixes match: "needl" finds "needling"), best first.',
        tags: ['search'],
        querystring: queryOf({
          q: Type.String({ minLength: 1, maxLength: 200, description: 'Words to search for' }),
          limit: Type.Optional(searchLimitSchema),
          perspective: Type.Optional(perspectiveSchema),
        }),
        response: { 200: listResponse('Matching article summaries with a score'), ...errorResponses },
      },
    },
    (request, reply) =>
      serveContent(context, request, reply, async (view) => {
        const [hits, present] = await Promise.all([view.content.search(request.query), view.present()])
        return jsonBody(200, presentSearch(request.query.q, hits, request.url, present))
      }),
  )
}
