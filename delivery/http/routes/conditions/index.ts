// /api/v1/conditions (all or by body region) and /api/v1/conditions/:slug; the prefix is given
// where the plugin is registered.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { BODY_REGION_VALUES } from '../../../../model/values.js'
import type { RouteOptions } from '../../context.js'
import { presentContext } from '../../context.js'
import { API_PREFIX, nextPageLink, presentCondition, presentConditionList } from '../../present.js'
import { problem } from '../../problem.js'
import { jsonBody, problemBody, serveCached } from '../../respond.js'
import {
  bodyRegionSchema,
  conditionPageSizeSchema,
  cursorSchema,
  documentResponse,
  errorResponses,
  listResponse,
  problemResponse,
  queryOf,
  slugParams,
} from '../../route-schemas.js'

export const conditionRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { context }) => {
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
        }),
        response: {
          200: listResponse('A page of condition summaries with MedicalCondition JSON-LD'),
          ...errorResponses,
        },
      },
    },
    (request, reply) =>
      serveCached(context, request, reply, async () => {
        const [page, present] = await Promise.all([context.content.conditions(request.query), presentContext(context)])
        const next = nextPageLink(request.url, page.nextCursor)
        return jsonBody(
          200,
          presentConditionList(page.items, request.url, present, { nextCursor: page.nextCursor, next }),
        )
      }),
  )

  app.get(
    '/:slug',
    {
      schema: {
        summary: 'One condition by slug',
        description:
          'The condition with its sections (HTML and Portable Text), the treatments for it, the articles and FAQs that reference it; MedicalWebPage + MedicalCondition JSON-LD with ICD-10 codes.',
        tags: ['conditions'],
        params: slugParams,
        response: {
          200: documentResponse('The condition'),
          404: problemResponse('No condition has this slug'),
          ...errorResponses,
        },
      },
    },
    (request, reply) =>
      serveCached(context, request, reply, async () => {
        const [result, present] = await Promise.all([
          context.content.conditionBySlug(request.params.slug),
          presentContext(context),
        ])
        if (!result.found) {
          return problemBody(
            404,
            problem(
              'not-found',
              404,
              'Condition not found',
              `No condition has the slug "${result.key}". List conditions at ${API_PREFIX}/conditions.`,
              request.url,
            ),
          )
        }
        return jsonBody(200, presentCondition(result.value, present))
      }),
  )
}
