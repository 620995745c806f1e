// schema.org JSON-LD for the clinic's content, and its safe embedding in HTML.
// Pure and browser-safe. Every URL in the output comes from the route table, a DOI/PubMed id, the
// image builder, or an allow-listed link (http/https only), never from free text.

import { languageOf, localeOf } from '../../model/languages.js'
import type { ImageUrlBuilder } from '@sanity/image-url'
import { analyseReadability, toPlainText } from '../../model/readability.js'
import { absoluteUrl, normaliseSiteUrl, urlFor } from '../../model/site-paths.js'
import { BODY_REGIONS, titleOf } from '../../model/values.js'
import { doiUrl, normaliseDoi, pubmedUrl } from './citations.js'
import { safeLinkUrl } from './escape.js'
import { createImageBuilder, responsiveImage } from './images.js'
import type {
  AccessibleImageShape,
  ArticleInput,
  ClinicInput,
  ConditionInput,
  TreatmentInput,
  CareInstructionShape,
  CitationShape,
  ClinicShape,
  ClinicianShape,
  ConditionShape,
  FaqShape,
  ImageConfig,
  TreatmentShape,
  TreatmentSummaryShape,
} from './types.js'

export type JsonLdValue = string | number | boolean | JsonLdObject | JsonLdValue[]
export interface JsonLdObject {
  [property: string]: JsonLdValue
}

export const SCHEMA_ORG = 'https://schema.org'

export interface JsonLdOptions {
  /** For `image`/`logo` URLs; without it, images are left out of the JSON-LD. */
  images?: ImageConfig | ImageUrlBuilder | null
}

type Loose = JsonLdValue | null | undefined | Loose[] | { [k: string]: Loose }

/** Drops null/undefined/empty strings/empty arrays/empty objects, recursively. */
function compact(value: Loose): JsonLdValue | undefined {
  if (value === null || value === undefined) return undefined
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim()
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (typeof value === 'boolean') return value
  if (Array.isArray(value)) {
    const items = value.map(compact).filter((v): v is JsonLdValue => v !== undefined)
    return items.length === 0 ? undefined : items
  }
  const out: JsonLdObject = {}
  for (const [k, v] of Object.entries(value)) {
    const c = compact(v)
    if (c !== undefined) out[k] = c
  }
  const keys = Object.keys(out)
  return keys.length === 0 || (keys.length === 1 && keys[0] === '@type') ? undefined : out
}

function node(value: { [k: string]: Loose }): JsonLdObject {
  const c = compact(value)
  return c !== undefined && typeof c === 'object' && !Array.isArray(c) ? c : {}
}

function strings(list: ReadonlyArray<string | null | undefined> | null | undefined): string[] {
  return (list ?? []).filter((s): s is string => typeof s === 'string' && s.trim() !== '').map((s) => s.trim())
}

function present<T>(list: ReadonlyArray<T | null | undefined> | null | undefined): T[] {
  return (list ?? []).filter((x): x is T => x !== null && x !== undefined)
}

/** An ISO date or date-time (`2024-05-01`, `2024-05-01T10:00:00Z`), or undefined. */
function isoDate(value: unknown): string | undefined {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim())
    ? value.trim()
    : undefined
}

/** The clinic's validated site URL; throws saying what to fix when it is missing or not http(s). */
export function requireSiteUrl(clinic: ClinicShape | null | undefined): string {
  if (!clinic || typeof clinic.siteUrl !== 'string' || clinic.siteUrl.trim() === '') {
    throw new TypeError(
      'clinic.siteUrl is missing: set "Site URL" in the Clinic settings document (e.g. https://example.com)',
    )
  }
  return normaliseSiteUrl(clinic.siteUrl.trim())
}

function builderFrom(images: JsonLdOptions['images']): ImageUrlBuilder | null {
  if (!images) return null
  if ('url' in images && typeof images.url === 'function') return images as ImageUrlBuilder
  return createImageBuilder(images as ImageConfig)
}

function imageObject(
  image: AccessibleImageShape | null | undefined,
  builder: ImageUrlBuilder | null,
): JsonLdObject | undefined {
  if (!image || !builder) return undefined
  const img = responsiveImage(image, builder)
  if (!img) return undefined
  return node({
    '@type': 'ImageObject',
    url: img.src,
    width: img.width,
    height: img.height,
    caption: image.alt ?? undefined,
  })
}

// ---------------------------------------------------------------------------------------------
// The clinic

/** `@id` of the clinic node, so other nodes can refer to it. */
export function clinicId(clinic: ClinicShape): string {
  return `${requireSiteUrl(clinic)}/#organization`
}

/** The clinic as `MedicalClinic` (also typed `Organization`, for consumers that only know that). */
export function medicalClinicJsonLd(clinic: ClinicInput | ClinicShape, options: JsonLdOptions = {}): JsonLdObject {
  const siteUrl = requireSiteUrl(clinic)
  if (typeof clinic.name !== 'string' || clinic.name.trim() === '') {
    throw new TypeError('clinic.name is missing: set the clinic name in the Clinic settings document')
  }
  const address = clinic.address
  const booking = safeLinkUrl(clinic.bookingUrl)
  return node({
    '@context': SCHEMA_ORG,
    '@type': ['MedicalClinic', 'Organization'],
    '@id': `${siteUrl}/#organization`,
    name: clinic.name,
    url: `${siteUrl}/`,
    telephone: clinic.phone,
    email: clinic.email,
    logo: imageObject(clinic.logo, builderFrom(options.images)),
    address: address
      ? {
          '@type': 'PostalAddress',
          streetAddress: address.street,
          addressLocality: address.city,
          addressRegion: address.region,
          postalCode: address.postalCode,
          addressCountry: address.country,
        }
      : undefined,
    potentialAction:
      booking && /^https?:/.test(booking)
        ? { '@type': 'ReserveAction', name: 'Book an appointment', target: booking }
        : undefined,
  })
}

/** The clinic as a publisher: the full node without `@context`. */
function publisher(clinic: ClinicShape, options: JsonLdOptions): JsonLdObject {
  const { '@context': _context, potentialAction: _action, ...rest } = medicalClinicJsonLd(clinic, options)
  return rest
}

// ---------------------------------------------------------------------------------------------
// People, conditions, therapies, citations

export function personJsonLd(
  person: ClinicianShape | null | undefined,
  clinic?: ClinicShape,
): JsonLdObject | undefined {
  if (!person || typeof person.name !== 'string' || person.name.trim() === '') return undefined
  const credentials = strings(person.credentials)
  return node({
    '@type': 'Person',
    name: person.name,
    jobTitle: person.role,
    honorificSuffix: credentials.length > 0 ? credentials.join(', ') : undefined,
    worksFor: clinic?.siteUrl ? { '@id': clinicId(clinic) } : undefined,
  })
}

/** The display name of a `condition.bodyRegion` value (`arm-elbow` -> `Arm and elbow`). */
export function bodyRegionName(region: string | null | undefined): string | undefined {
  return titleOf(BODY_REGIONS, region)
}

/** ICD-10-CM codes as schema.org `MedicalCode`s. */
export function icd10Codes(codes: ReadonlyArray<string | null | undefined> | null | undefined): JsonLdObject[] {
  return strings(codes).map((code) => node({ '@type': 'MedicalCode', code, codingSystem: 'ICD-10-CM' }))
}

function therapyRef(treatment: TreatmentSummaryShape, siteUrl: string): JsonLdObject {
  return node({
    '@type': 'MedicalTherapy',
    name: treatment.name,
    url: urlFor({ _type: 'treatment', slug: treatment.slug, language: languageOf(treatment) }, siteUrl),
  })
}

function conditionRef(condition: ConditionShape, siteUrl: string): JsonLdObject {
  return node({
    '@type': 'MedicalCondition',
    name: condition.name,
    url: urlFor({ _type: 'condition', slug: condition.slug, language: languageOf(condition) }, siteUrl),
    code: icd10Codes(condition.icd10Codes),
  })
}

/** A condition as `MedicalCondition`, with ICD-10-CM `code`s, symptoms, anatomy and treatments. */
export function medicalConditionJsonLd(condition: ConditionShape, clinic: ClinicShape): JsonLdObject {
  const siteUrl = requireSiteUrl(clinic)
  const url = urlFor({ _type: 'condition', slug: condition.slug, language: languageOf(condition) }, siteUrl)
  return node({
    '@context': SCHEMA_ORG,
    '@type': 'MedicalCondition',
    '@id': url ? `${url}#condition` : undefined,
    name: condition.name,
    alternateName: strings(condition.alsoCalled),
    description: condition.summary,
    url,
    code: icd10Codes(condition.icd10Codes),
    signOrSymptom: strings(condition.symptoms).map((name) => ({ '@type': 'MedicalSymptom', name })),
    associatedAnatomy: bodyRegionName(condition.bodyRegion)
      ? { '@type': 'AnatomicalStructure', name: bodyRegionName(condition.bodyRegion) }
      : undefined,
    possibleTreatment: present(condition.treatments).map((t) => therapyRef(t, siteUrl)),
  })
}

/** Plain text of a care instruction, for `preparation` / `followup`. */
function careText(care: CareInstructionShape): string {
  const steps = present(care.steps)
    .filter((s) => typeof s.instruction === 'string' && s.instruction.trim() !== '')
    .map((s) => stepText(s.instruction!, s.timing))
  const raw = typeof care.title === 'string' ? care.title.trim() : ''
  const title = raw === '' ? '' : /[?!.:]$/.test(raw) ? raw : `${raw}:`
  return [title, steps.join('; ')].filter((x) => x !== '').join(' ')
}

/** "Do not eat" + "30 minutes before" -> "Do not eat (30 minutes before)". */
function stepText(instruction: string, timing: string | null | undefined): string {
  const t = typeof timing === 'string' ? timing.trim() : ''
  return t === '' ? instruction.trim() : `${instruction.trim()} (${t})`
}

/** A treatment as `MedicalTherapy`: side effects as `adverseOutcome`, before/after care as `preparation`/`followup`. */
export function medicalTherapyJsonLd(treatment: TreatmentShape, clinic: ClinicShape): JsonLdObject {
  const siteUrl = requireSiteUrl(clinic)
  const url = urlFor({ _type: 'treatment', slug: treatment.slug, language: languageOf(treatment) }, siteUrl)
  const care = present(treatment.careInstructions)
  return node({
    '@context': SCHEMA_ORG,
    '@type': 'MedicalTherapy',
    '@id': url ? `${url}#therapy` : undefined,
    name: treatment.name,
    description: treatment.summary,
    url,
    howPerformed: toPlainText(treatment.whatToExpect) || undefined,
    adverseOutcome: strings(treatment.sideEffects).map((name) => ({ '@type': 'MedicalEntity', name })),
    preparation:
      care
        .filter((c) => c.phase === 'before')
        .map(careText)
        .join(' ') || undefined,
    followup:
      care
        .filter((c) => c.phase === 'after')
        .map(careText)
        .join(' ') || undefined,
  })
}

/** A citation as `ScholarlyArticle`, identified by its DOI (and PMID). */
export function scholarlyArticleJsonLd(citation: CitationShape): JsonLdObject | undefined {
  const doi = normaliseDoi(citation.doi)
  const pmid = pubmedUrl(citation.pmid) ? String(citation.pmid).trim() : undefined
  const link = doiUrl(citation.doi) ?? pubmedUrl(citation.pmid) ?? safeLinkUrl(citation.url) ?? undefined
  const result = node({
    '@type': 'ScholarlyArticle',
    headline: citation.title,
    name: citation.title,
    author: strings(citation.authors).map((name) => ({ '@type': 'Person', name })),
    datePublished: citation.year === null || citation.year === undefined ? undefined : String(citation.year),
    isPartOf: citation.journal
      ? {
          '@type': 'PublicationIssue',
          issueNumber: citation.issue === null || citation.issue === undefined ? undefined : String(citation.issue),
          isPartOf: {
            '@type': ['PublicationVolume', 'Periodical'],
            name: citation.journal,
            volumeNumber:
              citation.volume === null || citation.volume === undefined ? undefined : String(citation.volume),
          },
        }
      : undefined,
    pagination: citation.pages,
    identifier: [
      doi ? { '@type': 'PropertyValue', propertyID: 'DOI', value: doi } : undefined,
      pmid ? { '@type': 'PropertyValue', propertyID: 'PMID', value: pmid } : undefined,
    ],
    sameAs: doiUrl(citation.doi) ?? undefined,
    url: link,
  })
  return Object.keys(result).length > 1 ? result : undefined
}

// ---------------------------------------------------------------------------------------------
// FAQs and care instructions

/** FAQs as an `FAQPage` (answers as plain text). Undefined when there are no answerable FAQs. */
export function faqPageJsonLd(
  faqs: ReadonlyArray<FaqShape | null | undefined> | null | undefined,
  pageUrl?: string,
): JsonLdObject | undefined {
  const questions = present(faqs)
    .map((faq) => ({ name: faq.question?.trim() ?? '', text: toPlainText(faq.answer) }))
    .filter((q) => q.name !== '' && q.text !== '')
  if (questions.length === 0) return undefined
  return node({
    '@context': SCHEMA_ORG,
    '@type': 'FAQPage',
    url: pageUrl,
    mainEntity: questions.map((q) => ({
      '@type': 'Question',
      name: q.name,
      acceptedAnswer: { '@type': 'Answer', text: q.text },
    })),
  })
}

/** A care instruction as a `HowTo`: one `HowToStep` per step, timing included in the step text. */
export function howToJsonLd(care: CareInstructionShape, pageUrl?: string): JsonLdObject | undefined {
  const steps = present(care.steps).filter((s) => typeof s.instruction === 'string' && s.instruction.trim() !== '')
  if (steps.length === 0) return undefined
  const phase = care.phase === 'before' ? 'Before' : care.phase === 'after' ? 'After' : undefined
  const treatmentName = care.treatment?.name ?? undefined
  return node({
    '@context': SCHEMA_ORG,
    '@type': 'HowTo',
    name: care.title,
    url: pageUrl,
    description: [
      phase && treatmentName ? `${phase} your ${treatmentName} session.` : undefined,
      care.contactTherapistWhen ? `Contact your physical therapist if: ${care.contactTherapistWhen}` : undefined,
    ]
      .filter(Boolean)
      .join(' '),
    step: steps.map((s, i) => {
      return {
        '@type': 'HowToStep',
        position: i + 1,
        name: s.instruction!.trim(),
        text: stepText(s.instruction!, s.timing),
      }
    }),
  })
}

function withoutContext(value: JsonLdObject | undefined): JsonLdObject | undefined {
  if (!value) return undefined
  const { '@context': _c, ...rest } = value
  return rest
}

// ---------------------------------------------------------------------------------------------
// Pages

/**
 * An article as a `MedicalWebPage`: dates (published, modified, `lastReviewed`), `reviewedBy` and
 * `author` (Person), `about` (its conditions and treatments), `citation`s (ScholarlyArticle with
 * DOI), `publisher` (the clinic), and its FAQs / care instructions as `hasPart`.
 */
/**
 * The reading grade as schema.org `educationalLevel`: a DefinedTerm whose `termCode` is the
 * Flesch-Kincaid grade (a number as text, e.g. "10.5"), so partners can filter on it.
 */
export function educationalLevel(body: unknown): JsonLdObject | undefined {
  const readability = analyseReadability(body)
  if (readability.words === 0) return undefined
  const grade = readability.grade.toFixed(1)
  return {
    '@type': 'DefinedTerm',
    name: `US school grade ${grade} (Flesch-Kincaid)`,
    termCode: grade,
    inDefinedTermSet: 'https://en.wikipedia.org/wiki/Flesch%E2%80%93Kincaid_readability_tests',
  }
}

export function articleJsonLd(article: ArticleInput, clinic: ClinicInput, options: JsonLdOptions = {}): JsonLdObject {
  const siteUrl = requireSiteUrl(clinic)
  const url = urlFor({ _type: 'article', slug: article.slug, language: languageOf(article) }, siteUrl)
  if (url === null) {
    throw new TypeError(
      `articleJsonLd: article ${JSON.stringify(article.title ?? article._id)} has no valid slug; set its slug to build its URL`,
    )
  }
  const builder = builderFrom(options.images)
  const faq = withoutContext(faqPageJsonLd(article.faqs, url))
  const howTos = present(article.careInstructions)
    .map((c) => withoutContext(howToJsonLd(c)))
    .filter((x): x is JsonLdObject => x !== undefined)
  const published = isoDate(article.publishedAt)
  return node({
    '@context': SCHEMA_ORG,
    '@type': 'MedicalWebPage',
    '@id': `${url}#webpage`,
    url,
    name: article.seo?.metaTitle || article.title,
    headline: article.title,
    description: article.seo?.metaDescription || article.excerpt,
    inLanguage: localeOf(languageOf(article)),
    datePublished: published,
    dateModified: isoDate(article._updatedAt) ?? published,
    lastReviewed: isoDate(article.lastReviewed),
    reviewedBy: personJsonLd(article.medicalReviewer, clinic),
    author: personJsonLd(article.author, clinic),
    image: imageObject(article.heroImage, builder),
    medicalAudience: { '@type': 'MedicalAudience', audienceType: 'Patient' },
    educationalLevel: educationalLevel(article.body),
    about: [
      ...present(article.conditions).map((c) => conditionRef(c, siteUrl)),
      ...present(article.treatments).map((t) => therapyRef(t, siteUrl)),
    ],
    keywords: present(article.categories)
      .map((c) => c.title)
      .filter((t): t is string => typeof t === 'string')
      .join(', '),
    citation: present(article.citations)
      .map(scholarlyArticleJsonLd)
      .filter((x): x is JsonLdObject => x !== undefined),
    publisher: publisher(clinic, options),
    isPartOf: { '@type': 'WebSite', url: `${siteUrl}/`, name: clinic.name },
    hasPart: [...(faq ? [faq] : []), ...howTos],
  })
}

/** A condition page: `MedicalWebPage` whose `mainEntity` is the `MedicalCondition`, FAQs as `hasPart`. */
export function conditionPageJsonLd(
  condition: ConditionInput,
  clinic: ClinicInput,
  options: JsonLdOptions = {},
): JsonLdObject {
  const siteUrl = requireSiteUrl(clinic)
  const url = urlFor({ _type: 'condition', slug: condition.slug, language: languageOf(condition) }, siteUrl)
  if (url === null)
    throw new TypeError(`conditionPageJsonLd: condition ${JSON.stringify(condition.name)} has no valid slug`)
  const faq = withoutContext(faqPageJsonLd(condition.faqs, url))
  return node({
    '@context': SCHEMA_ORG,
    '@type': 'MedicalWebPage',
    '@id': `${url}#webpage`,
    url,
    name: condition.name,
    description: condition.summary,
    inLanguage: localeOf(languageOf(condition)),
    dateModified: isoDate(condition._updatedAt),
    mainEntity: withoutContext(medicalConditionJsonLd(condition, clinic)),
    publisher: publisher(clinic, options),
    hasPart: faq ? [faq] : undefined,
  })
}

/** A treatment page: `MedicalWebPage` whose `mainEntity` is the `MedicalTherapy`; FAQs and care as `hasPart`. */
export function treatmentPageJsonLd(
  treatment: TreatmentInput,
  clinic: ClinicInput,
  options: JsonLdOptions = {},
): JsonLdObject {
  const siteUrl = requireSiteUrl(clinic)
  const url = urlFor({ _type: 'treatment', slug: treatment.slug, language: languageOf(treatment) }, siteUrl)
  if (url === null)
    throw new TypeError(`treatmentPageJsonLd: treatment ${JSON.stringify(treatment.name)} has no valid slug`)
  const faq = withoutContext(faqPageJsonLd(treatment.faqs, url))
  const howTos = present(treatment.careInstructions)
    .map((c) => withoutContext(howToJsonLd(c)))
    .filter((x): x is JsonLdObject => x !== undefined)
  return node({
    '@context': SCHEMA_ORG,
    '@type': 'MedicalWebPage',
    '@id': `${url}#webpage`,
    url,
    name: treatment.name,
    description: treatment.summary,
    inLanguage: localeOf(languageOf(treatment)),
    dateModified: isoDate(treatment._updatedAt),
    mainEntity: withoutContext(medicalTherapyJsonLd(treatment, clinic)),
    about: present(treatment.conditions).map((c) => conditionRef(c, siteUrl)),
    publisher: publisher(clinic, options),
    hasPart: [...(faq ? [faq] : []), ...howTos],
  })
}

/** The index page as a `WebSite` published by the clinic. */
export function websiteJsonLd(clinic: ClinicInput, options: JsonLdOptions = {}): JsonLdObject {
  const siteUrl = requireSiteUrl(clinic)
  return node({
    '@context': SCHEMA_ORG,
    '@type': 'WebSite',
    '@id': `${siteUrl}/#website`,
    url: absoluteUrl(siteUrl, '/'),
    name: clinic.name,
    publisher: publisher(clinic, options),
  })
}

// ---------------------------------------------------------------------------------------------
// Embedding

const SCRIPT_UNSAFE: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
}

/**
 * JSON for a `<script>` element: `<`, `>`, `&`, U+2028 and U+2029 written as `\uXXXX` escapes, so
 * no string in the data can close the script (`</script>`), open a comment (`<!--`) or break a
 * JavaScript parser. The result is still valid JSON meaning exactly the same data.
 */
export function serializeJsonLd(value: JsonLdObject | JsonLdObject[]): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (ch) => SCRIPT_UNSAFE[ch]!)
}

/** `<script type="application/ld+json">…</script>` with {@link serializeJsonLd}'s escaping. */
export function jsonLdScriptTag(value: JsonLdObject | JsonLdObject[]): string {
  return `<script type="application/ld+json">${serializeJsonLd(value)}</script>`
}
