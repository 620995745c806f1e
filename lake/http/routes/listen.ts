import type { FastifyPluginAsync } from 'fastify'
import { badRequest } from '../../errors.js'
import { randomId } from '../../ids.js'
import { Listener, type MutationEvent } from '../../listen/listener.js'
import type { CommittedTransaction } from '../../store/index.js'
import type { RouteOptions } from '../context.js'
import { boolParam, groqParamsFromQuery, queryString, EventStreams, stringParam } from '../util.js'

/**
 * `GET /data/listen/<dataset>`: server-sent events. `welcome` first (or `welcomeback` when a
 * `Last-Event-ID` could be resumed with `enableResume=true`), then one `mutation` event per document
 * change the listener may see, keep-alive comments while idle.
 *
 * An anonymous listener's events carry an empty `identity`: the id of the editor who made the
 * change is account data, and anonymous callers get none (no history, no member list, an empty
 * `/users/me`). Signed-in listeners (the Studio) get the author's user id as before.
 */
const listenRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  const streams = new EventStreams(ctx.config.keepAliveMs)
  app.get<{ Params: { dataset: string } }>('/data/listen/:dataset', async (request, reply) => {
    const q = queryString(request)
    const query = stringParam(q, 'query')
    if (!query)
      throw badRequest(
        'the "query" parameter is missing: listen needs a GROQ filter such as *[_type == "article"]',
        'queryParseError',
      )
    const effectFormat = stringParam(q, 'effectFormat')
    const listener = new Listener({
      query,
      params: groqParamsFromQuery(q),
      identity: request.identity,
      // @sanity/client drops false options from the URL, so absent means false (client defaults to true).
      includeResult: boolParam(q, 'includeResult', false),
      includePreviousRevision: boolParam(q, 'includePreviousRevision', false),
      includeMutations: boolParam(q, 'includeMutations', true),
      includeAllVersions: boolParam(q, 'includeAllVersions', false),
      effects: effectFormat === 'mendoza',
      visibility: 'query',
    })
    const store = ctx.store.dataset(request.params.dataset)
    const enableResume = boolParam(q, 'enableResume', false)
    const lastEventId = headerValue(request.headers['last-event-id'])

    const stream = streams.start(request, reply)
    const write = stream.write
    const showAuthors = request.identity.kind === 'user'
    const send = (event: MutationEvent): void => {
      const shown = showAuthors ? event : { ...event, identity: '' }
      write(`id: ${event.eventId}\nevent: mutation\ndata: ${JSON.stringify(shown)}\n\n`)
    }

    // Events are produced in commit order: each transaction waits for the previous one.
    let chain: Promise<void> = Promise.resolve()
    const pending: CommittedTransaction[] = []
    const enqueue = (tx: CommittedTransaction, afterDocumentId?: string): void => {
      chain = chain
        .then(async () => {
          if (stream.closed) return
          for (const event of await listener.eventsFor(tx, afterDocumentId)) send(event)
        })
        .catch((err: unknown) => {
          write(
            `event: channelError\ndata: ${JSON.stringify({ message: err instanceof Error ? err.message : String(err) })}\n\n`,
          )
        })
    }
    let buffering = true
    const unsubscribe = store.subscribe((tx) => {
      if (buffering) pending.push(tx)
      else enqueue(tx)
    })

    const listenerName = `L${randomId(16)}`
    const resumed = enableResume && lastEventId ? resumePoint(lastEventId) : undefined
    if (resumed) {
      write(`event: welcomeback\ndata: ${JSON.stringify({ listenerName })}\n\n`)
      // Every missed transaction (not just the first page): a resumed listener must see no gap.
      for (const tx of store.transactionsAfter(resumed.seq - 1, Number.MAX_SAFE_INTEGER)) {
        if (pending.some((p) => p.seq === tx.seq)) continue
        enqueue(tx, tx.seq === resumed.seq ? resumed.documentId : undefined)
      }
    } else {
      write(`event: welcome\ndata: ${JSON.stringify({ listenerName })}\n\n`)
    }
    buffering = false
    for (const tx of pending.splice(0)) enqueue(tx)

    stream.hold(unsubscribe)

    function resumePoint(eventId: string): { seq: number; documentId: string } | undefined {
      const hash = eventId.indexOf('#')
      if (hash === -1) return undefined
      const seq = store.sequenceOf(eventId.slice(0, hash))
      return seq === undefined ? undefined : { seq, documentId: eventId.slice(hash + 1) }
    }
  })

  app.addHook('onClose', async () => streams.closeAll())
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v
}

export default listenRoutes
