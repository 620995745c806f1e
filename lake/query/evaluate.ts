import {evaluate, parse, GroqSyntaxError} from 'groq-js'
import {LakeError} from '../errors.js'

export interface EvaluateInput {
  query: string
  params?: Record<string, unknown>
  /** The documents `*` ranges over (already cut to the caller's perspective and rights). */
  documents: readonly unknown[]
  /** User id for `identity()`. */
  identity?: string
  sanity?: {projectId: string; dataset: string}
}

type ParsedQuery = ReturnType<typeof parse>

/**
 * Parses a GROQ query, turning syntax errors into Sanity's `queryParseError`
 * (`{description, start, end, query}`), answered as 400.
 */
export function parseGroq(query: string, params: Record<string, unknown> = {}): ParsedQuery {
  try {
    return parse(query, {params})
  } catch (err) {
    if (err instanceof GroqSyntaxError) {
      const start = err.position
      return throwParseError(query, err.message, start, Math.min(query.length, start + 1))
    }
    const message = err instanceof Error ? err.message : String(err)
    return throwParseError(query, message, 0, query.length)
  }
}

function throwParseError(query: string, description: string, start: number, end: number): never {
  throw new LakeError(400, 'queryParseError', description, {query, start, end})
}

/**
 * The one place GROQ is evaluated (issue 7's planner slots in here): `*` is `documents`.
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
    })
    return await value.get()
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    throw new LakeError(400, 'queryError', `GROQ query failed: ${message}`, {query: input.query})
  }
}
