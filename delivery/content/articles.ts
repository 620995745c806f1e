// Articles: one by slug (everything resolved) and cursor-paginated lists.
import type { SanityClient } from '@sanity/client'
import { runQuery, type QueryResult } from '../client.js'
import { ARTICLE_BY_SLUG_QUERY, ARTICLE_LIST_QUERY } from '../queries.js'
import { type LanguageOptions, languageParams } from './language.js'
import { readPage, type Translation, withoutTranslated } from './versions.js'
import { conformDocument, conformList } from './conform.js'
import { ARTICLE, ARTICLE_SUMMARY } from './shapes.js'
import { decodeTupleCursor, encodeTupleCursor, keysetPage, pageSizeOf } from './pagination.js'
import { found, notFound, optionalSlug, requireSlug, type Lookup } from './result.js'

/** An article page; `translations`: its published language versions (for `hreflang`). */
export type Article = NonNullable<QueryResult<typeof ARTICLE_BY_SLUG_QUERY>> & { translations: Translation[] }
export type ArticleSummary = QueryResult<typeof ARTICLE_LIST_QUERY>[number]

/** An article with its author, reviewer, conditions, treatments, FAQs, care and citations. */
export async function getArticleBySlug(
  client: SanityClient,
  slug: string,
  language?: LanguageOptions,
): Promise<Lookup<Article>> {
  requireSlug('slug', slug)
  const lang = languageParams(language)
  const article = await readPage(client, 'article', slug, lang, (versions) =>
    runQuery(client, ARTICLE_BY_SLUG_QUERY, { slug, ...lang, ...versions }, 'article-by-slug'),
  )
  const clean = article && {
    ...conformDocument(article, ARTICLE, 'article', 'article page'),
    translations: article.translations,
  }
  // A slug that is not a valid slug has no page (and no canonical URL): not found, as on the site.
  return clean?.slug ? found(clean) : notFound('article', slug)
}

export const DEFAULT_PAGE_SIZE = 10
export const MAX_PAGE_SIZE = 50

export interface ArticleListOptions extends LanguageOptions {
  /** Category slug. */
  category?: string | null
  /** Condition slug. */
  condition?: string | null
  /** Treatment slug. */
  treatment?: string | null
  /** Page size, 1..50 (default 10). */
  limit?: number
  /** `nextCursor` of the previous page; absent for the first page. */
  cursor?: string | null
}

export interface ArticlePage {
  items: ArticleSummary[]
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null
}

/** The position after an article in (publishedAt desc, _id desc) order. */
interface CursorPosition {
  publishedAt: string
  id: string
}

/** Cursors are opaque to callers: base64url of `[publishedAt, _id]` of the page's last item. */
export function encodeCursor(position: CursorPosition): string {
  return encodeTupleCursor([position.publishedAt, position.id])
}

export function decodeCursor(cursor: string): CursorPosition {
  const [publishedAt, id] = decodeTupleCursor(
    cursor,
    (parts) => parts.length === 2 && !Number.isNaN(Date.parse(parts[0])) && parts[1].length > 0,
  )
  return { publishedAt, id }
}

/**
 * A page of published articles, newest first, optionally only those of a category, condition or
 * treatment (slugs). Order is (publishedAt, _id) descending, so pages never overlap or skip even
 * when articles share a publication time; a cursor stays valid while content changes.
 */
export async function listArticles(client: SanityClient, options: ArticleListOptions = {}): Promise<ArticlePage> {
  const limit = pageSizeOf(options.limit, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
  const after = options.cursor ? decodeCursor(options.cursor) : null
  const language = languageParams(options)
  const params = {
    category: optionalSlug('category', options.category),
    condition: optionalSlug('condition', options.condition),
    treatment: optionalSlug('treatment', options.treatment),
    afterPublishedAt: after?.publishedAt ?? null,
    afterId: after?.id ?? null,
    limit: limit + 1,
    ...language,
  }
  const rows = await runQuery(client, ARTICLE_LIST_QUERY, params, 'article-list')
  // The cursor is the last row read, valid or not, so a skipped document never repeats or hides a page
  // (nor does an English row left out because its translation stands in, with `fallback`).
  const page = keysetPage(rows, limit, (last) =>
    typeof last.publishedAt === 'string' ? encodeCursor({ publishedAt: last.publishedAt, id: last._id }) : null,
  )
  const items = await withoutTranslated(client, page.items, language)
  return { items: conformList(items, ARTICLE_SUMMARY, 'article', 'article list'), nextCursor: page.nextCursor }
}
