/**
 * The lake's query planner: evaluates GROQ over an indexed perspective view with the
 * same result as plain groq-js over that view, only faster. Parsing is groq-js's (and the lake's
 * error shapes); the planner narrows which documents each `*[...]` is evaluated on, answers `->`
 * from the id index, and leaves anything it cannot prove to full groq-js evaluation.
 *
 *   const result = await runPlannedQuery({store, perspective: 'published', query, params})
 *   const {notes} = await explainQuery({store, perspective: 'drafts', query, params})
 *
 * Perspectives are applied first (lake/index keeps one view per perspective, in step with every
 * transaction); `perspective` here is the effective one (anonymous callers get 'published').
 */
import type { ExprNode } from 'groq-js'
import { LakeError } from '../../errors.js'
import { indexesFor, type IndexableStore, type ViewName } from '../../indexes/index.js'
import { parseGroq } from '../evaluate.js'
import type { Snapshot } from '../pool.js'
import type { QueryReads } from '../sync-tags.js'
import { readsDataset, type TraceSource } from '../source-map.js'
import { isPlannable } from './analyze.js'
import type { View } from '../../indexes/view.js'
import { gatedView } from './index-gate.js'
import { evaluateTree, evaluateTreeSync, NeedsAsyncEvaluation, QueryPlanner, type PlanNote } from './plan.js'

export type { PlanNote } from './plan.js'
export { NeedsAsyncEvaluation } from './plan.js'
export type { ViewName } from '../../indexes/index.js'

export interface PlannedQueryInput {
  store: IndexableStore
  perspective: ViewName
  query: string
  params?: Record<string, unknown>
  /** User id for `identity()` (groq-js's default `"me"` when absent, as in evaluate.ts). */
  identity?: string
  sanity?: { projectId: string; dataset: string }
  /** The clock of `now()` (default: the time of the call). */
  timestamp?: Date
  /** Under a watchdog: indexes not built yet are asked for with IndexNeeded (index-gate.ts). */
  gated?: boolean
}

export interface Explanation {
  plannable: boolean
  notes: PlanNote[]
  result: unknown
}

// Parsed trees by query and parameters (groq-js puts parameter values into the tree). Trees are
// never modified (the planner rewrites copies), so one can serve many evaluations.
const PARSE_CACHE_SIZE = 256
const parsed = new Map<string, ExprNode>()

function parseCached(query: string, params: Record<string, unknown>): ExprNode {
  let key: string
  try {
    key = `${query}\u0000${JSON.stringify(params)}`
  } catch {
    return parseGroq(query, params) // parameters JSON cannot express: do not cache
  }
  const hit = parsed.get(key)
  if (hit) {
    parsed.delete(key)
    parsed.set(key, hit)
    return hit
  }
  const tree = parseGroq(query, params)
  parsed.set(key, tree)
  if (parsed.size > PARSE_CACHE_SIZE) parsed.delete(parsed.keys().next().value as string)
  return tree
}

/** A planner over the input's perspective view (gated when the query is a watched one). */
function plannerFor(input: Omit<PlannedQueryInput, 'query'>): { planner: QueryPlanner; view: View } {
  const view = indexesFor(input.store).view(input.perspective)
  const planner = new QueryPlanner(input.gated ? gatedView(view) : view, {
    params: input.params ?? {},
    timestamp: input.timestamp ?? new Date(),
    identity: input.identity,
    sanity: input.sanity,
  })
  return { planner, view }
}

function plan(input: PlannedQueryInput): {
  planner: QueryPlanner
  tree: ExprNode
  plannable: boolean
  parsed: ExprNode
} {
  const tree = parseCached(input.query, input.params ?? {})
  const { planner } = plannerFor(input)
  const plannable = isPlannable(tree)
  return { planner, tree: plannable ? planner.rewrite(tree) : tree, plannable, parsed: tree }
}

/**
 * Plans and evaluates in one synchronous piece (what a query budget times). Throws
 * NeedsAsyncEvaluation when groq-js's synchronous evaluator cannot answer; LakeErrors (parse errors)
 * as they are.
 */
export function runPlannedQuerySync(input: PlannedQueryInput): {
  result: unknown
  notes: PlanNote[]
  plannable: boolean
  /** What the evaluation read (sync-tags.ts). */
  reads: QueryReads
  /** The parsed query (parameters in place), as staticReads() takes it. */
  parsed: ExprNode
} {
  const { planner, tree, plannable, parsed } = plan(input)
  const result = evaluateTreeSync(tree, planner.evaluateOptions())
  return { result, notes: planner.notes, plannable, reads: planner.reads, parsed }
}

/** The parsed query (parameters in place), shared with the planner's cache. */
export function parsedQuery(query: string, params: Record<string, unknown>): ExprNode {
  return parseCached(query, params)
}

/** The failure of a query as the lake answers it: LakeErrors as they are, others a queryError. */
export function queryFailure(err: unknown, query: string): LakeError {
  if (err instanceof LakeError) return err
  const cause = err instanceof NeedsAsyncEvaluation ? err.reason : err
  const message = cause instanceof Error ? cause.message : String(cause)
  return new LakeError(400, 'queryError', `GROQ query failed: ${message}`, { query })
}

async function run(input: PlannedQueryInput): Promise<{ result: unknown; notes: PlanNote[]; plannable: boolean }> {
  try {
    return runPlannedQuerySync(input)
  } catch (err) {
    if (!(err instanceof NeedsAsyncEvaluation)) throw queryFailure(err, input.query)
  }
  // Plain groq-js over the view, unplanned: its result and its error are the reference.
  try {
    const params = input.params ?? {}
    const tree = parseCached(input.query, params)
    const result = await evaluateTree(tree, {
      dataset: indexesFor(input.store).view(input.perspective).documents(),
      params,
      timestamp: input.timestamp ?? new Date(),
      identity: input.identity,
      sanity: input.sanity,
    })
    return { result, notes: [{ at: 'query', how: 'plain groq-js (asynchronous evaluator)' }], plannable: false }
  } catch (err) {
    throw queryFailure(err, input.query)
  }
}

/** `LAKE_QUERY_PLANNER=off` turns the planner off (plain groq-js over the view), e.g. to compare. */
export function plannerEnabled(): boolean {
  return process.env.LAKE_QUERY_PLANNER !== 'off'
}

/** The query's result: the same as groq-js over the whole perspective view. */
export async function runPlannedQuery(input: PlannedQueryInput): Promise<unknown> {
  return (await run(input)).result
}

/** The result and what the planner did (which indexes, how many candidates). */
export async function explainQuery(input: PlannedQueryInput): Promise<Explanation> {
  const { result, notes, plannable } = await run(input)
  return { plannable, notes, result }
}

/** The documents of a perspective view, in `*` order (for comparisons and exports). */
export function viewDocuments(store: IndexableStore, perspective: ViewName): readonly unknown[] {
  return indexesFor(store).view(perspective).documents()
}

/**
 * A view as the query workers are sent it (pool.ts): named by the view object and its change
 * count, so a worker holding an earlier state of the same view is sent only the changed entries.
 */
export function viewSnapshot(store: IndexableStore, perspective: ViewName): Snapshot {
  const current = () => indexesFor(store).view(perspective)
  const prefixOf = (view: View) => `view:${view.uid}:`
  return {
    id: () => {
      const view = current()
      return `${prefixOf(view)}${view.changeCount}`
    },
    documents: () => current().documents(),
    entries: () => current().entries(),
    changesSince: (fromId) => {
      const view = current()
      const prefix = prefixOf(view)
      if (!fromId.startsWith(prefix)) return undefined
      const ids = view.changedSince(Number(fromId.slice(prefix.length)))
      return ids && [...new Set(ids)].map((id) => ({ id, entry: view.get(id) }))
    },
  }
}

/**
 * The ids of the documents a view shows with a slug (sync-tags.ts `TargetsOf`), as it is when
 * asked: the view is looked up then, so a query whose tags need none costs nothing.
 */
export function slugTargets(store: IndexableStore, perspective: ViewName): (slug: string) => string[] {
  return (slug) =>
    indexesFor(store)
      .view(perspective)
      .withSlug(slug)
      .map((entry) => entry.id)
}

/**
 * What the source-map tracer (source-map.ts) evaluates with: trees that read `*` planned over
 * the view's indexes (gated as a watched query's are), `->` from the id index.
 */
export function plannedTraceSource(input: Omit<PlannedQueryInput, 'query'>): TraceSource {
  const { planner, view } = plannerFor(input)
  const options = planner.evaluateOptions()
  const deref = options?.dereference as unknown as (ref: { _ref: string }) => unknown
  return {
    evaluate: (tree) => {
      const planned = readsDataset(tree) && isPlannable(tree) ? planner.rewrite(tree) : tree
      return evaluateTreeSync(planned, options)
    },
    dereference: (id) => deref({ _ref: id }) ?? null,
    document: (id) => view.get(id)?.doc,
  }
}
