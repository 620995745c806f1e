/**
 * `match` filters and `score()` answered from the text indexes (lake/indexes/text-index.ts) with the
 * exact values groq-js 1.x gives. What groq-js does (read in groq-js 1.30, dist/_chunks-es
 * shared.mjs and evaluator.mjs):
 *
 * - Text side: `gatherText` takes a string, or the string elements of an array (other elements
 *   are skipped); each string is tokenised by `matchTokenize`: runs of dots next to a word
 *   boundary removed (`/(\b\.+|\.+\b)/g`), then the runs of characters other than
 *   `!@#$%^&*(),\/?";:{}|[]+<>`, `-` and whitespace. Tokens are counted with repetitions.
 *   `[title, excerpt, pt::text(body)]` is an array of three values: each that is a string
 *   contributes its tokens (an element whose value is an array contributes nothing).
 * - Pattern side: a string, or an array of strings (any other value, or an array holding a
 *   non-string, matches nothing and scores 0); each string is cut the same way except that `*`
 *   stays in terms. Each term becomes `new RegExp('^' + term.slice(0, 1024) with every '*' as
 *   '.*' + '$', 'i')`: NOT escaped, but a term can only hold `.` and `*` of the regex syntax, so
 *   `.` matches any one UTF-16 unit and case is folded by the `i` flag without `u`
 *   (values.ts `termRegex`, `tokenKey`).
 * - `text match pattern` (a filter): false when there is no token or no term, else true when
 *   every term's regex matches at least one token.
 * - The score of `text match pattern`: 0 when the pattern is not strings, there is no token or no
 *   term; else, starting from 0 and in term order, `score += freq * (1.2 + 1) / (freq + 1.2)`
 *   where `freq` is the number of tokens (with repetitions) the term's regex matches (k = 1.2).
 *   A term matching nothing adds 0 * 2.2 / 1.2 = 0.
 * - `boost(e, v)`: `inner + v` when `v` evaluates to a number and the score of `e` is > 0, else 0.
 *   (Score arguments that are `||`/`&&` or other expressions are not answered here.)
 * - `score(a, b, ...)` over an array: elements that are not objects are dropped; each object's
 *   `_score` starts at its own `_score` when that is a number, else 0, and each argument's score
 *   is added in order (`valueScore += argScore`); the element becomes `{...doc, _score}`
 *   (Object.assign) and the array is sorted by `b._score - a._score` (stable: equal scores keep
 *   the filter's order, which is the view's). A document nothing matched has `_score` 0 (or its
 *   own `_score`), and is still in the result if the filter kept it.
 *
 * Here the same additions are made in the same order on the same integers, so `_score` is the
 * same float. Documents whose counts an index cannot prove (values.ts/text-index.ts `unproven`:
 * an array value inside an array literal, a token repeated more than 65,535 times) are evaluated
 * by groq-js one by one.
 */
import type { ExprNode } from 'groq-js'
import { intersectSorted, sortByPos, unionSorted, type ViewEntry } from '../../indexes/entry-list.js'
import type { TextIndex, TermFrequencies } from '../../indexes/text-index.js'
import type { View } from '../../indexes/view.js'
import { patternTerms, termKeyPrefix, termRegex } from '../../indexes/values.js'
import { isConstant, isTextExpr } from './analyze.js'

type AnyNode = { type: string; [key: string]: unknown }

const BM25_K = 1.2

/** One expression a text index is kept for, and whether it is an element of an array literal. */
interface Field {
  expr: ExprNode
  key: string
  asArrayElement: boolean
}

/** `left match pattern` with a constant pattern: the fields of `left` and the pattern's terms. */
export interface MatchCondition {
  fields: Field[]
  /** undefined: the pattern is not strings (nothing matches, score 0). */
  terms: string[] | undefined
}

/** A `score()` argument: `text match pattern`, or `boost(arg, value)`. */
export type ScoreArg = { k: 'match'; match: MatchCondition } | { k: 'boost'; inner: ScoreArg; boost: unknown }

/**
 * The fields of a `match`'s text side: the elements of an array literal (each its own index), or
 * the expression itself; undefined when it is not an expression of the element alone.
 */
function fieldsOf(left: ExprNode): Field[] | undefined {
  const n = left as unknown as AnyNode
  if (n.type === 'Array') {
    const elements = n.elements as AnyNode[]
    if (
      elements.length > 0 &&
      elements.every((e) => e.type === 'ArrayElement' && e.isSplat === false && isTextExpr(e.value as ExprNode))
    ) {
      return elements.map((e) => ({ expr: e.value as ExprNode, key: JSON.stringify(e.value), asArrayElement: true }))
    }
  }
  if (!isTextExpr(left)) return undefined
  return [{ expr: left, key: JSON.stringify(left), asArrayElement: false }]
}

/** `left match right` with a constant right side and a text side the indexes can hold. */
export function matchCondition(n: ExprNode, evalConstant: (n: ExprNode) => unknown): MatchCondition | undefined {
  const m = n as unknown as AnyNode
  if (m.type !== 'OpCall' || m.op !== 'match') return undefined
  const right = m.right as ExprNode
  if (!isConstant(right)) return undefined
  let pattern: unknown
  try {
    pattern = evalConstant(right)
  } catch {
    return undefined
  }
  return matchFor(m.left as ExprNode, pattern)
}

/** `left match pattern` for a constant pattern value; undefined when `left` cannot be indexed. */
export function matchFor(left: ExprNode, pattern: unknown): MatchCondition | undefined {
  const fields = fieldsOf(left)
  return fields && { fields, terms: patternTerms(pattern) }
}

/** A `score()` argument this module can compute, or undefined. */
export function scoreArg(n: ExprNode, evalConstant: (n: ExprNode) => unknown): ScoreArg | undefined {
  const a = n as unknown as AnyNode
  if (a.type === 'FuncCall' && a.namespace === 'global' && a.name === 'boost') {
    const [inner, boost] = a.args as ExprNode[]
    if (!inner || !boost || !isConstant(boost)) return undefined
    const innerArg = scoreArg(inner, evalConstant)
    if (!innerArg) return undefined
    let value: unknown
    try {
      value = evalConstant(boost)
    } catch {
      return undefined
    }
    return { k: 'boost', inner: innerArg, boost: value }
  }
  const match = matchCondition(n, evalConstant)
  return match && { k: 'match', match }
}

/**
 * Frequencies of terms in the view's text indexes for one query, each (field, term) looked up
 * once. `undefined` from `index()` when an index cannot be built (groq-js cannot evaluate the
 * expression synchronously for some document).
 */
export class TextLookups {
  private readonly view: View
  private readonly regexes = new Map<string, { regex: RegExp; prefix: string }>()
  private readonly freqs = new Map<string, TermFrequencies>()

  constructor(view: View) {
    this.view = view
  }

  index(field: Field): TextIndex | undefined {
    return this.view.text(field.key, field.expr)
  }

  /** The entries with a token of the field the term matches, and how many such tokens each has. */
  frequencies(field: Field, term: string): TermFrequencies {
    const cacheKey = `${field.key}\u0000${term}`
    let found = this.freqs.get(cacheKey)
    if (!found) {
      let compiled = this.regexes.get(term)
      if (!compiled) this.regexes.set(term, (compiled = { regex: termRegex(term), prefix: termKeyPrefix(term) }))
      found = (this.index(field) as TextIndex).frequencies(compiled.regex, compiled.prefix)
      this.freqs.set(cacheKey, found)
    }
    return found
  }

  /** Whether every field's index exists. */
  available(fields: readonly Field[]): boolean {
    return fields.every((f) => this.index(f) !== undefined)
  }

  /**
   * A position-sorted superset of the entries `match` can keep (for narrowing a filter that
   * groq-js then evaluates): for every term, an entry with a matching token in some field.
   */
  candidates(match: MatchCondition): readonly ViewEntry[] | undefined {
    if (!this.available(match.fields)) return undefined
    const terms = match.terms
    if (!terms || terms.length === 0) return []
    const perTerm = terms.map((term) =>
      unionSorted(match.fields.map((f) => sortByPos([...this.frequencies(f, term).entries]))),
    )
    perTerm.sort((a, b) => a.length - b.length)
    return intersectSorted(perTerm[0] as readonly ViewEntry[], perTerm.slice(1))
  }

  /**
   * Whether an entry with a token in one of `fields` may have a number as its own `_score` (which
   * score() adds to); false when none of their indexes holds such a document.
   */
  ownScores(fields: readonly Field[]): boolean {
    return fields.some((f) => (this.index(f) as TextIndex).hasOwnScores())
  }

  /** Entries some field's index cannot answer exactly for this condition (groq-js decides them). */
  unproven(fields: readonly Field[]): ViewEntry[] {
    return fields.flatMap((f) => (this.index(f) as TextIndex).unproven(f.asArrayElement))
  }

  /**
   * What scoring reads, over a list of entries: the entries with a token matching `first`'s first
   * term in some field (every entry that match can keep is among them; none when it has no term),
   * or `all` when there is no match condition. Unordered.
   */
  scoring(first: MatchCondition | undefined, all: readonly ViewEntry[]): Scoring {
    if (!first) return new Scoring(this, all, undefined)
    const term = first.terms?.[0]
    const entries: ViewEntry[] = []
    const at = new Map<ViewEntry, number>()
    if (term !== undefined) {
      for (const f of first.fields) {
        for (const e of this.frequencies(f, term).entries) {
          if (at.has(e)) continue
          at.set(e, entries.length)
          entries.push(e)
        }
      }
    }
    return new Scoring(this, entries, at)
  }
}

/**
 * Frequencies as columns over a fixed list of entries (entry i's count in column[i]), so deciding
 * and scoring a document reads arrays, not maps.
 */
export class Scoring {
  readonly entries: readonly ViewEntry[]
  private readonly lookups: TextLookups
  private at: Map<ViewEntry, number> | undefined
  private readonly columns = new Map<string, Int32Array>()
  private readonly perTerm = new Map<MatchCondition, Int32Array[][]>()

  constructor(lookups: TextLookups, entries: readonly ViewEntry[], at: Map<ViewEntry, number> | undefined) {
    this.lookups = lookups
    this.entries = entries
    this.at = at
  }

  private column(field: Field, term: string): Int32Array {
    const key = `${field.key}\u0000${term}`
    let col = this.columns.get(key)
    if (!col) {
      if (!this.at) this.at = new Map(this.entries.map((e, i) => [e, i]))
      const at = this.at
      col = new Int32Array(this.entries.length)
      const { entries, counts } = this.lookups.frequencies(field, term)
      for (let k = 0; k < entries.length; k++) {
        const i = at.get(entries[k] as ViewEntry)
        if (i !== undefined) col[i] = counts[k] as number
      }
      this.columns.set(key, col)
    }
    return col
  }

  /** Each term's columns, one per field. */
  private termColumns(match: MatchCondition): Int32Array[][] {
    let found = this.perTerm.get(match)
    if (!found)
      this.perTerm.set(
        match,
        (found = (match.terms ?? []).map((term) => match.fields.map((f) => this.column(f, term)))),
      )
    return found
  }

  /** Exactly groq-js's `match` for entry i (not unproven). */
  passes(match: MatchCondition, i: number): boolean {
    const perTerm = this.termColumns(match)
    if (perTerm.length === 0) return false
    for (const cols of perTerm) {
      let any = false
      for (const col of cols) if ((col[i] as number) > 0) any = true
      if (!any) return false
    }
    return true
  }

  /** Exactly groq-js's score of a `score()` argument for entry i (not unproven). */
  score(arg: ScoreArg, i: number): number {
    if (arg.k === 'boost') {
      const inner = this.score(arg.inner, i)
      return typeof arg.boost === 'number' && inner > 0 ? inner + arg.boost : 0
    }
    // An array literal's tokens are those of its (string) elements: a term's count is their sum.
    let score = 0
    for (const cols of this.termColumns(arg.match)) {
      let freq = 0
      for (const col of cols) freq += col[i] as number
      // groq-js: `score += freq * (BM25k + 1) / (freq + BM25k)`, the same operations in the same order.
      score += (freq * (BM25_K + 1)) / (freq + BM25_K)
    }
    return score
  }
}

/** Every field a score argument reads. */
export function argFields(arg: ScoreArg): Field[] {
  return arg.k === 'boost' ? argFields(arg.inner) : arg.match.fields
}
