// The reference frontend: plain HTML pages per article, condition and treatment, and the home
// page, rendered by delivery/render/pages.ts (with their JSON-LD in the page), through the same
// cache, ETags and stale serving as the API. Registered without a prefix: the page paths come from
// the site's route table (delivery/routes.ts).
//
// A request with a preview session cookie (the Studio's Presentation tool, preview.ts) gets the
// page as the session's perspective shows it, with stega-encoded text for the overlays, never
// cached (preview-page.ts). Public pages vary on Cookie so a browser never reuses its public copy
// in a preview session, or the reverse.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Lookup } from '../../../content/result.js'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { MAX_PAGE_SIZE } from '../../../content/articles.js'
import { MAX_CONDITION_PAGE_SIZE } from '../../../content/conditions.js'
import { MAX_TREATMENT_PAGE_SIZE } from '../../../content/treatments.js'
import type { ContentApi } from '../../../content/index.js'
import type { ClinicSettings } from '../../../content/site.js'
import {
  renderArticlePage,
  renderConditionPage,
  renderIndexPage,
  type PageOptions,
  renderNotFoundPage,
  renderTreatmentPage,
} from '../../../render/pages.js'
import { DEFAULT_LANGUAGE, LANGUAGE_IDS, LANGUAGES, languageOf, localeOf } from '../../../../model/languages.js'
import { collectionPath, languagePrefix } from '../../../../model/site-paths.js'
import { clinicSettings, type RouteOptions } from '../../context.js'
import { API_PREFIX, nextPageLink } from '../../present.js'
import { PREVIEW_CACHE_CONTROL, SESSION_PREVIEW_HEADERS, sessionPreviewOf } from '../../preview.js'
import { previewPage } from '../../preview-page.js'
import { problem } from '../../problem.js'
import { HTML_CONTENT_TYPE, problemBody, sendWithEtag, serveCached, type Produced } from '../../respond.js'
import { noQuery, slugParams } from '../../route-schemas.js'

function html(status: number, body: string): Produced {
  return { status, contentType: HTML_CONTENT_TYPE, body, headers: { vary: 'Cookie' } }
}

/** What a page reads with: the content functions and the clinic (null until it has a name and site URL). */
interface PageView {
  content: ContentApi
  clinic: () => Promise<ClinicSettings | null>
}

const usableClinic = (clinic: ClinicSettings | null): ClinicSettings | null =>
  clinic?.siteUrl && clinic.name ? clinic : null

/** Pages need the clinic (name, site URL, disclaimer); until it is published they cannot render. */
function clinicMissing(url: string): Produced {
  return problemBody(
    503,
    problem(
      'content-source-unavailable',
      503,
      'Clinic settings not published',
      'Pages need the clinic settings document ("clinic") with a name and site URL: publish it in the Studio.',
      url,
    ),
  )
}

/** The schema of a page of one document by slug: only its summary and description differ. */
function documentPageSchema(summary: string, description: string) {
  return {
    summary,
    description,
    tags: ['pages'],
    produces: HTML_CONTENT_TYPE,
    params: slugParams,
    querystring: noQuery,
  }
}

export const pageRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { context }) => {
  const publicView: PageView = {
    content: context.content,
    clinic: async () => usableClinic(await clinicSettings(context)),
  }
  const options = { images: context.images }

  /** A page: publicly through the cache, or in a preview session read fresh and never stored. */
  const servePage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    produce: (view: PageView) => Promise<Produced>,
  ): Promise<FastifyReply> => {
    const session = sessionPreviewOf(context, request, reply)
    if (!session) return serveCached(context, request, reply, () => produce(publicView))
    const viewOf = (content: ContentApi): PageView => ({
      content,
      clinic: async () => {
        const clinic = await content.clinicSettings()
        return usableClinic(clinic.found ? clinic.value : null)
      },
    })
    // The page with stega for its body, and the same reads without it for its head (previewPage).
    const [produced, clean] = await Promise.all([produce(viewOf(session.pages)), produce(viewOf(session.content))])
    const body =
      produced.contentType === HTML_CONTENT_TYPE
        ? previewPage(produced.body, clean.contentType === HTML_CONTENT_TYPE ? clean.body : undefined)
        : produced.body
    return sendWithEtag(
      request,
      reply,
      body,
      produced.contentType,
      PREVIEW_CACHE_CONTROL,
      { ...produced.headers, ...SESSION_PREVIEW_HEADERS, 'x-perspective': session.perspective.join(',') },
      produced.status,
    )
  }

  /** A page of one document: the clinic and the document fetched together, the clinic checked first. */
  const serveDocumentPage = <T>(
    request: FastifyRequest,
    reply: FastifyReply,
    find: (content: ContentApi) => Promise<Lookup<T>>,
    what: string,
    render: (value: T, clinic: ClinicSettings, options: PageOptions) => string,
  ) =>
    servePage(request, reply, async (view) => {
      const [clinic, result] = await Promise.all([view.clinic(), find(view.content)])
      if (!clinic) return clinicMissing(request.url)
      if (!result.found) return html(404, renderNotFoundPage(clinic, `We could not find that ${what}.`))
      const page = html(200, render(result.value, clinic, options))
      return { ...page, headers: { ...page.headers, 'content-language': localeOf(languageOf(result.value as object)) } }
    })

  app.get(
    '/',
    {
      schema: {
        summary: 'Home page (HTML)',
        description: `The newest ${MAX_PAGE_SIZE} articles and the first ${MAX_CONDITION_PAGE_SIZE} conditions (by body region) and ${MAX_TREATMENT_PAGE_SIZE} treatments by name, each with a link to the next page of the API list when there are more.`,
        tags: ['pages'],
        produces: HTML_CONTENT_TYPE,
        querystring: noQuery,
      },
    },
    (request, reply) =>
      servePage(request, reply, async (view) => {
        const [clinic, articles, conditions, treatments] = await Promise.all([
          view.clinic(),
          view.content.articles({ limit: MAX_PAGE_SIZE }),
          view.content.conditions({ limit: MAX_CONDITION_PAGE_SIZE }),
          view.content.treatments({ limit: MAX_TREATMENT_PAGE_SIZE }),
        ])
        if (!clinic) return clinicMissing(request.url)
        const more = {
          articles: nextPageLink(`${API_PREFIX}/articles?limit=${MAX_PAGE_SIZE}`, articles.nextCursor),
          conditions: nextPageLink(`${API_PREFIX}/conditions?limit=${MAX_CONDITION_PAGE_SIZE}`, conditions.nextCursor),
          treatments: nextPageLink(`${API_PREFIX}/treatments?limit=${MAX_TREATMENT_PAGE_SIZE}`, treatments.nextCursor),
        }
        const lists = { articles: articles.items, conditions: conditions.items, treatments: treatments.items, more }
        return html(200, renderIndexPage(lists, clinic, options))
      }),
  )

  // One page per document type and language: `/articles/x` in English, `/es/articles/x` in Spanish.
  for (const language of LANGUAGE_IDS) {
    const prefix = languagePrefix(language)
    const inLanguage = language === DEFAULT_LANGUAGE ? '' : ` in ${LANGUAGES.find((l) => l.id === language)?.title}`
    const pageOf = { lang: language }
    app.get(
      `${prefix}${collectionPath('article')}/:slug`,
      {
        schema: documentPageSchema(
          `Article page (HTML)${inLanguage}`,
          'The article as a patient sees it, with MedicalWebPage JSON-LD and hreflang links to its other languages.',
        ),
      },
      (request, reply) =>
        serveDocumentPage(
          request,
          reply,
          (content) => content.articleBySlug(request.params.slug, pageOf),
          'article',
          renderArticlePage,
        ),
    )

    app.get(
      `${prefix}${collectionPath('condition')}/:slug`,
      {
        schema: documentPageSchema(
          `Condition page (HTML)${inLanguage}`,
          'The condition with its treatments, articles and FAQs, with MedicalCondition JSON-LD.',
        ),
      },
      (request, reply) =>
        serveDocumentPage(
          request,
          reply,
          (content) => content.conditionBySlug(request.params.slug, pageOf),
          'condition',
          renderConditionPage,
        ),
    )

    app.get(
      `${prefix}${collectionPath('treatment')}/:slug`,
      {
        schema: documentPageSchema(
          `Treatment page (HTML)${inLanguage}`,
          'The treatment with FAQs and care instructions, with MedicalTherapy JSON-LD.',
        ),
      },
      (request, reply) =>
        serveDocumentPage(
          request,
          reply,
          (content) => content.treatmentBySlug(request.params.slug, pageOf),
          'treatment',
          renderTreatmentPage,
        ),
    )
  }
}
