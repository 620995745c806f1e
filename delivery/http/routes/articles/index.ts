// /api/v1/articles: cursor-paginated lists and one article by slug.
import type { FastifyPluginAsync } from 'fastify'
import type { DeliveryContext } from '../../context.js'
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
  slugParams,
  slugSchema,
} from '../../route-schemas.js'

interface ListQuery {
  category?: string
  condition?: string
  treatment?: string
  limit?: number
  cursor?: string
}

export const articleRoutes: FastifyPluginAsync<DeliveryContext> = async (app, context) => {
  app.get<{ Querystring: ListQuery }>(
    `${API_PREFIX}/articles`,
    {
      schema: {
        summary: 'List articles, newest first',
        description:
          'Published articles ordered by (publishedAt, _id) descending, optionally only those of a category, condition or treatment. Pages are cursor-based: pass `nextCursor` as `cursor` for the next page.',
        tags: ['articles'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            category: slugSchema,
            condition: slugSchema,
            treatment: slugSchema,
            limit: pageSizeSchema,
            cursor: cursorSchema,
          },
        },
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

  app.get<{ Params: { slug: string } }>(
    `${API_PREFIX}/articles/:slug`,
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
