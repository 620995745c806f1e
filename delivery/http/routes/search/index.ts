// /api/v1/search: full-text search over article titles, excerpts and bodies.
import type { FastifyPluginAsync } from 'fastify'
import type { DeliveryContext } from '../../context.js'
import { presentContext } from '../../context.js'
import { API_PREFIX, presentSearch } from '../../present.js'
import { jsonBody, serveCached } from '../../respond.js'
import { errorResponses, listResponse, searchLimitSchema } from '../../route-schemas.js'

export const searchRoutes: FastifyPluginAsync<DeliveryContext> = async (app, context) => {
  app.get<{ Querystring: { q: string; limit?: number } }>(
    `${API_PREFIX}/search`,
    {
      schema: {
        summary: 'Search articles',
        description:
          'Articles whose title, excerpt or body contain every word of `q` (prefixes match: "needl" finds "needling"), best first.',
        tags: ['search'],
        querystring: {
          type: 'object',
          required: ['q'],
          additionalProperties: false,
          properties: {
            q: { type: 'string', minLength: 1, maxLength: 200, description: 'Words to search for' },
            limit: searchLimitSchema,
          },
        },
        response: { 200: listResponse('Matching article summaries with a score'), ...errorResponses },
      },
    },
    (request, reply) =>
      serveCached(context, request, reply, async () => {
        const [hits, present] = await Promise.all([context.content.search(request.query), presentContext(context)])
        return jsonBody(200, presentSearch(request.query.q, hits, request.url, present))
      }),
  )
}
