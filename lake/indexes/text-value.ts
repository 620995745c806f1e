/**
 * The value of a text index's expression for one document, computed without groq-js for the
 * expressions the indexes hold (an attribute path such as `title` or `seo.title`, and
 * `pt::text(path)`), because groq-js's `evaluateSync` of `pt::text(body)` over every article was
 * most of the 15-25 s CPU the first search spent building the body's index.
 *
 * Each reader gives exactly groq-js 1.x's value (`evaluateSync(expr, {root: doc}).data`), or
 * `UNSURE` for any value it cannot be certain about, and the caller then asks groq-js. The groq-js
 * rules mirrored here (evaluator AccessAttribute, shared `fromJS`/`getType`, functions `pt.text`):
 * - `a.b`: the base must have type 'object' (not null, not an array, not a groq-js Path or
 *   DateTime) and the attribute must be its own property (`data.hasOwnProperty(name)`); else null.
 *   An undefined value is null.
 * - `pt::text(v)`: an object gives its block text; an array gives the block texts of its members,
 *   nested arrays flattened, members that are not objects skipped, joined by a blank line
 *   ("\n\n"), or null when there is none; any other value gives null.
 * - a block's text: null unless its `_type` is a string and its `children` an array; else the
 *   concatenation of the `text` of every child that is an object whose `_type` is 'span' and
 *   whose `text` is a string (other children skipped).
 * Only JSON-shaped data is read natively: an object must have Object.prototype as prototype, no own
 * `hasOwnProperty` (groq-js calls the object's own method) and no callable `next` (groq-js would
 * take it for an iterator); anything else (functions, class instances, null-prototype objects) is
 * UNSURE. Documents read from the store are JSON, so in practice every document is read natively.
 */
import type { ExprNode } from 'groq-js'

/** Returned when this module cannot vouch for groq-js's value: evaluate with groq-js instead. */
export const UNSURE: unique symbol = Symbol('unsure')

export type TextValueReader = (doc: unknown) => unknown

/** The attribute names of `a`, `@.a`, `a.b.c` (outermost last), or undefined for another node. */
function attributePath(node: ExprNode): string[] | undefined {
  const names: string[] = []
  let at: ExprNode | undefined = node
  while (at && at.type === 'AccessAttribute') {
    names.unshift(at.name)
    at = at.base
  }
  if (names.length === 0) return undefined
  return at === undefined || at.type === 'This' ? names : undefined
}

/** A reader for `expr` if this module knows the expression, else undefined (use groq-js). */
export function nativeTextReader(expr: ExprNode): TextValueReader | undefined {
  const path = attributePath(expr)
  if (path) return (doc) => readPath(doc, path)
  if (expr.type === 'FuncCall' && expr.namespace === 'pt' && expr.name === 'text' && expr.args.length === 1) {
    const argPath = attributePath(expr.args[0] as ExprNode)
    if (argPath) {
      return (doc) => {
        const value = readPath(doc, argPath)
        return value === UNSURE ? UNSURE : portableText(value)
      }
    }
  }
  return undefined
}

/** A plain JSON object groq-js reads the way this module does (see the header). */
function isPlainObject(value: object): value is Record<string, unknown> {
  if (Object.getPrototypeOf(value) !== Object.prototype) return false
  if (Object.hasOwn(value, 'hasOwnProperty')) return false
  return typeof (value as { next?: unknown }).next !== 'function'
}

/** A value groq-js keeps as it is (JSON scalar, array, plain object), or UNSURE. */
function jsonOrUnsure(value: unknown): unknown {
  if (value === undefined || value === null) return null
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value
    case 'object':
      if (Array.isArray(value)) return typeof (value as { next?: unknown }).next === 'function' ? UNSURE : value
      return isPlainObject(value) ? value : UNSURE
    default:
      return UNSURE // function, symbol, bigint: not JSON
  }
}

/** groq-js's value of an attribute path on `doc` (AccessAttribute rules), or UNSURE. */
export function readPath(doc: unknown, path: readonly string[]): unknown {
  let value = jsonOrUnsure(doc)
  for (const name of path) {
    if (value === UNSURE) return UNSURE
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return null
    const obj = value as Record<string, unknown>
    value = Object.hasOwn(obj, name) ? jsonOrUnsure(obj[name]) : null
  }
  return value
}

/** groq-js `pt::text` of a value returned by readPath (JSON-shaped, checked), or UNSURE. */
export function portableText(value: unknown): string | null | typeof UNSURE {
  if (value === null || typeof value !== 'object') return null
  if (!Array.isArray(value)) return blockText(value as Record<string, unknown>)
  const texts: string[] = []
  if (!arrayTexts(value, texts)) return UNSURE
  return texts.length > 0 ? texts.join('\n\n') : null
}

/** Block texts of an array's members (nested arrays flattened); false if a member is not JSON. */
function arrayTexts(members: readonly unknown[], out: string[]): boolean {
  for (const member of members) {
    if (Array.isArray(member)) {
      if (!arrayTexts(member, out)) return false
    } else if (member !== null && typeof member === 'object') {
      const text = blockText(member)
      if (text === UNSURE) return false
      if (text !== null) out.push(text)
    } else if (typeof member === 'function') return false
  }
  return true
}

function blockText(block: object): string | null | typeof UNSURE {
  if (!isPlainObject(block)) return UNSURE
  if (typeof block._type !== 'string') return null
  const children = block.children
  if (!Array.isArray(children)) return null
  let text = ''
  for (const child of children) {
    if (child === null || typeof child !== 'object') {
      if (typeof child === 'function') return UNSURE
      continue
    }
    if (!Array.isArray(child) && !isPlainObject(child)) return UNSURE
    const span = child as { _type?: unknown; text?: unknown }
    if (span._type === 'span' && typeof span.text === 'string') text += span.text
  }
  return text
}
