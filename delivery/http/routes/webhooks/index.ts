// POST /api/v1/webhooks/sanity: hosted cache invalidation by a Sanity GROQ-powered webhook (the
// prefix /api/v1/webhooks is given where the plugin is registered).
// The body is taken raw (the signature covers the exact bytes sent), checked by WebhookVerifier,
// and only then parsed. Encapsulated: the raw-body parser applies to this route only.
import type { FastifyPluginAsync } from 'fastify'
import type { WebhookVerifier } from '../../../cache/webhook.js'
import { SIGNATURE_HEADER_NAME } from '../../../cache/webhook.js'
import { SeenTransactions } from '../../../cache/transactions.js'
import type { RouteOptions } from '../../context.js'
import { HttpProblem } from '../../problem.js'
import { problemResponse } from '../../route-schemas.js'
import { JSON_CONTENT_TYPE } from '../../respond.js'

export const webhookRoutes: FastifyPluginAsync<
  RouteOptions & { verifier: WebhookVerifier | null; onInvalidate?: () => void }
> = async (app, { context, verifier, onInvalidate }) => {
  const seen = new SeenTransactions()
  // Only JSON, and only raw: any other content type is a 415.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: 1024 * 1024 },
    (_request, body, done) => {
      done(null, body)
    },
  )

  app.post<{ Body: string }>(
    '/sanity',
    {
      schema: {
        summary: 'Sanity webhook: invalidate the cache on publish',
        description: `Configure a GROQ-powered webhook in sanity.io/manage (trigger on create/update/delete of published documents) with this URL and a secret equal to SANITY_WEBHOOK_SECRET. Calls must carry a valid \`${SIGNATURE_HEADER_NAME}\` over the raw body, signed within the last 5 minutes; replays are refused.`,
        tags: ['operations'],
        response: {
          200: {
            description:
              'Accepted: the cache was invalidated (`invalidated: false` when an earlier call of the same transaction, `sanity-transaction-id`, already did)',
            type: 'object',
            properties: { invalidated: { type: 'boolean' } },
          },
          400: problemResponse('Malformed signature header or body'),
          401: problemResponse('Unsigned, badly signed or expired call'),
          409: problemResponse('Replayed call (message already received)'),
          503: problemResponse('No webhook secret is configured on this server'),
        },
      },
    },
    async (request, reply) => {
      const refuse = (status: number, title: string, detail: string) =>
        new HttpProblem(status, 'webhook-refused', title, detail)
      if (!verifier) {
        throw new HttpProblem(
          503,
          'webhook-not-configured',
          'Webhook not configured',
          'Set SANITY_WEBHOOK_SECRET on the delivery server to accept Sanity webhooks.',
        )
      }
      const raw = typeof request.body === 'string' ? request.body : ''
      const verdict = await verifier.verify(raw, request.headers)
      if (!verdict.accepted) throw refuse(verdict.status, verdict.title, verdict.detail)
      try {
        JSON.parse(raw)
      } catch {
        throw refuse(
          400,
          'Webhook body is not JSON',
          'A Sanity webhook sends a JSON body (the projection of the changed document).',
        )
      }
      // Sanity sends one webhook per document of a transaction (a release publish: every document
      // of the release), each naming the transaction: the first one invalidates.
      const transactionId = request.headers['sanity-transaction-id']
      const invalidated = seen.firstReport(typeof transactionId === 'string' ? transactionId : undefined)
      if (invalidated) {
        context.cache.invalidateAll()
        onInvalidate?.()
      }
      return reply.code(200).type(JSON_CONTENT_TYPE).send(JSON.stringify({ invalidated }))
    },
  )
}
