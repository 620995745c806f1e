// Articles: one by slug (everything resolved) and cursor-paginated lists.
import type { SanityClient } from '@sanity/client'
import { runQuery, type QueryResult } from '../client.js'
import { ARTICLE_BY_SLUG_QUERY, ARTICLE_LIST_QUERY } from '../queries.js'
import { found, InvalidInputError, notFound, optionalSlug, requireSlug, type Lookup } from './result.js'

export type Article = NonNullable<QueryResult<typeof ARTICLE_BY_SLUG_QUERY>>
export type ArticleSummary = QueryResult<typeof ARTICLE_LIST_QUERY>[number]

/** An article with its author, reviewer, conditions, treatments, FAQs, care and citations. */
export async function getArticleBySlug(client: SanityClient, slug: string): Promise<Lookup<Article>> {
  requireSlug('slug', slug)
  const article = await runQuery(client, ARTICLE_BY_SLUG_QUERY, { slug }, 'article-by-slug')
  return article ? found(article) : notFound('article', slug)
}

export const DEFAULT_PAGE_SIZE = 10
export const MAX_PAGE_SIZE = 50

export interface ArticleListOptions {
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
  return Buffer.from(JSON.stringify([position.publishedAt, position.id]), 'utf8').toString('base64url')
}

export function decodeCursor(cursor: string): CursorPosition {
  const invalid = () =>
    new InvalidInputError(
      'cursor',
      `"${cursor.slice(0, 80)}" is not a cursor this API issued`,
      'Pass the nextCursor of the previous page unchanged, or leave cursor out for the first page',
    )
  if (!/^[A-Za-z0-9_-]{1,700}$/.test(cursor)) throw invalid()
  let decoded: unknown
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw invalid()
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 2 ||
    typeof decoded[0] !== 'string' ||
    typeof decoded[1] !== 'string' ||
    Number.isNaN(Date.parse(decoded[0])) ||
    decoded[1].length === 0
  ) {
    throw invalid()
  }
  return { publishedAt: decoded[0], id: decoded[1] }
}

function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new InvalidInputError('limit', `${String(limit)} is not a page size`, `Use a whole number from 1 to ${MAX_PAGE_SIZE}`)
  }
  return limit
}

/**
 * A page of published articles, newest first, optionally only those of a category, condition or
 * treatment (slugs). Order is (publishedAt, _id) descending, so pages never overlap or skip even
 * when articles share a publication time; a cursor stays valid while content changes.
 */
export async function listArticles(client: SanityClient, options: ArticleListOptions = {}): Promise<ArticlePage> {
  const limit = pageSize(options.limit)
  const after = options.cursor ? decodeCursor(options.cursor) : null
  const params = {
    category: optionalSlug('category', options.category),
    condition: optionalSlug('condition', options.condition),
    treatment: optionalSlug('treatment', options.treatment),
    afterPublishedAt: after?.publishedAt ?? null,
    afterId: after?.id ?? null,
    limit: limit + 1,
  }
  const rows = await runQuery(client, ARTICLE_LIST_QUERY, params, 'article-list')
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  const nextCursor =
    rows.length > limit && last && last.publishedAt ? encodeCursor({ publishedAt: last.publishedAt, id: last._id }) : null
  return { items, nextCursor }
}
