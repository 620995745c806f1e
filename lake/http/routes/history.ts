import type {FastifyPluginAsync} from 'fastify'
import {LakeError, badRequest} from '../../errors.js'
import {invalidIdReason} from '../../ids.js'
import {mayRead} from '../../query/index.js'
import type {RouteOptions} from '../context.js'
import {queryString, stringParam} from '../util.js'

/**
 * History, enough for the Studio's "edited" footer and revision view:
 * - `/data/history/<ds>/documents/<id>?revision=<rev>` or `?time=<iso>`: the document at that point
 * - `/data/history/<ds>/transactions/<ids>`: NDJSON of the transactions that touched the ids
 * - `/data/history/<ds>/events/documents/<id>`: `{events}` newest first
 */
const historyRoutes: FastifyPluginAsync<RouteOptions> = async (app, {ctx}) => {
  function checkRead(identity: import('../../auth/index.js').Identity, id: string): void {
    const reason = invalidIdReason(id)
    if (reason) throw badRequest(reason, 'invalidDocumentIdError')
    if (!mayRead(identity, id)) throw new LakeError(401, 'unauthorizedError', `reading the history of "${id}" needs an editor token`)
  }

  app.get<{Params: {dataset: string; id: string}}>('/data/history/:dataset/documents/:id', async (request) => {
    const {dataset, id} = request.params
    checkRead(request.identity, id)
    const store = ctx.store.dataset(dataset)
    const q = queryString(request)
    const revision = stringParam(q, 'revision')
    const time = stringParam(q, 'time')
    const entry = revision ? store.revision(id, revision) : time ? store.documentAt(id, time) : store.revisions(id, {limit: 1})[0]
    if (!entry || !entry.document) {
      throw new LakeError(404, 'notFoundError', `document "${id}" has no ${revision ? `revision "${revision}"` : time ? `version at ${time}` : 'history'}`)
    }
    return {documents: [entry.document]}
  })

  app.get<{Params: {dataset: string; ids: string}}>('/data/history/:dataset/transactions/:ids', async (request, reply) => {
    const store = ctx.store.dataset(request.params.dataset)
    const ids = request.params.ids.split(',').filter(Boolean)
    for (const id of ids) checkRead(request.identity, id)
    const q = queryString(request)
    const excludeContent = stringParam(q, 'excludeContent') === 'true'
    const reverse = stringParam(q, 'reverse') === 'true'
    const limit = Number(stringParam(q, 'limit') ?? 1000)
    const fromTime = stringParam(q, 'fromTime')
    const toTime = stringParam(q, 'toTime')
    const byTx = new Map<string, {id: string; timestamp: string; author: string; documentIDs: string[]; mutations: unknown[]; seq: number}>()
    for (const id of ids) {
      for (const rev of store.revisions(id, {limit: 10000})) {
        if (fromTime && rev.timestamp < fromTime) continue
        if (toTime && rev.timestamp > toTime) continue
        let t = byTx.get(rev.transactionId)
        if (!t) byTx.set(rev.transactionId, (t = {id: rev.transactionId, timestamp: rev.timestamp, author: rev.author, documentIDs: [], mutations: [], seq: rev.seq}))
        t.documentIDs.push(id)
        if (!excludeContent) t.mutations.push(rev.document ? {createOrReplace: rev.document} : {delete: {id}})
      }
    }
    let list = [...byTx.values()].sort((a, b) => a.seq - b.seq)
    if (reverse) list.reverse()
    list = list.slice(0, Number.isFinite(limit) && limit > 0 ? limit : 1000)
    const lines = list.map(({seq, ...t}) => {
      void seq
      return JSON.stringify(excludeContent ? {id: t.id, timestamp: t.timestamp, author: t.author, documentIDs: t.documentIDs} : t)
    })
    return reply.type('application/x-ndjson').send(lines.join('\n') + (lines.length ? '\n' : ''))
  })

  app.get<{Params: {dataset: string; id: string}}>('/data/history/:dataset/events/documents/:id', async (request) => {
    const {dataset, id} = request.params
    checkRead(request.identity, id)
    const store = ctx.store.dataset(dataset)
    const events = store
      .revisions(id, {limit: 200})
      .reverse()
      .map((rev) => ({
        type: rev.document ? 'edit' : 'delete',
        documentId: id,
        revisionId: rev.rev,
        transactionId: rev.transactionId,
        timestamp: rev.timestamp,
        author: rev.author,
      }))
    return {events}
  })
}

export default historyRoutes
