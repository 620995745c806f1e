// Reusable validation rules for the content model. Every message says what is wrong and how to fix
// it, in words an editor understands. Pure functions (no I/O): the Studio, `npm run validate` and the
// tests all run them through Sanity's own validation (`validateDocument`).
import type { CustomValidatorResult, SlugValue, ValidationContext } from 'sanity'
import { isIcd10Code } from '../model/icd10.js'
import { isEditorSlug, SLUG_MAX_LENGTH } from '../model/slug.js'
import { isValueOf, type ValueOption, valuesOf } from '../model/values.js'

/** `10.` + registrant code (4-9 digits, optionally dotted sub-codes) + `/` + a suffix without spaces. */
const DOI = /^10\.\d{4,9}(\.\d+)*\/\S+$/

/** A DOI (`10.NNNN/...`). Recognises the common paste mistakes and says how to fix each. */
export function checkDoi(value: unknown): CustomValidatorResult {
  if (value === undefined || value === null || value === '') return true
  if (typeof value !== 'string') return 'The DOI must be text such as 10.2519/jospt.2017.7096.'
  const doi = value.trim()
  if (doi !== value) return 'Remove the spaces before or after the DOI.'
  const prefixed = /^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:\s*)(.*)$/i.exec(doi)
  if (prefixed) {
    return `Enter the DOI alone, without "${doi.slice(0, doi.length - prefixed[1].length)}": ${prefixed[1] || '10.NNNN/...'}`
  }
  if (/^10\.\d{4,9}(\.\d+)*\/?$/.test(doi)) {
    return `"${doi}" is only the start of a DOI: the part after the slash is missing. Copy the full DOI from the journal page, e.g. 10.2519/jospt.2017.7096.`
  }
  if (!DOI.test(doi)) {
    return `"${doi}" is not a DOI. A DOI starts with "10.", a 4-9 digit number, a slash and the item's own part, e.g. 10.2519/jospt.2017.7096.`
  }
  return true
}

/** A PubMed id: digits only. */
export function checkPmid(value: unknown): CustomValidatorResult {
  if (value === undefined || value === null || value === '') return true
  if (typeof value !== 'string' || !/^[1-9]\d{0,8}$/.test(value)) {
    return 'A PMID is the number PubMed shows for the article (digits only, e.g. 28158962).'
  }
  return true
}

/**
 * ICD-10-CM code format (model/icd10.ts): a letter, two characters (digit, then digit or letter),
 * then optionally a dot and 1-4 more characters (letters, digits or the placeholder X), e.g. M54.2,
 * M77.10, S76.319A. This checks the format only, not that the code exists in the current code set.
 */
export function checkIcd10Code(value: unknown): CustomValidatorResult {
  if (value === undefined || value === null || value === '') {
    return 'Empty ICD-10-CM code: type a code such as M77.10 or remove the empty entry.'
  }
  if (typeof value !== 'string') return 'An ICD-10-CM code is text such as M77.10.'
  const code = value.trim()
  if (code !== value) return `Remove the spaces around "${code}".`
  if (isIcd10Code(code)) return true
  const upper = code.toUpperCase()
  if (isIcd10Code(upper)) return `Write ICD-10-CM codes in capitals: ${upper}`
  if (/^[A-Z][0-9][0-9A-Z][0-9A-Z]{1,4}$/.test(upper)) {
    return `Put the dot after the third character: ${upper.slice(0, 3)}.${upper.slice(3)}`
  }
  return `"${code}" is not an ICD-10-CM code. Codes look like M54.2 or M77.10: a letter, two characters, then optionally a dot and up to 4 more characters.`
}

/** Schemes allowed in links patients can click. `javascript:`, `data:` and others are refused. */
export const LINK_SCHEMES = ['http', 'https', 'mailto', 'tel'] as const

/** An external link: an absolute http(s), mailto or tel URL. */
export function checkLinkUrl(value: unknown): CustomValidatorResult {
  if (value === undefined || value === null || value === '') return true
  if (typeof value !== 'string') return 'The link must be a web address such as https://example.org/page.'
  const href = value.trim()
  if (href !== value) return 'Remove the spaces before or after the link address.'
  let url: URL
  try {
    url = new URL(href)
  } catch {
    if (/^www\./i.test(href)) return `Add "https://" in front: https://${href}`
    return `"${href}" is not a complete link address. Use a full address starting with https:// (or mailto: for e-mail, tel: for phone numbers).`
  }
  const scheme = url.protocol.replace(/:$/, '').toLowerCase()
  if (!(LINK_SCHEMES as readonly string[]).includes(scheme)) {
    return `Links starting with "${scheme}:" are not allowed (they can be unsafe or do not work for patients). Use an address starting with https://, http://, mailto: or tel:.`
  }
  if ((scheme === 'http' || scheme === 'https') && !url.hostname) {
    return `"${href}" has no site name after ${scheme}://.`
  }
  return true
}

/** A web page address (http or https only), e.g. a site, booking or canonical URL. */
export function checkWebUrl(value: unknown): CustomValidatorResult {
  if (typeof value === 'string' && value !== '' && value.trim() === value) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase()
    if (scheme && scheme !== 'http' && scheme !== 'https') {
      return `This must be a web page address starting with https:// (or http://), not "${scheme}:".`
    }
  }
  return checkLinkUrl(value)
}

/** An e-mail address (simple form check). */
export function checkEmail(value: unknown): CustomValidatorResult {
  if (value === undefined || value === null || value === '') return true
  if (typeof value !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
    return 'Enter an e-mail address such as hello@clinic.example.'
  }
  return true
}

/** Slugs become URLs: lowercase letters, digits and single hyphens only. */
export function checkSlugFormat(value: SlugValue | undefined): CustomValidatorResult {
  const current = value?.current
  if (current === undefined || current === '') return true
  if (!isEditorSlug(current)) {
    return `"${current}" cannot be used in a web address. Use lowercase letters, digits and single hyphens (e.g. tennis-elbow), or click "Generate".`
  }
  if (current.length > SLUG_MAX_LENGTH) {
    return `Keep the slug under ${SLUG_MAX_LENGTH} characters: shorten it or click "Generate".`
  }
  return true
}

/**
 * Required-slug rule as a custom validator. Slug fields must use ONE rule chain
 * (`rule.custom(requireSlug(msg)).custom(checkSlugFormat)`): Sanity's built-in uniqueness check is
 * part of every rule derived from a slug field's base rule, so an array of rules would run (and
 * report) it once per entry.
 */
export function requireSlug(message: string) {
  return (value: SlugValue | undefined): CustomValidatorResult =>
    value?.current && value.current.trim() !== '' ? true : message
}

/**
 * For fields with a fixed list of values: a missing value gets `missingMessage`; a value outside
 * the list (e.g. from an import) is named, with the allowed values.
 */
export function requiredChoice(list: readonly ValueOption[], missingMessage: string) {
  return (value: unknown): CustomValidatorResult => {
    if (value === undefined || value === null || value === '') return missingMessage
    if (isValueOf(list, value)) return true
    return `"${String(value)}" is not one of the allowed values: ${valuesOf(list).join(', ')}.`
  }
}

/** Today as `YYYY-MM-DD` (UTC), the format of Sanity `date` fields. */
export function todayIsoDate(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10)
}

function documentField(context: ValidationContext, name: string): unknown {
  const doc = context.document as Record<string, unknown> | undefined
  return doc?.[name]
}

/** `nextReviewDue` must fall after `lastReviewed` (a blocking error: the dates would mislead patients). */
export function checkNextReviewAfterLastReview(value: unknown, context: ValidationContext): CustomValidatorResult {
  const last = documentField(context, 'lastReviewed')
  if (typeof value !== 'string' || typeof last !== 'string') return true
  if (value <= last) {
    return `The next review (${value}) must be after the last review (${last}). Set it later, usually 12 months after the last review.`
  }
  return true
}

/** Advice (use as a warning): the next medical review date has passed. */
export function checkNextReviewNotPast(value: unknown): CustomValidatorResult {
  if (typeof value !== 'string') return true
  if (value < todayIsoDate()) {
    return `The medical review was due on ${value}. Have the article reviewed, then update "Last reviewed" and "Next review due".`
  }
  return true
}

/**
 * Advice (use as a warning on `medicalReviewer`): the reviewer is the author. A review by the
 * author is not an independent check; another clinician should review patient information.
 */
export function checkIndependentReview(value: unknown, context: ValidationContext): CustomValidatorResult {
  const reviewer = refOf(value)
  const author = refOf((context.document as Record<string, unknown> | undefined)?.author)
  if (!reviewer || !author || reviewer !== author) return true
  return 'The author is also the medical reviewer: a review by the author is not independent. Ask another clinician to review the article and choose them here.'
}

function refOf(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null
  const ref = (value as { _ref?: unknown })._ref
  return typeof ref === 'string' && ref !== '' ? ref.replace(/^drafts\./, '') : null
}

/** The latest calendar date anywhere on Earth (UTC+14), so an editor's local "today" is never "future". */
const LATEST_UTC_OFFSET_MS = 14 * 60 * 60 * 1000

/** `lastReviewed` cannot be in the future (in any time zone: the Studio's "today" is the editor's local date). */
export function checkNotInFuture(value: unknown): CustomValidatorResult {
  if (typeof value !== 'string') return true
  if (value.slice(0, 10) > todayIsoDate(new Date(Date.now() + LATEST_UTC_OFFSET_MS))) {
    return `This date (${value.slice(0, 10)}) is in the future. Use the date the review actually happened.`
  }
  return true
}

export const EXCERPT_MAX = 200
export const EXCERPT_ADVISED_MAX = 160

/** Error over 200 characters. */
export function checkExcerptMax(value: unknown): CustomValidatorResult {
  if (typeof value !== 'string' || value.length <= EXCERPT_MAX) return true
  return `The excerpt is ${value.length} characters; the limit is ${EXCERPT_MAX}. Shorten it to one or two sentences.`
}

/** Advice (use as a warning): over 160 characters is cut off in search results. */
export function checkExcerptAdvised(value: unknown): CustomValidatorResult {
  if (typeof value !== 'string' || value.length <= EXCERPT_ADVISED_MAX || value.length > EXCERPT_MAX) return true
  return `The excerpt is ${value.length} characters: too long for search results, which cut it off after about ${EXCERPT_ADVISED_MAX}. Consider shortening it.`
}

/** Advice (use as a warning) for short texts shown in search results and browser tabs. */
export function maxLengthAdvice(max: number, where: string) {
  return (value: unknown): CustomValidatorResult => {
    if (typeof value !== 'string' || value.length <= max) return true
    return `${value.length} characters: ${where} usually cut this off after about ${max}. Consider shortening it.`
  }
}

/** On the `alt` field of an image: alt text is required as soon as an image is chosen. */
export function checkAltWhenImageSet(value: unknown, context: ValidationContext): CustomValidatorResult {
  const parent = context.parent as { asset?: unknown } | undefined
  if (!parent?.asset) return true
  if (typeof value !== 'string' || value.trim() === '') {
    return 'Describe the image for people who cannot see it (alternative text). It is required when an image is set.'
  }
  return true
}

/**
 * On a `citationRef` mark's `citationKey`: the key must name an item of the same document's
 * `citations[]` (renderers number footnotes by that list).
 */
export function checkCitationKey(value: unknown, context: ValidationContext): CustomValidatorResult {
  if (typeof value !== 'string' || value === '') {
    return "Choose which citation this marks: enter the key of one of the article's citations."
  }
  const citations = documentField(context, 'citations')
  const keys = Array.isArray(citations)
    ? citations
        .map((c: unknown) => (c && typeof c === 'object' ? (c as { _key?: unknown })._key : undefined))
        .filter((k): k is string => typeof k === 'string')
    : []
  if (keys.includes(value)) return true
  if (keys.length === 0) {
    return `This citation mark points at "${value}", but the document has no citations. Add the source under "Citations" first, then mark the text again.`
  }
  return `This citation mark points at "${value}", which is not one of this document's citations (${keys.join(', ')}). Pick one of those keys or add the citation first.`
}
