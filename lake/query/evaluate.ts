import { evaluate, evaluateSync, parse, GroqSyntaxError } from 'groq-js'
import { LakeError } from '../errors.js'

export interface EvaluateInput {
  query: string
  params?: Record<string, unknown>
  /** The documents `*` ranges over (already cut to the caller's perspective and rights). */
  documents: readonly unknown[]
  /** User id for `identity()`. */
  identity?: string
  sanity?: { projectId: string; dataset: string }
  /** What `now()` answers (default: the time of evaluation). */
  timestamp?: Date
}

type ParsedQuery = ReturnType<typeof parse>

/**
 * groq-js's synchronous evaluator could not give a tree's value: the tree needs a stream or an
 * async-only function (`diff::`, `delta::`), or the query fails. The caller then evaluates the
 * original query with groq-js's asynchronous evaluator (or, under a query budget, in a query worker),
 * so results and errors are exactly plain groq-js's.
 */
export class NeedsAsyncEvaluation extends Error {
  readonly reason: unknown

  constructor(reason: unknown) {
    super(reason instanceof Error ? reason.message : String(reason))
    this.reason = reason
  }
}

/**
 * A watched query (budget.ts) reached an index the planner builds on first use: the caller builds
 * it outside the watchdog (`build`, the lake's own work, which a stop half-way would waste every
 * time) and runs the query again.
 */
export class IndexNeeded extends Error {
  readonly build: () => void

  constructor(build: () => void) {
    super('an index is to be built before the query')
    this.build = build
  }
}

/**
 * Parses a GROQ query, turning syntax errors into Sanity's `queryParseError`
 * (`{description, start, end, query}`), answered as 400.
 */
export function parseGroq(query: string, params: Record<string, unknown> = {}): ParsedQuery {
  let tree: ParsedQuery
  try {
    tree = parse(query, { params })
  } catch (err) {
    if (err instanceof GroqSyntaxError) {
      const start = err.position
      return throwParseError(query, err.message, start, Math.min(query.length, start + 1))
    }
    const message = err instanceof Error ? err.message : String(err)
    return throwParseError(query, message, 0, query.length)
  }
  // groq-js turns every provided parameter into a value; a Parameter node left in the tree is one
  // the request did not send. Sanity refuses such a query rather than reading it as null.
  const missing = firstMissingParameter(tree)
  if (missing !== undefined) {
    const at = query.indexOf(`$${missing}`)
    throwParseError(
      query,
      `param $${missing} referenced, but not provided: send it as $${missing}=<JSON value> (GET) or in "params" (POST)`,
      Math.max(0, at),
      at < 0 ? query.length : at + missing.length + 1,
    )
  }
  return tree
}

function firstMissingParameter(node: unknown): string | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = firstMissingParameter(item)
      if (found !== undefined) return found
    }
    return undefined
  }
  if (node === null || typeof node !== 'object') return undefined
  const record = node as Record<string, unknown>
  if (record.type === 'Parameter' && typeof record.name === 'string') return record.name
  // A Value node's value is data (a parameter's JSON), not syntax: never look inside it.
  if (record.type === 'Value') return undefined
  for (const value of Object.values(record)) {
    const found = firstMissingParameter(value)
    if (found !== undefined) return found
  }
  return undefined
}

function throwParseError(query: string, description: string, start: number, end: number): never {
  throw new LakeError(400, 'queryParseError', description, { query, start, end })
}

/**
 * The one place GROQ is evaluated in full (the planner falls back to it): `*` is `documents`.
 */
export async function evaluateGroq(input: EvaluateInput): Promise<unknown> {
  const params = input.params ?? {}
  const tree = parseGroq(input.query, params)
  try {
    const value = await evaluate(tree, {
      dataset: input.documents,
      params,
      identity: input.identity,
      sanity: input.sanity,
      timestamp: input.timestamp,
    })
    return await value.get()
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    throw new LakeError(400, 'queryError', `GROQ query failed: ${message}`, { query: input.query })
  }
}

/**
 * evaluateGroq in one synchronous piece (what a query budget times): groq-js's synchronous
 * evaluator, NeedsAsyncEvaluation when it cannot answer (the caller then uses evaluateGroq, whose
 * result and error are the reference).
 */
export function evaluateGroqSync(input: EvaluateInput): unknown {
  const params = input.params ?? {}
  const tree = parseGroq(input.query, params)
  try {
    return evaluateSync(tree, {
      dataset: input.documents,
      params,
      identity: input.identity,
      sanity: input.sanity,
    }).data
  } catch (err) {
    throw new NeedsAsyncEvaluation(err)
  }
}
