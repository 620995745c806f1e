/**
 * Rewriting a parsed query so that groq-js evaluates each `*[filter]` over the documents an index
 * proves can pass the filter, instead of over the whole view. The filter itself is always kept and
 * re-evaluated by groq-js (except where the index answer is exact), candidates keep dataset order,
 * so results are the same as plain groq-js over the view.
 *
 * Three ways a `*` is narrowed:
 * - constant lookup keys (`_type == "x"`, `slug.current == $slug`...): the candidates are computed
 *   before evaluation and put in the tree as a literal array;
 * - keys from the enclosing document (`references(^._id)`, `_id in ^.refs[]._ref`): the `*` becomes
 *   `coalesce(<marker reference>->, *)`; groq-js evaluates the key expressions in the filter's
 *   scope, and our `dereference` hook decodes the marker and answers with the candidates (when the
 *   keys are not strings the marker is null and the `coalesce` falls back to the full `*`);
 * - `order(path ...)[a...b]` over a large candidate set: the ordered index is walked from the
 *   right end (within the key range the filter allows, skipping non-candidates), the filter
 *   evaluated on whole groups of equal keys until `b` documents passed; only those groups' passing
 *   documents can be in the slice, and groups wholly before `a` are dropped (the slice moved).
 * Before any of this, constant parts of a filter are folded (`$x == null || ...`), and conditions
 * made only of `&&`, `||`, `!`, `defined()` and comparisons with constants are decided natively
 * (native.ts) instead of by groq-js. Real `->` dereferences are answered from the view's id index
 * through the same hook. Planning and evaluating the rewritten tree (groq-js's synchronous
 * evaluator, evaluateTreeSync) are one synchronous piece of work, so a query budget can time them as
 * one; when the synchronous evaluator cannot answer, planner/index.ts evaluates the original query
 * with plain groq-js instead.
 */
import { randomBytes } from 'node:crypto'
import { evaluate, evaluateSync, type DereferenceFunction, type ExprNode } from 'groq-js'
import { hasSorted, intersectSorted, sortByPos, unionSorted, type ViewEntry } from '../../indexes/entry-list.js'
import type { View } from '../../indexes/view.js'
import type { KeyRange } from '../../indexes/ordered-index.js'
import { ORDER_BOOLEAN, ORDER_NUMBER, ORDER_STRING } from '../../indexes/values.js'
import type { LakeDocument } from '../../store/types.js'
import { IndexNeeded, NeedsAsyncEvaluation } from '../evaluate.js'
import { derefSlugKeys, QueryReads, restrictionOf, staticKeys, type KeysOf, type TagKey } from '../sync-tags.js'
import { compileConjuncts, read, Undecidable } from './native.js'
import { materializedCount, materializedSlice } from './materialized.js'
import { compileOrder, compileOrderOf, compileProjectionNode, elementAt, sliceArray } from './native-tail.js'
import {
  argFields,
  matchCondition,
  matchFor,
  scoreArg,
  TextLookups,
  type MatchCondition,
  type ScoreArg,
} from './text-score.js'
import {
  childNodes,
  contains,
  elementPath,
  foldCondition,
  NotConstant,
  pathRange,
  requiresDefined,
  runtimeKeys,
  specOf,
  type Spec,
} from './analyze.js'

export interface EvalOptions {
  params: Record<string, unknown>
  timestamp: Date
  identity?: string
  sanity?: { projectId: string; dataset: string }
}

/** What a planned evaluation did, for `explain` and tests. */
export interface PlanNote {
  at: string
  how: string
  candidates?: number
}

type Resolved = { all: true; exact: boolean } | { all: false; entries: readonly ViewEntry[]; exact: boolean }

// Markers that carry runtime keys through groq-js to the dereference hook. The nonce makes them
// impossible to produce from stored data (document ids cannot hold control characters either).
const NONCE = randomBytes(8).toString('hex')
const PREFIX = `\u0000planner:${NONCE}:`
const SEP = `\u0001${NONCE}\u0001`
const SEP2 = `\u0002${NONCE}\u0002`
/** The fallback of a runtime lookup whose keys are not strings: every document (recorded as coarse). */
const ALL_MARKER = `${PREFIX}all`

/** Above this many constant candidates (and twice the slice's end) an ordered slice walks the ordered index. */
const SMALL_CANDIDATE_SET = 64

const RANGE_CLASS = { string: ORDER_STRING, number: ORDER_NUMBER, boolean: ORDER_BOOLEAN } as const

/** The groups' entries that are candidates (groups left empty are skipped). */
function* onlyAmong(groups: Iterator<ViewEntry[]>, candidates: readonly ViewEntry[]): Generator<ViewEntry[]> {
  for (let g = groups.next(); !g.done; g = groups.next()) {
    const kept = g.value.filter((e) => hasSorted(candidates, e))
    if (kept.length) yield kept
  }
}

type AnyNode = { type: string; [key: string]: unknown }

const node = <T extends ExprNode>(n: Record<string, unknown>): T => n as unknown as T
const value = (v: unknown): ExprNode => node({ type: 'Value', value: v })

export class QueryPlanner {
  readonly notes: PlanNote[] = []
  /** What the evaluation read, for the query's sync tags (sync-tags.ts). */
  readonly reads = new QueryReads()
  private readonly plans: Spec[] = []
  private readonly memo = new Map<string, readonly LakeDocument[] | null>()
  private readonly view: View
  private readonly opts: EvalOptions

  constructor(view: View, opts: EvalOptions) {
    this.view = view
    this.opts = opts
  }

  /** Options for every groq-js evaluation of this query (same clock, same hook). */
  evaluateOptions(): Parameters<typeof evaluate>[1] {
    return {
      dataset: this.view.documents(),
      params: this.opts.params,
      timestamp: this.opts.timestamp,
      identity: this.opts.identity,
      sanity: this.opts.sanity,
      // groq-js types the hook as returning one document; a runtime marker returns the candidate
      // array, which groq-js wraps with fromJS like any value.
      dereference: (({ _ref }: { _ref: string }) => this.dereference(_ref)) as unknown as DereferenceFunction,
    }
  }

  private dereference(ref: string): LakeDocument | readonly LakeDocument[] | null {
    if (!ref.startsWith(PREFIX)) {
      this.reads.derefs.add(ref)
      return this.view.get(ref)?.doc ?? null
    }
    if (ref === ALL_MARKER) {
      this.reads.coarse = true
      return this.view.documents()
    }
    if (this.memo.has(ref)) return this.memo.get(ref) ?? null
    const [head, ...slots] = ref.slice(PREFIX.length).split(SEP)
    const spec = this.plans[Number(head)]
    if (!spec) throw new Error('query planner: unknown runtime plan (internal error)')
    const values = slots.map((s) => (s.startsWith('s') ? [s.slice(1)] : s.slice(1).split(SEP2)))
    this.recordRuntimeRead(spec, values)
    const cursor = { i: 0 }
    const resolved = this.resolve(spec, values, cursor)
    const docs = resolved.all ? this.view.documents() : resolved.entries.map((e) => e.doc)
    this.memo.set(ref, docs)
    return docs
  }

  /**
   * The restriction of a filter resolved with keys of the enclosing document, for the sync tags:
   * every document it keeps has one of these ids, slugs, references or types.
   */
  private recordRuntimeRead(spec: Spec, values: string[][]): void {
    const byLookup = new Map<Spec, string[]>()
    let i = 0
    // The same order as runtimeKeys(), in which the values were encoded.
    const walk = (s: Spec): void => {
      if (s.k === 'lookup' && s.key.kind === 'runtime') byLookup.set(s, values[i++] ?? [])
      if (s.k === 'and' || s.k === 'or') for (const p of s.parts) walk(p)
    }
    walk(spec)
    const keysOf: KeysOf = (l) => (l.key.kind === 'runtime' ? byLookup.get(l) : staticKeys(l))
    const restricted = restrictionOf(spec, keysOf)
    const extras = new Set<TagKey>()
    if (!restricted || !derefSlugKeys(spec, keysOf, extras)) {
      this.reads.coarse = true
      return
    }
    for (const k of restricted) this.reads.keys.add(k)
    for (const k of extras) this.reads.keys.add(k)
  }

  /** groq-js's value of a constant expression (parameters are literals after parsing). */
  private evalConstant = (n: ExprNode): unknown => {
    try {
      return evaluateSync(n, {
        params: this.opts.params,
        timestamp: this.opts.timestamp,
        identity: this.opts.identity,
        sanity: this.opts.sanity,
      }).data
    } catch {
      throw new NotConstant()
    }
  }

  private strings(v: unknown): string[] | undefined {
    if (typeof v === 'string') return [v]
    if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string')
    return undefined
  }

  /** Candidates of a spec; `runtime` holds the decoded runtime keys in `runtimeKeys` order. */
  private resolve(spec: Spec, runtime: string[][], cursor: { i: number }): Resolved {
    const view = this.view
    switch (spec.k) {
      case 'all':
        return { all: true, exact: spec.exact }
      case 'none':
        return { all: false, entries: [], exact: true }
      case 'eq': {
        const index = view.ordered(spec.path)
        if (!index) return { all: true, exact: false }
        return { all: false, entries: index.equal(spec.value), exact: true }
      }
      case 'member': {
        const index = view.members(spec.path)
        if (!index) return { all: true, exact: false }
        return { all: false, entries: index.holding(spec.value), exact: false }
      }
      case 'lookup': {
        const keys = spec.key.kind === 'static' ? this.strings(spec.key.value) : runtime[cursor.i++]
        if (!keys) return { all: true, exact: false }
        // `slug.current in [42]` can match a number: only all-string lists narrow a slug lookup
        // (`_type` and `_id` are always strings; references() ignores non-strings).
        if (
          spec.key.kind === 'static' &&
          spec.index === 'slug' &&
          Array.isArray(spec.key.value) &&
          keys.length !== spec.key.value.length
        ) {
          return { all: true, exact: false }
        }
        let entries: readonly ViewEntry[]
        switch (spec.index) {
          case 'type':
            entries = unionSorted(keys.map((k) => view.ofType(k)))
            break
          case 'slug':
            entries = unionSorted(keys.map((k) => view.withSlug(k)))
            break
          case 'ref':
            entries = unionSorted(keys.map((k) => view.referencing(k)))
            break
          case 'id': {
            const found = new Set<ViewEntry>()
            for (const k of keys) {
              const e = view.get(k)
              if (e) found.add(e)
            }
            entries = sortByPos([...found])
            break
          }
          case 'derefSlug':
            entries = unionSorted(keys.flatMap((k) => view.withSlug(k).map((target) => view.referencing(target.id))))
            break
        }
        return { all: false, entries, exact: spec.exact }
      }
      case 'text': {
        // The text side's indexes (one per element of an array literal), a superset: re-evaluated.
        const match = spec.key.kind === 'static' ? matchFor(spec.expr, spec.key.value) : undefined
        const entries = match && new TextLookups(view).candidates(match)
        if (!entries) return { all: true, exact: false }
        return { all: false, entries, exact: false }
      }
      case 'and': {
        const parts = spec.parts.map((p) => this.resolve(p, runtime, cursor))
        const narrowing = parts.filter((p): p is Extract<Resolved, { all: false }> => !p.all)
        const exact = parts.every((p) => p.exact)
        if (narrowing.length === 0) return { all: true, exact }
        narrowing.sort((a, b) => a.entries.length - b.entries.length)
        const smallest = narrowing[0] as Extract<Resolved, { all: false }>
        // A conjunct no document can pass: nothing passes, exactly.
        if (smallest.entries.length === 0) return { all: false, entries: [], exact: true }
        if (!exact) return { all: false, entries: smallest.entries, exact: false }
        return {
          all: false,
          entries: intersectSorted(
            smallest.entries,
            narrowing.slice(1).map((p) => p.entries),
          ),
          exact: true,
        }
      }
      case 'or': {
        const parts = spec.parts.map((p) => this.resolve(p, runtime, cursor))
        if (parts.some((p) => p.all)) return { all: true, exact: parts.some((p) => p.all && p.exact) }
        const lists = parts as Array<Extract<Resolved, { all: false }>>
        return { all: false, entries: unionSorted(lists.map((p) => p.entries)), exact: lists.every((p) => p.exact) }
      }
    }
  }

  /** Rewrites the whole tree. */
  rewrite(tree: ExprNode): ExprNode {
    return this.visit(tree as unknown as AnyNode, 'query') as unknown as ExprNode
  }

  private visit(n: AnyNode, at: string): AnyNode {
    if (n.type === 'Value') return n
    if (
      n.type === 'FuncCall' &&
      n.namespace === 'global' &&
      n.name === 'count' &&
      Array.isArray(n.args) &&
      n.args.length === 1
    ) {
      const counted = this.countShortcut(n.args[0] as AnyNode, at)
      if (counted) return counted
    }
    if ((n.type === 'Slice' || n.type === 'AccessElement') && isOrderOverFilter(n.base)) {
      const walked = this.orderedSlice(n, at)
      if (walked) return walked
    }
    if (
      n.type === 'Slice' &&
      isNode(n.base) &&
      n.base.type === 'PipeFuncCall' &&
      n.base.name === 'order' &&
      isScoreOverFilter(n.base.base)
    ) {
      const scored = this.scoredSlice(n, at)
      if (scored) return scored
    }
    if (isScoreOverFilter(n)) {
      const scored = this.scoreNatively(n, at, undefined)
      if (scored) return value(scored.items.map(scoredDocument)) as unknown as AnyNode
    }
    if (n.type === 'Filter' && isEverything(n.base)) return this.filter(n, at)
    if (n.type === 'Map' || n.type === 'Projection') return this.projection(n, at)
    if (n.type === 'PipeFuncCall' && n.name === 'order') return this.order(n, at)
    return this.visitChildren(n, at)
  }

  /** `X | order(paths)` over a planned literal: sorted natively (native-tail.ts), else as before. */
  private order(n: AnyNode, at: string): AnyNode {
    const sort = Array.isArray(n.args) ? compileOrder(n.args as ExprNode[]) : undefined
    if (!sort || !isNode(n.base)) return this.visitChildren(n, at)
    const base = this.visit(n.base, at)
    const literal = literalOf(base)
    if (literal) {
      try {
        const v = literal.value
        return value(Array.isArray(v) ? sort(v) : null) as unknown as AnyNode
      } catch (err) {
        if (!(err instanceof Undecidable)) throw err
      }
    }
    const args: AnyNode[] = []
    for (const a of n.args as AnyNode[]) args.push(this.visit(a, at))
    return { ...n, base, args }
  }

  /**
   * `X{...}` or `X[i]{...}`: when X is planned into a literal (an index answer) and the projection
   * is made of paths and constants, the projected value itself (native-tail.ts), else the usual
   * rewrite of both parts.
   */
  private projection(n: AnyNode, at: string): AnyNode {
    const compiled = compileProjectionNode(n as unknown as ExprNode, this.evalConstant)
    if (!compiled || !isNode(n.base) || !isNode(n.expr)) return this.visitChildren(n, at)
    const base = this.visit(n.base, at)
    const literal = literalOf(base)
    if (literal) {
      const v = literal.value
      try {
        let projected: unknown
        if (!compiled.each) projected = compiled.project(v)
        else projected = Array.isArray(v) ? v.map(compiled.project) : null
        this.notes.push({ at, how: 'projection evaluated natively', candidates: Array.isArray(v) ? v.length : 1 })
        return value(projected) as unknown as AnyNode
      } catch (err) {
        if (!(err instanceof Undecidable)) throw err
      }
    }
    return { ...n, base, expr: this.visit(n.expr, at) }
  }

  /**
   * `*[cond] | score(...) | order(_score desc, ...)[a...b]`: the scored documents computed natively,
   * and of them only those the slice can reach. When the order's keys are attribute paths the
   * slice itself is computed (the first b in the order, the rest of the filter tested only on
   * those that would enter them): a common word ties tens of thousands of documents on `_score`,
   * and ordering them all took groq-js seconds at 100k. Otherwise every document scoring at least
   * the b-th best is kept (ties on `_score` too) and groq-js orders and slices those.
   */
  private scoredSlice(n: AnyNode, at: string): AnyNode | undefined {
    const order = n.base as AnyNode
    const args = (order.args as AnyNode[]) ?? []
    const first = args[0]
    const byScore =
      first?.type === 'Desc' &&
      isNode(first.base) &&
      first.base.type === 'AccessAttribute' &&
      first.base.name === '_score' &&
      first.base.base === undefined
    const left = n.left
    const right = n.right
    const need =
      byScore && typeof left === 'number' && typeof right === 'number' && left >= 0 && right >= 0
        ? n.isInclusive
          ? right + 1
          : right
        : undefined
    const scored = this.scoreNatively(order.base as AnyNode, at, need, args as unknown as ExprNode[])
    if (!scored) return undefined
    if (scored.ordered) {
      const sliced = sliceArray(scored.items, left as number, right as number, n.isInclusive === true)
      return value(sliced.map(scoredDocument)) as unknown as AnyNode
    }
    const newArgs: AnyNode[] = []
    for (const a of args) newArgs.push(this.visit(a, at))
    const base = value(scored.items.map(scoredDocument)) as unknown as AnyNode
    return { ...n, base: { ...order, base, args: newArgs } }
  }

  /**
   * `*[cond] | score(args)` evaluated from the text indexes (text-score.ts): the documents of the
   * array groq-js's score() returns (sorted by score, stable; `scoredDocument` makes its elements),
   * or only those scoring at least the `need`-th best; or, given the slice's order (`orderArgs`)
   * and it compiles, the first `need` of that order (`ordered`). Undefined (groq-js evaluates it)
   * unless every score argument is a `match`/`boost()` the indexes answer exactly and the rest of
   * the filter reads only the document.
   */
  private scoreNatively(
    n: AnyNode,
    at: string,
    need: number | undefined,
    orderArgs?: readonly ExprNode[],
  ): { items: Scored[]; ordered: boolean } | undefined {
    const filterNode = n.base as AnyNode
    const original = filterNode.expr as ExprNode
    if (contains(original, new Set(['Parent']))) return undefined
    const args: ScoreArg[] = []
    for (const a of (n.args as ExprNode[]) ?? []) {
      const arg = scoreArg(a, this.evalConstant)
      if (!arg) return undefined
      args.push(arg)
    }
    if (args.length === 0) return undefined
    const cond = foldCondition(original, this.evalConstant)
    const matches: MatchCondition[] = []
    const rest: ExprNode[] = []
    for (const c of conjuncts(cond)) {
      const m = matchCondition(c, this.evalConstant)
      if (m) matches.push(m)
      else rest.push(c)
    }
    const lookups = new TextLookups(this.view)
    const fields = [...matches.flatMap((m) => m.fields), ...args.flatMap(argFields)]
    if (!lookups.available(fields)) return undefined

    // Documents the `match` conditions keep (exactly, except the unproven, left to groq-js), with
    // their scores; the unproven ones are filtered and scored by groq-js alone.
    // (Unordered: the sort below orders by score, then position.)
    const scoring = lookups.scoring(matches[0], this.view.entries())
    const entries = scoring.entries
    // Every candidate has a token of the first match's term in one of its fields (scoring() above),
    // so is in one of those indexes; without a match condition the candidates are all entries.
    const readDocuments = matches.length === 0 || lookups.ownScores(matches[0].fields)
    const unproven = new Set(lookups.unproven(fields))
    const scored: Scored[] = []
    let byGroq = 0
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as ViewEntry
      if (unproven.size > 0 && unproven.has(entry)) {
        byGroq++
        const tree = node<ExprNode>({ ...n, base: { ...filterNode, base: value([entry.doc]) } })
        const [one] = evaluateTreeSync(tree, this.evaluateOptions()) as Array<{ _score: number }>
        if (one) scored.push({ entry, score: one._score, decided: true })
        continue
      }
      if (!matches.every((m) => scoring.passes(m, i))) continue
      const own = readDocuments ? (entry.doc as { _score?: unknown })._score : undefined
      let score = typeof own === 'number' ? own : 0
      for (const arg of args) score += scoring.score(arg, i)
      scored.push({ entry, score, decided: false })
    }
    // groq-js sorts the filter's output (view order) by `b._score - a._score`, stably: the same
    // comparison with position as the tie-break gives the same order.
    const byScore = (a: { entry: ViewEntry; score: number }, b: { entry: ViewEntry; score: number }): number =>
      b.score - a.score || a.entry.pos - b.entry.pos

    // The other conditions, walking in that order: once `need` documents passed, the rest can only
    // be in the slice if they tie with the last one's score. Natively when exact, else groq-js.
    const restCond =
      rest.length > 0 ? rest.reduce((l, r) => node<ExprNode>({ type: 'And', left: l, right: r })) : undefined
    const compiled = restCond && compileConjuncts(restCond, this.evalConstant)
    const restPasses = (entry: ViewEntry): boolean => {
      if (!restCond) return true
      if (compiled?.exact) {
        try {
          return compiled.test(entry.doc)
        } catch (err) {
          if (!(err instanceof Undecidable)) throw err
        }
      }
      const tree = node<ExprNode>({ type: 'Filter', base: value([entry.doc]), expr: restCond })
      return (evaluateTreeSync(tree, this.evaluateOptions()) as unknown[]).length === 1
    }
    const counts = `${entries.length} candidates, ${scored.length} matched${byGroq ? ` (${byGroq} decided by groq-js)` : ''}`
    const order = need !== undefined && orderArgs && compileOrderOf(orderArgs, scoredReader(readDocuments))
    if (order) {
      // The slice's order read natively (an Undecidable document leaves it to the walk below).
      // groq-js orders score()'s output, which is in score then position order: equal keys keep
      // the position order.
      let tested = 0
      try {
        const items = order(scored, {
          limit: need,
          rank: (item) => item.entry.pos,
          accept: (item) => {
            tested++
            return item.decided || restPasses(item.entry)
          },
        })
        this.notes.push({
          at,
          how: `scored natively from text indexes: ${counts}, the slice's ${need} ordered natively (${tested} tested on the rest of the filter)`,
          candidates: items.length,
        })
        return { items, ordered: true }
      } catch (err) {
        if (!(err instanceof Undecidable)) throw err
      }
    }
    /** The walk over `items` (in score order); `done` unless it ran out before the slice was full. */
    const walk = (items: typeof scored): { kept: typeof scored; examined: number; done: boolean } => {
      const kept: typeof scored = []
      let examined = 0
      for (const item of items) {
        if (
          need !== undefined &&
          kept.length >= need &&
          (need === 0 || item.score < (kept[need - 1] as { score: number }).score)
        )
          return { kept, examined, done: true }
        examined++
        if (item.decided || restPasses(item.entry)) kept.push(item)
      }
      return { kept, examined, done: need !== undefined && kept.length >= need }
    }
    let walked: { kept: typeof scored; examined: number; done: boolean } | undefined
    if (need !== undefined && need > 0 && scored.length > need * 4) {
      // Only the documents scoring at least the need-th best score are sorted and walked first:
      // they come first in the full order. If the other conditions drop too many of them, the
      // whole list is sorted and walked.
      const scores = Float64Array.from(scored, (item) => item.score).sort()
      const threshold = scores[scores.length - need] as number
      walked = walk(scored.filter((item) => item.score >= threshold).sort(byScore))
      if (!walked.done) walked = undefined
    }
    walked ??= walk(scored.sort(byScore))
    const { kept, examined } = walked
    this.notes.push({
      at,
      how: `scored natively from text indexes: ${counts}, ${examined} examined in score order${need !== undefined ? ` for the slice's ${need}` : ''}`,
      candidates: kept.length,
    })
    return { items: kept, ordered: false }
  }

  private visitChildren(n: AnyNode, at: string): AnyNode {
    const out: AnyNode = { ...n }
    for (const key in n) {
      if (key === 'type') continue
      const v = n[key]
      if (isNode(v)) out[key] = this.visit(v, at)
      else if (Array.isArray(v)) {
        const items: unknown[] = []
        for (const item of v) items.push(isNode(item) ? this.visit(item, at) : item)
        out[key] = items
      }
    }
    return out
  }

  private staticResolve(spec: Spec): Resolved | undefined {
    if (runtimeKeys(spec).length > 0) return undefined
    return this.resolve(spec, [], { i: 0 })
  }

  /** `count(*[cond])` with an exact constant lookup: the number itself. */
  private countShortcut(arg: AnyNode, at: string): AnyNode | undefined {
    if (arg.type !== 'Filter' || !isEverything(arg.base)) return undefined
    const spec = specOf(foldCondition(arg.expr as ExprNode, this.evalConstant), this.evalConstant)
    const resolved = this.staticResolve(spec)
    if (!resolved) return undefined
    if (!resolved.all && resolved.exact) {
      this.notes.push({ at, how: 'count from exact index lookup', candidates: resolved.entries.length })
      return value(resolved.entries.length) as unknown as AnyNode
    }
    const cond = foldCondition(arg.expr as ExprNode, this.evalConstant)
    const scanned = resolved.all ? this.view.size : resolved.entries.length
    const kept = materializedCount(this.view, cond, this.evalConstant, scanned)
    if (kept !== undefined) {
      this.notes.push({ at, how: 'count of a materialized filter', candidates: kept })
      return value(kept) as unknown as AnyNode
    }
    const native = this.nativeFilter(cond, resolved.all ? this.view.entries() : resolved.entries)
    if (!native?.exact) return undefined
    this.notes.push({ at, how: 'count of a filter decided natively', candidates: native.entries.length })
    return value(native.entries.length) as unknown as AnyNode
  }

  /**
   * The entries a condition's natively decidable conjuncts keep (native.ts), and whether those are
   * the whole condition; undefined when none is decidable or a document is left to groq-js.
   */
  private nativeFilter(
    cond: ExprNode,
    entries: readonly ViewEntry[],
  ): { entries: ViewEntry[]; exact: boolean } | undefined {
    const compiled = compileConjuncts(cond, this.evalConstant)
    if (!compiled) return undefined
    try {
      return { entries: entries.filter((e) => compiled.test(e.doc)), exact: compiled.exact }
    } catch (err) {
      if (err instanceof Undecidable) return undefined
      throw err
    }
  }

  private filter(n: AnyNode, at: string): AnyNode {
    const cond = foldCondition(n.expr as ExprNode, this.evalConstant) as unknown as AnyNode
    const spec = specOf(cond as unknown as ExprNode, this.evalConstant)
    const expr = this.visit(cond, `${at} > filter`)
    const keys = runtimeKeys(spec)
    if (keys.length === 0) {
      const resolved = this.resolve(spec, [], { i: 0 })
      if (!resolved.all && resolved.exact) {
        this.notes.push({
          at,
          how: 'exact index lookup (filter not re-evaluated)',
          candidates: resolved.entries.length,
        })
        return value(resolved.entries.map((e) => e.doc)) as unknown as AnyNode
      }
      const native = this.nativeFilter(
        cond as unknown as ExprNode,
        resolved.all ? this.view.entries() : resolved.entries,
      )
      if (native) {
        const docs = native.entries.map((e) => e.doc)
        const from = resolved.all ? 'all documents' : 'index candidates'
        if (native.exact) {
          this.notes.push({ at, how: `${from} filtered natively (exact)`, candidates: docs.length })
          return value(docs) as unknown as AnyNode
        }
        this.notes.push({ at, how: `${from} narrowed natively, filter re-evaluated`, candidates: docs.length })
        return { ...n, base: value(docs), expr }
      }
      if (resolved.all) {
        this.notes.push({ at, how: 'full scan (no index applies)' })
        return { ...n, expr }
      }
      this.notes.push({ at, how: 'index candidates, filter re-evaluated', candidates: resolved.entries.length })
      return { ...n, base: value(resolved.entries.map((e) => e.doc)), expr }
    }
    const planId = this.plans.push(spec) - 1
    this.reads.runtimeFilters.add(n)
    this.notes.push({ at, how: `runtime index lookup #${planId} (${keys.length} key(s) from the enclosing scope)` })
    return { ...n, base: runtimeSource(planId, keys) as unknown as AnyNode, expr }
  }

  /** `*[cond] | order(path ...)[a...b]` (or `[i]`): walk the ordered index. */
  private orderedSlice(n: AnyNode, at: string): AnyNode | undefined {
    let need: number
    // The slice's first wanted element: whole groups of equal first keys before it are dropped.
    let skip: number
    if (n.type === 'Slice') {
      const left = n.left as number
      const right = n.right as number
      if (typeof left !== 'number' || typeof right !== 'number' || left < 0 || right < 0) return undefined
      need = n.isInclusive ? right + 1 : right
      skip = left
    } else {
      const index = n.index as number
      if (typeof index !== 'number' || index < 0) return undefined
      need = index + 1
      skip = index
    }
    const order = n.base as AnyNode
    const filterNode = order.base as AnyNode
    const cond = foldCondition(filterNode.expr as ExprNode, this.evalConstant) as unknown as AnyNode
    const args = (order.args as AnyNode[]) ?? []
    const first = args[0]
    if (!first) return undefined
    const direction = first.type === 'Desc' ? 'desc' : 'asc'
    const keyNode = first.type === 'Desc' || first.type === 'Asc' ? (first.base as AnyNode) : first
    const path = elementPath(keyNode as unknown as ExprNode)
    // The walk evaluates the filter outside its real scope: only for filters that read no `^`.
    if (!path || contains(cond as unknown as ExprNode, new Set(['Parent']))) return undefined

    const spec = specOf(cond as unknown as ExprNode, this.evalConstant)
    const resolved = this.staticResolve(spec)
    const candidates = resolved && !resolved.all ? resolved.entries : undefined
    // Few candidates: groq-js filters and sorts them all (the plain filter path).
    if (candidates && candidates.length <= Math.max(SMALL_CANDIDATE_SET, need * 2) && skip === 0) return undefined
    if (resolved) {
      const scanned = candidates ? candidates.length : this.view.size
      const materialized = this.materializedOrderedSlice(n, at, cond as unknown as ExprNode, path, direction, {
        skip,
        need,
        scanned,
      })
      if (materialized) return materialized
    }
    const index = this.view.ordered(path)
    if (!index) return undefined

    const expr = this.visit(cond, `${at} > filter`)
    const skipNullish = requiresDefined(cond as unknown as ExprNode, path)
    const found = pathRange(cond as unknown as ExprNode, path, this.evalConstant)
    const range: KeyRange | undefined = found && {
      cls: RANGE_CLASS[found.type],
      lower: found.lower,
      upper: found.upper,
    }
    let groups: Iterator<ViewEntry[]>
    let how: string
    // Sorting c candidates costs about c steps; walking the index past non-candidates about
    // need * walkable / c: sort when that is less (a category's articles), else walk (all articles,
    // or conditions in an index mostly of names of other types).
    const walkable = skipNullish ? index.definedCount() : index.size
    if (candidates && candidates.length * candidates.length < need * walkable) {
      // Much fewer candidates than indexed documents: sort the candidates rather than walk past the rest.
      groups = index.groupsAmong(candidates, direction, skipNullish, range)
      how = `${candidates.length} index candidates sorted on ${path.join('.')}`
    } else {
      groups = index.groups(direction, skipNullish, range)
      if (candidates) groups = onlyAmong(groups, candidates)
      how = `ordered index walk on ${path.join('.')} ${direction}${range ? ' (key range)' : ''}${candidates ? ` over ${candidates.length} candidates` : ''}`
    }
    const chosen: ViewEntry[] = []
    let passed = 0
    let dropped = 0
    let batchSize = Math.max(32, need * 2)
    let walked = 0
    let exhausted = false
    while (!exhausted && passed < need) {
      const batch: ViewEntry[][] = []
      let size = 0
      while (size < batchSize) {
        const g = groups.next()
        if (g.done) {
          exhausted = true
          break
        }
        batch.push(g.value)
        size += g.value.length
      }
      if (batch.length === 0) break
      walked += size
      const kept = this.passing(batch.flat(), cond as unknown as ExprNode, expr)
      for (const group of batch) {
        let passing = group.filter((e) => kept.has(e.doc))
        // Every document of a group sorts before every later group's: a group wholly before the
        // slice's start can only fill the places before it, so it is dropped and the slice moved.
        if (passed + passing.length <= skip) dropped += passing.length
        else {
          // Ordered by this key alone, equal keys keep dataset order (groq-js's sort is stable):
          // of the last group only its first documents by position can be in the slice.
          if (args.length === 1 && passed + passing.length > need)
            passing = sortByPos([...passing]).slice(0, need - passed)
          chosen.push(...passing)
        }
        passed += passing.length
        if (passed >= need) break
      }
      batchSize *= 2
    }
    sortByPos(chosen)
    this.notes.push({
      at,
      how: `${how}: ${walked} examined${dropped ? `, ${dropped} before the slice dropped` : ''}`,
      candidates: chosen.length,
    })
    const newFilter: AnyNode = { ...filterNode, base: value(chosen.map((e) => e.doc)) as unknown as AnyNode, expr }
    const newArgs: AnyNode[] = []
    for (const a of args) newArgs.push(this.visit(a, at))
    const moved =
      n.type === 'Slice'
        ? { left: (n.left as number) - dropped, right: (n.right as number) - dropped }
        : { index: (n.index as number) - dropped }
    return { ...n, ...moved, base: { ...order, base: newFilter, args: newArgs } }
  }

  /**
   * An ordered slice of a filter kept materialized (materialized.ts): the slice's documents from
   * a position in the filter's ordered list, then ordered, sliced (and projected by the caller)
   * natively (native-tail.ts) when the order keys are paths, else by groq-js on those documents.
   */
  private materializedOrderedSlice(
    n: AnyNode,
    at: string,
    cond: ExprNode,
    path: string[],
    direction: 'asc' | 'desc',
    want: { skip: number; need: number; scanned: number },
  ): AnyNode | undefined {
    const skipNullish = requiresDefined(cond, path)
    // A key range (a keyset cursor, new per page) already bounds the walk: not worth a filter kept per cursor.
    if (pathRange(cond, path, this.evalConstant)) return undefined
    const order = n.base as AnyNode
    const args = (order.args as AnyNode[]) ?? []
    const m = materializedSlice(
      this.view,
      { cond, path, direction, skipNullish, ...want, singleKey: args.length === 1 },
      this.evalConstant,
    )
    if (!m) return undefined
    const docs = m.chosen.map((e) => e.doc)
    this.notes.push({
      at,
      how: `materialized filter ordered on ${path.join('.')} ${direction}${m.dropped ? `, ${m.dropped} before the slice dropped` : ''}`,
      candidates: docs.length,
    })
    // `[5...3]`: empty whatever the documents (the moved ends could turn negative, counted from the end).
    if (n.type === 'Slice' && want.need <= want.skip) return value([]) as unknown as AnyNode
    const moved =
      n.type === 'Slice'
        ? { left: (n.left as number) - m.dropped, right: (n.right as number) - m.dropped }
        : { index: (n.index as number) - m.dropped }
    const sort = compileOrder(args as unknown as ExprNode[])
    if (sort) {
      try {
        const sorted = sort(docs)
        const result =
          n.type === 'Slice'
            ? sliceArray(sorted, moved.left as number, moved.right as number, n.isInclusive === true)
            : elementAt(sorted, moved.index as number)
        return value(result) as unknown as AnyNode
      } catch (err) {
        if (!(err instanceof Undecidable)) throw err
      }
    }
    const newArgs: AnyNode[] = []
    for (const a of args) newArgs.push(this.visit(a, at))
    return { ...n, ...moved, base: { ...order, base: value(docs) as unknown as AnyNode, args: newArgs } }
  }

  /** The documents of `entries` the (rewritten) condition keeps, evaluated by groq-js. */
  private passing(entries: ViewEntry[], cond: ExprNode, rewritten: AnyNode): Set<LakeDocument> {
    const native = this.nativeFilter(cond, entries)
    if (native?.exact) return new Set(native.entries.map((e) => e.doc))
    const docs = (native?.entries ?? entries).map((e) => e.doc)
    if (docs.length === 0) return new Set()
    const tree = node<ExprNode>({ type: 'Filter', base: value(docs), expr: rewritten })
    const kept = evaluateTreeSync(tree, this.evaluateOptions()) as LakeDocument[]
    return new Set(kept)
  }
}

/**
 * groq-js's value of a tree with its synchronous evaluator (the same executors without a promise per
 * node, several times faster, and no chance to give the event loop back in the middle, which is
 * what lets a query budget time the whole evaluation as one synchronous piece).
 */
export function evaluateTreeSync(tree: ExprNode, options: Parameters<typeof evaluate>[1]): unknown {
  try {
    return evaluateSync(tree, options).data
  } catch (err) {
    if (err instanceof IndexNeeded) throw err
    throw new NeedsAsyncEvaluation(err)
  }
}

/** groq-js's value of a tree: the synchronous evaluator first, the asynchronous one when it cannot. */
export async function evaluateTree(tree: ExprNode, options: Parameters<typeof evaluate>[1]): Promise<unknown> {
  try {
    return evaluateSync(tree, options).data
  } catch {
    return (await evaluate(tree, options)).get()
  }
}

function isNode(v: unknown): v is AnyNode {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as { type?: unknown }).type === 'string'
}

/** A document `score()` keeps, with its `_score`; `decided` when groq-js filtered and scored it. */
interface Scored {
  entry: ViewEntry
  score: number
  decided: boolean
}

/** What score() gives for a kept document: `{...doc, _score}` (groq-js's Object.assign). */
function scoredDocument({ entry, score }: Scored): Record<string, unknown> {
  return { ...entry.doc, _score: score }
}

/**
 * Attribute paths of `scoredDocument(item)`, read without making it. `_score` needs no read of the
 * document unless `readDocuments`: groq-js calls the object's own hasOwnProperty (native.ts `read`),
 * which a document can shadow, but such a document is never in a text index (its build fails, and
 * the planner leaves that view's searches to groq-js), so only candidates that are not all from
 * the text indexes are checked.
 */
function scoredReader(readDocuments: boolean): (item: Scored, path: readonly string[]) => unknown {
  return (item, path) => {
    if (path[0] !== '_score') return read(item.entry.doc, path)
    if (
      readDocuments &&
      (item.entry.doc as { hasOwnProperty?: unknown }).hasOwnProperty !== Object.prototype.hasOwnProperty
    )
      throw new Undecidable()
    return path.length === 1 ? item.score : null
  }
}

/** A planned value known before evaluation: a literal, or an element or slice of a literal array. */
function literalOf(n: AnyNode): { value: unknown } | undefined {
  if (n.type === 'Value') return { value: n.value }
  if ((n.type === 'AccessElement' || n.type === 'Slice') && isNode(n.base) && n.base.type === 'Value') {
    const array = n.base.value
    if (!Array.isArray(array)) return { value: null }
    if (n.type === 'AccessElement')
      return typeof n.index === 'number' ? { value: elementAt(array, n.index) } : undefined
    if (typeof n.left !== 'number' || typeof n.right !== 'number') return undefined
    return { value: sliceArray(array, n.left, n.right, n.isInclusive === true) }
  }
  return undefined
}

function isEverything(v: unknown): boolean {
  return isNode(v) && v.type === 'Everything'
}

function isScoreOverFilter(v: unknown): v is AnyNode {
  return (
    isNode(v) &&
    v.type === 'PipeFuncCall' &&
    v.name === 'score' &&
    isNode(v.base) &&
    v.base.type === 'Filter' &&
    isEverything(v.base.base)
  )
}

/** The conjuncts of a condition (`a && (b && c)` -> a, b, c). */
function conjuncts(cond: ExprNode): ExprNode[] {
  const n = cond as unknown as AnyNode
  if (n.type === 'Group') return conjuncts(n.base as ExprNode)
  if (n.type === 'And') return [...conjuncts(n.left as ExprNode), ...conjuncts(n.right as ExprNode)]
  return [cond]
}

function isOrderOverFilter(v: unknown): boolean {
  return (
    isNode(v) &&
    v.type === 'PipeFuncCall' &&
    v.name === 'order' &&
    isNode(v.base) &&
    v.base.type === 'Filter' &&
    isEverything(v.base.base)
  )
}

/**
 * `select(count(k) == count(k[string(@) == @]) => expr)`: `expr` when the array `k` holds only
 * strings, else null. `array::join` would turn 42 into "42", and a lookup for the string "42"
 * misses a document whose value is the number 42.
 */
function onlyStrings(k: ExprNode, expr: ExprNode): ExprNode {
  const count = (e: ExprNode): ExprNode => node({ type: 'FuncCall', namespace: 'global', name: 'count', args: [e] })
  const isString = node<ExprNode>({
    type: 'OpCall',
    op: '==',
    left: node({ type: 'FuncCall', namespace: 'global', name: 'string', args: [node({ type: 'This' })] }),
    right: node({ type: 'This' }),
  })
  const strings = node<ExprNode>({ type: 'Filter', base: k, expr: isString })
  return node({
    type: 'Select',
    alternatives: [
      {
        type: 'SelectAlternative',
        condition: node({ type: 'OpCall', op: '==', left: count(k), right: count(strings) }),
        value: expr,
      },
    ],
  })
}

/**
 * `coalesce({"_ref": <marker>}->, *)`: the marker is the plan id and each key, evaluated where the
 * filter's elements would be (inside a projection of `{}`, a scope nested exactly like theirs),
 * encoded as `s<string>` or `a<strings joined>`. A key of any other type makes the marker null.
 */
function runtimeSource(planId: number, keys: ExprNode[]): ExprNode {
  const str = (s: string): ExprNode => value(s)
  const plus = (left: ExprNode, right: ExprNode): ExprNode => node({ type: 'OpCall', op: '+', left, right })
  const inScope = (expr: ExprNode): ExprNode =>
    node({ type: 'Projection', base: node({ type: 'Object', attributes: [] }), expr })
  let marker: ExprNode = str(`${PREFIX}${planId}`)
  for (const key of keys) {
    const k = inScope(key)
    const encoded = node<ExprNode>({
      type: 'FuncCall',
      namespace: 'global',
      name: 'coalesce',
      args: [
        plus(str('s'), k),
        onlyStrings(
          k,
          plus(str('a'), node({ type: 'FuncCall', namespace: 'array', name: 'join', args: [k, str(SEP2)] })),
        ),
      ],
    })
    marker = plus(plus(marker, str(SEP)), encoded)
  }
  const deref = node<ExprNode>({
    type: 'Deref',
    base: node({ type: 'Object', attributes: [{ type: 'ObjectAttributeValue', name: '_ref', value: marker }] }),
  })
  // Not `*` as the fallback: a dereference the hook sees, so the sync tags know it was every document.
  const all = node<ExprNode>({
    type: 'Deref',
    base: node({
      type: 'Object',
      attributes: [{ type: 'ObjectAttributeValue', name: '_ref', value: str(ALL_MARKER) }],
    }),
  })
  return node({ type: 'FuncCall', namespace: 'global', name: 'coalesce', args: [deref, all] })
}

export { childNodes, NeedsAsyncEvaluation }
