// /api/v1/faqs: FAQs by topic (a treatment and/or a condition); the prefix is given where the
// plugin is registered.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { languageOf } from '../../../../model/languages.js'
import type { RouteOptions } from '../../context.js'
import { presentFaqs } from '../../present.js'
import { jsonBody } from '../../respond.js'
import { contentLanguage, requestedLanguage, serveContent } from '../../serve-content.js'
import { errorResponses, languageQuery, listResponse, perspectiveSchema, slugSchema } from '../../route-schemas.js'

/** At least one of treatment, condition. */
const faqQuery = Type.Object(
  {
    treatment: Type.Optional(slugSchema),
    condition: Type.Optional(slugSchema),
    perspective: Type.Optional(perspectiveSchema),
    ...languageQuery(),
  },
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
      serveContent(context, request, reply, async (view) => {
        const lang = requestedLanguage(request)
        const [faqs, present] = await Promise.all([view.content.faqsByTopic(request.query), view.present()])
        return {
          ...jsonBody(200, { language: lang, ...presentFaqs(faqs, request.url, { ...present, lang }) }),
          headers: contentLanguage(lang, faqs.map(languageOf)),
        }
      }),
  )
}
