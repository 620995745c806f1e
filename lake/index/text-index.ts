/**
 * A token index of one view over one text expression (the left side of `match`, e.g.
 * `[title, excerpt]` or `pt::text(body)`): lower-cased token -> entries whose text has it. The
 * text of each document is computed by groq-js itself (`evaluateSync` with the document as `@`),
 * then cut into tokens exactly as `match` cuts it (values.ts).
 */
import {evaluateSync, type ExprNode} from 'groq-js'
import {insertSorted, removeSorted, unionSorted, type ViewEntry} from './entry-list.js'
import {matchTokens, textParts} from './values.js'

export class TextIndex {
  private readonly postings = new Map<string, ViewEntry[]>()
  private sortedTokens: string[] | null = null
  readonly expr: ExprNode

  constructor(expr: ExprNode, entries: Iterable<ViewEntry>) {
    this.expr = expr
    for (const entry of entries) this.add(entry)
  }

  /** The distinct lower-cased tokens groq-js `match` would see in the expression's value for `doc`. */
  private tokens(doc: unknown): string[] {
    const value = evaluateSync(this.expr, {root: doc}).data
    const out = new Set<string>()
    for (const part of textParts(value)) for (const token of matchTokens(part)) out.add(token.toLowerCase())
    return [...out]
  }

  add(entry: ViewEntry): void {
    for (const token of this.tokens(entry.doc)) {
      let list = this.postings.get(token)
      if (!list) {
        this.postings.set(token, (list = []))
        this.sortedTokens = null
      }
      insertSorted(list, entry)
    }
  }

  /**
   * Nothing is kept per entry (the tokens of every body would double the index): the tokens are
   * those of the entry's document again, which the store never modifies in place.
   */
  remove(entry: ViewEntry): void {
    for (const token of this.tokens(entry.doc)) {
      const list = this.postings.get(token)
      if (!list) continue
      removeSorted(list, entry)
      if (list.length === 0) {
        this.postings.delete(token)
        this.sortedTokens = null
      }
    }
  }

  /** Entries having the token (lower-cased). */
  exact(token: string): readonly ViewEntry[] {
    return this.postings.get(token) ?? []
  }

  /** Entries having a token that starts with `prefix` (lower-cased). */
  prefix(prefix: string): readonly ViewEntry[] {
    if (!this.sortedTokens) this.sortedTokens = [...this.postings.keys()].sort()
    const tokens = this.sortedTokens
    let lo = 0
    let hi = tokens.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((tokens[mid] as string) < prefix) lo = mid + 1
      else hi = mid
    }
    const lists: ViewEntry[][] = []
    for (let i = lo; i < tokens.length && (tokens[i] as string).startsWith(prefix); i++) {
      const list = this.postings.get(tokens[i] as string)
      if (list) lists.push(list)
    }
    return unionSorted(lists)
  }
}
