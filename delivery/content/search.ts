// Full-text search over article titles, excerpts and bodies (GROQ `match` + `score`).
import type { SanityClient } from '@sanity/client'
import { runQuery, type QueryResult } from '../client.js'
import { ARTICLE_SEARCH_QUERY } from '../queries.js'
import { type LanguageOptions, languageParams } from './language.js'
import { withoutTranslated } from './versions.js'
import { conformList } from './conform.js'
import { InvalidInputError } from './result.js'
import { SEARCH_HIT } from './shapes.js'

export type SearchHit = QueryResult<typeof ARTICLE_SEARCH_QUERY>[number]

export const MAX_SEARCH_TERMS = 8
export const MAX_SEARCH_RESULTS = 50

/**
 * Splits what a person typed into the words GROQ `match` gets: letters and digits only (so no
 * user text can act as a wildcard or operator), lowercased, each with a trailing `*` so "needl"
 * finds "needling". Every word must occur in the title, excerpt or body.
 */
export function searchTerms(text: string): string[] {
  const words = String(text)
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
  const unique = [...new Set(words)]
  return unique.slice(0, MAX_SEARCH_TERMS).map((w) => `${w}*`)
}

/** Articles matching every word of `q`, best first (title hits weigh most). */
export async function searchArticles(
  client: SanityClient,
  options: { q: string; limit?: number } & LanguageOptions,
): Promise<SearchHit[]> {
  const terms = searchTerms(options.q ?? '')
  if (terms.length === 0) {
    throw new InvalidInputError(
      'q',
      'has no words to search for',
      'Type at least one word (letters or digits), e.g. "dry needling"',
    )
  }
  const limit = options.limit ?? 20
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_RESULTS) {
    throw new InvalidInputError(
      'limit',
      `${String(limit)} is not a result count`,
      `Use a whole number from 1 to ${MAX_SEARCH_RESULTS}`,
    )
  }
  const language = languageParams(options)
  const hits = await runQuery(client, ARTICLE_SEARCH_QUERY, { terms, limit, ...language }, 'article-search')
  return conformList(await withoutTranslated(client, hits, language), SEARCH_HIT, 'article', 'search results')
}
