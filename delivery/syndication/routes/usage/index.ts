// GET /syndication/v1/usage: the partner's daily request counts (API key; the prefix is given
// where the plugin is registered).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { queryOf, wholeNumber } from '../../../http/route-schemas.js'
import { readUsage, utcDay } from '../../usage.js'
import { PRIVATE, type SyndicationRouteOptions, sendJson } from '../common.js'
import { guardOf } from '../guard.js'

export const usageRoutes: FastifyPluginAsyncTypebox<SyndicationRouteOptions> = async (app, { syndication }) => {
  const guard = guardOf(syndication)
  app.get(
    '/',
    {
      onRequest: guard.apiKey('usage'),
      schema: {
        summary: "This partner's daily request counts (API key)",
        tags: ['syndication'],
        querystring: queryOf({ days: Type.Optional(wholeNumber(1, 366, 'Days back from today (1-366, default 30)')) }),
      },
    },
    async (request, reply) => {
      const partner = guard.partnerOf(request)
      const days = request.query.days ?? 30
      const today = syndication.now()
      const from = new Date(today.getTime() - (days - 1) * 86_400_000)
      await syndication.usage.flush()
      const usage = await readUsage(syndication.client, partner.id, utcDay(from), utcDay(today))
      return sendJson(
        request,
        reply,
        { partnerId: partner.id, from: utcDay(from), to: utcDay(today), days: usage },
        PRIVATE,
      )
    },
  )
}
