// /api/v1/conditions (all or by body region), /api/v1/conditions/:slug, /api/v1/icd10/:code.
import type { FastifyPluginAsync } from 'fastify'
import { BODY_REGION_VALUES } from '../../../model/values.js'
import { normalizeIcd10Code } from '../../content/conditions.js'
import type { DeliveryContext } from '../context.js'
import { presentContext } from '../context.js'
import { API_PREFIX, nextPageLink, presentCondition, presentConditionList } from '../present.js'
import { problem } from '../problem.js'
import { jsonBody, problemBody, serveCached } from '../respond.js'
import {
  bodyRegionSchema,
  conditionPageSizeSchema,
  cursorSchema,
  documentResponse,
  errorResponses,
  listResponse,
  problemResponse,
  slugParams,
} from '../schemas.js'

export const conditionRoutes: FastifyPluginAsync<DeliveryContext> = async (app, context) => {
  app.get<{ Querystring: { bodyRegion?: string; limit?: number; cursor?: string } }>(
    `${API_PREFIX}/conditions`,
    {
      schema: {
        summary: 'List conditions by name, optionally of one body region',
        description: `Conditions ordered by (name, _id), a page at a time: pass \`nextCursor\` as \`cursor\` (or follow \`links.next\`) for the next page. \`bodyRegion\` is one of: ${BODY_REGION_VALUES.join(', ')}.`,
        tags: ['conditions'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { bodyRegion: bodyRegionSchema, limit: conditionPageSizeSchema, cursor: cursorSchema },
        },
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

  app.get<{ Params: { slug: string } }>(
    `${API_PREFIX}/conditions/:slug`,
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

  app.get<{ Params: { code: string } }>(
    `${API_PREFIX}/icd10/:code`,
    {
      schema: {
        summary: 'Conditions by ICD-10-CM code',
        description:
          'The conditions carrying an ICD-10-CM code. Case and a missing dot are forgiven ("m771" finds "M77.1").',
        tags: ['conditions'],
        params: {
          type: 'object',
          required: ['code'],
          additionalProperties: false,
          properties: {
            code: {
              type: 'string',
              minLength: 3,
              maxLength: 10,
              pattern: '^[A-Za-z][0-9][0-9A-Za-z](\\.?[0-9A-Za-z]{1,4})?$',
              description: 'An ICD-10-CM code, e.g. M77.1',
            },
          },
        },
        response: {
          200: listResponse('The conditions with this code'),
          404: problemResponse('No condition has this code'),
          ...errorResponses,
        },
      },
    },
    (request, reply) =>
      serveCached(context, request, reply, async () => {
        const code = normalizeIcd10Code(request.params.code)
        const [result, present] = await Promise.all([
          context.content.conditionsByIcd10Code(code),
          presentContext(context),
        ])
        if (!result.found) {
          return problemBody(
            404,
            problem(
              'not-found',
              404,
              'ICD-10 code not found',
              `No condition carries the ICD-10-CM code "${result.key}".`,
              request.url,
            ),
          )
        }
        return jsonBody(200, {
          code: result.value.code,
          ...presentConditionList(result.value.conditions, request.url, present),
        })
      }),
  )
}
