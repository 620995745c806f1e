import type { FastifyPluginAsync } from 'fastify'
import { requireWriter } from '../../auth/index.js'
import { badRequest, isRecord } from '../../errors.js'
import { invalidIdReason } from '../../ids.js'
import { mayRead, parsePerspective, runQuery } from '../../query/index.js'
import type { RouteOptions } from '../context.js'
import { apiVersionOf, boolParam, groqParamsFromQuery, queryString, stringParam } from '../util.js'

/** `/data/query`, `/data/doc` and `/data/mutate`: Sanity's document API. */
const dataRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  async function answerQuery(
    dataset: string,
    query: unknown,
    params: Record<string, unknown>,
    perspectiveValue: unknown,
    returnQuery: boolean,
    apiVersion: string,
    identity: import('../../auth/index.js').Identity,
  ): Promise<Record<string, unknown>> {
    if (typeof query !== 'string' || query.trim() === '') {
      throw badRequest(
        'the "query" parameter is missing: send a GROQ query, e.g. ?query=*[_type == "article"]',
        'queryParseError',
      )
    }
    const started = performance.now()
    const store = ctx.store.dataset(dataset)
    const perspective = parsePerspective(perspectiveValue, apiVersion)
    const result = await runQuery({ store, query, params, perspective, identity, projectId: ctx.config.projectId })
    const ms = Math.round(performance.now() - started)
    return returnQuery ? { query, result, ms } : { result, ms }
  }

  app.get<{ Params: { dataset: string } }>('/data/query/:dataset', async (request) => {
    const q = queryString(request)
    return answerQuery(
      request.params.dataset,
      stringParam(q, 'query'),
      groqParamsFromQuery(q),
      q.perspective,
      boolParam(q, 'returnQuery', true),
      apiVersionOf(request),
      request.identity,
    )
  })

  app.post<{ Params: { dataset: string } }>('/data/query/:dataset', async (request) => {
    const body = request.body
    if (!isRecord(body)) throw badRequest('the body must be a JSON object {"query": "...", "params": {...}}')
    const q = queryString(request)
    const params = body.params ?? {}
    if (!isRecord(params)) throw badRequest('"params" must be an object of GROQ parameters')
    const perspective = q.perspective ?? body.perspective
    return answerQuery(
      request.params.dataset,
      body.query,
      params,
      perspective,
      boolParam(q, 'returnQuery', true),
      apiVersionOf(request),
      request.identity,
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
