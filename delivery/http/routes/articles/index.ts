// /api/v1/articles (the prefix is given where the plugin is registered): cursor-paginated lists
// and one article by slug.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { RouteOptions } from '../../context.js'
import { presentContext } from '../../context.js'
import { API_PREFIX, presentArticle, presentArticlePage } from '../../present.js'
import { problem } from '../../problem.js'
import { jsonBody, problemBody, serveCached } from '../../respond.js'
import {
  cursorSchema,
  documentResponse,
  errorResponses,
  listResponse,
  pageSizeSchema,
  problemResponse,
  queryOf,
  slugParams,
  slugSchema,
} from '../../route-schemas.js'

export const articleRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { context }) => {
  app.get(
    '/',
    {
      schema: {
        summary: 'List articles, newest first',
        description:
          'Published articles ordered by (publishedAt, _id) descending, optionally only those of a category, condition or treatment. Pages are cursor-based: pass `nextCursor` as `cursor` for the next page.',
        tags: ['articles'],
        querystring: queryOf({
          category: Type.Optional(slugSchema),
          condition: Type.Optional(slugSchema),
          treatment: Type.Optional(slugSchema),
          limit: Type.Optional(pageSizeSchema),
          cursor: Type.Optional(cursorSchema),
        }),
        response: { 200: listResponse('A page of article summaries'), ...errorResponses },
      },
    },
    (request, reply) =>
      serveCached(context, request, reply, async () => {
        const [page, present] = await Promise.all([context.content.articles(request.query), presentContext(context)])
        const self = new URL(request.url, 'http://x')
        let next: string | null = null
        if (page.nextCursor) {
          self.searchParams.set('cursor', page.nextCursor)
          next = `${self.pathname}?${self.searchParams.toString()}`
        }
        return jsonBody(200, presentArticlePage(page, request.url, next, present))
      }),
  )

  app.get(
    '/:slug',
    {
      schema: {
        summary: 'One article by slug',
        description:
          'The article with its author, medical reviewer, categories, conditions, treatments, FAQs (in order), care instructions and citations resolved; body as HTML (with numbered footnotes) and Portable Text; MedicalWebPage JSON-LD.',
        tags: ['articles'],
        params: slugParams,
        response: {
          200: documentResponse('The article'),
          404: problemResponse('No published article has this slug'),
          ...errorResponses,
        },
      },
    },
    (request, reply) =>
      serveCached(context, request, reply, async () => {
        const [result, present] = await Promise.all([
          context.content.articleBySlug(request.params.slug),
          presentContext(context),
        ])
        if (!result.found) {
          return problemBody(
            404,
            problem(
              'not-found',
              404,
              'Article not found',
              `No published article has the slug "${result.key}". List articles at ${API_PREFIX}/articles.`,
              request.url,
            ),
          )
        }
        return jsonBody(200, presentArticle(result.value, present))
      }),
  )
}
