import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { requireWriter } from '../../auth/index.js'
import { badRequest, isRecord } from '../../errors.js'
import { invalidIdReason } from '../../ids.js'
import { mayRead, parsePerspective, parseSourceMapMode, QueryRunner, type SourceMapMode } from '../../query/index.js'
import { liveLogOf } from '../../listen/live.js'
import type { RouteOptions } from '../context.js'
import { apiVersionOf, boolParam, groqParamsFromQuery, queryString, stringParam } from '../util.js'

/** `/data/query`, `/data/doc` and `/data/mutate`: Sanity's document API. */
const dataRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  // Query budgets (lake/query/budget.ts): one runner per lake, its query workers ended with it.
  const runner = new QueryRunner(ctx.config.query)
  app.addHook('onClose', () => runner.close())

  async function answerQuery(
    request: FastifyRequest,
    reply: FastifyReply,
    dataset: string,
    query: unknown,
    params: Record<string, unknown>,
    perspectiveValue: unknown,
    returnQuery: boolean,
    sourceMapValue: unknown,
  ): Promise<FastifyReply> {
    if (typeof query !== 'string' || query.trim() === '') {
      throw badRequest(
        'the "query" parameter is missing: send a GROQ query, e.g. ?query=*[_type == "article"]',
        'queryParseError',
      )
    }
    let sourceMap: SourceMapMode | undefined
    try {
      sourceMap = parseSourceMapMode(sourceMapValue)
    } catch (err) {
      throw badRequest((err as Error).message)
    }
    const started = performance.now()
    const store = ctx.store.dataset(dataset)
    const perspective = parsePerspective(perspectiveValue, apiVersionOf(request))
    const identity = request.identity
    // `lastLiveEventId` (a live event's id, sent by clients that saw it): asks for a result at
    // least as fresh as that event. Every event is announced after its commit is in the store
    // queries read, so any position the lake handed out is already visible: nothing to wait for.
    // The live log starts with the first query, so the tags of every answer can be followed.
    liveLogOf(store)
    const lastLiveEventId = stringParam(queryString(request), 'lastLiveEventId')
    if (lastLiveEventId !== undefined && lastLiveEventId.length > 256) {
      throw badRequest('lastLiveEventId is longer than any live event id: send the `id` of a live event as it came')
    }
    const input = {
      store,
      query,
      params,
      perspective,
      identity,
      projectId: ctx.config.projectId,
      caller: identity.kind === 'user' ? `user:${identity.user.id}` : `ip:${request.ip}`,
    }
    const { json: result, syncTags } = await runner.answer(input)
    // Content Source Maps (lake/query/source-map.ts): traced only when asked for.
    const csm = sourceMap ? `,"resultSourceMap":${JSON.stringify(runner.sourceMap(input, result, sourceMap))}` : ''
    const ms = Math.round(performance.now() - started)
    // The result is JSON already (serialised within the query's budget): spliced in, not re-encoded.
    const tags = JSON.stringify(syncTags)
    const body = returnQuery
      ? `{"query":${JSON.stringify(query)},"result":${result}${csm},"syncTags":${tags},"ms":${ms}}`
      : `{"result":${result}${csm},"syncTags":${tags},"ms":${ms}}`
    return reply.type('application/json; charset=utf-8').send(body)
  }

  app.get<{ Params: { dataset: string } }>('/data/query/:dataset', async (request, reply) => {
    const q = queryString(request)
    return answerQuery(
      request,
      reply,
      request.params.dataset,
      stringParam(q, 'query'),
      groqParamsFromQuery(q),
      q.perspective,
      boolParam(q, 'returnQuery', true),
      q.resultSourceMap,
    )
  })

  app.post<{ Params: { dataset: string } }>('/data/query/:dataset', async (request, reply) => {
    const body = request.body
    if (!isRecord(body)) throw badRequest('the body must be a JSON object {"query": "...", "params": {...}}')
    const q = queryString(request)
    const params = body.params ?? {}
    if (!isRecord(params)) throw badRequest('"params" must be an object of GROQ parameters')
    const perspective = q.perspective ?? body.perspective
    return answerQuery(
      request,
      reply,
      request.params.dataset,
      body.query,
      params,
      perspective,
      boolParam(q, 'returnQuery', true),
      q.resultSourceMap ?? body.resultSourceMap,
    )
  })

  app.get<{ Params: { dataset: string; ids: string } }>('/data/doc/:dataset/:ids', async (request) => {
    const store = ctx.store.dataset(request.params.dataset)
    const ids = request.params.ids
      .split(',')
      .map((s) => decodeURIComponent(s.trim()))
      .filter(Boolean)
    const documents: unknown[] = []
    const omitted: Array<{ id: string; reason: string }> = []
    for (const id of ids) {
      const reason = invalidIdReason(id)
      if (reason) throw badRequest(reason, 'invalidDocumentIdError')
      if (!mayRead(request.identity, id)) {
        omitted.push({ id, reason: 'permission' })
        continue
      }
      const doc = store.get(id)
      if (doc) documents.push(doc)
      else omitted.push({ id, reason: 'existence' })
    }
    return { documents, omitted }
  })

  app.post<{ Params: { dataset: string } }>('/data/mutate/:dataset', async (request) => {
    requireWriter(request.identity, 'Writing documents')
    const body = request.body
    if (!isRecord(body)) throw badRequest('the body must be a JSON object {"mutations": [...]}')
    const mutations = body.mutations
    if (!Array.isArray(mutations))
      throw badRequest('"mutations" must be an array, e.g. {"mutations": [{"create": {"_type": "post"}}]}')
    const q = queryString(request)
    const visibility = stringParam(q, 'visibility')
    if (visibility !== undefined && !['sync', 'async', 'deferred'].includes(visibility)) {
      throw badRequest(`visibility="${visibility}" is invalid: use sync, async or deferred`)
    }
    const transactionId =
      stringParam(q, 'transactionId') ?? (typeof body.transactionId === 'string' ? body.transactionId : undefined)
    const returnIds = boolParam(q, 'returnIds', false)
    const returnDocuments = boolParam(q, 'returnDocuments', false)
    const store = ctx.store.dataset(request.params.dataset)
    const result = await store.commit(mutations, {
      transactionId,
      author: request.identity.kind === 'user' ? request.identity.user.id : '',
      dryRun: boolParam(q, 'dryRun', false),
      autoGenerateArrayKeys: boolParam(q, 'autoGenerateArrayKeys', false),
      errorKind: 'mutationError',
    })
    const results = result.results
      .filter((r) => r.operation !== 'none' || returnDocuments)
      .map((r) =>
        returnDocuments
          ? { id: r.id, operation: r.operation, document: r.document ?? null }
          : { id: r.id, operation: r.operation },
      )
    const answer: Record<string, unknown> = { transactionId: result.transactionId, results }
    if (returnIds || returnDocuments) answer.documentIds = result.results.map((r) => r.id)
    return answer
  })
}

export default dataRoutes
