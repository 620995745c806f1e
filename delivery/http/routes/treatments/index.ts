// /api/v1/treatments, /api/v1/treatments/:slug and /api/v1/treatments/:slug/care-instructions;
// the prefix is given where the plugin is registered.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { contentLanguage, notFoundProblem, requestedLanguage, serveContent, serveList } from '../../serve-content.js'
import { registerSlugRoute } from '../../slug-route.js'
import { languageOf } from '../../../../model/languages.js'
import type { RouteOptions } from '../../context.js'
import { presentCareInstructions, presentTreatment, presentTreatmentList } from '../../present.js'
import { jsonBody } from '../../respond.js'
import {
  carePhaseSchema,
  cursorSchema,
  errorResponses,
  listResponse,
  languageQuery,
  perspectiveSchema,
  problemResponse,
  queryOf,
  slugParams,
  treatmentPageSizeSchema,
} from '../../route-schemas.js'

export const treatmentRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, options) => {
  const { context } = options
  app.get(
    '/',
    {
      schema: {
        summary: 'List treatments by name',
        description:
          'Treatments ordered by (name, _id), a page at a time: pass `nextCursor` as `cursor` (or follow `links.next`) for the next page.',
        tags: ['treatments'],
        querystring: queryOf({
          limit: Type.Optional(treatmentPageSizeSchema),
          cursor: Type.Optional(cursorSchema),
          perspective: Type.Optional(perspectiveSchema),
          ...languageQuery(),
        }),
        response: { 200: listResponse('A page of treatment summaries'), ...errorResponses },
      },
    },
    (request, reply) =>
      serveList(context, request, reply, (content) => content.treatments(request.query), presentTreatmentList),
  )

  registerSlugRoute(app, options, {
    noun: 'treatment',
    collection: 'treatments',
    description:
      'The treatment with how it works and what to expect (HTML and Portable Text), FAQs in order, before- and after-care, conditions and articles; MedicalWebPage + MedicalTherapy JSON-LD.',
    find: (content, slug, language) => content.treatmentBySlug(slug, language),
    present: presentTreatment,
  })

  app.get(
    '/:slug/care-instructions',
    {
      schema: {
        summary: "A treatment's care instructions",
        description:
          'Before- and after-treatment care instructions with their steps (before first), optionally of one phase; HowTo JSON-LD.',
        tags: ['treatments'],
        params: slugParams,
        querystring: queryOf({
          phase: Type.Optional(carePhaseSchema),
          perspective: Type.Optional(perspectiveSchema),
          ...languageQuery(),
        }),
        response: {
          200: listResponse('Care instructions'),
          404: problemResponse('No treatment has this slug'),
          ...errorResponses,
        },
      },
    },
    (request, reply) =>
      serveContent(context, request, reply, async ({ content, present }) => {
        const lang = requestedLanguage(request)
        const [treatment, care, presentWith] = await Promise.all([
          content.treatmentBySlug(request.params.slug),
          // Care instructions point at the source (English) treatment: it names them in every language.
          content.careInstructions({
            treatment: request.params.slug,
            phase: request.query.phase,
            lang: request.query.lang,
            fallback: request.query.fallback,
          }),
          present(),
        ])
        if (!treatment.found) {
          return notFoundProblem(request.url, 'Treatment not found', `No treatment has the slug "${treatment.key}".`)
        }
        return {
          ...jsonBody(200, { language: lang, ...presentCareInstructions(care, request.url, { ...presentWith, lang }) }),
          headers: contentLanguage(lang, care.map(languageOf)),
        }
      }),
  )
}
