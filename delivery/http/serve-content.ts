// The JSON handlers the content routes share, through the response cache: one document by key (a
// slug or a code), where a key that finds nothing is a 404 `not-found` problem naming the key, and
// a keyset page of a list with the link to the next page. The content and the presentation
// context are fetched together. Routes keep their own schemas; only the handler's logic is here.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Page } from '../content/pagination.js'
import type { Lookup } from '../content/result.js'
import { type DeliveryContext, presentContext } from './context.js'
import { nextPageLink, type PageLinks, type PresentContext } from './present.js'
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

/** A keyset page of a list; `present` gets the request URL and where the next page is. */
export function serveList<T>(
  context: DeliveryContext,
  request: FastifyRequest,
  reply: FastifyReply,
  list: () => Promise<Page<T>>,
  present: (items: T[], selfPath: string, present: PresentContext, links: PageLinks) => unknown,
): Promise<FastifyReply> {
  return serveCached(context, request, reply, async () => {
    const [page, presentWith] = await Promise.all([list(), presentContext(context)])
    const links = { nextCursor: page.nextCursor, next: nextPageLink(request.url, page.nextCursor) }
    return jsonBody(200, present(page.items, request.url, presentWith, links))
  })
}
