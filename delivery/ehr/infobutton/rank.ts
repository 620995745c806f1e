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

  // What every entry shares: the page it is shown on (none: no entry), the language, how its
  // condition matched, the codes it answers and the clinic's attribution after its summary.
  type Found = { match: ConditionMatch; codes: string[] }
  type Own = Pick<KnowledgeEntry, 'id' | 'kind' | 'title' | 'updated'> & { summary: string }
  const addFound = ({ match, codes }: Found, page: RoutableRef, own: Own) => {
    const url = pageUrl(page, clinic, publicUrl)
    if (!url) return
    add({
      id: own.id,
      kind: own.kind,
      title: own.title,
      url,
      summaryHtml: own.summary + attribution,
      updated: own.updated,
      language,
      match: match.level,
      codes: [...codes],
    })
  }

  for (const found of ordered) {
    const c = found.match.condition
    const alsoCalled = (c.alsoCalled ?? []).filter((name) => name.trim() !== '')
    addFound(found, c, {
      id: c._id,
      kind: 'condition',
      title: c.name ?? '',
      summary:
        (alsoCalled.length > 0 ? `<p class="alsoCalled">Also called: ${escapeHtml(alsoCalled.join(', '))}</p>` : '') +
        (c.summary ? `<p>${escapeHtml(c.summary)}</p>` : ''),
      updated: c._updatedAt,
    })
  }
  const articles = ordered
    .flatMap((found) => found.match.condition.articles.map((article) => ({ article, found })))
    .sort(
      (a, b) =>
        (b.article.publishedAt ?? '').localeCompare(a.article.publishedAt ?? '') ||
        a.article._id.localeCompare(b.article._id),
    )
  for (const { article, found } of articles) {
    addFound(found, article, {
      id: article._id,
      kind: 'article',
      title: article.title ?? '',
      summary:
        (article.excerpt ? `<p>${escapeHtml(article.excerpt)}</p>` : '') +
        (article.lastReviewed ? `<p class="reviewed">Medically reviewed ${escapeHtml(article.lastReviewed)}</p>` : ''),
      updated: newest(article._updatedAt, article.publishedAt),
    })
  }
  const treatments = ordered.flatMap((found) =>
    found.match.condition.treatments.map((treatment) => ({ treatment, found })),
  )
  for (const { treatment, found } of treatments) {
    addFound(found, treatment, {
      id: treatment._id,
      kind: 'treatment',
      title: treatment.name ?? '',
      summary: treatment.summary ? `<p>${escapeHtml(treatment.summary)}</p>` : '',
      updated: treatment._updatedAt,
    })
  }
  for (const { treatment, found } of treatments) {
    for (const care of treatment.careInstructions) {
      // Care instructions are shown on their treatment's page.
      addFound(found, treatment, {
        id: care._id,
        kind: 'careInstruction',
        title: care.title ?? '',
        summary: `<p>${escapeHtml(care.phase === 'before' ? 'What to do before' : 'What to do after')} your ${escapeHtml(treatment.name ?? 'treatment')} appointment.</p>`,
        updated: care._updatedAt,
      })
    }
  }
  return entries
}
