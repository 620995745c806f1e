// The `GET /:slug` route of a content collection (articles, conditions, treatments): one document
// by slug, a 404 `not-found` problem naming the slug and where the list is when none has it. The
// collections differ only in words and in which content function finds and presents the document.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { ContentApi } from '../content/index.js'
import type { LanguageOptions } from '../content/language.js'
import type { Lookup } from '../content/result.js'
import type { RouteOptions } from './context.js'
import { API_PREFIX, type PresentContext } from './present.js'
import { documentResponse, errorResponses, problemResponse, reviewQuery, slugParams } from './route-schemas.js'
import { serveDocument } from './serve-content.js'

type RouteApp = Parameters<FastifyPluginAsyncTypebox<RouteOptions>>[0]

export interface SlugRoute<T> {
  /** The document type as a reader names it: 'condition'. */
  noun: string
  /** The collection's path below the API prefix and its OpenAPI tag: 'conditions'. */
  collection: string
  /** What a document must be to be found, before the noun: 'published ' for articles. */
  qualifier?: string
  /** The OpenAPI description of the response. */
  description: string
  /** Reads with the request's content functions: the public ones, or a review's (`?perspective=`). */
  find: (content: ContentApi, slug: string, language: LanguageOptions) => Promise<Lookup<T>>
  present: (value: T, present: PresentContext) => unknown
}

export function registerSlugRoute<T>(app: RouteApp, { context }: RouteOptions, route: SlugRoute<T>): void {
  const { noun, collection, qualifier = '' } = route
  const capitalised = noun.charAt(0).toUpperCase() + noun.slice(1)
  app.get(
    '/:slug',
    {
      schema: {
        summary: `One ${noun} by slug`,
        description: route.description,
        tags: [collection],
        params: slugParams,
        querystring: reviewQuery,
        response: {
          200: documentResponse(`The ${noun}`),
          404: problemResponse(`No ${qualifier}${noun} has this slug`),
          ...errorResponses,
        },
      },
    },
    (request, reply) =>
      serveDocument(context, request, reply, {
        find: (content) =>
          route.find(content, request.params.slug, { lang: request.query.lang, fallback: request.query.fallback }),
        title: `${capitalised} not found`,
        detail: (slug) =>
          `No ${qualifier}${noun} has the slug "${slug}". List ${collection} at ${API_PREFIX}/${collection}.`,
        present: route.present,
      }),
  )
}
