// Reference HTML pages: the clinic's content as a patient would read it. Each function returns a
// complete, self-contained HTML document (inline CSS, the page's JSON-LD, canonical link, meta
// description from the SEO fields). The HTTP layer serves them; they are also the visual check
// that the content model renders well. Pure string building, browser-safe.

import { isLanguage, languageOf, localeOf } from '../../model/languages.js'
import type { ImageUrlBuilder } from '@sanity/image-url'
import { absoluteUrl, pathFor, type RoutableType, slugOf } from '../../model/site-paths.js'
import { renderFootnotesHtml } from './citations.js'
import { escapeHtml, safeLinkUrl } from './escape.js'
import { createImageBuilder, renderImageHtml } from './images.js'
import {
  articleJsonLd,
  bodyRegionName,
  conditionPageJsonLd,
  requireSiteUrl,
  treatmentPageJsonLd,
  websiteJsonLd,
} from './jsonld.js'
import { renderDocument } from './layout.js'
import { renderPortableTextWithInfo, type PortableTextRenderOptions } from './portableText.js'
import { analyseReadability } from '../../model/readability.js'
import type {
  ArticleInput,
  ArticleSummaryShape,
  CallToActionShape,
  CareInstructionShape,
  ClinicInput,
  ClinicianShape,
  ConditionShape,
  ConditionInput,
  ConditionSummaryInput,
  ArticleSummaryInput,
  TreatmentSummaryInput,
  FaqShape,
  ImageConfig,
  TreatmentInput,
  TreatmentSummaryShape,
  WarningHandler,
} from './types.js'

export interface PageOptions {
  /** Where images are served from (local lake or hosted Sanity); without it pages have no images. */
  images?: ImageConfig | ImageUrlBuilder | null
  /** Problems found in the content (unknown blocks, unsafe links, missing alt text...). */
  onWarning?: WarningHandler
}

type Maybe<T> = T | null | undefined

function present<T>(list: Maybe<ReadonlyArray<Maybe<T>>>): T[] {
  return (list ?? []).filter((x): x is T => x !== null && x !== undefined)
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : ''
}

/** The non-empty strings of a list, trimmed. */
function texts(list: Maybe<ReadonlyArray<Maybe<unknown>>>): string[] {
  return present(list)
    .map(text)
    .filter((x) => x !== '')
}

function builderFrom(images: PageOptions['images']): ImageUrlBuilder | null {
  if (!images) return null
  if ('url' in images && typeof images.url === 'function') return images as ImageUrlBuilder
  return createImageBuilder(images as ImageConfig)
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]

/** `2024-05-01` or `2024-05-01T10:00:00Z` -> `<time datetime="2024-05-01">May 1, 2024</time>`; '' when not a date. */
export function formatDateHtml(value: unknown): string {
  if (typeof value !== 'string') return ''
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value.trim())
  if (!m) return ''
  const month = MONTHS[Number(m[2]) - 1]
  const day = Number(m[3])
  if (!month || day < 1 || day > 31) return ''
  return `<time datetime="${escapeHtml(`${m[1]}-${m[2]}-${m[3]}`)}">${month} ${day}, ${escapeHtml(m[1])}</time>`
}

/** "Jane Doe, PT, DPT" */
function clinicianName(person: Maybe<ClinicianShape>): string {
  if (!person) return ''
  const name = text(person.name)
  if (name === '') return ''
  const credentials = present(person.credentials)
    .map(text)
    .filter((c) => c !== '')
  return escapeHtml(credentials.length > 0 ? `${name}, ${credentials.join(', ')}` : name)
}

/** `why-needles-help` -> `Why needles help`. */
function headingFromSlug(slug: string): string {
  const words = slug.replace(/[-_.~]+/g, ' ').trim()
  return words === '' ? 'Untitled' : `${words[0]!.toUpperCase()}${words.slice(1)}`
}

function requireDoc(value: unknown, what: string): void {
  if (!value || typeof value !== 'object') {
    throw new TypeError(
      `${what}: expected a document object, got ${value === null ? 'null' : typeof value} (handle a not-found result before rendering)`,
    )
  }
}

function requirePath(
  doc: { _type?: Maybe<string>; slug?: Parameters<typeof slugOf>[0] },
  type: 'article' | 'condition' | 'treatment',
  label: string,
): string {
  const path = pathFor({ _type: type, slug: doc.slug })
  if (path === null) {
    throw new TypeError(
      `${label} has no valid slug (${JSON.stringify(slugOf(doc.slug))}); generate its slug in the Studio before rendering its page`,
    )
  }
  return path
}

/**
 * What every document page checks and builds first: the document and clinic are objects, the page
 * has a heading and a valid path, and the Portable Text options (site URL, images, citations).
 */
function setUpPage(
  fn: string,
  type: 'article' | 'condition' | 'treatment',
  doc: { _type?: Maybe<string>; slug?: Parameters<typeof slugOf>[0] },
  clinic: ClinicInput,
  heading: { field: 'title' | 'name'; value: unknown; id: unknown },
  options: PageOptions,
  citations?: PortableTextRenderOptions['citations'],
) {
  requireDoc(doc, fn)
  requireDoc(clinic, `${fn} clinic`)
  const siteUrl = requireSiteUrl(clinic)
  const given = text(heading.value)
  const label = `${type[0]!.toUpperCase()}${type.slice(1)} ${JSON.stringify(given || heading.id)}`
  const path = requirePath(doc, type, label)
  // A page without its heading is a content problem (the Studio requires it; an API write may not):
  // the page still renders, headed by its slug in words, and says what to fix.
  const title = given || headingFromSlug(slugOf(doc.slug) ?? '')
  if (given === '')
    options.onWarning?.({
      code: `missing-${heading.field}`,
      message: `${type} ${JSON.stringify(heading.id ?? slugOf(doc.slug))} has no ${heading.field}: the page is headed "${title}" until one is set in the Studio`,
    })
  const builder = builderFrom(options.images)
  const pt: PortableTextRenderOptions = { siteUrl, images: builder, citations, onWarning: options.onWarning }
  return { title, path, builder, pt }
}

/** setUpPage for a document headed by its `name` (conditions, treatments). */
function setUpNamedPage(
  fn: string,
  type: 'condition' | 'treatment',
  doc: ConditionInput | TreatmentInput,
  clinic: ClinicInput,
  options: PageOptions,
) {
  const heading = { field: 'name' as const, value: doc?.name, id: slugOf(doc?.slug) }
  return setUpPage(fn, type, doc, clinic, heading, options)
}

/** Links to condition or treatment pages, each named and with its summary beneath. */
function summaryLinks(
  type: 'condition' | 'treatment',
  list: Maybe<ReadonlyArray<Maybe<{ slug?: Parameters<typeof slugOf>[0]; name?: unknown; summary?: unknown }>>>,
): string {
  return linkList(
    present(list).map((d) => ({
      href: pathFor({ _type: type, slug: d.slug }),
      label: text(d.name),
      note: text(d.summary) || undefined,
    })),
  )
}

/**
 * The language versions of a page (`translations` as the content functions read them: published versions
 * with a slug), each with its locale and site path, for `hreflang` links.
 */
function alternatesFor(type: RoutableType, doc: object): { hreflang: string; path: string }[] {
  const translations = (doc as { translations?: unknown }).translations
  if (!Array.isArray(translations)) return []
  return translations.flatMap((t: { language?: unknown; slug?: unknown }) => {
    if (!isLanguage(t?.language) || typeof t.slug !== 'string') return []
    const path = pathFor({ _type: type, slug: t.slug, language: t.language })
    return path ? [{ hreflang: localeOf(t.language), path }] : []
  })
}

/** The whole document of a condition or treatment page, described by the document's summary. */
function namedPageDocument(
  type: 'condition' | 'treatment',
  doc: { summary?: unknown },
  page: { title: string; path: string },
  clinic: ClinicInput,
  body: { main: string; jsonLd: Parameters<typeof renderDocument>[0]['jsonLd'] },
): string {
  return renderDocument({
    clinic,
    title: page.title,
    description: text(doc.summary),
    path: page.path,
    language: languageOf(doc),
    alternates: alternatesFor(type, doc),
    jsonLd: body.jsonLd,
    main: body.main,
    section: type,
  })
}

function linkList(
  items: Array<{ href: string | null; label: string; note?: string }>,
  className = 'card-list',
): string {
  const li = items
    .filter((i) => i.label !== '')
    .map((i) => {
      const label = i.href ? `<a href="${escapeHtml(i.href)}">${escapeHtml(i.label)}</a>` : escapeHtml(i.label)
      return `<li>${label}${i.note ? `<p>${escapeHtml(i.note)}</p>` : ''}</li>`
    })
    .join('')
  return li === '' ? '' : `<ul class="${className}">${li}</ul>`
}

function section(id: string, heading: string, inner: string): string {
  if (inner.trim() === '') return ''
  return `<section id="${escapeHtml(id)}" aria-labelledby="${escapeHtml(id)}-heading"><h2 id="${escapeHtml(id)}-heading">${escapeHtml(heading)}</h2>${inner}</section>`
}

/** Whitespace- and case-insensitive form of a text, for "is this already on the page" checks. */
function sameText(value: string): string {
  return value.replace(/\s+/g, ' ').trim().toLowerCase()
}

/** The texts of a body's text blocks (headings, paragraphs, list items), in `sameText` form. */
function blockTexts(body: unknown): Set<string> {
  const out = new Set<string>()
  if (!Array.isArray(body)) return out
  for (const block of body as unknown[]) {
    if (typeof block !== 'object' || block === null || (block as { _type?: unknown })._type !== 'block') continue
    const children = (block as { children?: unknown }).children
    if (!Array.isArray(children)) continue
    out.add(
      sameText(
        children
          .map((c: unknown) =>
            typeof c === 'object' && c !== null && typeof (c as { text?: unknown }).text === 'string'
              ? (c as { text: string }).text
              : '',
          )
          .join(''),
      ),
    )
  }
  return out
}

/**
 * FAQs, skipping any whose question is already a heading of the body above (articles often carry
 * their questions in the body as well as FAQ documents, which feed the FAQPage JSON-LD).
 */
function faqsHtml(
  faqs: Maybe<ReadonlyArray<Maybe<FaqShape>>>,
  pt: PortableTextRenderOptions,
  alreadyShown: ReadonlySet<string> = new Set(),
): string {
  const items = present(faqs)
    .map((faq) => {
      const question = text(faq.question)
      if (question === '' || alreadyShown.has(sameText(question))) return ''
      const answer = renderPortableTextWithInfo(faq.answer, { ...pt, variant: 'simple' }).html
      return `<div class="faq"><h3>${escapeHtml(question)}</h3>${answer}</div>`
    })
    .join('')
  return section('page-faqs', 'Frequently asked questions', items)
}

function careInstructionHtml(care: CareInstructionShape, headingLevel: 'h2' | 'h3'): string {
  const steps = present(care.steps)
    .filter((s) => text(s.instruction) !== '')
    .map((s) => {
      const timing = text(s.timing)
      return `<li>${escapeHtml(text(s.instruction))}${timing ? ` <span class="timing">(${escapeHtml(timing)})</span>` : ''}</li>`
    })
    .join('')
  if (steps === '') return ''
  const title =
    text(care.title) ||
    (care.phase === 'before'
      ? 'Before your treatment'
      : care.phase === 'after'
        ? 'After your treatment'
        : 'Care instructions')
  const contact = text(care.contactTherapistWhen)
  const contactHtml = contact
    ? `<aside class="callout callout--warning" role="note" aria-label="When to contact your physical therapist"><p><strong>Contact your physical therapist if:</strong> ${escapeHtml(contact)}</p></aside>`
    : ''
  return `<div class="care-instruction care-instruction--${care.phase === 'before' ? 'before' : 'after'}"><${headingLevel}>${escapeHtml(title)}</${headingLevel}><ol class="care-steps">${steps}</ol>${contactHtml}</div>`
}

/** Before-care first, then after-care, keeping the editors' order within a phase. */
function orderedCare(list: Maybe<ReadonlyArray<Maybe<CareInstructionShape>>>): CareInstructionShape[] {
  const all = present(list)
  return [...all.filter((c) => c.phase === 'before'), ...all.filter((c) => c.phase !== 'before')]
}

/** Care instructions, skipping any whose every step is already a block of the body above. */
function careHtml(
  list: Maybe<ReadonlyArray<Maybe<CareInstructionShape>>>,
  alreadyShown: ReadonlySet<string> = new Set(),
): string {
  const shown = (care: CareInstructionShape) => {
    const steps = present(care.steps)
      .map((s) => sameText(text(s.instruction)))
      .filter((s) => s !== '')
    return steps.length > 0 && steps.every((s) => alreadyShown.has(s))
  }
  return section(
    'page-care',
    'Care instructions',
    orderedCare(list)
      .filter((c) => !shown(c))
      .map((c) => careInstructionHtml(c, 'h3'))
      .join(''),
  )
}

function ctaHtml(cta: Maybe<CallToActionShape>, clinic: ClinicInput): string {
  const url = safeLinkUrl(text(cta?.url) || text(clinic.bookingUrl))
  const heading = text(cta?.heading) || 'Book an appointment'
  const body = text(cta?.text)
  const label = text(cta?.buttonLabel) || 'Book an appointment'
  const phone = text(clinic.phone)
  const phoneHref = phone ? safeLinkUrl(`tel:${phone.replace(/[^\d+]/g, '')}`) : null
  const action = url
    ? `<p><a class="button" href="${escapeHtml(url)}">${escapeHtml(label)}</a></p>`
    : phoneHref
      ? `<p>Call us: <a href="${escapeHtml(phoneHref)}">${escapeHtml(phone)}</a></p>`
      : ''
  if (action === '' && body === '') return ''
  return `<section class="cta" aria-labelledby="page-cta-heading"><h2 id="page-cta-heading">${escapeHtml(heading)}</h2>${body ? `<p>${escapeHtml(body)}</p>` : ''}${action}</section>`
}

function relatedTopics(
  conditions: Maybe<ReadonlyArray<Maybe<ConditionShape>>>,
  treatments: Maybe<ReadonlyArray<Maybe<TreatmentSummaryShape>>>,
): string {
  const items = [
    ...present(conditions).map((c) => ({
      href: pathFor({ _type: 'condition', slug: c.slug }),
      label: text(c.name),
      note: text(c.summary) || undefined,
    })),
    ...present(treatments).map((t) => ({
      href: pathFor({ _type: 'treatment', slug: t.slug }),
      label: text(t.name),
      note: text(t.summary) || undefined,
    })),
  ]
  return section('page-related', 'Related conditions and treatments', linkList(items))
}

function articleList(articles: Maybe<ReadonlyArray<Maybe<ArticleSummaryShape>>>): string {
  return linkList(
    present(articles).map((a) => ({
      href: pathFor({ _type: 'article', slug: a.slug }),
      label: text(a.title),
      note: text(a.excerpt) || undefined,
    })),
  )
}

// ---------------------------------------------------------------------------------------------

/**
 * An article page: title, byline (author, medical reviewer with review date, published date,
 * reading time), hero image, body, care instructions, FAQs, footnotes, related topics, call to
 * action, medical disclaimer; with its MedicalWebPage JSON-LD (which always lists every FAQ and
 * care instruction). FAQs whose question is a heading of the body, and care instructions whose
 * steps are all blocks of the body, are not shown a second time.
 */
export function renderArticlePage(article: ArticleInput, clinic: ClinicInput, options: PageOptions = {}): string {
  const heading = { field: 'title' as const, value: article?.title, id: article?._id ?? slugOf(article?.slug) }
  const { title, path, builder, pt } = setUpPage(
    'renderArticlePage',
    'article',
    article,
    clinic,
    heading,
    options,
    article?.citations,
  )
  const body = renderPortableTextWithInfo(article.body, pt)
  const readability = analyseReadability(article.body)
  const inBody = blockTexts(article.body)

  const byline: string[] = []
  const author = clinicianName(article.author)
  if (author)
    byline.push(`<p>By ${author}${text(article.author?.role) ? `, ${escapeHtml(text(article.author?.role))}` : ''}</p>`)
  const reviewer = clinicianName(article.medicalReviewer)
  const reviewed = formatDateHtml(article.lastReviewed)
  if (reviewer || reviewed) {
    byline.push(
      `<p class="reviewed">Medically reviewed${reviewer ? ` by ${reviewer}` : ''}${reviewed ? ` on ${reviewed}` : ''}${
        formatDateHtml(article.nextReviewDue) ? ` · Next review due ${formatDateHtml(article.nextReviewDue)}` : ''
      }</p>`,
    )
  }
  const meta = [
    formatDateHtml(article.publishedAt) ? `Published ${formatDateHtml(article.publishedAt)}` : '',
    readability.readingTimeMinutes > 0 ? `${readability.readingTimeMinutes} min read` : '',
  ].filter((x) => x !== '')
  if (meta.length > 0) byline.push(`<p>${meta.join(' · ')}</p>`)

  const hero = builder
    ? renderImageHtml(article.heroImage, builder, {
        loading: 'eager',
        className: 'hero',
        sizes: '(min-width: 48rem) 46rem, 100vw',
        onWarning: options.onWarning,
      })
    : ''
  const excerpt = text(article.excerpt)
  const main = [
    '<article>',
    `<header><h1>${escapeHtml(title)}</h1>`,
    excerpt ? `<p class="lede">${escapeHtml(excerpt)}</p>` : '',
    byline.length > 0 ? `<div class="byline">${byline.join('')}</div>` : '',
    '</header>',
    hero,
    `<div class="article-body">${body.html}</div>`,
    careHtml(article.careInstructions, inBody),
    faqsHtml(article.faqs, pt, inBody),
    renderFootnotesHtml(article.citations, { referenced: body.citedNumbers }),
    relatedTopics(article.conditions, article.treatments),
    ctaHtml(article.callToAction, clinic),
    '</article>',
  ].join('')
  return renderDocument({
    clinic,
    title: text(article.seo?.metaTitle) || title,
    titleIsComplete: text(article.seo?.metaTitle) !== '',
    description: text(article.seo?.metaDescription) || excerpt,
    path,
    language: languageOf(article),
    alternates: alternatesFor('article', article),
    noIndex: article.seo?.noIndex === true,
    jsonLd: articleJsonLd(article, clinic, { images: builder }),
    main,
    section: 'article',
  })
}

const ASPECT_HEADINGS: Record<string, string> = {
  overview: 'Overview',
  symptoms: 'Symptoms',
  causes: 'Causes',
  treatments: 'Treatment',
  'self-care': 'Self-care',
}

/**
 * A condition page: name, other names, body region, summary, symptoms, one section per aspect
 * (overview, symptoms, causes, treatments, self-care), treatments, related articles, FAQs, call to
 * action; with MedicalWebPage/MedicalCondition JSON-LD (ICD-10-CM codes).
 */
export function renderConditionPage(condition: ConditionInput, clinic: ClinicInput, options: PageOptions = {}): string {
  const page = setUpNamedPage('renderConditionPage', 'condition', condition, clinic, options)
  const { title: name, pt } = page
  const alsoCalled = texts(condition.alsoCalled)
  const region = bodyRegionName(condition.bodyRegion)
  const symptoms = texts(condition.symptoms)
  const order = Object.keys(ASPECT_HEADINGS)
  const rank = (aspect: unknown) => (order.indexOf(text(aspect)) === -1 ? order.length : order.indexOf(text(aspect)))
  const sections = present(condition.sections)
    .slice()
    .sort((a, b) => rank(a.aspect) - rank(b.aspect))
    .map((s) => {
      const html = renderPortableTextWithInfo(s.body, pt).html
      if (html === '') return ''
      const heading = ASPECT_HEADINGS[text(s.aspect)] ?? 'More information'
      return `<section class="condition-section"><h2>${escapeHtml(heading)}</h2>${html}</section>`
    })
    .join('')
  const main = [
    '<article>',
    `<header><h1>${escapeHtml(name)}</h1>`,
    alsoCalled.length > 0 ? `<p class="byline">Also called: ${escapeHtml(alsoCalled.join(', '))}</p>` : '',
    region ? `<p class="byline">Body region: ${escapeHtml(region)}</p>` : '',
    text(condition.summary) ? `<p class="lede">${escapeHtml(text(condition.summary))}</p>` : '',
    '</header>',
    symptoms.length > 0 && !present(condition.sections).some((s) => s.aspect === 'symptoms')
      ? section(
          'page-symptoms',
          'Common symptoms',
          `<ul>${symptoms.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>`,
        )
      : '',
    sections,
    section('page-treatments', 'Treatments we offer', summaryLinks('treatment', condition.treatments)),
    section('page-articles', 'Articles', articleList(condition.articles)),
    faqsHtml(condition.faqs, pt),
    ctaHtml(null, clinic),
    '</article>',
  ].join('')
  return namedPageDocument('condition', condition, page, clinic, {
    main,
    jsonLd: conditionPageJsonLd(condition, clinic, { images: page.builder }),
  })
}

/**
 * A treatment page: summary, how it works, how it differs from similar treatments, who may perform
 * it, what to expect, side effects, complementary treatments, conditions treated, before/after care,
 * FAQs, related articles, call to action; with MedicalWebPage/MedicalTherapy JSON-LD.
 */
export function renderTreatmentPage(treatment: TreatmentInput, clinic: ClinicInput, options: PageOptions = {}): string {
  const page = setUpNamedPage('renderTreatmentPage', 'treatment', treatment, clinic, options)
  const { title: name, pt } = page
  const differs = present(treatment.differsFrom)
    .filter((d) => text(d.comparedTo) !== '' && text(d.difference) !== '')
    .map((d) => `<dt>${escapeHtml(text(d.comparedTo))}</dt><dd>${escapeHtml(text(d.difference))}</dd>`)
    .join('')
  const bullets = (list: Maybe<ReadonlyArray<Maybe<string>>>) => {
    const items = texts(list)
    return items.length === 0 ? '' : `<ul>${items.map((x) => `<li>${escapeHtml(x)}</li>`).join('')}</ul>`
  }
  const main = [
    '<article>',
    `<header><h1>${escapeHtml(name)}</h1>`,
    text(treatment.summary) ? `<p class="lede">${escapeHtml(text(treatment.summary))}</p>` : '',
    '</header>',
    section('page-how-it-works', 'How it works', renderPortableTextWithInfo(treatment.howItWorks, pt).html),
    section('page-differs', 'How it differs', differs ? `<dl class="comparisons">${differs}</dl>` : ''),
    section(
      'page-who',
      'Who may perform it',
      text(treatment.whoMayPerform) ? `<p>${escapeHtml(text(treatment.whoMayPerform))}</p>` : '',
    ),
    section('page-expect', 'What to expect', renderPortableTextWithInfo(treatment.whatToExpect, pt).html),
    section('page-side-effects', 'Possible side effects', bullets(treatment.sideEffects)),
    section('page-complementary', 'Works well with', bullets(treatment.complementaryTreatments)),
    section('page-conditions', 'Conditions it may help', summaryLinks('condition', treatment.conditions)),
    careHtml(treatment.careInstructions),
    faqsHtml(treatment.faqs, pt),
    section('page-articles', 'Articles', articleList(treatment.articles)),
    ctaHtml(null, clinic),
    '</article>',
  ].join('')
  return namedPageDocument('treatment', treatment, page, clinic, {
    main,
    jsonLd: treatmentPageJsonLd(treatment, clinic, { images: page.builder }),
  })
}

export interface IndexPageContent {
  articles?: Maybe<ReadonlyArray<Maybe<ArticleSummaryInput>>>
  conditions?: Maybe<ReadonlyArray<Maybe<ConditionSummaryInput>>>
  treatments?: Maybe<ReadonlyArray<Maybe<TreatmentSummaryInput>>>
  /**
   * The lists are first pages (at 100k documents there are thousands of each): where more exist,
   * the URL of the next page, shown as a "More ..." link after the list.
   */
  more?: Maybe<{ articles?: Maybe<string>; conditions?: Maybe<string>; treatments?: Maybe<string> }>
}

/** A "More ..." link after a list that is only its first page ('' when there is no more). */
function moreLink(href: Maybe<string>, label: string): string {
  return href ? `<p class="more"><a href="${escapeHtml(href)}" rel="next">${escapeHtml(label)}</a></p>` : ''
}

/**
 * The home/index page: the articles (newest first as given), conditions (by body region) and
 * treatments given, each list followed by a "More ..." link when `content.more` names a next page.
 */
export function renderIndexPage(content: IndexPageContent, clinic: ClinicInput, _options: PageOptions = {}): string {
  requireDoc(clinic, 'renderIndexPage clinic')
  requireSiteUrl(clinic)
  const name = text(clinic.name) || 'Clinic'
  const conditions = present(content?.conditions)
  const regions = new Map<string, ConditionSummaryInput[]>()
  for (const c of conditions) {
    const region = bodyRegionName(c.bodyRegion) ?? 'Other'
    regions.set(region, [...(regions.get(region) ?? []), c])
  }
  const conditionsHtml = [...regions.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([region, list]) => `<h3>${escapeHtml(region)}</h3>${summaryLinks('condition', list)}`)
    .join('')
  const main = [
    `<h1>${escapeHtml(name)}</h1>`,
    '<p class="lede">Patient education from our physical therapists: articles, conditions we treat, and the treatments we offer.</p>',
    section(
      'articles',
      'Articles',
      (articleList(content?.articles) || '<p>No articles yet.</p>') +
        moreLink(content?.more?.articles, 'More articles'),
    ),
    section(
      'conditions',
      'Conditions',
      (conditionsHtml || '<p>No conditions yet.</p>') + moreLink(content?.more?.conditions, 'More conditions'),
    ),
    section(
      'treatments',
      'Treatments',
      (summaryLinks('treatment', content?.treatments) || '<p>No treatments yet.</p>') +
        moreLink(content?.more?.treatments, 'More treatments'),
    ),
    ctaHtml(null, clinic),
  ].join('')
  return renderDocument({
    clinic,
    title: name,
    titleIsComplete: true,
    description: `Patient education from ${name}: articles, conditions and treatments.`,
    path: '/',
    jsonLd: websiteJsonLd(clinic),
    main,
    section: 'home',
  })
}

/** A plain "not found" page (404) in the site's layout, never indexed. */
export function renderNotFoundPage(clinic: ClinicInput, message = 'We could not find that page.'): string {
  requireSiteUrl(clinic)
  return renderDocument({
    clinic,
    title: 'Page not found',
    path: null,
    noIndex: true,
    main: `<h1>Page not found</h1><p>${escapeHtml(message)}</p><p><a href="${escapeHtml(absoluteUrl(requireSiteUrl(clinic), '/'))}">Go to the home page</a></p>`,
  })
}
