/**
 * Reading documents the way groq-js reads them, for index keys. Each function here states the
 * groq-js behaviour it mirrors: an index built with them must give every document groq-js would
 * match (a superset is fine, the planner re-evaluates; a missing document is a wrong result).
 */

import { lazyParts } from '../store/lazy.js'

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
    if (!isObject(value) || !Object.hasOwn(value, name)) return null
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
    // A store document's long fields are read from SQLite when used: their refs were kept aside.
    const lazy = lazyParts(value)
    if (lazy) for (const r of lazy.refs) out.add(r)
    for (const key in value) {
      if (key !== '_ref' && !lazy?.keys.includes(key)) collectRefs(value[key], out)
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
 * The regular expression groq-js builds for one term of a `match` pattern: the term's first 1,024
 * characters between `^` and `$`, each `*` as `.*`, flag `i`, nothing escaped (a term cannot hold
 * a regex character other than `.` and `*`: matchTerms cuts at all the others), so `.` matches any
 * one UTF-16 unit. Tokens never hold line terminators (they are cut at whitespace), so `.` and
 * `.*` match any character of a token.
 */
export function termRegex(term: string): RegExp {
  return new RegExp(`^${term.slice(0, 1024).replace(/\*/g, '.*')}$`, 'i')
}

/**
 * The key a token is stored under in a text index: its ASCII letters lower-cased, every other
 * UTF-16 unit unchanged (same length). A term regex matches the key exactly when it matches the
 * token: without the `u` flag, `i` compares characters by their upper case (Canonicalize), and an
 * ASCII letter's upper case is that of its lower-case form, while a non-ASCII character is left
 * as it is by this folding (so `K`, the Kelvin sign, is not folded to `k` here, and groq-js does
 * not match it with `k` either: Canonicalize never maps non-ASCII to ASCII).
 */
export function tokenKey(token: string): string {
  return /[A-Z]/.test(token) ? token.replace(/[A-Z]+/g, (s) => s.toLowerCase()) : token
}

/**
 * The literal start every key matching `termRegex(term)` begins with: the term's characters
 * before the first `*`, `.` or non-ASCII character, ASCII letters lower-cased (an ASCII character
 * of the pattern matches only a token character with the same key). May be empty.
 */
export function termKeyPrefix(term: string): string {
  const t = term.slice(0, 1024)
  let end = 0
  while (end < t.length) {
    const c = t.charCodeAt(end)
    if (c > 0x7f || c === 0x2a /* * */ || c === 0x2e /* . */) break
    end++
  }
  return tokenKey(t.slice(0, end))
}

/**
 * groq-js `gatherText` over a `match` pattern value, then its terms: a string's terms, or the
 * terms of every element of an array of strings; `undefined` when the pattern is of another type
 * or an array holding a non-string (groq-js then matches nothing and scores 0).
 */
export function patternTerms(pattern: unknown): string[] | undefined {
  if (typeof pattern === 'string') return matchTerms(pattern)
  if (!Array.isArray(pattern)) return undefined
  const out: string[] = []
  for (const p of pattern) {
    if (typeof p !== 'string') return undefined
    out.push(...matchTerms(p))
  }
  return out
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

// One pass over a text giving the keys of its `match` tokens (`matchTokens` then `tokenKey`), used
// to build text indexes: groq-js's two regular expressions, the tokens' arrays and a third regex
// per token were most of the CPU of indexing every article's body. The character classes are
// taken from the regexes themselves, for every UTF-16 unit, so they cannot drift from them.
const CODE_UNITS = 0x10000
/** 1 for a character CHARS excludes (a token delimiter), else 0. */
const DELIMITER = new Uint8Array(CODE_UNITS)
/** 1 for a `\b` word character ([A-Za-z0-9_]), else 0. */
const WORD = new Uint8Array(CODE_UNITS)
{
  const delimiter = /[!@#$%^&*(),\\/?";:{}|[\]+<>\s-]/
  for (let c = 0; c < CODE_UNITS; c++) {
    const s = String.fromCharCode(c)
    if (delimiter.test(s)) DELIMITER[c] = 1
    if (/\w/.test(s)) WORD[c] = 1
  }
}
const DOT = 0x2e

/**
 * The keys of `matchTokens(text)`, in order (same as `matchTokens(text).map(tokenKey)`).
 * EDGE_CHARS removes a whole run of dots exactly when the character before it or after it is a
 * word character (`\b` next to a dot), and the removal joins what surrounds the run; CHARS then
 * takes the maximal runs of non-delimiters.
 */
export function matchTokenKeys(text: string): string[] {
  const out: string[] = []
  const n = text.length
  let token = '' // the current token's parts before a removed run of dots
  let start = -1 // start of the current token's pending slice, or -1
  let upper = false // the pending slice or `token` has an ASCII capital
  let ascii = true // ... and every character of the token is ASCII (then toLowerCase is tokenKey)
  let i = 0
  while (i < n) {
    const c = text.charCodeAt(i)
    if (c === DOT) {
      let end = i + 1
      while (end < n && text.charCodeAt(end) === DOT) end++
      const removed = (i > 0 && WORD[text.charCodeAt(i - 1)] === 1) || (end < n && WORD[text.charCodeAt(end)] === 1)
      if (removed) {
        if (start >= 0) {
          token += text.slice(start, i)
          start = end // the token goes on after the run (or ends there, empty slice)
        }
      } else if (start < 0) start = i
      i = end
      continue
    }
    if (DELIMITER[c] === 1) {
      if (start >= 0) {
        const t = token + text.slice(start, i)
        if (t.length > 0) out.push(upper ? (ascii ? t.toLowerCase() : tokenKey(t)) : t)
        token = ''
        start = -1
        upper = false
        ascii = true
      }
    } else {
      if (start < 0) start = i
      if (c >= 0x41 && c <= 0x5a) upper = true
      else if (c > 0x7f) ascii = false
    }
    i++
  }
  if (start >= 0) {
    const t = token + text.slice(start, n)
    if (t.length > 0) out.push(upper ? (ascii ? t.toLowerCase() : tokenKey(t)) : t)
  }
  return out
}
