// Citations: numbering (1-based position in the article's citations[]) and the footnotes list.
// Browser-safe.

import { escapeHtml, safeLinkUrl } from './escape.js'
import type { CitationShape } from './types.js'

/** `10.NNNN/suffix`: a DOI (the suffix may contain almost anything printable). */
const DOI = /^10\.\d{4,9}\/\S+$/
const PMID = /^\d{1,9}$/

function clean(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return typeof value === 'string' ? value.trim() : ''
}

/** A DOI without any `doi:` / `https://doi.org/` prefix, or null when it is not a DOI. */
export function normaliseDoi(doi: unknown): string | null {
  const value = clean(doi).replace(/^(?:doi:\s*|https?:\/\/(?:dx\.)?doi\.org\/)/i, '')
  return DOI.test(value) ? value : null
}

/** `https://doi.org/<doi>` with the DOI path-encoded, or null when it is not a DOI. */
export function doiUrl(doi: unknown): string | null {
  const value = normaliseDoi(doi)
  // encodeURI keeps the "/" separators DOIs contain but encodes quotes, spaces and angle brackets.
  return value === null ? null : `https://doi.org/${encodeURI(value).replace(/[#?]/g, encodeURIComponent)}`
}

export function pubmedUrl(pmid: unknown): string | null {
  const value = clean(pmid)
  return PMID.test(value) ? `https://pubmed.ncbi.nlm.nih.gov/${value}/` : null
}

/** Maps each citation `_key` to its 1-based number (its position in `citations[]`). */
export function citationNumbers(
  citations: ReadonlyArray<CitationShape | null | undefined> | null | undefined,
): Map<string, number> {
  const numbers = new Map<string, number>()
  ;(citations ?? []).forEach((citation, index) => {
    const key = citation?._key
    if (typeof key === 'string' && key !== '' && !numbers.has(key)) numbers.set(key, index + 1)
  })
  return numbers
}

/** The id of citation N's footnote (`cite-N`), the target of `<a href="#cite-N">`. */
export function footnoteId(n: number): string {
  return `cite-${n}`
}

/** The id of the first in-text reference to citation N, the target of the footnote's back link. */
export function footnoteRefId(n: number): string {
  return `cite-ref-${n}`
}

/**
 * A citation in Vancouver-like style as HTML:
 * `Gattie E, Cleland JA, Snodgrass S. Title. J Orthop Sports Phys Ther. 2017;47(3):133-149. doi:<a>…</a>`
 */
export function formatCitationHtml(citation: CitationShape): string {
  const parts: string[] = []
  const authors = (citation.authors ?? []).map(clean).filter((a) => a !== '')
  if (authors.length > 0) parts.push(`${escapeHtml(authors.join(', '))}.`)
  const title = clean(citation.title)
  if (title) parts.push(`<cite>${escapeHtml(title.replace(/\.$/, ''))}</cite>.`)
  const journal = clean(citation.journal)
  const year = clean(citation.year)
  const volume = clean(citation.volume)
  const issue = clean(citation.issue)
  const pages = clean(citation.pages)
  // year;volume(issue):pages
  let source = year
  if (volume) source += `${source ? ';' : ''}${volume}`
  if (issue) source += `(${issue})`
  if (pages) source += `${source ? ':' : ''}${pages}`
  if (journal && source) parts.push(`${escapeHtml(journal.replace(/\.$/, ''))}. ${escapeHtml(source)}.`)
  else if (journal) parts.push(`${escapeHtml(journal.replace(/\.$/, ''))}.`)
  else if (source) parts.push(`${escapeHtml(source)}.`)
  const doi = normaliseDoi(citation.doi)
  const doiHref = doiUrl(citation.doi)
  if (doi && doiHref)
    parts.push(`doi:<a href="${escapeHtml(doiHref)}" rel="noopener noreferrer">${escapeHtml(doi)}</a>`)
  const pubmed = pubmedUrl(citation.pmid)
  if (pubmed)
    parts.push(
      `PMID: <a href="${escapeHtml(pubmed)}" rel="noopener noreferrer">${escapeHtml(clean(citation.pmid))}</a>`,
    )
  const url = safeLinkUrl(citation.url)
  if (url && !doiHref && !pubmed)
    parts.push(`<a href="${escapeHtml(url)}" rel="noopener noreferrer">${escapeHtml(url)}</a>`)
  return parts.join(' ')
}

/**
 * The footnotes list: `<ol>` whose Nth item has id `cite-N` (what in-text `citationRef`s link to),
 * each with a back link to the first reference in the text when `referenced` says there is one.
 * Empty string when there are no citations.
 */
export function renderFootnotesHtml(
  citations: ReadonlyArray<CitationShape | null | undefined> | null | undefined,
  options: { heading?: string; referenced?: ReadonlySet<number> } = {},
): string {
  const list = citations ?? []
  if (list.length === 0) return ''
  const items = list
    .map((citation, index) => {
      const n = index + 1
      const body = citation ? formatCitationHtml(citation) : ''
      const back = options.referenced?.has(n)
        ? ` <a href="#${footnoteRefId(n)}" class="footnote-back" aria-label="Back to reference ${n} in the text">↩</a>`
        : ''
      return `<li id="${footnoteId(n)}">${body}${back}</li>`
    })
    .join('')
  const heading = escapeHtml(options.heading ?? 'References')
  return `<section class="footnotes" aria-labelledby="footnotes-heading"><h2 id="footnotes-heading">${heading}</h2><ol>${items}</ol></section>`
}
