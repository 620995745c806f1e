/**
 * Query evaluation for the lake: cut the dataset to a perspective and the caller's rights, then
 * evaluate GROQ (evaluate.ts). `runQuery` is the single entry point the HTTP layer calls, so the
 * query planner (planner/) sits in front of the full groq-js evaluation without touching routes.
 */
import { evaluateSync, type ExprNode } from 'groq-js'
import { LakeError } from '../errors.js'
import { DRAFTS_PREFIX, isDraftId, isPrivateId, isPublicId, isVersionId, publishedIdOf, releaseOf } from '../ids.js'
import { canReadPrivate, type Identity } from '../auth/index.js'
import type { DatasetStore, LakeDocument } from '../store/index.js'
import {
  InlineBudgetExceeded,
  LongLane,
  QueryTrust,
  queryBudgetFromEnv,
  queryResultTooLarge,
  queryTooLarge,
  runWatched,
  shapeKey,
  trustKey,
  type QueryBudgetConfig,
} from './budget.js'
import { evaluateGroqSync, IndexNeeded, NeedsAsyncEvaluation } from './evaluate.js'
import {
  parsedQuery,
  plannedTraceSource,
  plannerEnabled,
  queryFailure,
  runPlannedQuerySync,
  slugTargets,
  viewDocuments,
  viewSnapshot,
  type ViewName,
} from './planner/index.js'
import { queryTagKeys, staticReads, tagsOf, type QueryReads } from './sync-tags.js'
import { QueryPool } from './pool.js'
import type { TraceSource } from './source-map.js'
import { buildSourceMap, emptySourceMap, type ContentSourceMap, type SourceMapMode } from './source-map.js'

export { evaluateGroq, parseGroq } from './evaluate.js'
export { parseSourceMapMode, type ContentSourceMap, type SourceMapMode } from './source-map.js'
export type { QueryBudgetConfig, QueryLimits } from './budget.js'

/**
 * `raw`: every document the caller may read. `published`: no drafts or versions. `drafts`: drafts
 * stand in for their published documents (`_id` = published id, `_originalId` = draft id). A list
 * (`['rel1', 'drafts']`) stacks releases over drafts over published, first one wins.
 */
export type Perspective = 'raw' | 'published' | 'drafts' | { stack: string[] }

const NAMED = ['raw', 'published', 'drafts', 'previewDrafts']

/**
 * Reads the `perspective` parameter. Without one, Sanity answers `published` from API version
 * 2025-02-19 on and `raw` before it; anonymous callers always get `published`.
 */
export function parsePerspective(value: unknown, apiVersion: string): Perspective {
  if (value === undefined || value === null || value === '') {
    return apiVersionAtLeast(apiVersion, '2025-02-19') ? 'published' : 'raw'
  }
  const items = Array.isArray(value) ? value : String(value).split(',')
  const names = items.map((s) => String(s).trim()).filter(Boolean)
  if (names.length === 1 && NAMED.includes(names[0])) {
    return names[0] === 'previewDrafts' ? 'drafts' : (names[0] as Perspective)
  }
  if (names.includes('raw'))
    throw new LakeError(400, 'invalidPerspectiveError', '"raw" cannot be combined with other perspectives')
  for (const name of names) {
    if (!/^[A-Za-z0-9_-]+$/.test(name)) {
      throw new LakeError(
        400,
        'invalidPerspectiveError',
        `perspective "${name}" is invalid: use raw, published, drafts, or a list of release names ending with drafts/published`,
      )
    }
  }
  return { stack: names.map((n) => (n === 'previewDrafts' ? 'drafts' : n)) }
}

export function apiVersionAtLeast(apiVersion: string, date: string): boolean {
  if (apiVersion === 'X') return true
  if (apiVersion === '1') return false
  return apiVersion >= date
}

function perspectiveKey(p: Perspective): string {
  return typeof p === 'string' ? p : p.stack.join(',')
}

const viewCache = new WeakMap<DatasetStore, Map<string, { version: number; docs: readonly LakeDocument[] }>>()

/** The documents `*` ranges over for this perspective and identity (cached per store version). */
export function perspectiveDocuments(
  store: DatasetStore,
  perspective: Perspective,
  identity: Identity,
): readonly LakeDocument[] {
  const privateOk = canReadPrivate(identity)
  const effective: Perspective = privateOk ? perspective : 'published'
  // Anonymous callers read the published view less every sub-path (dotted) id.
  const key = privateOk ? perspectiveKey(effective) : 'public'
  let cache = viewCache.get(store)
  if (!cache) viewCache.set(store, (cache = new Map()))
  const hit = cache.get(key)
  if (hit && hit.version === store.version) return hit.docs
  const view = buildView(store.documents(), effective)
  const docs = privateOk ? view : view.filter((d) => isPublicId(d._id))
  cache.set(key, { version: store.version, docs })
  return docs
}

function buildView(all: readonly LakeDocument[], perspective: Perspective): readonly LakeDocument[] {
  if (perspective === 'raw') return all
  if (perspective === 'published') return all.filter((d) => !isPrivateId(d._id))
  const layers = perspective === 'drafts' ? ['drafts'] : perspective.stack
  const byId = new Map<string, LakeDocument>()
  for (const doc of all) if (!isPrivateId(doc._id)) byId.set(doc._id, doc)
  // Lowest priority first, so higher layers overwrite.
  for (const layer of [...layers].reverse()) {
    if (layer === 'published') continue
    for (const doc of all) {
      const matches = layer === 'drafts' ? isDraftId(doc._id) : isVersionId(doc._id) && releaseOf(doc._id) === layer
      if (!matches) continue
      const id = publishedIdOf(doc._id)
      // A release version marked for unpublishing hides the document in that release's view.
      const system = doc._system as { delete?: unknown } | undefined
      if (layer !== 'drafts' && system?.delete === true) byId.delete(id)
      else byId.set(id, { ...doc, _id: id, _originalId: doc._id })
    }
  }
  return [...byId.values()]
}

export interface QueryInput {
  store: DatasetStore
  query: string
  params?: Record<string, unknown>
  perspective: Perspective
  identity: Identity
  projectId: string
  /**
   * Who asks, for fair scheduling of slow queries (budget.ts): `user:<id>` or `ip:<address>`.
   * Default: the identity's user, or one shared anonymous caller.
   */
  caller?: string
}

/**
 * Runs queries within their budgets (budget.ts): the size limit, the inline piece under a watchdog
 * (or trusted without it), the move to a query worker (pool.ts) when it runs out of time or needs
 * groq-js's asynchronous evaluator, the time and result-size limits. One per lake (the HTTP routes
 * make theirs from the lake's configuration); `runQuery` without one uses a shared runner with the
 * LAKE_QUERY_* env limits.
 */
export class QueryRunner {
  readonly config: QueryBudgetConfig
  private readonly trust = new QueryTrust()
  private readonly longLane: LongLane
  /** Callers with a query between inline attempts (see RETRY_DELAYS). */
  private readonly retrying = new Set<string>()
  private pool: QueryPool | undefined

  /** `lane`: the long lane's account (default: the config's; a test passes one on its own clock). */
  constructor(config: QueryBudgetConfig, lane = new LongLane(config.longInlineMs, config.longInlinePercent)) {
    this.config = config
    this.longLane = lane
  }

  /** The result as JSON text (what the HTTP answer carries), within the result-size limit. */
  async json(input: QueryInput): Promise<string> {
    return (await this.run(input, true)).out as string
  }

  /** The result as a value. */
  async value(input: QueryInput): Promise<unknown> {
    return (await this.run(input, false)).out
  }

  /** Documents sent to the query workers so far: whole copies, and changes to a copy they held. */
  workerTraffic(): QueryPool['sent'] {
    return { ...(this.pool?.sent ?? { copies: 0, copiedDocuments: 0, changeSets: 0, changedDocuments: 0 }) }
  }

  /** Queries of `caller` waiting for or running in the query workers. */
  pending(caller: string): number {
    return this.pool?.pending(caller) ?? 0
  }

  /**
   * The result as JSON text and its sync tags (sync-tags.ts): tags of what the query could read,
   * one of which is in the live event of every change that can alter the result.
   */
  async answer(input: QueryInput): Promise<{ json: string; syncTags: string[] }> {
    const { out, syncTags } = await this.run(input, true, true)
    return { json: out as string, syncTags: syncTags ?? [] }
  }

  /**
   * The Content Source Map of a query's answer (source-map.ts): the query traced again over the
   * same view, only when a caller asks for it (nothing of this runs for other queries). Watched
   * like a query's inline piece, with SOURCE_MAP_BUDGET times its budget (a map walks every leaf
   * of the result); a trace that does not fit answers an empty map (no mapping rather than a late
   * or wrong one), and so does a tracer failure: the answer itself stands.
   */
  sourceMap(input: QueryInput, resultJson: string, mode: SourceMapMode): ContentSourceMap {
    const authenticated = input.identity.kind === 'user'
    const limits = authenticated ? this.config.authenticated : this.config.anonymous
    const params = input.params ?? {}
    const privateOk = canReadPrivate(input.identity)
    const effective: Perspective = privateOk ? input.perspective : 'published'
    const view: ViewName | undefined =
      typeof effective === 'string' && plannerEnabled() ? (privateOk ? effective : 'public') : undefined
    const identity = input.identity.kind === 'user' ? input.identity.user.id : undefined
    const sanity = { projectId: input.projectId, dataset: input.store.name }
    const tree = parsedQuery(input.query, params)
    const result: unknown = JSON.parse(resultJson)
    const timestamp = new Date()
    let builds = 0
    for (;;) {
      let source: TraceSource
      if (view) {
        viewDocuments(input.store, view)
        source = plannedTraceSource({
          store: input.store,
          perspective: view,
          params,
          identity,
          sanity,
          timestamp,
          gated: true,
        })
      } else {
        const documents = perspectiveDocuments(input.store, input.perspective, input.identity)
        const byId = idMapOf(documents)
        source = {
          evaluate: (t) => evaluateSync(t, { dataset: documents, params, identity, sanity, timestamp }).data,
          dereference: (id) => byId.get(id) ?? null,
          document: (id) => byId.get(id),
        }
      }
      try {
        return withoutCatchUp(input.store, () =>
          runWatched(() => buildSourceMap(tree, result, source, mode), limits.inlineMs * SOURCE_MAP_BUDGET),
        )
      } catch (err) {
        if (err instanceof IndexNeeded && builds < MAX_INDEX_BUILDS) {
          builds++
          err.build()
          continue
        }
        // Over budget, or anything the tracer could not handle: the answer stands, without mappings.
        return emptySourceMap()
      }
    }
  }

  close(): Promise<void> {
    const pool = this.pool
    this.pool = undefined
    return pool ? pool.close() : Promise.resolve()
  }

  private async run(
    input: QueryInput,
    asJson: boolean,
    withTags = false,
  ): Promise<{ out: unknown; syncTags?: string[] }> {
    const started = performance.now()
    const authenticated = input.identity.kind === 'user'
    const limits = authenticated ? this.config.authenticated : this.config.anonymous
    if (input.query.length > limits.maxQuerySize) {
      throw queryTooLarge(input.query.length, limits.maxQuerySize, authenticated)
    }
    const params = input.params ?? {}
    const privateOk = canReadPrivate(input.identity)
    const effective: Perspective = privateOk ? input.perspective : 'published'
    // The planner: the same result as evaluateGroq over perspectiveDocuments, from indexed
    // views kept in step with the store. Release stacks are not indexed and take plain groq-js.
    // Anonymous callers get the 'public' view: published documents with root-path ids only.
    const view: ViewName | undefined =
      typeof effective === 'string' && plannerEnabled() ? (privateOk ? effective : 'public') : undefined
    const viewKey = view ?? (privateOk ? perspectiveKey(effective) : 'public')
    const identity = input.identity.kind === 'user' ? input.identity.user.id : undefined
    const sanity = { projectId: input.projectId, dataset: input.store.name }
    const timestamp = new Date()
    const caller = input.caller ?? (identity ? `user:${identity}` : 'anonymous')
    const scope = `${input.store.name}\u0000${view ? 'p' : 'g'}:${viewKey}`
    const key = trustKey(scope, params, input.query)

    // Without the planner's record of what it read: dereferences and keys of enclosing documents
    // are unknown (queryTagKeys makes such a query coarse); release stacks are not analysed at all.
    const syncTagsFor = (reads: QueryReads | undefined, parsed?: ExprNode): string[] | undefined => {
      if (!withTags) return undefined
      if (typeof effective !== 'string') return tagsOf(input.store.name, undefined)
      const stat = staticReads(parsed ?? parsedQuery(input.query, params))
      if (!reads || !view) return tagsOf(input.store.name, queryTagKeys(stat, reads))
      // The view as the planned run left it: asked at once, and without catching up with another
      // process's commits first (a slug's documents after them are not what the query read).
      return withoutCatchUp(input.store, () =>
        tagsOf(input.store.name, queryTagKeys(stat, reads, slugTargets(input.store, view))),
      )
    }
    let reads: { reads: QueryReads; parsed: ExprNode } | undefined

    const trusted = key !== undefined && this.trust.isTrusted(key)
    // A caller with a query in the workers or one being retried is busy: its next queries get one
    // inline attempt each, taking turns with other retries, so one caller's burst of slow queries
    // never holds the lake's thread for several attempts back to back. With two or more in the
    // workers (a burst of slow queries, not a pause), only a query whose text last ran inline within
    // the budget gets that attempt, or one never tried inline while the caller has room in the
    // workers: one caller's slow searches must not send its indexed queries to plain groq-js, and
    // a caller at its worker limit gets its 429 without costing the lake's thread.
    const pending = this.pending(caller)
    const busy = !trusted && (pending > 0 || this.retrying.has(caller))
    // Trusted runs are unwatched and keep no shape record: no second hash of the text on the hot path.
    const shape = trusted ? undefined : shapeKey(scope, input.query)
    const record = shape === undefined ? undefined : this.trust.shapeRecord(shape)
    // The long lane (budget.ts LongLane): a planned query that needs more than the inline budget
    // but less than LAKE_QUERY_LONG_INLINE_MS is answered on the lake's thread within a bounded
    // share of its time, since a query worker would take seconds of a core over it in plain groq-js.
    const longMs = this.config.longInlineMs
    const hasLane = view !== undefined && longMs > limits.inlineMs
    // A shape that last ran in the lane waits a moment for the lane's share to come round rather
    // than be tried at the inline budget it is known to exceed and then sent to a worker, which
    // evaluates in plain groq-js (seconds of a core at 100k documents) what the planner answers in
    // a fraction of the time, after a whole copy of the view when it held none or another one.
    const laneShape = !trusted && hasLane && (record === 'long' || record === 'retry')
    const deadline = started + limits.timeoutMs
    const longFirst = laneShape && (this.longLane.available() || (record === 'long' && (await this.laneRoom(deadline))))
    const untried = record === undefined || record === 'retry'
    const inline = trusted || pending < 2 || record === 'fast' || longFirst || (untried && pending < limits.maxQueued)
    if (inline) {
      const attempt = (): unknown => {
        let value: unknown
        if (view) {
          const planned = runPlannedQuerySync({
            store: input.store,
            perspective: view,
            query: input.query,
            params,
            identity,
            sanity,
            timestamp,
            gated: !trusted,
          })
          reads = planned
          value = planned.result
        } else
          value = evaluateGroqSync({
            query: input.query,
            params,
            documents: perspectiveDocuments(input.store, input.perspective, input.identity),
            identity,
            sanity,
          })
        return asJson ? toJson(value) : value
      }
      type Tried = { done: true; answer: { out: unknown; syncTags?: string[] } } | { done: false; stopped: boolean }
      let builds = 0
      /** One inline run, under a watchdog of `watchMs` (none: trusted); stopped: by the watchdog. */
      const tryInline = (watchMs: number | undefined): Tried => {
        for (;;) {
          // Building a view or copying documents is the lake's own work, not the query's: done
          // before the watchdog starts, so it is never stopped half-way.
          if (view) viewDocuments(input.store, view)
          else perspectiveDocuments(input.store, input.perspective, input.identity)
          const at = performance.now()
          const long = watchMs !== undefined && watchMs > limits.inlineMs
          try {
            const out =
              watchMs === undefined ? attempt() : withoutCatchUp(input.store, () => runWatched(attempt, watchMs))
            const ms = performance.now() - at
            if (long) this.longLane.spent(ms)
            this.trust.answered(key, ms, limits.inlineMs, shape, longMs)
            if (asJson && (out as string).length > limits.maxResultSize) {
              throw queryResultTooLarge(limits.maxResultSize, authenticated)
            }
            const planned = reads as { reads: QueryReads; parsed: ExprNode } | undefined
            return { done: true, answer: { out, syncTags: syncTagsFor(planned?.reads, planned?.parsed) } }
          } catch (err) {
            if (long) this.longLane.spent(performance.now() - at)
            if (err instanceof ResultTooLong) throw queryResultTooLarge(limits.maxResultSize, authenticated)
            if (err instanceof NeedsAsyncEvaluation) return { done: false, stopped: false }
            if (err instanceof IndexNeeded && builds < MAX_INDEX_BUILDS) {
              // The lake's own work, for this and every later query: not timed, not counted as a try.
              builds++
              err.build()
              continue
            }
            if (err instanceof IndexNeeded) return { done: false, stopped: false }
            if (!(err instanceof InlineBudgetExceeded)) throw queryFailure(err, input.query)
            this.trust.answered(key, Number.POSITIVE_INFINITY, limits.inlineMs, shape, longMs)
            return { done: false, stopped: true }
          }
        }
      }
      // When the watchdog stops it, tried again a few times, spaced out and one query at a time
      // (RETRY_DELAYS): a pause (garbage collection, a busy machine) must not send a query that is
      // normally fast to the much slower plain evaluation of a worker, and retries never queue up
      // back to back in front of other requests. Then, if still stopped, once in the long lane.
      let retrying = false
      try {
        let stopped = false
        if (longFirst) {
          // A shape that ran in the lane before and is stopped there now met a busy machine more
          // likely than a harder query: one more try, a moment later and within the lane's share
          // (waiting for it as above), costs the thread far less than a worker's plain evaluation.
          for (let round = 0; round < (record === 'long' ? 2 : 1); round++) {
            if (round > 0) await new Promise((resolve) => setTimeout(resolve, LANE_RETRY_MS))
            if (busy || round > 0) {
              await retryLane()
              // Others waiting for the lane may have taken its room during the turn.
              if (!(await this.laneRoom(deadline))) break
            }
            const tried = tryInline(longMs)
            if (tried.done) return tried.answer
            if (!tried.stopped) break
          }
        } else {
          for (let round = 0; round <= (busy ? 0 : RETRY_DELAYS.length); round++) {
            if (round === 0 && busy) await retryLane()
            if (round > 0) {
              if (!retrying) {
                if (this.retrying.has(caller)) break
                this.retrying.add(caller)
                retrying = true
              }
              await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS[round - 1]))
              await retryLane()
            }
            const tried = tryInline(trusted ? undefined : limits.inlineMs)
            if (tried.done) return tried.answer
            stopped = tried.stopped
            if (!stopped) break
          }
          if (stopped && hasLane && this.longLane.available()) {
            await retryLane()
            const tried = tryInline(longMs)
            if (tried.done) return tried.answer
          }
        }
      } finally {
        if (retrying) this.retrying.delete(caller)
      }
    }

    const json = await this.poolOf().run({
      caller,
      authenticated,
      query: input.query,
      params,
      snapshot: view
        ? viewSnapshot(input.store, view)
        : {
            id: () => `${storeUid(input.store)}:${input.store.version}:${viewKey}`,
            documents: () => perspectiveDocuments(input.store, input.perspective, input.identity),
          },
      identity,
      sanity,
      timestamp,
      deadline,
      timeoutMs: limits.timeoutMs,
      maxResultSize: limits.maxResultSize,
      maxQueued: limits.maxQueued,
    })
    return { out: asJson ? json : JSON.parse(json), syncTags: syncTagsFor(undefined) }
  }

  /** Waits until the long lane has room, at most LANE_WAIT_MS and not past `deadline`; whether it has. */
  private async laneRoom(deadline: number): Promise<boolean> {
    const until = Math.min(performance.now() + LANE_WAIT_MS, deadline)
    for (;;) {
      const wait = this.longLane.waitMs()
      if (wait === 0) return true
      if (performance.now() + wait > until) return false
      await new Promise((resolve) => setTimeout(resolve, wait))
    }
  }

  private poolOf(): QueryPool {
    this.pool ??= new QueryPool(this.config.workers, this.config.workerMemoryMb)
    return this.pool
  }
}

/**
 * Runs `fn` while the store does not catch up with other processes' commits. Every store read
 * catches up first (DatasetStore.refresh: an import CLI writing while the lake runs), and a catch-up
 * stopped half-way by the watchdog would lose the rest of a transaction and leave the store never
 * catching up again. The caller has just read the store (caught up, outside the watchdog); commits
 * landing during the attempt are seen by the next read. Uses the store's own re-entrancy guard,
 * when it has one.
 */
function withoutCatchUp<T>(store: DatasetStore, fn: () => T): T {
  const guard = store as unknown as { refreshing?: unknown }
  if (guard.refreshing !== false) return fn()
  guard.refreshing = true
  try {
    return fn()
  } finally {
    guard.refreshing = false
  }
}

/**
 * A source map's budget in inline budgets (LAKE_QUERY_INLINE_MS[_AUTHENTICATED]): 200 ms
 * anonymous, 1 s for editors (the Presentation tool's previews) by default.
 */
const SOURCE_MAP_BUDGET = 4

/** Milliseconds before each further inline attempt of a query the watchdog stopped. */
const RETRY_DELAYS = [0, 25, 100, 250]
/** The wait before a second try in the long lane (ms). */
const LANE_RETRY_MS = 50
/**
 * The longest a query known to need the long lane waits for its room (ms): the lane's default
 * share (25%) earns a full 150 ms run back in 600 ms.
 */
const LANE_WAIT_MS = 1000

// Retried attempts take turns, a macrotask apart, so several never run back to back.
let lane: Promise<void> = Promise.resolve()

function retryLane(): Promise<void> {
  const turn = lane.then(() => new Promise<void>((resolve) => setImmediate(resolve)))
  lane = turn
  return turn
}

/** Indexes one query may have built outside the watchdog (each distinct index is built once). */
const MAX_INDEX_BUILDS = 8

/** JSON.stringify throws past V8's longest string: the result is too large whatever the limit. */
class ResultTooLong extends Error {}

function toJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null'
  } catch (err) {
    if (err instanceof RangeError) throw new ResultTooLong()
    throw err
  }
}

const idMaps = new WeakMap<readonly LakeDocument[], Map<string, LakeDocument>>()

/** A view's documents by `_id` (what `->` finds first), kept as long as the view array is. */
function idMapOf(documents: readonly LakeDocument[]): Map<string, LakeDocument> {
  let map = idMaps.get(documents)
  if (!map) {
    map = new Map()
    for (const doc of documents) if (!map.has(doc._id)) map.set(doc._id, doc)
    idMaps.set(documents, map)
  }
  return map
}

const storeUids = new WeakMap<DatasetStore, number>()
let nextStoreUid = 0

function storeUid(store: DatasetStore): number {
  let uid = storeUids.get(store)
  if (uid === undefined) storeUids.set(store, (uid = nextStoreUid++))
  return uid
}

let sharedRunner: QueryRunner | undefined

/** The query's result, within the LAKE_QUERY_* limits (a QueryRunner shared by in-process callers). */
export async function runQuery(input: QueryInput): Promise<unknown> {
  sharedRunner ??= new QueryRunner(queryBudgetFromEnv(process.env))
  return sharedRunner.value(input)
}

/** Whether a document id may be read by this identity (any dotted id needs credentials). */
export function mayRead(identity: Identity, id: string): boolean {
  return canReadPrivate(identity) || isPublicId(id)
}

export { DRAFTS_PREFIX }
