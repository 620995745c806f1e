// /health: is the content source answering (probed now, with a short timeout), is the listen
// stream connected, and what the cache holds. "degraded" while the source is unreachable: cached
// responses are then served marked stale. Never cached. The prefix (/health) is given where the
// plugin is registered.
import type { FastifyPluginAsync } from 'fastify'
import { reconfigureClient, runQuery } from '../../../client.js'
import { HEALTH_PROBE_QUERY } from '../../../queries.js'
import type { RouteOptions } from '../../context.js'
import { JSON_CONTENT_TYPE } from '../../respond.js'

export const healthRoutes: FastifyPluginAsync<RouteOptions & { probeTimeoutMs?: number }> = async (
  app,
  { context, probeTimeoutMs },
) => {
  const probeClient = reconfigureClient(context.content.client, {
    timeout: probeTimeoutMs ?? 2000,
    maxRetries: 0,
  })
  app.get(
    '/',
    {
      schema: {
        summary: 'Health of the delivery server',
        description:
          '`status` is "ok", or "degraded" while the content source is unreachable (cached responses are then served marked stale).',
        tags: ['operations'],
        response: {
          200: {
            description: 'The health report',
            type: 'object',
            properties: {
              status: { type: 'string', enum: ['ok', 'degraded'] },
              source: { type: 'object' },
              cache: { type: 'object' },
            },
          },
        },
      },
    },
    async (_request, reply) => {
      try {
        await runQuery(probeClient, HEALTH_PROBE_QUERY, {}, 'health')
        context.health.recordSuccess()
      } catch (error) {
        context.health.recordFailure(error)
      }
      const source = context.health.report()
      reply.header('Cache-Control', 'no-store')
      return reply
        .code(200)
        .type(JSON_CONTENT_TYPE)
        .send(JSON.stringify({ status: source.status, source, cache: context.cache.stats() }))
    },
  )
}
