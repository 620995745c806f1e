// /api/v1/search: full-text search over article titles, excerpts and bodies; the prefix is given
// where the plugin is registered.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { languageOf } from '../../../../model/languages.js'
import type { RouteOptions } from '../../context.js'
import { presentSearch } from '../../present.js'
import { jsonBody } from '../../respond.js'
import { contentLanguage, requestedLanguage, serveContent } from '../../serve-content.js'
import {
  errorResponses,
  languageQuery,
  listResponse,
  perspectiveSchema,
  queryOf,
  searchLimitSchema,
} from '../../route-schemas.js'

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
          ...languageQuery(),
        }),
        response: { 200: listResponse('Matching article summaries with a score'), ...errorResponses },
      },
    },
    (request, reply) =>
      serveContent(context, request, reply, async (view) => {
        const lang = requestedLanguage(request)
        const [hits, present] = await Promise.all([view.content.search(request.query), view.present()])
        return {
          ...jsonBody(200, {
            language: lang,
            ...presentSearch(request.query.q, hits, request.url, { ...present, lang }),
          }),
          headers: contentLanguage(lang, hits.map(languageOf)),
        }
      }),
  )
}
