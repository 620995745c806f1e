// Keyset pagination shared by the name-ordered lists (conditions, treatments): a page is the items
// after the previous page's last (name, _id) in (name asc, _id asc) order, so pages never overlap or
// skip when names repeat, and a cursor stays valid while content changes. Articles have their own
// (publishedAt, _id) cursor in articles.ts.
import type { LanguageOptions } from './language.js'
import { InvalidInputError } from './result.js'
import { stegaClean } from '@sanity/client/stega'

/** A page of a keyset-paginated list. */
export interface Page<T> {
  items: T[]
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null
}

export interface PageOptions extends LanguageOptions {
  /** Page size (default and maximum depend on the list). */
  limit?: number
  /** `nextCursor` of the previous page; absent for the first page. */
  cursor?: string | null
}

/** The position after an item in (name asc, _id asc) order. */
export interface NamePosition {
  name: string
  id: string
}

/**
 * Cursors are opaque to callers: base64url of a JSON array of strings (the page's last item's sort
 * keys). Every list's cursor goes through these two functions, so a bad one always gets the same
 * error; `valid` checks the decoded tuple's shape for one list.
 */
export function encodeTupleCursor(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url')
}

export function decodeTupleCursor(cursor: string, valid: (parts: string[]) => boolean): string[] {
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
  if (!Array.isArray(decoded) || !decoded.every((part) => typeof part === 'string') || !valid(decoded)) throw invalid()
  return decoded
}

/**
 * A name-ordered list's cursor: `["n", name, _id]` of the page's last item. The name as the lake
 * compares it: a preview read (delivery/http/preview-page.ts) hands names with stega appended.
 */
export function encodeNameCursor(position: NamePosition): string {
  return encodeTupleCursor(['n', stegaClean(position.name), position.id])
}

export function decodeNameCursor(cursor: string): NamePosition {
  const [, name, id] = decodeTupleCursor(
    cursor,
    (parts) => parts.length === 3 && parts[0] === 'n' && parts[2].length > 0,
  )
  return { name, id }
}

/** Checks a page size: undefined -> `fallback`; otherwise a whole number 1..max. */
export function pageSizeOf(limit: number | undefined, fallback: number, max: number): number {
  if (limit === undefined) return fallback
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new InvalidInputError('limit', `${String(limit)} is not a page size`, `Use a whole number from 1 to ${max}`)
  }
  return limit
}

/**
 * One page of a keyset query that read `limit + 1` rows (the extra row only says whether there is a
 * next page): the first `limit` rows and the cursor of the last of them (null on the last page, or
 * when `cursorOf` finds no key in that row).
 */
export function keysetPage<T>(rows: T[], limit: number, cursorOf: (last: T) => string | null): Page<T> {
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  return { items, nextCursor: rows.length > limit && last ? cursorOf(last) : null }
}

/**
 * Runs a name-ordered keyset query for one page: asks for one item more than the page size (that
 * item only says whether there is a next page) and builds the next cursor from the last item kept.
 */
export async function nameOrderedPage<T extends { _id: string; name: string | null }>(
  options: PageOptions,
  sizes: { fallback: number; max: number },
  run: (params: { afterName: string | null; afterId: string | null; limit: number }) => Promise<T[]>,
): Promise<Page<T>> {
  const limit = pageSizeOf(options.limit, sizes.fallback, sizes.max)
  const after = options.cursor ? decodeNameCursor(options.cursor) : null
  const rows = await run({ afterName: after?.name ?? null, afterId: after?.id ?? null, limit: limit + 1 })
  return keysetPage(rows, limit, (last) =>
    typeof last.name === 'string' ? encodeNameCursor({ name: last.name, id: last._id }) : null,
  )
}
