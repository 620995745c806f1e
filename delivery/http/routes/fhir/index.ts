// FHIR R4 (JSON, application/fhir+json): the CapabilityStatement, DocumentReference search
// (searchset Bundles) and read. Registered with its prefix (`/fhir/r4`); see docs/ehr.md.
// Errors are OperationOutcomes, as FHIR clients expect, not problem+json.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyReply } from 'fastify'
import { FHIR_JSON } from '../../../ehr/fhir/documentReference.js'
import {
  capabilityStatement,
  type OperationOutcome,
  operationOutcome,
  SEARCH_PARAMETERS,
} from '../../../ehr/fhir/resources.js'
import { FhirRequestError, parseDocumentSearch, readDocument, searchDocuments } from '../../../ehr/fhir/search.js'
import { queryPairs } from '../../../ehr/infobutton/request.js'
import { accessDenied, type EhrRouteOptions, ehrCacheControl } from '../../../ehr/routes-shared.js'
import { clinicSettings } from '../../context.js'

const FHIR_CONTENT_TYPE = `${FHIR_JSON}; charset=utf-8`
const STARTED = new Date()

function sendFhir(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type(FHIR_CONTENT_TYPE).send(JSON.stringify(body))
}

function sendOutcome(reply: FastifyReply, status: number, outcome: OperationOutcome): FastifyReply {
  return sendFhir(reply, status, outcome)
}

/** A 404 OperationOutcome saying what was not found and where to look instead. */
function sendNotFound(reply: FastifyReply, diagnostics: string): FastifyReply {
  return sendOutcome(reply, 404, operationOutcome([{ severity: 'error', code: 'not-found', diagnostics }]))
}

/** The OperationOutcomes the DocumentReference routes answer besides their resource. */
const OUTCOME_RESPONSES = {
  400: {
    description: 'OperationOutcome: an unknown or malformed search parameter, named in issue.expression',
    type: 'object',
  },
  401: { description: 'OperationOutcome: a partner key is required (EHR_ACCESS=partner)', type: 'object' },
  404: { description: 'OperationOutcome: no such resource', type: 'object' },
} as const

export const fhirRoutes: FastifyPluginAsyncTypebox<EhrRouteOptions & { prefix?: string }> = async (app, options) => {
  const { context, client, access } = options
  const prefix = options.prefix ?? '/fhir/r4'
  const base = () => `${context.publicUrl().replace(/\/+$/, '')}${prefix}`

  // Everything under the FHIR base answers FHIR: a path that names nothing is an OperationOutcome.
  app.setNotFoundHandler((request, reply) =>
    sendNotFound(
      reply,
      `Nothing is served at ${request.method} ${request.url.split('?')[0]}: this server has metadata and DocumentReference (see ${prefix}/metadata).`,
    ),
  )

  const guard = async (request: Parameters<typeof accessDenied>[1], reply: FastifyReply): Promise<boolean> => {
    const denied = await accessDenied(access, request, null)
    if (!denied) return true
    reply.header('WWW-Authenticate', 'Bearer realm="fhir"')
    sendOutcome(reply, 401, operationOutcome([{ severity: 'error', code: 'login', diagnostics: denied }]))
    return false
  }

  app.get(
    '/metadata',
    {
      schema: {
        summary: 'FHIR R4 CapabilityStatement',
        description: 'What this FHIR server supports: DocumentReference read and search (application/fhir+json).',
        tags: ['ehr'],
        produces: FHIR_JSON,
        producesErrors: FHIR_JSON,
        response: { 200: { description: 'CapabilityStatement (FHIR R4)', type: 'object' } },
      },
    },
    async (_request, reply) => {
      const clinic = await clinicSettings(context)
      reply.header('Cache-Control', 'public, max-age=300')
      return sendFhir(
        reply,
        200,
        capabilityStatement({
          base: base(),
          publicUrl: context.publicUrl(),
          clinicName: clinic?.name ?? null,
          date: STARTED,
          software: { name: 'clinic-content delivery', version: '1.0.0' },
          partnerKeyRequired: access.mode === 'partner',
        }),
      )
    },
  )

  app.get(
    '/DocumentReference',
    {
      schema: {
        summary: 'Search DocumentReferences (FHIR R4 searchset Bundle)',
        description:
          'The clinic\u2019s published articles, condition pages and care instructions as DocumentReferences with the rendered HTML. Unknown or malformed parameters: 400 OperationOutcome naming the parameter.',
        produces: FHIR_JSON,
        producesErrors: FHIR_JSON,
        response: {
          200: { description: 'Bundle (searchset) of DocumentReferences, with next/previous links', type: 'object' },
          ...OUTCOME_RESPONSES,
        },
        tags: ['ehr'],
        // Documented here, checked by parseDocumentSearch (an unknown one is a 400 OperationOutcome).
        querystring: Type.Object(
          Object.fromEntries(
            SEARCH_PARAMETERS.map((p) => [p.name, Type.Optional(Type.Unknown({ description: p.documentation }))]),
          ),
          { additionalProperties: true },
        ),
      },
    },
    async (request, reply) => {
      let search: ReturnType<typeof parseDocumentSearch>
      try {
        search = parseDocumentSearch(queryPairs(request.url))
      } catch (error) {
        if (error instanceof FhirRequestError) return sendOutcome(reply, error.status, error.outcome)
        throw error
      }
      if (!(await guard(request, reply))) return reply
      const clinic = await clinicSettings(context)
      const bundle = await searchDocuments(client, search, {
        clinic,
        publicUrl: context.publicUrl(),
        images: context.images,
        base: base(),
      })
      reply.header('Cache-Control', ehrCacheControl(access))
      return sendFhir(reply, 200, bundle)
    },
  )

  app.get(
    '/DocumentReference/:id',
    {
      schema: {
        summary: 'Read one DocumentReference',
        tags: ['ehr'],
        produces: FHIR_JSON,
        producesErrors: FHIR_JSON,
        response: {
          200: { description: 'DocumentReference (FHIR R4)', type: 'object' },
          ...OUTCOME_RESPONSES,
        },
        params: Type.Object({ id: Type.String({ description: 'The resource id (the document\u2019s id)' }) }),
      },
    },
    async (request, reply) => {
      if (!(await guard(request, reply))) return reply
      const clinic = await clinicSettings(context)
      const resource = await readDocument(client, request.params.id, {
        clinic,
        publicUrl: context.publicUrl(),
        images: context.images,
      })
      if (!resource) {
        return sendNotFound(
          reply,
          `No published DocumentReference has the id "${request.params.id.slice(0, 80)}". Search with ${prefix}/DocumentReference?code=...`,
        )
      }
      reply.header('Cache-Control', ehrCacheControl(access))
      return sendFhir(reply, 200, resource)
    },
  )
}
