// /api/v1/faqs: FAQs by topic (a treatment and/or a condition); the prefix is given where the
// plugin is registered.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { RouteOptions } from '../../context.js'
import { presentContext } from '../../context.js'
import { presentFaqs } from '../../present.js'
import { jsonBody, serveCached } from '../../respond.js'
import { errorResponses, listResponse, slugSchema } from '../../route-schemas.js'

/** At least one of treatment, condition. */
const faqQuery = Type.Object(
  { treatment: Type.Optional(slugSchema), condition: Type.Optional(slugSchema) },
  { additionalProperties: false, anyOf: [{ required: ['treatment'] }, { required: ['condition'] }] },
)

export const faqRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { context }) => {
  app.get(
    '/',
    {
      schema: {
        summary: 'FAQs by topic',
        description:
          'FAQs about a treatment and/or a condition (slugs; at least one), in display order; answers as HTML and Portable Text; FAQPage JSON-LD.',
        tags: ['faqs'],
        querystring: faqQuery,
        response: { 200: listResponse('FAQs in display order'), ...errorResponses },
      },
    },
    (request, reply) =>
      serveCached(context, request, reply, async () => {
        const [faqs, present] = await Promise.all([context.content.faqsByTopic(request.query), presentContext(context)])
        return jsonBody(200, presentFaqs(faqs, request.url, present))
      }),
  )
}
