// GET /syndication/v1/webhooks/deliveries: the partner's webhook delivery log (API key; the prefix
// /syndication/v1/webhooks is given where the plugin is registered).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { queryOf, wholeNumber } from '../../../http/route-schemas.js'
import { listDeliveries } from '../../webhooks/dispatcher.js'
import { PRIVATE, type SyndicationRouteOptions, sendJson } from '../common.js'
import { guardOf } from '../guard.js'

export const webhookRoutes: FastifyPluginAsyncTypebox<SyndicationRouteOptions> = async (app, { syndication }) => {
  const guard = guardOf(syndication)
  app.get(
    '/deliveries',
    {
      onRequest: guard.apiKey('deliveries'),
      schema: {
        summary: "This partner's webhook delivery log (API key)",
        tags: ['syndication'],
        querystring: queryOf({ limit: Type.Optional(wholeNumber(1, 200, 'Most deliveries (1-200, default 50)')) }),
      },
    },
    async (request, reply) => {
      const partner = guard.partnerOf(request)
      const deliveries = await listDeliveries(syndication.client, {
        partnerId: partner.id,
        limit: request.query.limit ?? 50,
      })
      return sendJson(request, reply, { webhookUrl: partner.webhookUrl, deliveries }, PRIVATE)
    },
  )
}
