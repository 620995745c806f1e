/**
 * Query budgets: what one query may cost the lake, and the errors a query that exceeds them gets.
 *
 * A query is answered in one of two places:
 * - inline, on the lake's thread, where the planner's indexes are: planning and evaluation are one
 *   synchronous piece (planner/index.ts `runPlannedQuerySync`), timed by a watchdog (`Guard`) that
 *   stops it after `inlineMs`, so the event loop is never held longer than that;
 * - in a query worker (pool.ts), when the inline piece ran out of time or needs groq-js's
 *   asynchronous evaluator: plain groq-js over a copy of the perspective's documents, with a memory
 *   cap, stopped (the worker terminated) at the query's deadline.
 * The watchdog is node:vm's `timeout`, which costs ~0.1 ms per use; a query that was answered within
 * the budget is "trusted" (by its text, view and exact parameters: `trustKey`) and then runs without
 * it, timed, until one run takes the whole inline budget.
 *
 * Every limit has an env variable (docs/lake.md "Query limits"); authenticated callers (a token or
 * a session) get their own, higher ones.
 */
import { createHash } from 'node:crypto'
import vm from 'node:vm'
import { LakeError } from '../errors.js'

export interface QueryLimits {
  /** Characters of GROQ text accepted; longer is a 413. */
  maxQuerySize: number
  /** Milliseconds from arrival to answer (queueing for a worker included); then a 504 queryTimeout. */
  timeoutMs: number
  /** Milliseconds a query may hold the lake's thread before it moves to a query worker. */
  inlineMs: number
  /** Characters of JSON the result may take; more is a 422 queryResultTooLarge. */
  maxResultSize: number
  /** Queries of one caller waiting for or running in a worker; one more is a 429. */
  maxQueued: number
}

export interface QueryBudgetConfig {
  anonymous: QueryLimits
  authenticated: QueryLimits
  /** Query workers (threads), started on first need. */
  workers: number
  /** Heap cap of each query worker (its copy of the documents included). */
  workerMemoryMb: number
  /**
   * The long lane's watchdog (ms): a planned query the inline budget stopped gets one more inline
   * run within this, when the lane has room (`LongLane`). Not above a caller's own inline budget.
   */
  longInlineMs: number
  /** The share of the lake's thread time long-lane runs may take, in percent. */
  longInlinePercent: number
}

/** The env variable of each limit (anonymous; authenticated adds `_AUTHENTICATED`). */
export const LIMIT_VARIABLES: Record<keyof QueryLimits, string> = {
  maxQuerySize: 'LAKE_QUERY_MAX_SIZE',
  timeoutMs: 'LAKE_QUERY_TIMEOUT_MS',
  inlineMs: 'LAKE_QUERY_INLINE_MS',
  maxResultSize: 'LAKE_QUERY_MAX_RESULT_SIZE',
  maxQueued: 'LAKE_QUERY_MAX_QUEUED',
}

export const DEFAULT_QUERY_BUDGET: QueryBudgetConfig = {
  anonymous: {
    maxQuerySize: 32 * 1024,
    timeoutMs: 10_000,
    inlineMs: 50,
    maxResultSize: 16 * 1024 * 1024,
    maxQueued: 4,
  },
  authenticated: {
    maxQuerySize: 256 * 1024,
    timeoutMs: 60_000,
    inlineMs: 250,
    maxResultSize: 128 * 1024 * 1024,
    maxQueued: 16,
  },
  workers: 2,
  workerMemoryMb: 1024,
  longInlineMs: 150,
  longInlinePercent: 25,
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name}="${raw}" must be a whole number of at least 1`)
  return value
}

function limitsFromEnv(env: NodeJS.ProcessEnv, suffix: string, defaults: QueryLimits): QueryLimits {
  const out = { ...defaults }
  for (const key of Object.keys(LIMIT_VARIABLES) as Array<keyof QueryLimits>) {
    out[key] = positiveInt(env, LIMIT_VARIABLES[key] + suffix, defaults[key])
  }
  return out
}

export function queryBudgetFromEnv(env: NodeJS.ProcessEnv): QueryBudgetConfig {
  const d = DEFAULT_QUERY_BUDGET
  return {
    anonymous: limitsFromEnv(env, '', d.anonymous),
    authenticated: limitsFromEnv(env, '_AUTHENTICATED', d.authenticated),
    workers: positiveInt(env, 'LAKE_QUERY_WORKERS', d.workers),
    workerMemoryMb: positiveInt(env, 'LAKE_QUERY_WORKER_MEMORY_MB', d.workerMemoryMb),
    longInlineMs: positiveInt(env, 'LAKE_QUERY_LONG_INLINE_MS', d.longInlineMs),
    longInlinePercent: Math.min(100, positiveInt(env, 'LAKE_QUERY_LONG_INLINE_PERCENT', d.longInlinePercent)),
  }
}

/** The env variable naming one limit for this kind of caller. */
export function limitVariable(key: keyof QueryLimits, authenticated: boolean): string {
  return LIMIT_VARIABLES[key] + (authenticated ? '_AUTHENTICATED' : '')
}

// --- Errors (Sanity's `{error: {type, description, ...}}` shape, with the limit and its variable) ---

export function queryTooLarge(size: number, limit: number, authenticated: boolean): LakeError {
  return new LakeError(
    413,
    'queryTooLarge',
    `the query is ${size} characters long, more than the limit of ${limit} (${limitVariable('maxQuerySize', authenticated)}): send values as $parameters instead of writing them into the query, or split it into several queries`,
    { limit, variable: limitVariable('maxQuerySize', authenticated) },
  )
}

export function queryTimeout(limitMs: number, authenticated: boolean): LakeError {
  return new LakeError(
    504,
    'queryTimeout',
    `the query did not finish within the limit of ${limitMs} ms (${limitVariable('timeoutMs', authenticated)}) and was stopped: narrow it with a filter on indexed fields (_type, _id, slug.current, references()), slice it ([0...100]), project fewer fields, and avoid a *[...] inside a projection or filter of another *[...]`,
    { limitMs, variable: limitVariable('timeoutMs', authenticated) },
  )
}

export function queryResultTooLarge(limit: number, authenticated: boolean): LakeError {
  return new LakeError(
    422,
    'queryResultTooLarge',
    `the query's result is larger than the limit of ${limit} characters of JSON (${limitVariable('maxResultSize', authenticated)}): slice it ([0...100]) and page through it, or project fewer fields`,
    { limit, variable: limitVariable('maxResultSize', authenticated) },
  )
}

export function queryMemoryLimit(limitMb: number): LakeError {
  return new LakeError(
    422,
    'queryMemoryLimit',
    `the query needed more than the query worker's memory of ${limitMb} MB (LAKE_QUERY_WORKER_MEMORY_MB) and was stopped: narrow it with a filter, slice it ([0...100]), or project fewer fields`,
    { limitMb, variable: 'LAKE_QUERY_WORKER_MEMORY_MB' },
  )
}

export function tooManyQueries(limit: number, authenticated: boolean): LakeError {
  return new LakeError(
    429,
    'tooManyQueries',
    `this caller already has ${limit} slow queries waiting or running (${limitVariable('maxQueued', authenticated)}): wait for them to finish, or make the queries cheaper`,
    { limit, variable: limitVariable('maxQueued', authenticated) },
    // A slow query's turn is seconds at most: a client that honours Retry-After (delivery's
    // source gate, get-it's retry) comes back when a slot is likely free instead of guessing.
    { 'retry-after': '1' },
  )
}

// --- The inline watchdog ---

/** The inline piece used up its time: the query moves to a query worker. */
export class InlineBudgetExceeded extends Error {
  constructor() {
    super('the inline query budget was used up')
  }
}

const context = vm.createContext({}) as { run?: () => void }
const script = new vm.Script('run()', { filename: 'lake-query-budget' })
let inside = false

/**
 * Runs `fn` synchronously; when `watchMs` is given, stops it after that many milliseconds (V8
 * terminates the running JavaScript, whatever function it is in) and throws InlineBudgetExceeded.
 * `fn` must leave shared state consistent wherever it is stopped: the query path only fills
 * caches by assigning a finished value.
 */
export function runWatched<T>(fn: () => T, watchMs: number | undefined): T {
  if (watchMs === undefined || inside) return fn()
  let out: { value: T } | undefined
  context.run = () => {
    out = { value: fn() }
  }
  inside = true
  try {
    script.runInContext(context, { timeout: Math.max(1, Math.floor(watchMs)) })
  } catch (err) {
    // The watchdog can fire just as `fn` returns: node then reports a timeout, but the answer is there.
    if (out !== undefined) return out.value
    if ((err as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new InlineBudgetExceeded()
    throw err
  } finally {
    inside = false
    context.run = undefined
  }
  return (out as { value: T }).value
}

// --- Trust: which queries may skip the watchdog ---

const TRUST_ENTRIES = 4096

/**
 * How the last watched inline run of a query shape went: within the inline budget, within the long
 * lane's, or stopped. `retry`: stopped, and due for another attempt (QueryTrust.shapeRecord).
 */
export type ShapeOutcome = 'fast' | 'long' | 'slow' | 'retry'

/** How long a shape stopped by the watchdog waits before its next inline attempt (ms). */
export const SHAPE_RETRY_MS = 1_000

/** Parameters longer than this (as JSON) never make a query trusted: it is always watched. */
export const TRUST_PARAMS_MAX = 1024

/**
 * The key a query is trusted by: the dataset, the view, the exact parameters and the text (hashed
 * when long, so the table stays small). The same text with other parameter values is another
 * query: a value can change the cost (`string::split($s, $sep)` splits into 1 part or 10,000), so
 * nothing short of the values themselves is safe to trust. Undefined: not to be trusted.
 */
export function trustKey(scope: string, params: Record<string, unknown>, query: string): string | undefined {
  let json: string
  try {
    json = JSON.stringify(params)
  } catch {
    return undefined
  }
  if (json.length > TRUST_PARAMS_MAX) return undefined
  return compactKey(`${scope}\u0000${json}\u0000${query}`)
}

/** A table key for `text`: itself when short, else its hash (so the tables stay small). */
function compactKey(text: string): string {
  return text.length > 512 ? createHash('sha256').update(text).digest('base64') : text
}

/**
 * Which queries ran fast inline (trusted: run without the watchdog), and how the last watched
 * inline run of each query text went whatever its parameters (its "shape": `shapeKey`).
 *
 * The shape record decides only whether a busy caller's query gets an inline attempt at all, never
 * whether it runs unwatched: a caller serving many readers (a delivery server is one anonymous
 * caller for all of them) asks for a new slug on every page, so exact trust never covers its next
 * query, and a few slow searches in the workers must not send its indexed page queries (a few ms
 * inline, seconds in plain groq-js) to the workers after them.
 */
export class QueryTrust {
  private readonly trusted = new Set<string>()
  /** Per shape: how its last watched inline run went, and when it was. */
  private readonly shapes = new Map<string, { outcome: ShapeOutcome; at: number }>()
  private readonly now: () => number

  /** `now`: the clock of shape records in ms (a test's own clock). */
  constructor(now: () => number = () => performance.now()) {
    this.now = now
  }

  /** Whether this query may run without the watchdog. */
  isTrusted(key: string): boolean {
    return this.trusted.has(key)
  }

  /**
   * How the last watched inline run of this shape went (`ShapeOutcome`), `undefined` when never run
   * inline (or forgotten). A shape stopped more than SHAPE_RETRY_MS ago answers `retry` once per
   * interval, so it gets another attempt: one run stopped by a pause (a garbage collection, a busy
   * machine) must not send a caller's page query to the workers for good, since while its queries
   * are there none of them runs inline again. The attempt goes to the long lane when it has room:
   * the shape is known to need more than the inline budget, or to have met a pause, and either way
   * tries at the inline budget would be stopped again.
   */
  shapeRecord(shape: string): ShapeOutcome | undefined {
    const record = this.shapes.get(shape)
    if (!record) return undefined
    if (record.outcome !== 'slow') return record.outcome
    const now = this.now()
    if (now - record.at < SHAPE_RETRY_MS) return 'slow'
    record.at = now
    return 'retry'
  }

  /**
   * Records an inline answer that took `ms` of a budget of `limitMs`: within it, the query is
   * trusted from now on; a run at or over it (a trusted run is timed too) ends the trust. The
   * query's shape, when given, keeps the outcome of its last run (`long`: within `longMs`).
   */
  answered(key: string | undefined, ms: number, limitMs: number, shape?: string, longMs = limitMs): void {
    if (shape !== undefined) {
      this.shapes.delete(shape)
      if (this.shapes.size >= TRUST_ENTRIES) this.shapes.delete(this.shapes.keys().next().value as string)
      const outcome: ShapeOutcome = ms < limitMs ? 'fast' : ms < longMs ? 'long' : 'slow'
      this.shapes.set(shape, { outcome, at: this.now() })
    }
    if (key === undefined) return
    if (ms >= limitMs) {
      this.trusted.delete(key)
      return
    }
    if (this.trusted.has(key)) return
    if (this.trusted.size >= TRUST_ENTRIES) this.trusted.delete(this.trusted.values().next().value as string)
    this.trusted.add(key)
  }
}

/**
 * The long lane's share of the lake's thread: credit in ms that grows with wall time at
 * `percent`% (at most one long run's worth banked) and is spent by each long run's duration, so
 * long runs take at most that share of the thread however many callers ask. A query the planner
 * answers in 100 ms takes a query worker seconds of a core in plain groq-js; the lane keeps such
 * queries on the thread without letting them crowd out the fast ones.
 */
export class LongLane {
  private credit: number
  private last: number
  private readonly rate: number
  private readonly cap: number
  private readonly now: () => number

  constructor(longMs: number, percent: number, now: () => number = () => performance.now()) {
    this.rate = percent / 100
    this.cap = longMs
    this.credit = longMs
    this.now = now
    this.last = now()
  }

  /** Whether a long run may start now. */
  available(): boolean {
    const now = this.now()
    this.credit = Math.min(this.cap, this.credit + (now - this.last) * this.rate)
    this.last = now
    return this.credit > 0
  }

  /** Milliseconds until a long run may start (0: now), at the lane's share of wall time. */
  waitMs(): number {
    if (this.available()) return 0
    return Math.ceil(-this.credit / this.rate) + 1
  }

  /** A long run took `ms` of the thread. */
  spent(ms: number): void {
    this.credit -= ms
  }
}

/** The key of a query's shape: the dataset, the view and the text, whatever the parameters. */
export function shapeKey(scope: string, query: string): string {
  return compactKey(`${scope}\u0000${query}`)
}
