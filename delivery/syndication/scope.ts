// Which articles an audience may see. Two audiences:
//
// - a partner: published articles whose `syndication.allowed` is true, whose embargo (if any) has
//   passed, and which have at least one category among the partner's `allowedCategories`
//   (a partner with no allowed categories sees nothing: least privilege);
// - the public feed: published, syndication allowed, past embargo, and not `seo.noIndex`;
// - embeds (iframe snippet, oEmbed): the same without the noIndex rule (embed pages are noindex).
//
// Drafts and release versions are never in scope. The rule exists twice, as a JS predicate (used by
// the change ledger, which has the documents in hand) and as a GROQ filter (used by the API and the
// feeds, which let the lake do the filtering); test/syndication/scope.test.ts checks they agree.
//
// Everything outside the scope answers as if it did not exist (404), so the reasons below are only
// ever shown to the clinic and in tombstones of articles the partner was once allowed to see.
import { DEFAULT_LANGUAGE } from '../../model/languages.js'

/** The fields of an article the scope depends on (as projected by SCOPE_FIELDS). */
export interface ScopeArticle {
  _id: string
  slug: string | null
  allowed: boolean | null
  embargoUntil: string | null
  categories: ReadonlyArray<string> | null
  noIndex: boolean | null
  /** The article's language (absent: English, the source language). */
  language?: string | null
}

/** GROQ projection producing a ScopeArticle. */
export const SCOPE_FIELDS = /* groq */ `{
  _id,
  "slug": slug.current,
  "allowed": syndication.allowed,
  "embargoUntil": syndication.embargoUntil,
  "categories": categories[]._ref,
  "noIndex": seo.noIndex,
  "language": coalesce(language, "en")
}`

export type Audience =
  | {
      kind: 'partner'
      partnerId: string
      allowedCategories: ReadonlyArray<string>
      /** The languages the partner is licensed for (its `languages`; English when it names none). */
      languages?: ReadonlyArray<string>
    }
  /** `languages`: only articles in these (a per-language feed); absent: every language. */
  | { kind: 'public'; languages?: ReadonlyArray<string> }
  /** Embeds (iframe, oEmbed): the public rule without the noIndex exclusion (embed pages are noindex themselves). */
  | { kind: 'embed' }

/** Why an article is not (or no longer) in an audience's scope. */
export type ExclusionReason =
  | 'draft'
  | 'no-slug'
  | 'licence-withdrawn'
  | 'embargoed'
  | 'out-of-scope'
  | 'no-index'
  | 'unpublished'
  | 'deleted'

export type ScopeDecision = { visible: true } | { visible: false; reason: ExclusionReason }

function isDraftOrVersion(id: string): boolean {
  return id.startsWith('drafts.') || id.startsWith('versions.')
}

/** Parses an ISO date-time; NaN when absent or malformed. */
function timeOf(value: string | null): number {
  if (typeof value !== 'string') return Number.NaN
  // GROQ's dateTime() accepts RFC 3339 only; insist on the same (Date.parse is more lenient).
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return Number.NaN
  return Date.parse(value)
}

/** Decides whether `article` is in `audience`'s scope at `now`. */
export function scopeDecision(article: ScopeArticle, audience: Audience, now: Date): ScopeDecision {
  if (isDraftOrVersion(article._id)) return { visible: false, reason: 'draft' }
  if (typeof article.slug !== 'string' || article.slug === '') return { visible: false, reason: 'no-slug' }
  if (article.allowed !== true) return { visible: false, reason: 'licence-withdrawn' }
  if (article.embargoUntil !== null && article.embargoUntil !== undefined) {
    const until = timeOf(article.embargoUntil)
    // A malformed embargo date hides the article: when in doubt, do not syndicate.
    if (Number.isNaN(until) || until > now.getTime()) return { visible: false, reason: 'embargoed' }
  }
  if (audience.kind === 'partner') {
    const allowed = new Set(audience.allowedCategories)
    if (!(article.categories ?? []).some((c) => allowed.has(c))) return { visible: false, reason: 'out-of-scope' }
    if (!audienceLanguages(audience).includes(article.language ?? DEFAULT_LANGUAGE))
      return { visible: false, reason: 'out-of-scope' }
  } else if (audience.kind === 'public' && article.noIndex === true) {
    return { visible: false, reason: 'no-index' }
  }
  if (
    audience.kind === 'public' &&
    audience.languages &&
    !audience.languages.includes(article.language ?? DEFAULT_LANGUAGE)
  )
    return { visible: false, reason: 'out-of-scope' }
  return { visible: true }
}

/**
 * An article in one of `$languages`. A document without `language` is English; `$withSource` says
 * whether English is among them (a parameter, so the planner folds it away instead of evaluating
 * `coalesce(language, "en")` on every article).
 */
const IN_LANGUAGES = /* groq */ `(language in $languages || ($withSource && !defined(language)))`

function sourceLanguageParam(languages: ReadonlyArray<string> | null): { withSource?: boolean } {
  return languages ? { withSource: languages.includes(DEFAULT_LANGUAGE) } : {}
}

/**
 * The GROQ filter of an audience's scope, with its parameters (`$now`, and `$allowedCategories`
 * for partners). Compose it into queries as `*[${filter} && ...]`.
 */
export function scopeFilter(audience: Audience, now: Date): { filter: string; params: Record<string, unknown> } {
  const base =
    '_type == "article" && !(_id in path("drafts.**")) && !(_id in path("versions.**"))' +
    ' && defined(slug.current) && slug.current != "" && syndication.allowed == true' +
    ' && (!defined(syndication.embargoUntil) || dateTime(syndication.embargoUntil) <= dateTime($now))'
  // The article projection reads related documents in `$lang` (English standing in where one has no
  // version): the audience's language when it has one, else English.
  const languages = audience.kind === 'embed' ? null : audienceLanguages(audience)
  const lang = languages?.length === 1 ? languages[0] : DEFAULT_LANGUAGE
  // `versions`: none yet; delivery/content/versions.ts fills it where the projection maps relations.
  const common = {
    now: now.toISOString(),
    lang,
    fallback: true,
    versions: [] as unknown[],
    ...sourceLanguageParam(languages),
  }
  if (audience.kind === 'partner') {
    return {
      filter: `${base} && count((categories[]._ref)[@ in $allowedCategories]) > 0 && ${IN_LANGUAGES}`,
      params: { ...common, allowedCategories: [...audience.allowedCategories], languages },
    }
  }
  if (audience.kind === 'embed') return { filter: base, params: common }
  if (languages)
    return {
      filter: `${base} && !(seo.noIndex == true) && ${IN_LANGUAGES}`,
      params: { ...common, languages },
    }
  return { filter: `${base} && !(seo.noIndex == true)`, params: common }
}

/**
 * The languages an audience reads: a partner's licensed ones (English when it names none: a partner
 * licensed before translations existed keeps what it had); a public audience's, or null for all.
 */
export function audienceLanguages(audience: Audience & { kind: 'partner' }): string[]
export function audienceLanguages(audience: Audience): string[] | null
export function audienceLanguages(audience: Audience): string[] | null {
  if (audience.kind === 'partner')
    return audience.languages && audience.languages.length > 0 ? [...audience.languages] : [DEFAULT_LANGUAGE]
  if (audience.kind === 'public' && audience.languages) return [...audience.languages]
  return null
}

/** A stable name of an audience for document ids and logs: the partner id, or `public`. */
export function audienceKey(audience: Audience): string {
  return audience.kind === 'partner' ? audience.partnerId : audience.kind
}
