// The shapes the renderers read, one per projection of delivery/queries.ts (and the syndication
// article projection), as conformance specs (./conform.ts). They follow the content model
// (schemas/, docs/content-model.md): a field here is what the query returns under that name. Portable
// Text is checked as an array of objects; its blocks, spans and marks are checked as they are
// rendered (delivery/render/portableText.ts skips what it cannot render, with a warning).
import { normaliseSiteUrl } from '../../model/site-paths.js'
import { isPathSlug } from '../../model/slug.js'
import { arrayOf, checked, objectOf, type ObjectSpec, type Spec } from './conform.js'

const strings = arrayOf('string')

// Portable Text: what the renderer reads of each member type (fields are checked only where present,
// so one spec serves blocks, callouts and images alike).
const SPAN = objectOf({ _type: 'string', _key: 'string', text: 'string', marks: strings })
const MARK_DEF = objectOf({ _type: 'string', _key: 'string', href: 'string', citationKey: 'string' })
const BLOCK_FIELDS = {
  _type: 'string',
  _key: 'string',
  style: 'string',
  listItem: 'string',
  level: 'number',
  children: arrayOf(SPAN),
  markDefs: arrayOf(MARK_DEF),
} satisfies Record<string, Spec>
const portableText = arrayOf(
  objectOf({
    ...BLOCK_FIELDS,
    // callout
    title: 'string',
    tone: 'string',
    body: arrayOf(objectOf(BLOCK_FIELDS)),
    // accessibleImage
    alt: 'string',
    caption: 'string',
  }),
)

/** Why a clinic site URL cannot be used as the base of absolute links, or null when it can. */
export function siteUrlProblem(value: string): string | null {
  let url: URL
  try {
    normaliseSiteUrl(value)
    url = new URL(value)
  } catch (error) {
    return error instanceof Error ? error.message : 'not an absolute http(s) URL'
  }
  if (!url.hostname) return 'it has no host name'
  if (url.username || url.password) return 'it must not carry a user name or password'
  return null
}

/**
 * The slug of a routable document (article, condition, treatment): without a valid one it has no
 * page, no canonical URL and no sitemap entry (references to it render as text, not links).
 */
const SLUG: Spec = checked('a slug (lowercase letters and digits joined by "-")', (value) =>
  isPathSlug(value) ? null : 'not a slug: regenerate it in the Studio',
)

export const SITE_URL: Spec = checked('an absolute http(s) URL such as https://clinic.example', siteUrlProblem)

const IMAGE = objectOf({
  alt: 'string',
  caption: 'string',
  asset: objectOf({
    _id: 'string',
    _ref: 'string',
    url: 'string',
    metadata: objectOf({ lqip: 'string', dimensions: objectOf({ width: 'number', height: 'number' }) }),
  }),
  hotspot: objectOf({ x: 'number', y: 'number', width: 'number', height: 'number' }),
  crop: objectOf({ top: 'number', bottom: 'number', left: 'number', right: 'number' }),
})

const CLINICIAN = objectOf({
  _id: 'string',
  name: 'string',
  handle: 'string',
  slug: 'string',
  role: 'string',
  credentials: strings,
  bio: 'any',
  photo: IMAGE,
})

const CATEGORY = objectOf({ _id: 'string', title: 'string', slug: 'string', description: 'string' })

const CONDITION_SUMMARY = objectOf({
  _id: 'string',
  name: 'string',
  slug: SLUG,
  alsoCalled: strings,
  bodyRegion: 'string',
  summary: 'string',
  icd10Codes: strings,
})

const TREATMENT_SUMMARY = objectOf({ _id: 'string', name: 'string', slug: SLUG, summary: 'string' })

const TOPIC = objectOf({ _id: 'string', name: 'string', slug: 'string' })

export const FAQ = objectOf({
  _id: 'string',
  question: 'string',
  answer: portableText,
  order: 'number',
  treatments: arrayOf(TOPIC),
  conditions: arrayOf(TOPIC),
})

export const CARE_INSTRUCTION = objectOf({
  _id: 'string',
  title: 'string',
  slug: 'string',
  phase: 'string',
  steps: arrayOf(objectOf({ _key: 'string', instruction: 'string', timing: 'string' })),
  contactTherapistWhen: 'string',
  treatment: TOPIC,
})

const CITATION = objectOf({
  _key: 'string',
  authors: strings,
  title: 'string',
  journal: 'string',
  year: 'stringOrNumber',
  volume: 'stringOrNumber',
  issue: 'stringOrNumber',
  pages: 'stringOrNumber',
  doi: 'string',
  pmid: 'stringOrNumber',
  url: 'string',
})

const SUMMARY_FIELDS = {
  _id: 'string',
  _updatedAt: 'date',
  title: 'string',
  slug: SLUG,
  excerpt: 'string',
  publishedAt: 'date',
  heroImage: IMAGE,
  author: CLINICIAN,
  categories: arrayOf(CATEGORY),
} satisfies Record<string, Spec>

export const ARTICLE_SUMMARY = objectOf(SUMMARY_FIELDS)

export const SEARCH_HIT = objectOf({ ...SUMMARY_FIELDS, score: 'number' })

const ARTICLE_FIELDS = {
  ...SUMMARY_FIELDS,
  body: portableText,
  medicalReviewer: CLINICIAN,
  lastReviewed: 'date',
  nextReviewDue: 'date',
  conditions: arrayOf(CONDITION_SUMMARY),
  treatments: arrayOf(TREATMENT_SUMMARY),
  faqs: arrayOf(FAQ),
  careInstructions: arrayOf(CARE_INSTRUCTION),
  citations: arrayOf(CITATION),
  callToAction: objectOf({ heading: 'string', text: 'string', buttonLabel: 'string', url: 'string' }),
  seo: objectOf({ metaTitle: 'string', metaDescription: 'string', noIndex: 'boolean' }),
} satisfies Record<string, Spec>

export const ARTICLE = objectOf(ARTICLE_FIELDS)

/** The syndication projection: the article's plus its syndication settings. */
export const SYNDICATED_ARTICLE = objectOf({
  ...ARTICLE_FIELDS,
  _rev: 'string',
  syndicationCanonicalUrl: 'string',
  syndicationAllowed: 'boolean',
})

export { CONDITION_SUMMARY, TREATMENT_SUMMARY }

export const CONDITION = objectOf({
  _id: 'string',
  _updatedAt: 'date',
  name: 'string',
  slug: SLUG,
  alsoCalled: strings,
  bodyRegion: 'string',
  summary: 'string',
  symptoms: strings,
  icd10Codes: strings,
  sections: arrayOf(objectOf({ _key: 'string', aspect: 'string', body: portableText })),
  treatments: arrayOf(TREATMENT_SUMMARY),
  articles: arrayOf(ARTICLE_SUMMARY),
  faqs: arrayOf(FAQ),
})

export const TREATMENT = objectOf({
  _id: 'string',
  _updatedAt: 'date',
  name: 'string',
  slug: SLUG,
  summary: 'string',
  howItWorks: portableText,
  differsFrom: arrayOf(objectOf({ _key: 'string', comparedTo: 'string', difference: 'string' })),
  whoMayPerform: 'string',
  conditions: arrayOf(CONDITION_SUMMARY),
  whatToExpect: portableText,
  sideEffects: strings,
  complementaryTreatments: strings,
  faqs: arrayOf(FAQ),
  careInstructions: arrayOf(CARE_INSTRUCTION),
  articles: arrayOf(ARTICLE_SUMMARY),
})

export const SITEMAP_ENTRY = objectOf({ _id: 'string', slug: SLUG, _updatedAt: 'date' })

export const CLINIC: ObjectSpec = objectOf({
  name: 'string',
  siteUrl: SITE_URL,
  bookingUrl: 'string',
  phone: 'string',
  email: 'string',
  address: objectOf({
    street: 'string',
    city: 'string',
    region: 'string',
    postalCode: 'string',
    country: 'string',
  }),
  logo: IMAGE,
  medicalDisclaimer: 'string',
  syndicationLicence: 'string',
  attributionText: 'string',
})
