// The ranked answer to a knowledge request, independent of its format: condition pages first
// (exact code matches, then a parent code's children, then a specific code's fallback to its
// parent), then the articles about those conditions (newest first), then their treatments and the
// treatments' care instructions. Each entry links to the clinic's own page for it.
import type { ClinicSettings } from '../../content/site.js'
import { escapeHtml } from '../../render/escape.js'
import { pathFor, type RoutableRef, urlFor } from '../../../model/site-paths.js'
import type { MatchLevel } from '../codes.js'
import type { ConditionMatch } from '../lookup.js'
import type { SearchCriterion } from './request.js'

export type EntryKind = 'condition' | 'article' | 'treatment' | 'careInstruction'

export interface KnowledgeEntry {
  /** The document's `_id` (stable: the entry's Atom id is built from it). */
  id: string
  kind: EntryKind
  title: string
  /** The page to show: the clinic site's URL, or this server's page before the site URL is set. */
  url: string
  /** An HTML fragment (escaped text, fixed markup), with also-called names and the attribution. */
  summaryHtml: string
  updated: string
  /** The language the content is written in. */
  language: string
  /** How the entry's condition matched (conditions only; related content inherits its condition's). */
  match: MatchLevel
  /** The requested codes it answers (`M54.2`). */
  codes: string[]
}

/** At most this many entries: an infobutton answer is read in a pop-up, not browsed. */
export const MAX_ENTRIES = 20

export interface RankInput {
  criteria: readonly SearchCriterion[]
  /** Matches per criterion, in the criteria's order. */
  matches: ReadonlyArray<readonly ConditionMatch[]>
  clinic: ClinicSettings | null
  publicUrl: string
  language: string
}

const RANK: Record<MatchLevel, number> = { exact: 0, descendant: 1, ancestor: 2 }

/** The URL of a routable document: the clinic site's when it has one, else this server's page. */
export function pageUrl(ref: RoutableRef, clinic: ClinicSettings | null, publicUrl: string): string | null {
  if (clinic?.siteUrl) {
    try {
      return urlFor(ref, clinic.siteUrl)
    } catch {
      // An invalid site URL: fall back to this server's page.
    }
  }
  const path = pathFor(ref)
  return path === null ? null : `${publicUrl.replace(/\/+$/, '')}${path}`
}

function attributionHtml(clinic: ClinicSettings | null): string {
  const text = clinic?.attributionText ?? (clinic?.name ? `From ${clinic.name}.` : null)
  return text ? `<p class="attribution">${escapeHtml(text)}</p>` : ''
}

function newest(a: string, b: string | null | undefined): string {
  return b && b > a ? b : a
}

export function rankEntries(input: RankInput): KnowledgeEntry[] {
  const { clinic, publicUrl, language } = input
  const attribution = attributionHtml(clinic)
  // Every matched condition once, with its best match and the codes it answers.
  const conditions = new Map<string, { match: ConditionMatch; order: number; codes: string[] }>()
  input.matches.forEach((matches, criterionIndex) => {
    const code = input.criteria[criterionIndex]!.code
    for (const match of matches) {
      const seen = conditions.get(match.condition._id)
      if (!seen) {
        conditions.set(match.condition._id, { match, order: criterionIndex, codes: [code] })
        continue
      }
      if (!seen.codes.includes(code)) seen.codes.push(code)
      if (RANK[match.level] < RANK[seen.match.level]) seen.match = match
    }
  })
  const ordered = [...conditions.values()].sort(
    (a, b) =>
      RANK[a.match.level] - RANK[b.match.level] ||
      a.match.distance - b.match.distance ||
      a.order - b.order ||
      (a.match.condition.name ?? '').localeCompare(b.match.condition.name ?? ''),
  )

  const entries: KnowledgeEntry[] = []
  const seen = new Set<string>()
  const add = (entry: KnowledgeEntry | null) => {
    if (!entry || entries.length >= MAX_ENTRIES) return
    const existing = entries.find((e) => e.id === entry.id)
    if (existing) {
      for (const code of entry.codes) if (!existing.codes.includes(code)) existing.codes.push(code)
      return
    }
    if (seen.has(entry.id)) return
    seen.add(entry.id)
    entries.push(entry)
  }

  for (const { match, codes } of ordered) {
    const c = match.condition
    const url = pageUrl(c, clinic, publicUrl)
    if (!url) continue
    const alsoCalled = (c.alsoCalled ?? []).filter((name) => name.trim() !== '')
    add({
      id: c._id,
      kind: 'condition',
      title: c.name ?? '',
      url,
      summaryHtml:
        (alsoCalled.length > 0 ? `<p class="alsoCalled">Also called: ${escapeHtml(alsoCalled.join(', '))}</p>` : '') +
        (c.summary ? `<p>${escapeHtml(c.summary)}</p>` : '') +
        attribution,
      updated: c._updatedAt,
      language,
      match: match.level,
      codes: [...codes],
    })
  }
  const articles = ordered
    .flatMap(({ match, codes }) => match.condition.articles.map((article) => ({ article, match, codes })))
    .sort(
      (a, b) =>
        (b.article.publishedAt ?? '').localeCompare(a.article.publishedAt ?? '') ||
        a.article._id.localeCompare(b.article._id),
    )
  for (const { article, match, codes } of articles) {
    const url = pageUrl(article, clinic, publicUrl)
    if (!url) continue
    add({
      id: article._id,
      kind: 'article',
      title: article.title ?? '',
      url,
      summaryHtml:
        (article.excerpt ? `<p>${escapeHtml(article.excerpt)}</p>` : '') +
        (article.lastReviewed ? `<p class="reviewed">Medically reviewed ${escapeHtml(article.lastReviewed)}</p>` : '') +
        attribution,
      updated: newest(article._updatedAt, article.publishedAt),
      language,
      match: match.level,
      codes: [...codes],
    })
  }
  const treatments = ordered.flatMap(({ match, codes }) =>
    match.condition.treatments.map((treatment) => ({ treatment, match, codes })),
  )
  for (const { treatment, match, codes } of treatments) {
    const url = pageUrl(treatment, clinic, publicUrl)
    if (!url) continue
    add({
      id: treatment._id,
      kind: 'treatment',
      title: treatment.name ?? '',
      url,
      summaryHtml: (treatment.summary ? `<p>${escapeHtml(treatment.summary)}</p>` : '') + attribution,
      updated: treatment._updatedAt,
      language,
      match: match.level,
      codes: [...codes],
    })
  }
  for (const { treatment, match, codes } of treatments) {
    // Care instructions are shown on their treatment's page.
    const url = pageUrl(treatment, clinic, publicUrl)
    if (!url) continue
    for (const care of treatment.careInstructions) {
      add({
        id: care._id,
        kind: 'careInstruction',
        title: care.title ?? '',
        url,
        summaryHtml:
          `<p>${escapeHtml(care.phase === 'before' ? 'What to do before' : 'What to do after')} your ${escapeHtml(treatment.name ?? 'treatment')} appointment.</p>` +
          attribution,
        updated: care._updatedAt,
        language,
        match: match.level,
        codes: [...codes],
      })
    }
  }
  return entries
}
