// The HL7 Infobutton knowledge-request endpoint (URL-based implementation), MedlinePlus
// Connect-compatible: GET <prefix>?mainSearchCriteria.v.c=M54.2&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90
// Registered with its prefix (`/infobutton`); see docs/ehr.md.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { answerKnowledgeRequest } from '../../../ehr/infobutton/answer.js'
import { renderAtom, renderJson, renderJsonp } from '../../../ehr/infobutton/feed.js'
import {
  KnowledgeRequestError,
  MAX_CRITERIA,
  parseKnowledgeRequest,
  queryPairs,
  RESPONSE_TYPES,
} from '../../../ehr/infobutton/request.js'
import { accessDenied, type EhrRouteOptions, ehrCacheControl } from '../../../ehr/routes-shared.js'
import { clinicSettings } from '../../context.js'
import { problem, PROBLEM_CONTENT_TYPE } from '../../problem.js'
import { problemResponse } from '../../route-schemas.js'
import { escapeHtml } from '../../../render/escape.js'
import { HTML_CONTENT_TYPE, JSON_CONTENT_TYPE } from '../../respond.js'
import { ICD10CM, SNOMEDCT } from '../../../ehr/codes.js'

/** A documented parameter; delivery/ehr/infobutton/request.ts checks the values (repeats allowed). */
const param = (description: string) => Type.Optional(Type.Unknown({ description }))

/** The documented parameters (the parser in delivery/ehr/infobutton/request.ts checks them). */
const QUERYSTRING = Type.Object(
  {
    'mainSearchCriteria.v.c': param(
      `The problem's code, e.g. M54.2. Several problems: mainSearchCriteria.v.c1, .v.c2... (up to ${MAX_CRITERIA}).`,
    ),
    'mainSearchCriteria.v.cs': param(
      `The code system's OID: ${ICD10CM.oid} (ICD-10-CM, matched hierarchically) or ${SNOMEDCT.oid} (SNOMED CT). Other systems are accepted and match nothing.`,
    ),
    'mainSearchCriteria.v.dn': param('The code\u2019s display name (echoed back).'),
    'mainSearchCriteria.v.ot': param('The original text (accepted, not used).'),
    informationRecipient: param('PAT (patient, default) or PROV (provider).'),
    'informationRecipient.languageCode.c': param(
      'en (default) or es. Spanish content does not exist yet: the answer is in English and says so (entry language en, Content-Language: en, the request echoed as a category).',
    ),
    knowledgeResponseType: param(
      `One of ${RESPONSE_TYPES.join(', ')}. text/xml (default) is an Atom feed; application/json its MedlinePlus Connect-style JSON; application/javascript JSONP (with callback); text/html redirects to the best page.`,
    ),
    callback: param('JSONP function name (with knowledgeResponseType=application/javascript).'),
    'holder.assignedEntity.certificateText': param(
      'The partner key, when the clinic requires one (EHR_ACCESS=partner); or send Authorization: Bearer <key>.',
    ),
  },
  // The guide's other parameters (patient, task, encounter...) are accepted and ignored.
  { additionalProperties: true },
)

export const infobuttonRoutes: FastifyPluginAsyncTypebox<EhrRouteOptions> = async (app, options) => {
  const { context, client, access } = options
  app.get(
    '/',
    {
      schema: {
        summary: 'HL7 Infobutton knowledge request (MedlinePlus Connect-compatible)',
        description:
          'The clinic\u2019s patient education for coded problems, ranked: condition pages, then articles about them, then treatments and their care instructions. Parameters follow the HL7 Infobutton URL-based implementation guide as MedlinePlus Connect reads them. Bad parameters: 400 problem naming each one.',
        tags: ['ehr'],
        querystring: QUERYSTRING,
        produces: 'text/xml',
        response: {
          200: {
            description:
              'An Atom feed (text/xml, the default), its MedlinePlus Connect-style JSON (application/json: feed.entry[].title._value, link[0].href, summary._value) or JSONP (application/javascript)',
          },
          302: { description: 'knowledgeResponseType=text/html: a redirect to the best page' },
          400: problemResponse('Invalid knowledge request: `errors` names each bad parameter and how to fix it'),
          401: problemResponse(
            'The clinic requires a partner key (EHR_ACCESS=partner) and none, or a bad one, was sent',
          ),
          404: { description: 'knowledgeResponseType=text/html and nothing matches: a page saying so' },
        },
      },
    },
    async (request, reply) => {
      const instance = request.url
      let parsed: ReturnType<typeof parseKnowledgeRequest>
      try {
        parsed = parseKnowledgeRequest(queryPairs(request.url))
      } catch (error) {
        if (!(error instanceof KnowledgeRequestError)) throw error
        return reply
          .code(400)
          .type(PROBLEM_CONTENT_TYPE)
          .send(
            JSON.stringify(
              problem('invalid-parameters', 400, 'Invalid knowledge request', error.message, instance, {
                errors: error.errors,
              }),
            ),
          )
      }
      const denied = await accessDenied(access, request, parsed.certificateText)
      if (denied) {
        return reply
          .code(401)
          .header('WWW-Authenticate', 'Bearer realm="ehr"')
          .type(PROBLEM_CONTENT_TYPE)
          .send(JSON.stringify(problem('unauthorized', 401, 'Partner key required', denied, instance)))
      }
      const publicUrl = context.publicUrl()
      const clinic = await clinicSettings(context)
      const answer = await answerKnowledgeRequest(client, parsed, {
        clinic,
        publicUrl,
        selfUrl: `${publicUrl.replace(/\/+$/, '')}${request.url}`,
      })
      reply.header('Cache-Control', ehrCacheControl(access))
      reply.header('Content-Language', answer.language)
      reply.header('Vary', 'Authorization, X-Api-Key')
      if (answer.languageFallback) {
        reply.header('Warning', `299 - "No content in ${parsed.requestedLanguage}: served in ${answer.language}"`)
      }
      switch (parsed.responseType) {
        case 'application/json':
          return reply.type(JSON_CONTENT_TYPE).send(JSON.stringify(renderJson(answer.feed)))
        case 'application/javascript':
          return reply
            .type('application/javascript; charset=utf-8')
            .header('X-Content-Type-Options', 'nosniff')
            .send(renderJsonp(answer.feed, parsed.callback!))
        case 'text/html': {
          const best = answer.feed.entries[0]
          if (best)
            return reply
              .code(302)
              .header('Location', best.url)
              .type(HTML_CONTENT_TYPE)
              .send(
                `<!doctype html><html lang="en"><meta charset="utf-8"><title>Redirecting</title><p><a href="${escapeHtml(best.url)}">${escapeHtml(best.title)}</a></p></html>`,
              )
          const codes = parsed.criteria.map((c) => `${c.system?.name ?? c.systemOid} ${c.code}`).join(', ')
          const home = clinic?.siteUrl ?? publicUrl
          return reply
            .code(404)
            .type(HTML_CONTENT_TYPE)
            .send(
              `<!doctype html><html lang="en"><meta charset="utf-8"><title>No patient education found</title><h1>No patient education found</h1><p>${escapeHtml(clinic?.name ?? 'The clinic')} has no page for ${escapeHtml(codes)} yet.</p><p><a href="${escapeHtml(home)}">Browse all topics</a></p></html>`,
            )
        }
        default:
          // MedlinePlus Connect answers text/xml (the request's knowledgeResponseType); the body is Atom.
          return reply.type('text/xml; charset=utf-8').send(renderAtom(answer.feed))
      }
    },
  )
}
