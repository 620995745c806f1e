import type { FastifyPluginAsync } from 'fastify'
import { type Identity, requireHistory } from '../../auth/index.js'
import { LakeError, badRequest } from '../../errors.js'
import { DRAFTS_PREFIX, invalidIdReason, publishedIdOf } from '../../ids.js'
import { effectsOf } from '../../listen/effects.js'
import type { DatasetStore, LakeDocument, RevisionEntry } from '../../store/index.js'
import type { RouteOptions } from '../context.js'
import { queryString, stringParam } from '../util.js'

/**
 * History, as the Studio reads it (shapes from `sanity`'s timeline and events code):
 * - `/data/history/<ds>/documents/<ids>?revision=<rev>|time=<iso>|lastRevision=true` -> `{documents}`
 * - `/data/history/<ds>/transactions/<ids>` -> NDJSON `{id, timestamp, author, documentIDs,
 *   effects: {<id>: {apply, revert}}, mutations?}`; `reverse`, `limit`, `fromTransaction`,
 *   `toTransaction` (inclusive), `fromTime`, `toTime`, `excludeContent`, `effectFormat=mendoza`
 * - `/data/history/<ds>/events/documents/<id>` -> `{events: {<id>: [...]}, nextCursor}`: create,
 *   publish, unpublish, delete events of the document group, newest first.
 *
 * Every history route needs a token with history rights (`requireHistory`): anonymous callers get
 * a 401 before anything is looked up, so they learn nothing of deleted, unpublished or draft-only
 * documents, nor who wrote them.
 */

interface LogEntry {
  seq: number
  id: string
  timestamp: string
  author: string
  changes: Map<string, { before: LakeDocument | null; after: LakeDocument | null }>
}

/** The transactions touching `ids`, oldest first, with each document's state before and after. */
function transactionLog(store: DatasetStore, ids: string[]): LogEntry[] {
  const bySeq = new Map<number, LogEntry>()
  for (const id of ids) {
    let previous: RevisionEntry | undefined
    for (const rev of store.revisions(id, { limit: 100_000 })) {
      let entry = bySeq.get(rev.seq)
      if (!entry)
        bySeq.set(
          rev.seq,
          (entry = {
            seq: rev.seq,
            id: rev.transactionId,
            timestamp: rev.timestamp,
            author: rev.author,
            changes: new Map(),
          }),
        )
      entry.changes.set(id, { before: previous?.document ?? null, after: rev.document })
      previous = rev
    }
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq)
}

/**
 * A document at revision `rev`, which may be one of its own revisions or any transaction of the
 * dataset (the Studio asks for a draft at the id of the transaction that published it, or at a
 * transaction from before the draft existed):
 * - a revision that left the document in place: the document as it left it;
 * - a revision that deleted it (a publish deletes the draft): its state just before, which is what
 *   that transaction published or deleted;
 * - another transaction of the dataset: the document as it was after that transaction, if it existed.
 */
function documentAtRevision(store: DatasetStore, history: RevisionEntry[], rev: string): LakeDocument | null {
  const index = history.findIndex((r) => r.rev === rev || r.transactionId === rev)
  if (index >= 0) {
    const entry = history[index]
    if (entry.document) return entry.document
    return (
      history
        .slice(0, index)
        .reverse()
        .find((r) => r.document)?.document ?? null
    )
  }
  const seq = store.sequenceOf(rev)
  if (seq === undefined) return null
  return [...history].reverse().find((r) => r.seq <= seq)?.document ?? null
}

const historyRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  function readableIds(identity: Identity, raw: string): string[] {
    requireHistory(identity, 'Reading document history')
    const ids = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
    for (const id of ids) {
      const reason = invalidIdReason(id)
      if (reason) throw badRequest(reason, 'invalidDocumentIdError')
    }
    return ids
  }

  app.get<{ Params: { dataset: string; ids: string } }>('/data/history/:dataset/documents/:ids', async (request) => {
    const ids = readableIds(request.identity, request.params.ids)
    const store = ctx.store.dataset(request.params.dataset)
    const q = queryString(request)
    const revision = stringParam(q, 'revision')
    const time = stringParam(q, 'time')
    const documents: LakeDocument[] = []
    let anyHistory = false
    for (const id of ids) {
      const history = store.revisions(id, { limit: 100_000 })
      if (history.length > 0) anyHistory = true
      const document = revision
        ? documentAtRevision(store, history, revision)
        : time
          ? (store.documentAt(id, time)?.document ?? null)
          : // lastRevision (or no parameter): the current document, or a deleted one's last existing state.
            ([...history].reverse().find((r) => r.document)?.document ?? null)
      if (document) documents.push(document)
    }
    // Like /data/doc, a document that did not exist at that point is simply not in the list; only a
    // document with no history at all is a 404.
    if (ids.length === 1 && !anyHistory) {
      throw new LakeError(404, 'notFoundError', `document "${ids[0]}" has no history`)
    }
    return { documents }
  })

  app.get<{ Params: { dataset: string; ids: string } }>(
    '/data/history/:dataset/transactions/:ids',
    async (request, reply) => {
      const ids = readableIds(request.identity, request.params.ids)
      const store = ctx.store.dataset(request.params.dataset)
      const q = queryString(request)
      const flag = (name: string): boolean => stringParam(q, name) === 'true'
      const limitRaw = Number(stringParam(q, 'limit') ?? 1000)
      const limit = Number.isInteger(limitRaw) && limitRaw > 0 ? Math.min(limitRaw, 10_000) : 1000
      let log = transactionLog(store, ids)
      const fromTx = stringParam(q, 'fromTransaction')
      const toTx = stringParam(q, 'toTransaction')
      if (fromTx) {
        const at = log.findIndex((e) => e.id === fromTx)
        if (at >= 0) log = log.slice(at)
      }
      if (toTx) {
        const at = log.findIndex((e) => e.id === toTx)
        if (at >= 0) log = log.slice(0, at + 1)
      }
      const fromTime = stringParam(q, 'fromTime')
      const toTime = stringParam(q, 'toTime')
      if (fromTime) log = log.filter((e) => e.timestamp >= fromTime)
      if (toTime) log = log.filter((e) => e.timestamp <= toTime)
      if (flag('reverse')) log.reverse()
      log = log.slice(0, limit)
      const withEffects = stringParam(q, 'effectFormat') === 'mendoza'
      const withMutations = !flag('excludeContent') && !flag('excludeMutations')
      const lines = log.map((entry) => {
        const out: Record<string, unknown> = {
          id: entry.id,
          timestamp: entry.timestamp,
          author: entry.author,
          documentIDs: [...entry.changes.keys()],
        }
        if (withMutations)
          out.mutations = [...entry.changes].map(([id, c]) =>
            c.after ? { createOrReplace: c.after } : { delete: { id } },
          )
        if (withEffects)
          out.effects = Object.fromEntries([...entry.changes].map(([id, c]) => [id, effectsOf(c.before, c.after)]))
        return JSON.stringify(out)
      })
      return reply.type('application/x-ndjson').send(lines.join('\n') + (lines.length ? '\n' : ''))
    },
  )

  app.get<{ Params: { dataset: string; id: string } }>(
    '/data/history/:dataset/events/documents/:id',
    async (request) => {
      const [documentId] = readableIds(request.identity, request.params.id)
      const store = ctx.store.dataset(request.params.dataset)
      const publishedId = publishedIdOf(documentId)
      const draftId = DRAFTS_PREFIX + publishedId
      const events: Array<Record<string, unknown>> = []
      for (const entry of transactionLog(store, [publishedId, draftId])) {
        const base = { id: entry.id, timestamp: entry.timestamp, author: entry.author, documentId: publishedId }
        const pub = entry.changes.get(publishedId)
        const draft = entry.changes.get(draftId)
        const pubGone = pub?.before && !pub.after
        const draftGone = draft?.before && !draft.after
        if (pub?.after && draftGone) {
          events.push({
            ...base,
            type: 'publishDocumentVersion',
            revisionId: pub.after._rev,
            versionId: draftId,
            versionRevisionId: draft.before?._rev,
            publishCause: 'document.publish',
          })
        } else if (pubGone && draft?.after) {
          events.push({ ...base, type: 'unpublishDocument', versionId: draftId, versionRevisionId: draft.after._rev })
        } else if ((pubGone && (draftGone || !store.get(draftId))) || (draftGone && !store.get(publishedId) && !pub)) {
          events.push({ ...base, type: 'deleteDocumentGroup' })
        } else if (draftGone) {
          events.push({
            ...base,
            type: 'deleteDocumentVersion',
            versionId: draftId,
            versionRevisionId: draft.before?._rev,
          })
        } else if (draft && !draft.before && draft.after) {
          events.push({
            ...base,
            type: 'createDocumentVersion',
            versionId: draftId,
            versionRevisionId: draft.after._rev,
            ...(pub?.after || store.get(publishedId) ? { parentId: publishedId } : {}),
          })
        } else if (pub && !pub.before && pub.after) {
          events.push({ ...base, type: 'createLiveDocument', revisionId: pub.after._rev })
        } else if (pub?.before && pub.after) {
          events.push({ ...base, type: 'updateLiveDocument', revisionId: pub.after._rev })
        }
      }
      return { events: { [documentId]: events.reverse() }, nextCursor: '' }
    },
  )
}

export default historyRoutes
