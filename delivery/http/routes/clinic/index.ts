// /api/v1/clinic: the clinic's settings; the prefix is given where the plugin is registered.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { RouteOptions } from '../../context.js'
import { presentClinic } from '../../present.js'
import { problem } from '../../problem.js'
import { jsonBody, problemBody } from '../../respond.js'
import { serveContent } from '../../serve-content.js'
import { Type } from '@sinclair/typebox'
import { documentResponse, errorResponses, perspectiveSchema, problemResponse, queryOf } from '../../route-schemas.js'

export const clinicRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { context }) => {
  app.get(
    '/',
    {
      schema: {
        summary: "The clinic's settings",
        description:
          'Name, site and booking URLs, contact details, address, logo, medical disclaimer, syndication licence and attribution; MedicalClinic JSON-LD.',
        tags: ['site'],
        querystring: queryOf({ perspective: Type.Optional(perspectiveSchema) }),
        response: {
          200: documentResponse('The clinic'),
          404: problemResponse('The clinic settings are not published yet'),
          ...errorResponses,
        },
      },
    },
    (request, reply) =>
      serveContent(context, request, reply, async (view) => {
        const present = await view.present()
        if (!present.clinic) {
          return problemBody(
            404,
            problem(
              'not-found',
              404,
              'Clinic settings not found',
              'The clinic settings document ("clinic") is not published yet: publish it in the Studio.',
              request.url,
            ),
          )
        }
        return jsonBody(200, presentClinic(present.clinic, present))
      }),
  )
}
