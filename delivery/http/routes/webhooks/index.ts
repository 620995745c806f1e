// POST /api/v1/webhooks/sanity: hosted cache invalidation by a Sanity GROQ-powered webhook (the
// prefix /api/v1/webhooks is given where the plugin is registered).
// The body is taken raw (the signature covers the exact bytes sent), checked by WebhookVerifier,
// and only then parsed. Encapsulated: the raw-body parser applies to this route only.
// A body with `syncTags` (an array of the sync tags that changed, as the Live Content API names
// them) invalidates only the cached responses holding one of them; any other body flushes the
// whole cache (a webhook projection that does not name tags cannot say what a query read).
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
              'Accepted: the cached responses holding one of the body\'s `syncTags` were invalidated (`scope: "tags"`, `entries` of them), or, without `syncTags`, every cached response (`invalidated: false` when an earlier call of the same transaction, `sanity-transaction-id`, already did)',
            type: 'object',
            properties: {
              invalidated: { type: 'boolean' },
              scope: { type: 'string', enum: ['tags'] },
              entries: { type: 'integer', description: 'Cached responses made stale by the tags' },
            },
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
      let body: unknown
      try {
        body = JSON.parse(raw)
      } catch {
        throw refuse(
          400,
          'Webhook body is not JSON',
          'A Sanity webhook sends a JSON body (the projection of the changed document).',
        )
      }
      const tags = syncTagsOf(body)
      if (typeof tags === 'string') throw refuse(400, 'Malformed syncTags in the webhook body', tags)
      let answer: { invalidated: boolean; scope?: 'tags'; entries?: number }
      if (tags) {
        // Each document's call names its own tags: every one counts, whatever its transaction.
        const before = context.cache.stats().entriesInvalidatedByTag
        context.changes.emit({ kind: 'tags', tags })
        answer = { invalidated: true, scope: 'tags', entries: context.cache.stats().entriesInvalidatedByTag - before }
        onInvalidate?.()
      } else {
        // Sanity sends one webhook per document of a transaction (a release publish: every document
        // of the release), each naming the transaction: the first one flushes.
        const transactionId = request.headers['sanity-transaction-id']
        const invalidated = seen.firstReport(typeof transactionId === 'string' ? transactionId : undefined)
        if (invalidated) {
          context.changes.emit({ kind: 'all', reason: 'webhook' })
          onInvalidate?.()
        }
        answer = { invalidated }
      }
      return reply.code(200).type(JSON_CONTENT_TYPE).send(JSON.stringify(answer))
    },
  )
}

/** At most this many tags in one call (a change event names a handful). */
const MAX_TAGS = 10_000

/**
 * The `syncTags` of a webhook body: undefined when the body has none (flush everything), the tags,
 * or a message saying what is wrong with them.
 */
function syncTagsOf(body: unknown): string[] | undefined | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('syncTags' in body)) return undefined
  const tags = (body as { syncTags: unknown }).syncTags
  if (!Array.isArray(tags) || tags.length === 0 || tags.length > MAX_TAGS) {
    return `"syncTags" must be a non-empty array of at most ${MAX_TAGS} tag strings (e.g. ["s1:abc"]); leave the field out to invalidate everything.`
  }
  const bad = tags.findIndex((tag) => typeof tag !== 'string' || tag === '' || tag.length > 200)
  if (bad !== -1) {
    return `"syncTags"[${bad}] must be a non-empty string of at most 200 characters, got ${JSON.stringify(tags[bad])?.slice(0, 80)}.`
  }
  return tags as string[]
}
