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
import { DEFAULT_LANGUAGE, isLanguage, type Language, languageOf, localeOf } from '../../model/languages.js'
import { languagePrefix, pathFor, urlFor, type RoutableRef } from '../../model/site-paths.js'

export const API_PREFIX = '/api/v1'

export interface PresentContext {
  clinic: ClinicSettings | null
  images: ImageConfig | null
  /** The language the caller asked for (`?lang=`, `/es/...`); items in another one are fallbacks. */
  lang?: Language
}

/** API path of a routable document (`/api/v1/articles/x`), or null. */
export function apiPathFor(ref: RoutableRef | null | undefined): string | null {
  // The API names a language by `?lang=`, the site by a path prefix (`/es/articles/x`).
  const page = pathFor(ref ? { ...ref, language: null } : ref)
  if (page === null) return null
  return languagePrefix(ref?.language) ? `${API_PREFIX}${page}?lang=${languageOf(ref)}` : `${API_PREFIX}${page}`
}

/** A published language version of a document, as its content function reads it (`translations`). */
export interface TranslationRef {
  language?: string | null
  slug?: string | null
}

/**
 * The language versions of a document (itself included), for `hreflang`: per version its language,
 * BCP 47 locale and links. Only published versions with a slug are listed (the query's perspective).
 */
export function alternatesOf(
  doc: RoutableRef & { translations?: TranslationRef[] | null },
  clinic: ClinicSettings | null,
) {
  const versions = (doc.translations ?? []).filter((t) => isLanguage(t.language) && t.slug)
  if (!versions.some((t) => t.language === languageOf(doc)))
    versions.push({ language: languageOf(doc), slug: slugText(doc.slug) })
  return versions
    .map((t) => {
      const language = languageOf(t)
      const ref = { _type: doc._type, slug: t.slug, language }
      return { language, hreflang: localeOf(language), ...documentLinks(ref, clinic) }
    })
    .filter((t) => t.page !== null)
    .sort((a, b) =>
      a.language === DEFAULT_LANGUAGE ? -1 : b.language === DEFAULT_LANGUAGE ? 1 : a.language.localeCompare(b.language),
    )
}

function slugText(slug: RoutableRef['slug']): string | null {
  return typeof slug === 'string' ? slug : (slug?.current ?? null)
}

/** The slug of a document's source-language (English) version: relations and topic filters name it. */
function sourceSlugOf(doc: { slug?: string | null; translations?: TranslationRef[] | null }): string | null {
  const source = (doc.translations ?? []).find((t) => t.language === DEFAULT_LANGUAGE && t.slug)
  return source?.slug ?? doc.slug ?? null
}

/** `?lang=` of a document's API links: empty for the source language. */
function langQuery(ref: RoutableRef): string {
  return languagePrefix(ref.language) ? `?lang=${languageOf(ref)}` : ''
}

/** `fallback: true` on an item served in English because the requested language has no version. */
export function fallbackFlag(item: object, context: PresentContext): { fallback?: true } {
  return context.lang && languageOf(item) !== context.lang ? { fallback: true } : {}
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

function withLinks<T extends RoutableRef>(item: T, clinic: ClinicSettings | null, context?: PresentContext) {
  return { ...item, ...(context ? fallbackFlag(item, context) : {}), links: documentLinks(item, clinic) }
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
      alternates: alternatesOf(article, context.clinic),
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
    data: page.items.map((item: ArticleSummary) => withLinks(item, context.clinic, context)),
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
      articles: condition.articles.map((a) => withLinks(a, context.clinic, context)),
      treatments: condition.treatments.map((t) => withLinks(t, context.clinic, context)),
    },
    html: sections.map((s) => s.html).join(''),
    portableText: { sections: (condition.sections ?? []).map((s) => ({ aspect: s.aspect, body: s.body })) },
    jsonLd: jsonLdOrWarning(
      (clinic) => conditionPageJsonLd(condition, clinic, { images: context.images }),
      context,
      warnings,
    ),
    links: { ...documentLinks(condition, context.clinic), alternates: alternatesOf(condition, context.clinic) },
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
    data: conditions.map((c) => withLinks(c, context.clinic, context)),
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
      articles: treatment.articles.map((a) => withLinks(a, context.clinic, context)),
      conditions: (treatment.conditions ?? []).map((c) => withLinks(c, context.clinic, context)),
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
      alternates: alternatesOf(treatment, context.clinic),
      // Care and FAQs are listed by the source (English) treatment, which they reference.
      careInstructions: `${apiPathFor({ ...treatment, slug: sourceSlugOf(treatment), language: null })}/care-instructions${langQuery(treatment)}`,
      faqs: `${API_PREFIX}/faqs?treatment=${encodeURIComponent(sourceSlugOf(treatment) ?? '')}${langQuery(treatment).replace('?', '&')}`,
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
    data: treatments.map((t) => withLinks(t, context.clinic, context)),
    nextCursor: page.nextCursor,
    links: { self: selfPath, next: page.next },
  }
}

export function presentFaqs(faqs: Faq[], selfPath: string, context: PresentContext) {
  const items = faqs.map((faq) => {
    const answer = renderPortableTextWithInfo(faq.answer, { ...renderOptions(context), variant: 'simple' })
    return { ...faq, ...fallbackFlag(faq, context), html: answer.html }
  })
  return {
    data: items,
    portableText: faqs.map((faq) => ({ _id: faq._id, answer: faq.answer })),
    jsonLd: faqPageJsonLd(faqs) ?? null,
    links: { self: selfPath },
  }
}

export function presentCareInstructions(care: CareInstruction[], selfPath: string, context?: PresentContext) {
  return {
    data: care.map((c) => ({
      ...c,
      ...(context ? fallbackFlag(c, context) : {}),
      links: { treatment: apiPathFor(c.treatment ? { _type: 'treatment', slug: c.treatment.slug } : null) },
    })),
    jsonLd: care.map((c) => howToJsonLd(c)).filter((node): node is JsonLdObject => node !== undefined),
    links: { self: selfPath },
  }
}

export function presentSearch(q: string, hits: SearchHit[], selfPath: string, context: PresentContext) {
  return { query: q, data: hits.map((hit) => withLinks(hit, context.clinic, context)), links: { self: selfPath } }
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
  /** The page's language versions (itself included) for `xhtml:link` alternates; empty when it has none. */
  alternates: { hreflang: string; href: string }[]
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
    if (!loc) continue
    const versions = alternatesOf(entry, { siteUrl: base } as ClinicSettings)
    const alternates =
      versions.length > 1
        ? versions.flatMap((v) => (v.canonical ? [{ hreflang: v.hreflang, href: v.canonical }] : []))
        : []
    urls.push({ loc, lastmod: entry._updatedAt, alternates })
  }
  return urls
}
