// /api/v1/articles (the prefix is given where the plugin is registered): cursor-paginated lists
// and one article by slug.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { serveList } from '../../serve-content.js'
import { registerSlugRoute } from '../../slug-route.js'
import type { RouteOptions } from '../../context.js'
import { presentArticle, presentArticlePage } from '../../present.js'
import {
  cursorSchema,
  errorResponses,
  listResponse,
  pageSizeSchema,
  languageQuery,
  perspectiveSchema,
  queryOf,
  slugSchema,
} from '../../route-schemas.js'

export const articleRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, options) => {
  const { context } = options
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
          perspective: Type.Optional(perspectiveSchema),
          ...languageQuery(),
        }),
        response: { 200: listResponse('A page of article summaries'), ...errorResponses },
      },
    },
    (request, reply) =>
      serveList(
        context,
        request,
        reply,
        (content) => content.articles(request.query),
        (items, self, present, links) =>
          presentArticlePage({ items, nextCursor: links.nextCursor }, self, links.next, present),
      ),
  )

  registerSlugRoute(app, options, {
    noun: 'article',
    collection: 'articles',
    qualifier: 'published ',
    description:
      'The article with its author, medical reviewer, categories, conditions, treatments, FAQs (in order), care instructions and citations resolved; body as HTML (with numbered footnotes) and Portable Text; MedicalWebPage JSON-LD.',
    find: (content, slug, language) => content.articleBySlug(slug, language),
    present: presentArticle,
  })
}
