/**
 * Filters over many documents answered from materialized filters (lake/indexes/filter-index.ts):
 * a filter whose whole condition native.ts decides (`_type == $type && defined(slug.current) &&
 * !(seo.noIndex == true)`) and that would otherwise test thousands of documents per query is
 * kept as the list of the documents passing it, in step with every change. Then
 *
 * - `count(*[cond])` is that list's length;
 * - `*[cond] | order(path ...)[a...b]` starts at position `a` of the passing documents ordered on
 *   `path` (whole groups of equal keys before it dropped, the slice moved by as many), instead of
 *   walking the ordered index from its end and testing every document on the way.
 *
 * The lists are exact (the predicate is the filter), so groq-js need not re-evaluate the filter.
 * Which filters are kept is bounded per view (view.ts `filtered`): an evicted one is built again
 * on next use.
 */
import type { ExprNode } from 'groq-js'
import { sortByPos, type ViewEntry } from '../../indexes/entry-list.js'
import type { View } from '../../indexes/view.js'
import type { LakeDocument } from '../../store/types.js'
import { ungated } from './index-gate.js'
import { compileConjuncts } from './native.js'

/**
 * Fewer documents than this to test and the filter is tested per query (a few hundred
 * microseconds at most). `LAKE_PLANNER_MATERIALIZE_MIN` changes it; 0 also materializes from a
 * filter's first use (tests use it to exercise materialized filters on small datasets).
 */
const DEFAULT_MIN = 2048

function materializeMin(): number {
  const v = process.env.LAKE_PLANNER_MATERIALIZE_MIN
  const n = v === undefined || v === '' ? NaN : Number(v)
  return Number.isFinite(n) && n >= 0 ? n : DEFAULT_MIN
}

/**
 * Filters asked for once and not materialized yet, per view. Building one reads every document of
 * the view, so a filter is materialized the second time it is asked for: one that comes back (a
 * sitemap, a list's first page) is worth keeping, a one-off (a keyset cursor's page, an ad hoc
 * query) is not.
 */
const SEEN_LIMIT = 512
const seen = new WeakMap<View, Set<string>>()

function secondUse(gatedOrView: View, key: string): boolean {
  if (materializeMin() === 0) return true
  // Each watched attempt sees the view through a new gated wrapper: count uses on the view itself.
  const view = ungated(gatedOrView)
  let keys = seen.get(view)
  if (!keys) seen.set(view, (keys = new Set()))
  if (keys.delete(key)) return true
  keys.add(key)
  if (keys.size > SEEN_LIMIT) keys.delete(keys.values().next().value as string)
  return false
}

/**
 * Whether a condition's value depends on nothing but the document and its literals: no function
 * but `defined()`. A materialized filter outlives the query, and `now()` or `identity()` would
 * give another predicate under the same text.
 */
function onlyLiterals(node: unknown): boolean {
  if (Array.isArray(node)) return node.every(onlyLiterals)
  if (node === null || typeof node !== 'object') return true
  const n = node as { type?: unknown; namespace?: unknown; name?: unknown }
  if (n.type === 'Value') return true
  if (n.type === 'FuncCall' && !(n.namespace === 'global' && n.name === 'defined')) return false
  return Object.values(node).every(onlyLiterals)
}

/** The predicate of a condition native.ts decides wholly, with the key naming it, else undefined. */
function exactPredicate(
  view: View,
  cond: ExprNode,
  evalConstant: (n: ExprNode) => unknown,
  kind: string,
): { key: string; test: (doc: LakeDocument) => boolean } | undefined {
  if (!onlyLiterals(cond)) return undefined
  const compiled = compileConjuncts(cond, evalConstant)
  if (!compiled?.exact) return undefined
  // The folded condition with its parameters as literals: equal text, equal predicate.
  const key = JSON.stringify(cond)
  if (!view.hasMaterialized(kind, key) && !secondUse(view, `${kind}:${key}`)) return undefined
  return { key, test: compiled.test }
}

/**
 * How many documents pass `cond`, when `scanned` (the candidates a filter would test) is large
 * enough to keep the filter materialized; undefined otherwise.
 */
export function materializedCount(
  view: View,
  cond: ExprNode,
  evalConstant: (n: ExprNode) => unknown,
  scanned: number,
): number | undefined {
  if (scanned < materializeMin()) return undefined
  const predicate = exactPredicate(view, cond, evalConstant, 'filter')
  if (!predicate) return undefined
  return view.filtered(predicate.key, predicate.test)?.size
}

export interface SliceRequest {
  cond: ExprNode
  path: readonly string[]
  direction: 'asc' | 'desc'
  skipNullish: boolean
  /** The slice's first wanted element and how many elements it needs from the start. */
  skip: number
  need: number
  /** Candidates the filter would test. */
  scanned: number
  /** The order has this one key: ties keep position order, so a group's first documents suffice. */
  singleKey: boolean
}

/**
 * The passing documents an ordered slice can return: whole groups of equal first keys from the
 * one holding element `skip` until `need` documents are covered, in position order, and how many
 * passing documents the dropped groups before them held.
 */
export function materializedSlice(
  view: View,
  req: SliceRequest,
  evalConstant: (n: ExprNode) => unknown,
): { chosen: ViewEntry[]; dropped: number } | undefined {
  if (req.scanned < materializeMin()) return undefined
  const predicate = exactPredicate(view, req.cond, evalConstant, `filterOrder:${JSON.stringify(req.path)}`)
  if (!predicate) return undefined
  const index = view.filteredOrdered(predicate.key, req.path, predicate.test)
  if (!index) return undefined
  const { groups, dropped } = index.index.groupsSkipping(req.direction, req.skipNullish, req.skip)
  const chosen: ViewEntry[] = []
  let covered = dropped
  while (covered < req.need) {
    const g = groups.next()
    if (g.done) break
    let group = g.value
    // Ordered by this key alone, equal keys keep position order (groq-js's sort is stable): of
    // the last group only its first documents by position can be in the slice (a newest-first
    // `[0]` among thousands of documents sharing the newest `_updatedAt`).
    if (req.singleKey && covered + group.length > req.need) group = sortByPos([...group]).slice(0, req.need - covered)
    for (const e of group) chosen.push(e)
    covered += group.length
  }
  return { chosen: sortByPos(chosen), dropped }
}
