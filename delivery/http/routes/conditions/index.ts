// /api/v1/conditions (all or by body region) and /api/v1/conditions/:slug; the prefix is given
// where the plugin is registered.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { BODY_REGION_VALUES } from '../../../../model/values.js'
import { serveList } from '../../serve-content.js'
import { registerSlugRoute } from '../../slug-route.js'
import type { RouteOptions } from '../../context.js'
import { presentCondition, presentConditionList } from '../../present.js'
import {
  bodyRegionSchema,
  conditionPageSizeSchema,
  cursorSchema,
  errorResponses,
  listResponse,
  languageQuery,
  perspectiveSchema,
  queryOf,
} from '../../route-schemas.js'

export const conditionRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, options) => {
  const { context } = options
  app.get(
    '/',
    {
      schema: {
        summary: 'List conditions by name, optionally of one body region',
        description: `Conditions ordered by (name, _id), a page at a time: pass \`nextCursor\` as \`cursor\` (or follow \`links.next\`) for the next page. \`bodyRegion\` is one of: ${BODY_REGION_VALUES.join(', ')}.`,
        tags: ['conditions'],
        querystring: queryOf({
          bodyRegion: Type.Optional(bodyRegionSchema),
          limit: Type.Optional(conditionPageSizeSchema),
          cursor: Type.Optional(cursorSchema),
          perspective: Type.Optional(perspectiveSchema),
          ...languageQuery(),
        }),
        response: {
          200: listResponse('A page of condition summaries with MedicalCondition JSON-LD'),
          ...errorResponses,
        },
      },
    },
    (request, reply) =>
      serveList(context, request, reply, (content) => content.conditions(request.query), presentConditionList),
  )

  registerSlugRoute(app, options, {
    noun: 'condition',
    collection: 'conditions',
    description:
      'The condition with its sections (HTML and Portable Text), the treatments for it, the articles and FAQs that reference it; MedicalWebPage + MedicalCondition JSON-LD with ICD-10 codes.',
    find: (content, slug, language) => content.conditionBySlug(slug, language),
    present: presentCondition,
  })
}
