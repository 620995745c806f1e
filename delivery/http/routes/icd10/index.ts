// /api/v1/icd10/:code: the conditions carrying an ICD-10-CM code; the prefix is given where the
// plugin is registered.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { normalizeIcd10Code } from '../../../content/conditions.js'
import { serveDocument } from '../../serve-content.js'
import type { RouteOptions } from '../../context.js'
import { presentConditionList } from '../../present.js'
import { errorResponses, listResponse, problemResponse, reviewQuery } from '../../route-schemas.js'

const icd10Params = Type.Object(
  {
    code: Type.String({
      minLength: 3,
      maxLength: 10,
      pattern: '^[A-Za-z][0-9][0-9A-Za-z](\\.?[0-9A-Za-z]{1,4})?$',
      description: 'An ICD-10-CM code, e.g. M77.1',
    }),
  },
  { additionalProperties: false },
)

export const icd10Routes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { context }) => {
  app.get(
    '/:code',
    {
      schema: {
        summary: 'Conditions by ICD-10-CM code',
        description:
          'The conditions carrying an ICD-10-CM code. Case and a missing dot are forgiven ("m771" finds "M77.1").',
        tags: ['conditions'],
        params: icd10Params,
        querystring: reviewQuery,
        response: {
          200: listResponse('The conditions with this code'),
          404: problemResponse('No condition has this code'),
          ...errorResponses,
        },
      },
    },
    (request, reply) =>
      serveDocument(context, request, reply, {
        find: (content) => content.conditionsByIcd10Code(normalizeIcd10Code(request.params.code), request.query),
        title: 'ICD-10 code not found',
        detail: (code) => `No condition carries the ICD-10-CM code "${code}".`,
        present: ({ code, conditions }, present) => ({
          code,
          ...presentConditionList(conditions, request.url, present),
        }),
      }),
  )
}
