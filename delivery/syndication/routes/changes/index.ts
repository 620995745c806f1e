// GET /syndication/v1/changes?since=<cursor>: upserts and tombstones of the partner's scope since a
// cursor, in a stable order (API key; the prefix is given where the plugin is registered).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { invalidParameter } from '../../../http/problem.js'
import { queryOf, wholeNumber } from '../../../http/route-schemas.js'
import { buildSyndicatedArticle, fetchScopedArticlesByIds } from '../../articles.js'
import { type Cursor, CursorError, changeSetOf, changesSince, decodeCursor, encodeCursor } from '../../ledger.js'
import { loadLedger } from '../../reconcile.js'
import { audienceKey } from '../../scope.js'
import { PRIVATE, partnerAudience, payloadContext, type SyndicationRouteOptions, sendJson } from '../common.js'
import { guardOf } from '../guard.js'

const changesQuery = queryOf({
  since: Type.Optional(Type.String({ maxLength: 2000, description: 'The `next` cursor of the previous answer' })),
  limit: Type.Optional(
    wholeNumber(
      1,
      500,
      'Most changes to return (1-500, default 100); a page never ends inside a change set, so it can hold more to finish one',
    ),
  ),
})

function parseSince(since: string | undefined): Cursor | undefined {
  if (since === undefined || since === '') return undefined
  try {
    return decodeCursor(since)
  } catch (error) {
    if (error instanceof CursorError) throw invalidParameter('query.since', error.message.replace(/^"since" /, ''))
    throw error
  }
}

export const changeRoutes: FastifyPluginAsyncTypebox<SyndicationRouteOptions> = async (app, { syndication }) => {
  const guard = guardOf(syndication)
  app.get(
    '/',
    {
      onRequest: guard.apiKey('changes'),
      schema: {
        summary: 'Upserts and tombstones since a cursor, in a stable order (API key)',
        tags: ['syndication'],
        querystring: changesQuery,
      },
    },
    async (request, reply) => {
      const audience = partnerAudience(guard.partnerOf(request))
      const limit = request.query.limit ?? 100
      const since = parseSince(request.query.since)
      // Bring the ledger up to date first (coalesced with any run in progress), so a read right after
      // a publish sees it even when this instance's listener has not fired yet.
      await syndication.reconcile()
      const { state } = await loadLedger(syndication.client, audienceKey(audience))
      const page = changesSince(state, since, limit)
      const upsertIds = page.entries.filter((e) => e.op === 'upsert').map((e) => e.articleId)
      const current =
        upsertIds.length > 0
          ? await fetchScopedArticlesByIds(syndication.client, audience, upsertIds, syndication.now())
          : null
      const changes = page.entries.map((entry) => {
        const source = entry.op === 'upsert' ? current?.articles.get(entry.articleId) : undefined
        if (entry.op === 'upsert' && source && current) {
          return {
            seq: entry.seq,
            op: 'upsert' as const,
            id: entry.articleId,
            slug: entry.slug,
            at: entry.at,
            changeSet: changeSetOf(entry),
            article: buildSyndicatedArticle({ clinic: current.clinic, article: source }, payloadContext(syndication)),
          }
        }
        // Deleted, or left the scope after the ledger was read: a tombstone (a later entry will say the same).
        return {
          seq: entry.seq,
          op: 'delete' as const,
          id: entry.articleId,
          slug: entry.slug,
          at: entry.at,
          changeSet: changeSetOf(entry),
          reason: entry.reason ?? 'out-of-scope',
        }
      })
      return sendJson(
        request,
        reply,
        { changes, next: encodeCursor(page.next), hasMore: page.hasMore, reset: page.reset },
        PRIVATE,
      )
    },
  )
}
