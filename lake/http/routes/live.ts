import type { FastifyPluginAsync } from 'fastify'
import { canReadPrivate } from '../../auth/index.js'
import { badRequest, LakeError } from '../../errors.js'
import { liveLogOf, type LiveAudience, type LiveEntry } from '../../listen/live.js'
import type { RouteOptions } from '../context.js'
import { boolParam, queryString, EventStreams, stringParam } from '../util.js'

/**
 * `GET /data/live/events/<dataset>`: Sanity's Live Content API, server-sent events that
 * `@sanity/client`'s `client.live.events()` reads unchanged.
 *
 * - `welcome` first (`id`: the current position), then one `message` per committed transaction
 *   the caller may see, `data: {"id": ..., "tags": [...]}` with the sync tags of every document it
 *   changed (lake/query/sync-tags.ts, docs/lake.md "Sync tags"); keep-alive comments while idle.
 * - `Last-Event-ID` resumes after that position: the missed messages follow `welcome`. A position
 *   the lake no longer holds (an earlier lake process, older than the last 4,096 transactions)
 *   gets `restart` (refetch everything) and the stream continues from now; so does a transaction
 *   that changed more than 1,000 documents (an import).
 * - `includeDrafts=true` also streams drafts and release versions: a token is required (401
 *   without). Without it, only published documents' changes (root-path ids for anonymous callers).
 * - Past `LAKE_LIVE_MAX_CONNECTIONS` open streams a new one gets `goaway` and is closed; when the
 *   lake shuts down streams end and clients reconnect (their `reconnect` event).
 */
const liveRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  // Live connections one lake serves at a time; past it a new one gets `goaway` (poll instead).
  const maxConnections = ctx.config.liveMaxConnections
  const streams = new EventStreams(ctx.config.keepAliveMs)

  app.get<{ Params: { dataset: string } }>('/data/live/events/:dataset', async (request, reply) => {
    const q = queryString(request)
    const includeDrafts = boolParam(q, 'includeDrafts', false)
    if (includeDrafts && !canReadPrivate(request.identity)) {
      throw new LakeError(
        401,
        'unauthorizedError',
        'includeDrafts=true streams changes of drafts and release versions, which need a token: send `Authorization: Bearer <token>` (client.live.events({includeDrafts: true}) with a token in the client config), or leave includeDrafts out for published changes only',
      )
    }
    const waitFor = stringParam(q, 'waitFor')
    if (waitFor !== undefined) {
      throw badRequest(
        `waitFor="${waitFor}" is not supported: the local lake runs no Sanity Functions, so events are always delivered at once; leave waitFor out`,
      )
    }
    const accept = request.headers.accept
    if (accept && !/text\/event-stream|\*\/\*/.test(accept)) {
      throw new LakeError(
        406,
        'notAcceptable',
        `the live events API answers text/event-stream only, and the Accept header ("${accept}") does not allow it`,
      )
    }
    const audience: LiveAudience = includeDrafts ? 'all' : canReadPrivate(request.identity) ? 'published' : 'public'
    const store = ctx.store.dataset(request.params.dataset)
    const log = liveLogOf(store)
    const lastEventId = headerValue(request.headers['last-event-id'])

    const stream = streams.start(request, reply)
    const write = stream.write
    const send = (entry: LiveEntry): void => {
      const outcome = entry.outcome[audience]
      if (outcome === null) return
      if (outcome === 'restart') write(`id: ${entry.id}\nevent: restart\ndata: {}\n\n`)
      else write(`id: ${entry.id}\nevent: message\ndata: ${JSON.stringify({ id: entry.id, tags: outcome })}\n\n`)
    }

    if (streams.size >= maxConnections) {
      write(
        `id: ${log.position}\nevent: goaway\ndata: ${JSON.stringify({ reason: `connection limit reached (${maxConnections} live connections, LAKE_LIVE_MAX_CONNECTIONS)` })}\n\n`,
      )
      stream.raw.end()
      return
    }

    // Subscribed before the missed entries are read: nothing committed in between is lost, and
    // the log is only appended to on this thread, so nothing is sent twice.
    const unsubscribe = log.subscribe(send)
    if (lastEventId) {
      const missed = log.after(lastEventId)
      write('event: welcome\ndata: {}\n\n')
      if (missed) for (const entry of missed) send(entry)
      else write(`id: ${log.position}\nevent: restart\ndata: {}\n\n`)
    } else {
      write(`id: ${log.position}\nevent: welcome\ndata: {}\n\n`)
    }

    stream.hold(unsubscribe)
  })

  app.addHook('onClose', async () => streams.closeAll())
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v
}

export default liveRoutes
