/**
 * Filter conditions the planner decides without groq-js: `&&`, `||`, `!`, `defined(path)` and
 * comparisons of an attribute path with a constant (`_type == "article"`, `seo.noIndex == true`,
 * `publishedAt < $after`), which are most of the delivery queries' filters. Each node returns what
 * groq-js's would, reduced to true, false or "not a boolean" (null), from the rules of groq-js 1.x:
 *
 * - `&&`: false if either side is false, else null if either is not a boolean, else true;
 *   `||` the same with true; `!x`: null unless x is a boolean.
 * - `defined(x)`: whether x is not null (a missing attribute is null).
 * - `==`/`!=`: equal only when both values have the same type among string, number, boolean and
 *   null and are `===` (never throws, never null).
 * - `<`, `<=`, `>`, `>=`: null unless both are numbers, both strings or both booleans; then the
 *   comparison of JavaScript values (strings by UTF-16 code units, as groq-js compares).
 * - `a.b` reads an own attribute of an object (anything else gives null).
 *
 * A condition with anything else is not compiled (undefined) and groq-js evaluates it as before.
 * The differential test compares every use with plain groq-js.
 */
import type { ExprNode } from 'groq-js'
import { elementPath, isConstant, NotConstant } from './analyze.js'

type Tri = boolean | null
type Node = { type: string; [key: string]: unknown }

/** Thrown when a document cannot be decided natively (groq-js would throw on it): use groq-js. */
export class Undecidable extends Error {}

/** A compiled condition: true exactly when groq-js's filter keeps the document. */
export type NativePredicate = (doc: unknown) => boolean

export function compileCondition(cond: ExprNode, evalConstant: (n: ExprNode) => unknown): NativePredicate | undefined {
  const tri = compile(cond as unknown as Node, evalConstant)
  return tri && ((doc) => tri(doc) === true)
}

const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>='])
const FLIP: Record<string, string> = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' }

function compile(n: Node, evalConstant: (n: ExprNode) => unknown): ((doc: unknown) => Tri) | undefined {
  if (isConstant(n as unknown as ExprNode)) {
    const v = constant(n, evalConstant)
    if (v === NOT_CONSTANT) return undefined
    const tri: Tri = typeof v === 'boolean' ? v : null
    return () => tri
  }
  switch (n.type) {
    case 'Group':
      return compile(n.base as Node, evalConstant)
    case 'And':
    case 'Or': {
      const left = compile(n.left as Node, evalConstant)
      const right = compile(n.right as Node, evalConstant)
      if (!left || !right) return undefined
      if (n.type === 'And') {
        return (doc) => {
          const a = left(doc)
          const b = right(doc)
          return a === false || b === false ? false : a === null || b === null ? null : true
        }
      }
      return (doc) => {
        const a = left(doc)
        const b = right(doc)
        return a === true || b === true ? true : a === null || b === null ? null : false
      }
    }
    case 'Not': {
      const base = compile(n.base as Node, evalConstant)
      if (!base) return undefined
      return (doc) => {
        const v = base(doc)
        return v === null ? null : !v
      }
    }
    case 'FuncCall': {
      const args = n.args as Node[]
      if (n.namespace !== 'global' || n.name !== 'defined' || !Array.isArray(args) || args.length !== 1)
        return undefined
      const path = elementPath(args[0] as unknown as ExprNode)
      if (!path) return undefined
      return (doc) => read(doc, path) !== null
    }
    case 'OpCall': {
      const op = String(n.op)
      if (!COMPARISONS.has(op)) return undefined
      for (const [side, other, o] of [
        [n.left, n.right, op],
        [n.right, n.left, FLIP[op] as string],
      ] as const) {
        const path = elementPath(side as unknown as ExprNode)
        if (!path || !isConstant(other as unknown as ExprNode)) continue
        const v = constant(other as Node, evalConstant)
        if (v === NOT_CONSTANT || !isScalar(v)) return undefined
        return comparison(path, o, v)
      }
      return undefined
    }
    default:
      return undefined
  }
}

const NOT_CONSTANT = Symbol('not constant')

function constant(n: Node, evalConstant: (n: ExprNode) => unknown): unknown {
  try {
    return evalConstant(n as unknown as ExprNode)
  } catch (err) {
    if (err instanceof NotConstant) return NOT_CONSTANT
    throw err
  }
}

type Scalar = string | number | boolean | null

/** Values a JSON document can hold that groq-js compares by type and `===` (no datetimes, paths). */
function isScalar(v: unknown): v is Scalar {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
}

/** groq-js's type name of a JSON value. */
function typeOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v
}

function comparison(path: readonly string[], op: string, v: Scalar): (doc: unknown) => Tri {
  const vType = typeOf(v)
  if (op === '==' || op === '!=') {
    const eq = op === '=='
    return (doc) => {
      const x = read(doc, path)
      return (typeOf(x) === vType && x === v) === eq
    }
  }
  // Ordering: only numbers, strings and booleans of the same type compare; anything else is null.
  if (vType !== 'number' && vType !== 'string' && vType !== 'boolean') return () => null
  return (doc) => {
    const x = read(doc, path)
    if (typeOf(x) !== vType) return null
    const a = x as string | number | boolean
    const b = v as string | number | boolean
    switch (op) {
      case '<':
        return a < b
      case '<=':
        return a <= b
      case '>':
        return a > b
      default:
        return a >= b
    }
  }
}

const own = Object.prototype.hasOwnProperty

/**
 * An attribute path's value as groq-js reads it (`AccessAttribute`: an own property of an object,
 * else null). groq-js calls the object's own `hasOwnProperty`, which a document can shadow with a
 * non-function and so make groq-js throw: such a document is left to groq-js. JSON objects hold
 * no `undefined` and inherit only Object.prototype's members, so for any other name a plain read
 * that gives undefined means "not an own property" (one lookup instead of two).
 */
export function read(doc: unknown, path: readonly string[]): unknown {
  let value: unknown = doc
  for (const name of path) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return null
    const record = value as Record<string, unknown>
    if (record.hasOwnProperty !== own) throw new Undecidable()
    if (name in Object.prototype) {
      if (!own.call(record, name)) return null
      value = record[name]
    } else {
      value = record[name]
    }
    if (value === undefined) return null
  }
  return value
}
/**
 * The top-level conjuncts of a filter condition (`a && (b && c)`) that compile: a document the
 * filter keeps passes all of them (groq-js's `&&` is true only when both sides are), so they narrow
 * exactly; `exact` when they are the whole condition (groq-js need not evaluate it at all).
 */
export function compileConjuncts(
  cond: ExprNode,
  evalConstant: (n: ExprNode) => unknown,
): { test: NativePredicate; exact: boolean } | undefined {
  const parts: Array<(doc: unknown) => Tri> = []
  let exact = true
  const visit = (n: Node): void => {
    if (n.type === 'Group') return visit(n.base as Node)
    if (n.type === 'And') {
      visit(n.left as Node)
      visit(n.right as Node)
      return
    }
    const compiled = compile(n, evalConstant)
    if (compiled) parts.push(compiled)
    else exact = false
  }
  visit(cond as unknown as Node)
  if (parts.length === 0) return undefined
  return { test: (doc) => parts.every((p) => p(doc) === true), exact }
}
