import type { FastifyPluginAsync } from 'fastify'
import { mayRead } from '../../query/index.js'
import type { RouteOptions } from '../context.js'
import { queryString, stringParam } from '../util.js'

/**
 * `GET /data/export/<dataset>[?types=a,b]`: every readable document as NDJSON, sorted by id
 * (Sanity's export endpoint, what `sanity dataset export` downloads). Anonymous: published only.
 */
const exportRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  app.get<{ Params: { dataset: string } }>('/data/export/:dataset', async (request, reply) => {
    const store = ctx.store.dataset(request.params.dataset)
    const types = stringParam(queryString(request), 'types')
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean)
    const docs = [...store.documents()]
      .filter((d) => mayRead(request.identity, d._id))
      .filter((d) => !types || types.includes(d._type))
      .sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0))
    return reply.type('application/x-ndjson').send(docs.map((d) => `${JSON.stringify(d)}\n`).join(''))
  })
}

export default exportRoutes
