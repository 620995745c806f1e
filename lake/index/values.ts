/**
 * Reading documents the way groq-js reads them, for index keys. Each function here states the
 * groq-js behaviour it mirrors: an index built with them must give every document groq-js would
 * match (a superset is fine, the planner re-evaluates; a missing document is a wrong result).
 */

/** groq-js `getType` for JSON data: arrays are 'array', plain objects 'object'. */
function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/**
 * The value of an attribute path such as `['slug', 'current']`: groq-js `AccessAttribute` yields
 * null unless the base is an object that has the attribute as an own property.
 */
export function readPath(doc: unknown, path: readonly string[]): unknown {
  let value: unknown = doc
  for (const name of path) {
    if (!isObject(value) || !Object.prototype.hasOwnProperty.call(value, name)) return null
    value = value[name]
  }
  return value === undefined ? null : value
}

/** `slug.current` when it is a string (the slug index key), else undefined. */
export function slugKey(doc: unknown): string | undefined {
  const value = readPath(doc, ['slug', 'current'])
  return typeof value === 'string' ? value : undefined
}

/**
 * Every string `_ref` anywhere in the document. groq-js `references()` looks at fewer (it stops
 * descending at the first object with a truthy `_ref`), so this is a superset of what it can
 * match, and it also covers `x._ref == $id` at any depth.
 */
export function collectRefs(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) collectRefs(v, out)
  } else if (isObject(value)) {
    const ref = value._ref
    if (typeof ref === 'string') out.add(ref)
    for (const key in value) {
      if (key !== '_ref') collectRefs(value[key], out)
    }
  }
  return out
}

/**
 * The ordering class of a value in groq-js `totalCompare` (TYPE_ORDER: datetime 1, number 2,
 * string 3, boolean 4, everything else 100). JSON documents never hold datetimes.
 * null/missing values are split from objects/arrays (class 100 too) because `defined(x)` can
 * exclude them; both classes compare equal to each other in groq-js.
 */
export const ORDER_NUMBER = 2
export const ORDER_STRING = 3
export const ORDER_BOOLEAN = 4
export const ORDER_OTHER = 100

export function orderClass(value: unknown): number {
  switch (typeof value) {
    case 'number':
      return ORDER_NUMBER
    case 'string':
      return ORDER_STRING
    case 'boolean':
      return ORDER_BOOLEAN
    default:
      return ORDER_OTHER
  }
}

/** groq-js `totalCompare` restricted to JSON values (sign only matters). */
export function compareKeys(aClass: number, a: unknown, bClass: number, b: unknown): number {
  if (aClass !== bClass) return aClass - bClass
  switch (aClass) {
    case ORDER_NUMBER:
      return (a as number) - (b as number)
    case ORDER_BOOLEAN:
      return Number(a) - Number(b)
    case ORDER_STRING:
      return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0
    default:
      return 0
  }
}

// Tokenisation of groq-js `match` (shared.mjs: CHARS, CHARS_WITH_WILDCARD, EDGE_CHARS), repeated
// here because the text index must cut text into exactly the tokens `match` compares against.
const CHARS = /([^!@#$%^&*(),\\/?";:{}|[\]+<>\s-])+/g
const CHARS_WITH_WILDCARD = /([^!@#$%^&(),\\/?";:{}|[\]+<>\s-])+/g
const EDGE_CHARS = /(\b\.+|\.+\b)/g

/** The tokens `match` sees in a text (groq-js `matchTokenize`). */
export function matchTokens(text: string): string[] {
  return text.replace(EDGE_CHARS, '').match(CHARS) ?? []
}

/** The terms of a `match` pattern (groq-js `matchPatternRegex`, before they become regexes). */
export function matchTerms(pattern: string): string[] {
  return pattern.replace(EDGE_CHARS, '').match(CHARS_WITH_WILDCARD) ?? []
}

/**
 * How a pattern term can be looked up in a token index, or undefined when it cannot (then it
 * narrows nothing). groq-js turns a term into `^term$` with `*` as `.*`, case-insensitive, and
 * does not escape `.` (it matches any character). Only plain ASCII terms are used: an ASCII
 * regex character matches, case-insensitively, only the same ASCII letter (non-ASCII characters
 * never canonicalise to ASCII without the `u` flag), so the token, lower-cased, equals the term
 * lower-cased (`exact`) or starts with its part before a single trailing `*` (`prefix`).
 */
export function termLookup(term: string): {kind: 'exact' | 'prefix'; text: string} | undefined {
  if (term.length === 0 || term.length > 1024) return undefined
  // eslint-disable-next-line no-control-regex
  if (!/^[\x21-\x7e]+$/.test(term) || term.includes('.')) return undefined
  const star = term.indexOf('*')
  if (star === -1) return {kind: 'exact', text: term.toLowerCase()}
  if (star === term.length - 1 && star > 0) return {kind: 'prefix', text: term.slice(0, -1).toLowerCase()}
  return undefined
}

/**
 * The strings groq-js `gatherText` takes from a value for tokenising: a string, or the string
 * elements of an array (other elements are skipped for the text side).
 */
export function textParts(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string')
  return []
}
