// One document by key (a slug or a code) as JSON, through the response cache: the lookup and the
// presentation context are fetched together; a key that finds nothing is a 404 `not-found`
// problem naming the key. Routes keep their own schemas; only the handler's logic lives here.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Lookup } from '../content/result.js'
import { type DeliveryContext, presentContext } from './context.js'
import type { PresentContext } from './present.js'
import { problem } from './problem.js'
import { jsonBody, type Produced, problemBody, serveCached } from './respond.js'

/** A 404 `not-found` problem about the request URL. */
export function notFoundProblem(url: string, title: string, detail: string): Produced {
  return problemBody(404, problem('not-found', 404, title, detail, url))
}

export interface OneDocument<T> {
  /** Fetches the document; called only when the cache has no fresh copy. */
  find: () => Promise<Lookup<T>>
  /** The 404 problem's title. */
  title: string
  /** The 404 problem's detail, given the key that found nothing. */
  detail: (key: string) => string
  /** The JSON body of a found document. */
  present: (value: T, present: PresentContext) => unknown
}

export function serveDocument<T>(
  context: DeliveryContext,
  request: FastifyRequest,
  reply: FastifyReply,
  document: OneDocument<T>,
): Promise<FastifyReply> {
  return serveCached(context, request, reply, async () => {
    const [result, present] = await Promise.all([document.find(), presentContext(context)])
    if (!result.found) return notFoundProblem(request.url, document.title, document.detail(result.key))
    return jsonBody(200, document.present(result.value, present))
  })
}
