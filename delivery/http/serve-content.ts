// The JSON handlers the content routes share, through the response cache: one document by key (a
// slug or a code), where a key that finds nothing is a 404 `not-found` problem naming the key, and
// a keyset page of a list with the link to the next page. The content and the presentation
// context are fetched together. Routes keep their own schemas; only the handler's logic is here.
//
// Every content route answers through `serveContent`: the public answer through the response
// cache, or, with `?perspective=<release>` and a token, a review answer read with the caller's
// token, or, with a preview session cookie, the session's perspective read with the server's
// token: both never cached (preview.ts).
import type { FastifyReply, FastifyRequest } from 'fastify'
import { DEFAULT_LANGUAGE, isLanguage, type Language, languageOf, localeOf } from '../../model/languages.js'
import type { ContentApi } from '../content/index.js'
import type { Page } from '../content/pagination.js'
import type { Lookup } from '../content/result.js'
import { type DeliveryContext, presentContext, presentContextOf } from './context.js'
import { nextPageLink, type PageLinks, type PresentContext } from './present.js'
import {
  PREVIEW_CACHE_CONTROL,
  previewOf,
  SESSION_PREVIEW_HEADERS,
  sessionPreviewOf,
  withPreviewErrors,
} from './preview.js'
import { problem } from './problem.js'
import { jsonBody, type Produced, problemBody, sendWithEtag, serveCached } from './respond.js'

/** What a content route reads with: the content functions and the presentation context. */
export interface ContentView {
  content: ContentApi
  /** The clinic settings and image config (from the same perspective as `content`). */
  present: () => Promise<PresentContext>
}

/**
 * Answers a content route: publicly through the response cache, or as a review of a release
 * (`?perspective=`) read with the caller's token, answered `private, no-store` and never stored.
 */
export async function serveContent(
  context: DeliveryContext,
  request: FastifyRequest,
  reply: FastifyReply,
  produce: (view: ContentView) => Promise<Produced>,
): Promise<FastifyReply> {
  // Public requests (nearly all) go straight to the cache, without waiting on a review check.
  const asked = (request.query as Record<string, unknown> | undefined)?.perspective !== undefined
  if (asked) {
    const preview = await previewOf(context, request)
    if (preview) {
      return withPreviewErrors(() =>
        sendPreview(context, request, reply, produce, preview.content, {
          vary: 'Authorization',
          'x-cache': 'BYPASS',
          'x-perspective': preview.perspective.join(','),
        }),
      )
    }
  }
  // A preview session (the Presentation tool's cookie): drafts read with the server's token.
  const session = asked ? null : sessionPreviewOf(context, request, reply)
  if (session) {
    return sendPreview(context, request, reply, produce, session.content, {
      ...SESSION_PREVIEW_HEADERS,
      'x-perspective': session.perspective.join(','),
    })
  }
  return serveCached(context, request, reply, () =>
    produce({ content: context.content, present: () => presentContext(context) }),
  )
}

/**
 * One answer read from `content` (a review or a preview session) for this caller only: never
 * shared, so it bypasses the response cache and goes out `private, no-store` with `headers`.
 */
async function sendPreview(
  context: DeliveryContext,
  request: FastifyRequest,
  reply: FastifyReply,
  produce: (view: ContentView) => Promise<Produced>,
  content: ContentApi,
  headers: Record<string, string>,
): Promise<FastifyReply> {
  const produced = await produce({ content, present: () => presentContextOf(context, content) })
  return sendWithEtag(
    request,
    reply,
    produced.body,
    produced.contentType,
    PREVIEW_CACHE_CONTROL,
    { ...produced.headers, ...headers },
    produced.status,
  )
}

/** The language a request asks for (`?lang=`; the route schema has checked it), English when none. */
export function requestedLanguage(request: FastifyRequest): Language {
  const lang = (request.query as Record<string, unknown> | undefined)?.lang
  return isLanguage(lang) ? lang : DEFAULT_LANGUAGE
}

/** `Content-Language` of an answer: the locales of the languages it holds, requested first. */
export function contentLanguage(requested: Language, languages: Iterable<Language>): Record<string, string> {
  const all = new Set<Language>([requested, ...languages])
  return { 'content-language': [...all].map(localeOf).join(', ') }
}

/** A 404 `not-found` problem about the request URL. */
export function notFoundProblem(url: string, title: string, detail: string): Produced {
  return problemBody(404, problem('not-found', 404, title, detail, url))
}

export interface OneDocument<T> {
  /** Fetches the document; called only when the cache has no fresh copy. */
  find: (content: ContentApi) => Promise<Lookup<T>>
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
  return serveContent(context, request, reply, async (view) => {
    const lang = requestedLanguage(request)
    const [result, present] = await Promise.all([document.find(view.content), view.present()])
    if (!result.found) return notFoundProblem(request.url, document.title, document.detail(result.key))
    // A document answers in its own language; a list-like answer (an ICD-10 code's conditions) in the requested one.
    const language =
      typeof result.value === 'object' && result.value !== null && '_id' in result.value
        ? languageOf(result.value)
        : lang
    const body = document.present(result.value, { ...present, lang })
    // The language of the answer, and `fallback: true` when English stood in (`?fallback=en`).
    const flagged = { language, ...(language !== lang ? { fallback: true } : {}), ...(body as object) }
    return { ...jsonBody(200, flagged), headers: contentLanguage(language, []) }
  })
}

/** A keyset page of a list; `present` gets the request URL and where the next page is. */
export function serveList<T>(
  context: DeliveryContext,
  request: FastifyRequest,
  reply: FastifyReply,
  list: (content: ContentApi) => Promise<Page<T>>,
  present: (items: T[], selfPath: string, present: PresentContext, links: PageLinks) => unknown,
): Promise<FastifyReply> {
  return serveContent(context, request, reply, async (view) => {
    const lang = requestedLanguage(request)
    const [page, presentWith] = await Promise.all([list(view.content), view.present()])
    const links = { nextCursor: page.nextCursor, next: nextPageLink(request.url, page.nextCursor) }
    const body = present(page.items, request.url, { ...presentWith, lang }, links)
    return {
      ...jsonBody(200, { language: lang, ...(body as object) }),
      headers: contentLanguage(
        lang,
        page.items.map((item) => languageOf(item as object)),
      ),
    }
  })
}
