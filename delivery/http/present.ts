// Turns content function results into API bodies: `data` (the typed content as queried), `html`
// (rendered by delivery/render), the raw `portableText`, `jsonLd` (delivery/render/jsonld) and
// `links` (API and site URLs from the one route table, model/site-paths.ts). No rendering here:
// every HTML string and JSON-LD node comes from the render layer.
import type { Article, ArticlePage, ArticleSummary } from '../content/articles.js'
import type { CareInstruction } from '../content/care.js'
import type { Condition, ConditionSummary } from '../content/conditions.js'
import type { Faq } from '../content/faqs.js'
import type { SearchHit } from '../content/search.js'
import type { ClinicSettings, SitemapEntry } from '../content/site.js'
import type { Treatment, TreatmentSummary } from '../content/treatments.js'
import { renderFootnotesHtml } from '../render/citations.js'
import {
  articleJsonLd,
  conditionPageJsonLd,
  faqPageJsonLd,
  howToJsonLd,
  medicalClinicJsonLd,
  medicalConditionJsonLd,
  treatmentPageJsonLd,
  type JsonLdObject,
} from '../render/jsonld.js'
import { renderPortableTextWithInfo } from '../render/portableText.js'
import { analyseReadability } from '../../model/readability.js'
import { readingLevelSummary, targetGradeOf } from '../../model/readingLevel.js'
import { medicalReviewOf } from '../render/review.js'
import type { ImageConfig } from '../render/types.js'
import { pathFor, urlFor, type RoutableRef } from '../../model/site-paths.js'

export const API_PREFIX = '/api/v1'

export interface PresentContext {
  clinic: ClinicSettings | null
  images: ImageConfig | null
}

/** API path of a routable document (`/api/v1/articles/x`), or null. */
export function apiPathFor(ref: RoutableRef | null | undefined): string | null {
  const page = pathFor(ref)
  return page === null ? null : `${API_PREFIX}${page}`
}

/** Links of one document: its API resource, its page on this server, its canonical site URL. */
export function documentLinks(ref: RoutableRef | null | undefined, clinic: ClinicSettings | null) {
  return {
    self: apiPathFor(ref),
    page: pathFor(ref),
    canonical: clinic?.siteUrl ? safeUrlFor(ref, clinic.siteUrl) : null,
  }
}

function safeUrlFor(ref: RoutableRef | null | undefined, siteUrl: string): string | null {
  try {
    return urlFor(ref, siteUrl)
  } catch {
    return null
  }
}

/**
 * JSON-LD needs the clinic (publisher, site URL). While the clinic settings are incomplete the
 * API still answers, with `jsonLd: null` and a warning saying what to fix.
 */
function jsonLdOrWarning(
  build: (clinic: ClinicSettings) => JsonLdObject | undefined,
  context: PresentContext,
  warnings: string[],
) {
  if (!context.clinic) {
    warnings.push('No JSON-LD: the clinic settings document ("clinic") is not published yet.')
    return null
  }
  try {
    return build(context.clinic) ?? null
  } catch (error) {
    warnings.push(`No JSON-LD: ${error instanceof Error ? error.message : String(error)}`)
    return null
  }
}

function renderOptions(context: PresentContext) {
  return { images: context.images, siteUrl: null }
}

function withLinks<T extends RoutableRef>(item: T, clinic: ClinicSettings | null) {
  return { ...item, links: documentLinks(item, clinic) }
}

export function presentArticle(article: Article, context: PresentContext) {
  const warnings: string[] = []
  const body = renderPortableTextWithInfo(article.body, { ...renderOptions(context), citations: article.citations })
  const footnotes = renderFootnotesHtml(article.citations, { referenced: body.citedNumbers })
  const faqs = (article.faqs ?? []).map((faq) => ({
    ...faq,
    html: renderPortableTextWithInfo(faq.answer, { ...renderOptions(context), variant: 'simple' }).html,
  }))
  for (const w of body.warnings) warnings.push(w.message)
  const review = medicalReviewOf(article)
  if (review.reviewed && !review.independent)
    warnings.push('The medical review is not independent: the author is also the medical reviewer.')
  return {
    data: { ...article, faqs },
    html: body.html + footnotes,
    portableText: article.body,
    jsonLd: jsonLdOrWarning((clinic) => articleJsonLd(article, clinic, { images: context.images }), context, warnings),
    readability: analyseReadability(article.body),
    // Partners and frontends filter on readingLevel.grade (also JSON-LD educationalLevel).
    readingLevel: readingLevelSummary(article.body, targetGradeOf(context.clinic)),
    medicalReview: review,
    links: {
      ...documentLinks(article, context.clinic),
      author: article.author ? { page: pathFor({ _type: 'clinician', slug: article.author.slug }) } : null,
      conditions: (article.conditions ?? []).map((c) => documentLinks(c, context.clinic)),
      treatments: (article.treatments ?? []).map((t) => documentLinks(t, context.clinic)),
    },
    warnings,
  }
}

export function presentArticlePage(
  page: ArticlePage,
  selfPath: string,
  nextPath: string | null,
  context: PresentContext,
) {
  return {
    data: page.items.map((item: ArticleSummary) => withLinks(item, context.clinic)),
    nextCursor: page.nextCursor,
    links: { self: selfPath, next: nextPath },
  }
}

export function presentCondition(condition: Condition, context: PresentContext) {
  const warnings: string[] = []
  const sections = (condition.sections ?? []).map((section) => {
    const rendered = renderPortableTextWithInfo(section.body, renderOptions(context))
    for (const w of rendered.warnings) warnings.push(w.message)
    return { ...section, html: rendered.html }
  })
  const faqs = condition.faqs.map((faq) => ({
    ...faq,
    html: renderPortableTextWithInfo(faq.answer, { ...renderOptions(context), variant: 'simple' }).html,
  }))
  return {
    data: {
      ...condition,
      sections,
      faqs,
      articles: condition.articles.map((a) => withLinks(a, context.clinic)),
      treatments: condition.treatments.map((t) => withLinks(t, context.clinic)),
    },
    html: sections.map((s) => s.html).join(''),
    portableText: { sections: (condition.sections ?? []).map((s) => ({ aspect: s.aspect, body: s.body })) },
    jsonLd: jsonLdOrWarning(
      (clinic) => conditionPageJsonLd(condition, clinic, { images: context.images }),
      context,
      warnings,
    ),
    links: documentLinks(condition, context.clinic),
    warnings,
  }
}

/** Where a keyset page continues: `nextCursor` and the URL of the next page (null on the last page). */
export interface PageLinks {
  nextCursor: string | null
  next: string | null
}

/** The request URL with `cursor` set to the next page's cursor (other parameters kept), or null. */
export function nextPageLink(requestUrl: string, nextCursor: string | null): string | null {
  if (!nextCursor) return null
  const url = new URL(requestUrl, 'http://delivery.invalid')
  url.searchParams.set('cursor', nextCursor)
  return `${url.pathname}?${url.searchParams.toString()}`
}

/** A list of condition summaries; `page` when it is a page of the paginated list. */
export function presentConditionList(
  conditions: ConditionSummary[],
  selfPath: string,
  context: PresentContext,
  page?: PageLinks,
) {
  const warnings: string[] = []
  return {
    data: conditions.map((c) => withLinks(c, context.clinic)),
    jsonLd: jsonLdOrWarning(
      (clinic) => ({
        '@context': 'https://schema.org',
        '@graph': conditions.map((c) => medicalConditionJsonLd(c, clinic)),
      }),
      context,
      warnings,
    ),
    ...(page ? { nextCursor: page.nextCursor } : {}),
    links: page ? { self: selfPath, next: page.next } : { self: selfPath },
    warnings,
  }
}

export function presentTreatment(treatment: Treatment, context: PresentContext) {
  const warnings: string[] = []
  const howItWorks = renderPortableTextWithInfo(treatment.howItWorks, renderOptions(context))
  const whatToExpect = renderPortableTextWithInfo(treatment.whatToExpect, renderOptions(context))
  for (const w of [...howItWorks.warnings, ...whatToExpect.warnings]) warnings.push(w.message)
  const faqs = (treatment.faqs ?? []).map((faq) => ({
    ...faq,
    html: renderPortableTextWithInfo(faq.answer, { ...renderOptions(context), variant: 'simple' }).html,
  }))
  return {
    data: {
      ...treatment,
      faqs,
      articles: treatment.articles.map((a) => withLinks(a, context.clinic)),
      conditions: (treatment.conditions ?? []).map((c) => withLinks(c, context.clinic)),
    },
    html: { howItWorks: howItWorks.html, whatToExpect: whatToExpect.html },
    portableText: { howItWorks: treatment.howItWorks, whatToExpect: treatment.whatToExpect },
    jsonLd: jsonLdOrWarning(
      (clinic) => treatmentPageJsonLd(treatment, clinic, { images: context.images }),
      context,
      warnings,
    ),
    links: {
      ...documentLinks(treatment, context.clinic),
      careInstructions: `${apiPathFor(treatment)}/care-instructions`,
      faqs: `${API_PREFIX}/faqs?treatment=${encodeURIComponent(treatment.slug ?? '')}`,
    },
    warnings,
  }
}

export function presentTreatmentList(
  treatments: TreatmentSummary[],
  selfPath: string,
  context: PresentContext,
  page: PageLinks,
) {
  return {
    data: treatments.map((t) => withLinks(t, context.clinic)),
    nextCursor: page.nextCursor,
    links: { self: selfPath, next: page.next },
  }
}

export function presentFaqs(faqs: Faq[], selfPath: string, context: PresentContext) {
  const items = faqs.map((faq) => {
    const answer = renderPortableTextWithInfo(faq.answer, { ...renderOptions(context), variant: 'simple' })
    return { ...faq, html: answer.html }
  })
  return {
    data: items,
    portableText: faqs.map((faq) => ({ _id: faq._id, answer: faq.answer })),
    jsonLd: faqPageJsonLd(faqs) ?? null,
    links: { self: selfPath },
  }
}

export function presentCareInstructions(care: CareInstruction[], selfPath: string) {
  return {
    data: care.map((c) => ({
      ...c,
      links: { treatment: apiPathFor(c.treatment ? { _type: 'treatment', slug: c.treatment.slug } : null) },
    })),
    jsonLd: care.map((c) => howToJsonLd(c)).filter((node): node is JsonLdObject => node !== undefined),
    links: { self: selfPath },
  }
}

export function presentSearch(q: string, hits: SearchHit[], selfPath: string, context: PresentContext) {
  return { query: q, data: hits.map((hit) => withLinks(hit, context.clinic)), links: { self: selfPath } }
}

export function presentClinic(clinic: ClinicSettings, context: PresentContext) {
  const warnings: string[] = []
  return {
    data: clinic,
    jsonLd: jsonLdOrWarning((c) => medicalClinicJsonLd(c, { images: context.images }), context, warnings),
    links: { self: `${API_PREFIX}/clinic`, site: clinic.siteUrl ?? null },
    warnings,
  }
}

export interface SitemapUrl {
  loc: string
  lastmod: string
}

/** The absolute URL of a sitemap entry on `base` (the clinic's site), or null when it has no route. */
export function sitemapLoc(entry: SitemapEntry, base: string): string | null {
  return safeUrlFor(entry, base)
}

/** Sitemap URLs, absolute on `base` (the clinic's site URL, else this server); routeless entries left out. */
export function sitemapUrls(entries: SitemapEntry[], base: string): SitemapUrl[] {
  const urls: SitemapUrl[] = []
  for (const entry of entries) {
    const loc = sitemapLoc(entry, base)
    if (loc) urls.push({ loc, lastmod: entry._updatedAt })
  }
  return urls
}
