// /api/v1/clinic: the clinic's settings; the prefix is given where the plugin is registered.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { RouteOptions } from '../../context.js'
import { presentContext } from '../../context.js'
import { presentClinic } from '../../present.js'
import { problem } from '../../problem.js'
import { jsonBody, problemBody, serveCached } from '../../respond.js'
import { documentResponse, errorResponses, noQuery, problemResponse } from '../../route-schemas.js'

export const clinicRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { context }) => {
  app.get(
    '/',
    {
      schema: {
        summary: "The clinic's settings",
        description:
          'Name, site and booking URLs, contact details, address, logo, medical disclaimer, syndication licence and attribution; MedicalClinic JSON-LD.',
        tags: ['site'],
        querystring: noQuery,
        response: {
          200: documentResponse('The clinic'),
          404: problemResponse('The clinic settings are not published yet'),
          ...errorResponses,
        },
      },
    },
    (request, reply) =>
      serveCached(context, request, reply, async () => {
        const present = await presentContext(context)
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
