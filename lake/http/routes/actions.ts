import type { FastifyPluginAsync } from 'fastify'
import { applyAction } from '../../actions/index.js'
import { requireWriter } from '../../auth/index.js'
import { badRequest, isRecord } from '../../errors.js'
import type { RouteOptions } from '../context.js'

/** `POST /data/actions/<dataset>`: `{actions, transactionId?, dryRun?}` -> `{transactionId}`. */
const actionRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  app.post<{ Params: { dataset: string } }>('/data/actions/:dataset', async (request) => {
    requireWriter(request.identity, 'Running document actions')
    const body = request.body
    if (!isRecord(body)) throw badRequest('the body must be a JSON object {"actions": [...]}')
    const actions = Array.isArray(body.actions) ? body.actions : isRecord(body.actions) ? [body.actions] : undefined
    if (!actions)
      throw badRequest(
        '"actions" must be an array of actions, e.g. [{"actionType": "sanity.action.document.publish", ...}]',
      )
    if (body.transactionId !== undefined && typeof body.transactionId !== 'string')
      throw badRequest('"transactionId" must be a string')
    const store = ctx.store.dataset(request.params.dataset)
    const result = await store.transact(
      async (tx) => {
        const history = { revision: (id: string, rev: string) => store.revision(id, rev)?.document }
        for (let i = 0; i < actions.length; i++) await applyAction(tx, actions[i], i, history)
      },
      {
        transactionId: body.transactionId as string | undefined,
        author: request.identity.kind === 'user' ? request.identity.user.id : '',
        dryRun: body.dryRun === true,
        errorKind: 'actionError',
      },
    )
    return { transactionId: result.transactionId }
  })
}

export default actionRoutes
