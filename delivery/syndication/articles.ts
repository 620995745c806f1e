// Syndicated articles: in-scope look-ups (one lake query per call, so scope and content come from
// the same snapshot) and the licensed payload partners receive.
//
// The article projection is delivery's own ARTICLE_BY_SLUG_QUERY projection (so syndicated copies
// carry exactly what the clinic's site renders), extended with `_rev` and the syndication fields.
import { DEFAULT_LANGUAGE, isLanguage, type Language, languageOf, localeOf } from '../../model/languages.js'
import { runWithVersions, type VersionRun } from '../content/versions.js'
import type { SanityClient } from '@sanity/client'
import { fetchTagged } from '../client.js'
import { acceptListItem, conformDocument } from '../content/conform.js'
import { CLINIC, SYNDICATED_ARTICLE, siteUrlProblem } from '../content/shapes.js'
import { ARTICLE_BY_SLUG_QUERY, CLINIC_SETTINGS_QUERY } from '../queries.js'
import { absoluteUrl, normaliseSiteUrl, pathFor, slugOf, urlFor, type SlugValue } from '../../model/site-paths.js'
import { renderPortableTextWithInfo } from '../render/portableText.js'
import { renderFootnotesHtml } from '../render/citations.js'
import { escapeHtml, safeLinkUrl } from '../render/escape.js'
import { createImageBuilder, renderImageHtml, responsiveImage } from '../render/images.js'
import { articleJsonLd, jsonLdScriptTag, type JsonLdObject } from '../render/jsonld.js'
import { readingLevelSummary, targetGradeOf, type ReadingLevelSummary } from '../../model/readingLevel.js'
import { medicalReviewOf, type MedicalReviewFacts } from '../render/review.js'
import type { ArticleInput, ClinicInput, ImageConfig } from '../render/types.js'
import { isRecord, optString } from './documents.js'
import { scopeFilter, type Audience } from './scope.js'

// The by-slug filter, in the requested language (English only with $fallback), best match first.
const BY_SLUG_PREFIX =
  '*[_type == "article" && slug.current == $slug && (language == $lang || (($lang == "en" || $fallback) && (!defined(language) || language == "en")))] | order(language == $lang desc) [0]'
if (
  !ARTICLE_BY_SLUG_QUERY.startsWith(BY_SLUG_PREFIX) ||
  !ARTICLE_BY_SLUG_QUERY.slice(BY_SLUG_PREFIX.length).trimStart().startsWith('{')
) {
  throw new Error(
    `delivery/syndication/articles.ts reuses the projection of ARTICLE_BY_SLUG_QUERY and expects it to start with ${BY_SLUG_PREFIX}{...}; ` +
      'it changed shape: update ARTICLE_PROJECTION here to match delivery/queries.ts',
  )
}

/** Delivery's article projection plus `_rev` and the syndication settings. */
const ARTICLE_PROJECTION =
  '{_rev, "syndicationCanonicalUrl": syndication.canonicalUrl, "syndicationAllowed": syndication.allowed, ' +
  ARTICLE_BY_SLUG_QUERY.slice(BY_SLUG_PREFIX.length).trimStart().slice(1)

/** An article as fetched for syndication. */
export interface SyndicatedArticleSource extends ArticleInput {
  _id: string
  _rev?: string | null
  syndicationCanonicalUrl?: string | null
}

/** The clinic settings syndication needs (names and licence texts). */
export interface SyndicationClinic extends ClinicInput {
  syndicationLicence?: string | null
  attributionText?: string | null
  targetReadingGrade?: number | null
}

/**
 * An article as the renderers may read it. `single`: one article (its page, embed, oEmbed): fields
 * that do not match the content model are dropped and reported. Otherwise (lists, feeds, changes)
 * an article with any such field is left out and reported, so one malformed document never takes
 * a list of others down.
 */
function toArticle(value: unknown, where: string, single = false): SyndicatedArticleSource | null {
  if (!isRecord(value) || typeof value._id !== 'string') return null
  // An article whose slug is not a valid slug has no page on the clinic's site, hence no canonical
  // URL, and is not syndicated (the Studio's validation prevents it; an API write or an import may
  // not). Skipping it here keeps one bad document from taking lists, changes and feeds down.
  if (typeof value.slug !== 'string' || pathFor({ _type: 'article', slug: value.slug as SlugValue }) === null)
    return null
  if (single) return conformDocument(value, SYNDICATED_ARTICLE, 'article', where) as unknown as SyndicatedArticleSource
  return acceptListItem(value, SYNDICATED_ARTICLE, 'article', where)
    ? (value as unknown as SyndicatedArticleSource)
    : null
}

/**
 * Runs a syndication query whose article projection shows related documents in the audience's
 * language (`params.lang`; English stands in where one has no version): their versions are read
 * once for the whole answer (delivery/content/versions.ts), never per article.
 */
async function fetchInLanguage(
  client: SanityClient,
  params: Record<string, unknown>,
  run: (versions: VersionRun) => Promise<unknown>,
): Promise<unknown> {
  const lang: Language = isLanguage(params.lang) ? params.lang : DEFAULT_LANGUAGE
  return (await runWithVersions(client, { lang, fallback: true }, run)).result
}

function toClinic(value: unknown): SyndicationClinic | null {
  return isRecord(value) ? (conformDocument(value, CLINIC, 'clinic', 'syndication') as SyndicationClinic) : null
}

export class ClinicNotConfiguredError extends Error {
  constructor(detail: string) {
    super(`syndication needs the clinic settings document (_id "clinic"): ${detail}`)
    this.name = 'ClinicNotConfiguredError'
  }
}

function requireClinic(value: unknown): SyndicationClinic & { name: string; siteUrl: string } {
  const clinic = toClinic(value)
  if (!clinic) throw new ClinicNotConfiguredError('it does not exist; create and publish it in the Studio')
  if (typeof clinic.name !== 'string' || clinic.name.trim() === '') throw new ClinicNotConfiguredError('set its name')
  if (typeof clinic.siteUrl !== 'string' || safeLinkUrl(clinic.siteUrl) === null) {
    // Partners are told where the article lives (canonical URL, attribution): with an unusable site
    // URL there is no right answer, so syndication says what to fix instead of guessing.
    const raw = isRecord(value) ? value.siteUrl : undefined
    throw new ClinicNotConfiguredError(
      typeof raw === 'string' && raw !== ''
        ? `its site URL ${JSON.stringify(raw.slice(0, 80))} is not usable (${siteUrlProblem(raw) ?? 'not an http(s) URL'}); set it to e.g. https://clinic.example`
        : 'set its site URL (https://...)',
    )
  }
  return clinic as SyndicationClinic & { name: string; siteUrl: string }
}

export interface ScopedArticle {
  clinic: SyndicationClinic & { name: string; siteUrl: string }
  article: SyndicatedArticleSource
}

/** One article by slug if it is in the audience's scope at `now`, else null (whatever the reason). */
export async function fetchScopedArticle(
  client: SanityClient,
  audience: Audience,
  slug: string,
  now: Date,
): Promise<ScopedArticle | null> {
  const { filter, params } = scopeFilter(audience, now)
  const result: unknown = await fetchInLanguage(client, params, (versions) =>
    client.fetch(
      `{"clinic": ${CLINIC_SETTINGS_QUERY}, "article": *[${filter} && slug.current == $slug][0]${ARTICLE_PROJECTION}}`,
      { ...params, ...versions, slug },
      { perspective: 'published', tag: 'syndication.article' },
    ),
  )
  if (!isRecord(result)) return null
  const article = toArticle(result.article, 'syndicated article', true)
  if (!article) return null
  return { clinic: requireClinic(result.clinic), article }
}

export interface ScopedArticlePage {
  clinic: SyndicationClinic & { name: string; siteUrl: string }
  articles: SyndicatedArticleSource[]
  total: number
}

/** A page of in-scope articles, newest first (publishedAt, then _id: a total, stable order). */
export async function fetchScopedArticles(
  client: SanityClient,
  audience: Audience,
  now: Date,
  page: { offset: number; limit: number },
): Promise<ScopedArticlePage> {
  const { filter, params } = scopeFilter(audience, now)
  // Tagged: the public feeds are cached, and a change to what this read must refresh them.
  const result: unknown = await fetchInLanguage(client, params, (versions) =>
    fetchTagged(
      client,
      `{"clinic": ${CLINIC_SETTINGS_QUERY}, "total": count(*[${filter}]), ` +
        `"articles": *[${filter}] | order(publishedAt desc, _id desc) [$from...$to]${ARTICLE_PROJECTION}}`,
      { ...params, ...versions, from: page.offset, to: page.offset + page.limit },
      { perspective: 'published', tag: 'syndication.articles' },
    ),
  )
  if (!isRecord(result)) throw new Error('syndication: the lake answered the article list query with a non-object')
  const articles = Array.isArray(result.articles)
    ? result.articles
        .map((a) => toArticle(a, 'syndication list and feeds'))
        .filter((a): a is SyndicatedArticleSource => a !== null)
    : []
  return {
    clinic: requireClinic(result.clinic),
    articles,
    total: typeof result.total === 'number' ? result.total : articles.length,
  }
}

// ---------------------------------------------------------------------------------------------
// The payload

export interface PayloadContext {
  /** Public base URL of this API (for links to itself and the embed snippet). */
  apiBaseUrl: string
  images?: ImageConfig | null
}

export interface PersonSummary {
  name: string
  role: string | null
  credentials: string[]
}

export interface LicenceTerms {
  /** The clinic's licence text (clinic.syndicationLicence). */
  text: string | null
  /** The attribution text partners must show (clinic.attributionText). */
  attributionText: string | null
  /** What republishing requires, as a list a partner's editor can follow. */
  requirements: string[]
}

export interface SyndicatedArticle {
  id: string
  slug: string
  /** The article's language (model/languages.ts) and its BCP 47 locale. */
  language: Language
  inLanguage: string
  title: string
  excerpt: string | null
  /** Where the article lives on the clinic's site: partners must point rel=canonical here. */
  canonicalUrl: string
  datePublished: string | null
  dateModified: string | null
  lastReviewed: string | null
  nextReviewDue: string | null
  author: PersonSummary | null
  medicalReviewer: PersonSummary | null
  /** `reviewed`, and `independent`: the reviewer is not the author. */
  medicalReview: MedicalReviewFacts
  /** Flesch-Kincaid grade of the body against the clinic's target: partners filter on `grade`. */
  readingLevel: ReadingLevelSummary
  categories: Array<{ title: string | null; slug: string | null }>
  /** Embed-ready HTML: the article, its references, the medical disclaimer and the attribution block. */
  html: string
  /** For the partner page's <head>: rel=canonical link and the JSON-LD script. */
  headHtml: string
  /** The body as Portable Text (links resolved), for partners who render it themselves. */
  portableText: unknown[]
  citations: unknown[]
  jsonLd: JsonLdObject
  medicalDisclaimer: string | null
  licence: LicenceTerms
  embed: { snippet: string; iframeUrl: string; oembedUrl: string }
  links: { self: string }
}

function person(value: unknown): PersonSummary | null {
  if (!isRecord(value) || typeof value.name !== 'string' || value.name.trim() === '') return null
  return {
    name: value.name,
    role: optString(value.role),
    credentials: Array.isArray(value.credentials)
      ? value.credentials.filter((c): c is string => typeof c === 'string')
      : [],
  }
}

function personLine(p: PersonSummary): string {
  return escapeHtml(p.credentials.length > 0 ? `${p.name}, ${p.credentials.join(', ')}` : p.name)
}

/** The canonical URL: the article's override when it is a valid http(s) URL, else its page on the clinic's site. */
export function canonicalUrlOf(article: SyndicatedArticleSource, clinic: { siteUrl: string }): string {
  const override = article.syndicationCanonicalUrl ? safeLinkUrl(article.syndicationCanonicalUrl) : null
  if (override && /^https?:/.test(override)) return override
  const url = urlFor({ _type: 'article', slug: article.slug, language: languageOf(article) }, clinic.siteUrl)
  if (url === null)
    throw new TypeError(`article ${article._id} has no valid slug, so it has no URL on the clinic's site`)
  return url
}

export const LICENCE_REQUIREMENTS: readonly string[] = [
  'Show the article unchanged: do not edit its medical content, title or references.',
  'Keep the attribution block (naming and linking the clinic) and the medical disclaimer with the article.',
  'Point the page\'s rel="canonical" link at canonicalUrl (headHtml has the tag).',
  'Show lastReviewed and remove or refresh the copy when the article is updated.',
  'Remove the article within 24 hours when the changes feed or a webhook reports its removal.',
]

function attributionHtml(clinic: SyndicationClinic & { name: string; siteUrl: string }, canonicalUrl: string): string {
  const site = normaliseSiteUrl(clinic.siteUrl)
  const lines = [
    `<p>Originally published by <a href="${escapeHtml(site)}/">${escapeHtml(clinic.name)}</a>: ` +
      `<a href="${escapeHtml(canonicalUrl)}">${escapeHtml(canonicalUrl)}</a>.</p>`,
  ]
  if (clinic.attributionText) lines.push(`<p>${escapeHtml(clinic.attributionText)}</p>`)
  if (clinic.syndicationLicence)
    lines.push(`<p class="syndication-licence">${escapeHtml(clinic.syndicationLicence)}</p>`)
  return `<footer class="syndication-attribution">${lines.join('')}</footer>`
}

function disclaimerHtml(text: string | null | undefined): string {
  if (!text) return ''
  return `<aside class="syndication-disclaimer" role="note"><p>${escapeHtml(text)}</p></aside>`
}

/** The oEmbed/iframe embed of an article: the iframe URL and the copy-paste snippet. */
export function embedFor(
  slug: string,
  title: string,
  canonicalUrl: string,
  clinicName: string,
  context: PayloadContext,
): SyndicatedArticle['embed'] {
  const base = context.apiBaseUrl.replace(/\/+$/, '')
  // No credential in the snippet: it ends up in partners' public HTML. Embeds use the embed scope.
  const iframeUrl = `${base}/syndication/v1/embed/${encodeURIComponent(slug)}`
  const oembedUrl = `${base}/syndication/v1/oembed?url=${encodeURIComponent(canonicalUrl)}&format=json`
  const snippet =
    `<iframe src="${escapeHtml(iframeUrl)}" title="${escapeHtml(title)}" width="100%" height="900" loading="lazy" ` +
    `style="border:0;max-width:48rem" referrerpolicy="strict-origin-when-cross-origin" sandbox="allow-popups allow-popups-to-escape-sandbox"></iframe>` +
    `<p><small>From <a href="${escapeHtml(canonicalUrl)}">${escapeHtml(clinicName)}</a></small></p>`
  return { snippet, iframeUrl, oembedUrl }
}

/** Builds the licensed payload of an in-scope article. */
export function buildSyndicatedArticle(source: ScopedArticle, context: PayloadContext): SyndicatedArticle {
  const { article, clinic } = source
  const slug = slugOf(article.slug) ?? ''
  const title = article.title ?? slug
  const canonicalUrl = canonicalUrlOf(article, clinic)
  const images = context.images ? createImageBuilder(context.images) : null
  const body = renderPortableTextWithInfo(article.body, {
    citations: article.citations,
    siteUrl: clinic.siteUrl,
    images: images ?? undefined,
  })
  const footnotes = renderFootnotesHtml(article.citations, { referenced: body.citedNumbers })
  const author = person(article.author)
  const reviewer = person(article.medicalReviewer)
  const byline: string[] = []
  if (author) byline.push(`By ${personLine(author)}.`)
  if (reviewer) byline.push(`Medically reviewed by ${personLine(reviewer)}.`)
  if (article.lastReviewed)
    byline.push(
      `Last reviewed <time datetime="${escapeHtml(article.lastReviewed)}">${escapeHtml(article.lastReviewed)}</time>.`,
    )
  if (article.nextReviewDue)
    byline.push(
      `Next review due <time datetime="${escapeHtml(article.nextReviewDue)}">${escapeHtml(article.nextReviewDue)}</time>.`,
    )
  const hero =
    images && article.heroImage
      ? renderImageHtml(article.heroImage, images, { loading: 'eager', className: 'syndication-hero' })
      : ''
  const html =
    `<article class="syndicated-article" lang="${escapeHtml(localeOf(languageOf(article)))}" data-canonical-url="${escapeHtml(canonicalUrl)}">` +
    `<h1>${escapeHtml(title)}</h1>` +
    (byline.length > 0 ? `<p class="syndication-byline">${byline.join(' ')}</p>` : '') +
    hero +
    body.html +
    footnotes +
    disclaimerHtml(clinic.medicalDisclaimer) +
    attributionHtml(clinic, canonicalUrl) +
    `</article>`
  const jsonLd = articleJsonLd(article, clinic, { images: context.images ?? undefined })
  if (canonicalUrl !== jsonLd.url) {
    jsonLd.url = canonicalUrl
    jsonLd['@id'] = `${canonicalUrl}#webpage`
  }
  const headHtml = `<link rel="canonical" href="${escapeHtml(canonicalUrl)}">${jsonLdScriptTag(jsonLd)}`
  const base = context.apiBaseUrl.replace(/\/+$/, '')
  return {
    id: article._id,
    slug,
    language: languageOf(article),
    inLanguage: localeOf(languageOf(article)),
    title,
    excerpt: article.excerpt ?? null,
    canonicalUrl,
    datePublished: article.publishedAt ?? null,
    dateModified: article._updatedAt ?? article.publishedAt ?? null,
    lastReviewed: article.lastReviewed ?? null,
    nextReviewDue: article.nextReviewDue ?? null,
    author,
    medicalReviewer: reviewer,
    medicalReview: medicalReviewOf(article),
    readingLevel: readingLevelSummary(article.body, targetGradeOf(clinic)),
    categories: (article.categories ?? []).filter(isRecord).map((c) => ({
      title: optString(c.title),
      slug: slugOf(c.slug as SlugValue),
    })),
    html,
    headHtml,
    portableText: Array.isArray(article.body) ? [...article.body] : [],
    citations: Array.isArray(article.citations) ? [...article.citations] : [],
    jsonLd,
    medicalDisclaimer: clinic.medicalDisclaimer ?? null,
    licence: {
      text: clinic.syndicationLicence ?? null,
      attributionText: clinic.attributionText ?? null,
      requirements: [...LICENCE_REQUIREMENTS],
    },
    embed: embedFor(slug, title, canonicalUrl, clinic.name, context),
    links: { self: `${base}/syndication/v1/articles/${encodeURIComponent(slug)}` },
  }
}

/** The hero image's absolute URL (for feeds), when images are configured. */
export function heroImageUrl(
  article: SyndicatedArticleSource,
  images: ImageConfig | null | undefined,
): string | undefined {
  if (!images || !article.heroImage) return undefined
  return responsiveImage(article.heroImage, createImageBuilder(images))?.src
}

/** The clinic's site URL joined with a path (re-exported for the feed builder). */
export { absoluteUrl }

/** In-scope articles among `ids` (for the changes feed): id -> article. Absent ids are out of scope now. */
export async function fetchScopedArticlesByIds(
  client: SanityClient,
  audience: Audience,
  ids: readonly string[],
  now: Date,
): Promise<{ clinic: ScopedArticle['clinic']; articles: Map<string, SyndicatedArticleSource> }> {
  const { filter, params } = scopeFilter(audience, now)
  const result: unknown = await fetchInLanguage(client, params, (versions) =>
    client.fetch(
      `{"clinic": ${CLINIC_SETTINGS_QUERY}, "articles": *[${filter} && _id in $ids]${ARTICLE_PROJECTION}}`,
      { ...params, ...versions, ids: [...ids] },
      { perspective: 'published', tag: 'syndication.changes.articles' },
    ),
  )
  if (!isRecord(result)) throw new Error('syndication: the lake answered the changes article query with a non-object')
  const articles = new Map<string, SyndicatedArticleSource>()
  for (const raw of Array.isArray(result.articles) ? result.articles : []) {
    const article = toArticle(raw, 'syndication changes')
    if (article) articles.set(article._id, article)
  }
  return { clinic: requireClinic(result.clinic), articles }
}
