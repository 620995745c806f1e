/**
 * Sync tags (Sanity's `syncTags` on query responses and the tags of live events): which changes
 * can alter a query's result. The rule (docs/lake.md, "Sync tags"):
 *
 * - A query's tags name what it could read. Each `*[filter]` is tagged by a restriction its filter
 *   implies for every document it can keep: the ids (`_id == $id`), slugs (`slug.current == $s`),
 *   referenced ids (`references($id)`, `ref._ref == ^._id`) or types (`_type == "article"`) the
 *   kept documents must have; keys from the enclosing document are recorded as the planner
 *   resolves them. Every `->` adds a tag of the document it dereferenced. A `*` with no such
 *   restriction (or a query the planner did not evaluate) makes the query coarse: one dataset tag.
 * - A transaction's event lists, for every document it changed, the tags of its state before and
 *   after (its id, type, slug and every `_ref` in it), of the other documents that stand for the
 *   same id in a perspective view (a draft and its published document), and the dataset tag.
 *
 * So whenever a change can alter a query's result, one of the query's tags is in the change's
 * event: a kept document satisfied the restriction before or after the change, and the event lists
 * what it satisfied. Never too narrow; coarser than needed where a query cannot be narrowed.
 *
 * Tags are opaque strings of hosted Sanity's shape, `s1:` + a 52-bit hash of the dataset and the
 * key; two keys sharing a hash only cost an extra invalidation.
 */
import { evaluateSync, type ExprNode } from 'groq-js'
import { publishedIdOf } from '../ids.js'
import type { LakeDocument } from '../store/index.js'
import { childNodes, foldCondition, NotConstant, runtimeKeys, specOf, type Spec } from './planner/analyze.js'

/** A tag before hashing: `d:<published id>`, `t:<type>`, `s:<slug>`, `r:<referenced id>`. */
export type TagKey = string

/** The key every event carries and a coarse query is tagged with. */
export const DATASET_KEY = '*'

type AnyNode = { type: string; [key: string]: unknown }

/** The hashed tag of a key in a dataset: `s1:` and 13 hex digits. */
export function syncTag(dataset: string, key: TagKey): string {
  let memo = memos.get(dataset)
  if (!memo) memos.set(dataset, (memo = new Map()))
  const hit = memo.get(key)
  if (hit !== undefined) return hit
  const tag = hashTag(dataset, key)
  // Bounded: ids come and go; a full memo is simply started again.
  if (memo.size >= MEMO_SIZE) memo.clear()
  memo.set(key, tag)
  return tag
}

const MEMO_SIZE = 50_000
const memos = new Map<string, Map<TagKey, string>>()

function hashTag(dataset: string, key: TagKey): string {
  let h1 = 0x9e3779b9
  let h2 = 0x85ebca6b
  for (const s of [dataset, key]) {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i)
      h1 = Math.imul(h1 ^ c, 0x9e3779b1)
      h2 = Math.imul(h2 ^ c, 0x5f356495)
    }
    // A separator, so that ("ab", "c") and ("a", "bc") differ.
    h1 = Math.imul(h1 ^ 0x10000, 0x9e3779b1)
    h2 = Math.imul(h2 ^ 0x10000, 0x5f356495)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b) ^ Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0x85ebca6b) ^ Math.imul(h1 ^ (h1 >>> 13), 0xc2b2ae35)
  // 52 bits as 13 hex digits (integer conversions: a double's toString(36) is several times slower).
  return `s1:${((h2 & 0x1fffff) | 0x200000).toString(16).slice(1)}${(h1 >>> 0).toString(16).padStart(8, '0')}`
}

// ---------------------------------------------------------------------------------------------
// Restrictions of a filter

/** The values of a lookup's key: strings, or undefined when it does not restrict. */
export type KeysOf = (spec: Extract<Spec, { k: 'lookup' }>) => string[] | undefined

/** Static keys only (a runtime key does not restrict here). */
export const staticKeys: KeysOf = (spec) => {
  if (spec.key.kind !== 'static') return undefined
  const v = spec.key.value
  if (typeof v === 'string') return [v]
  if (!Array.isArray(v)) return undefined
  const strings = v.filter((x): x is string => typeof x === 'string')
  // `slug.current in ["a", 42]` keeps a document whose slug is the number 42: not a slug restriction.
  // `_type`, `_id` and `_ref` are strings whenever they match, so other values just match nothing.
  if (spec.index === 'slug' && strings.length !== v.length) return undefined
  return strings
}

const RANK: Record<string, number> = { d: 0, s: 1, r: 2, t: 3 }

/** The ids of the documents a view shows with a slug, when the query ran (see `restrictionOf`). */
export type TargetsOf = (slug: string) => readonly string[]

/**
 * Tag keys every document the filter keeps has one of (`undefined`: no restriction). For `a && b`
 * either side's restriction holds, the more specific one is taken; `a || b` needs both sides'.
 * `$s in refs[]->slug.current` restricts only given `targetsOf`: a kept document references a
 * document with slug `$s` (its `_ref` is that document's id), so it has one of their `r:` keys;
 * a document taking that slug later is caught by the `s:` keys of `derefSlugKeys`.
 */
export function restrictionOf(spec: Spec, keysOf: KeysOf, targetsOf?: TargetsOf): Set<TagKey> | undefined {
  switch (spec.k) {
    case 'none':
      return new Set()
    case 'lookup': {
      if (spec.index === 'derefSlug') {
        const slugs = targetsOf && keysOf(spec)
        if (!slugs) return undefined
        return new Set(slugs.flatMap((slug) => targetsOf(slug).map((id) => `r:${id}`)))
      }
      const prefix =
        spec.index === 'id'
          ? 'd'
          : spec.index === 'type'
            ? 't'
            : spec.index === 'slug'
              ? 's'
              : spec.index === 'ref'
                ? 'r'
                : undefined
      if (!prefix) return undefined
      const keys = keysOf(spec)
      if (!keys) return undefined
      return new Set(keys.map((k) => `${prefix}:${prefix === 'd' ? publishedIdOf(k) : k}`))
    }
    case 'and': {
      let best: Set<TagKey> | undefined
      let bestRank = Number.POSITIVE_INFINITY
      for (const part of spec.parts) {
        const r = restrictionOf(part, keysOf, targetsOf)
        if (!r) continue
        if (r.size === 0) return r
        const first = r.values().next().value as string
        const rank = (RANK[first[0] as string] ?? 9) * 1e6 + r.size
        if (rank < bestRank) {
          best = r
          bestRank = rank
        }
      }
      return best
    }
    case 'or': {
      const out = new Set<TagKey>()
      for (const part of spec.parts) {
        const r = restrictionOf(part, keysOf, targetsOf)
        if (!r) return undefined
        for (const k of r) out.add(k)
      }
      return out
    }
    default:
      return undefined
  }
}

/**
 * Extra keys a filter reads through references: `$s in refs[]->slug.current` keeps documents
 * whose referenced documents have slug `$s`, and the planner evaluates only those, so a change of
 * any document's slug to or from `$s` must reach the query. `undefined`: a key is not known.
 */
export function derefSlugKeys(spec: Spec, keysOf: KeysOf, out: Set<TagKey>): boolean {
  if (spec.k === 'lookup' && spec.index === 'derefSlug') {
    const keys = keysOf(spec)
    if (!keys) return false
    for (const k of keys) out.add(`s:${k}`)
    return true
  }
  if (spec.k === 'and' || spec.k === 'or') return spec.parts.every((p) => derefSlugKeys(p, keysOf, out))
  return true
}

// ---------------------------------------------------------------------------------------------
// What a parsed query could read, before evaluation

/**
 * A `*[filter]` whose restriction needs keys of the enclosing document (recorded by the planner),
 * or the documents that have a slug it dereferences (`spec`: found in the view the query read).
 */
export interface DeferredFilter {
  node: object
  /** The restriction from constant keys alone, for when the planner did not evaluate the query. */
  fallback: Set<TagKey> | undefined
  /** The filter's lookups, when it reads `$s in refs[]->slug.current` with constant keys only. */
  spec?: Spec
}

export interface StaticReads {
  keys: Set<TagKey>
  /** Some `*` is not restricted: the query is tagged with the dataset tag. */
  coarse: boolean
  deferred: DeferredFilter[]
  /** The query dereferences (`->`): exact only when the planner records what it dereferenced. */
  derefs: boolean
}

const cache = new WeakMap<object, StaticReads>()

/** Keys of constant expressions: never the clock (the analysis is cached per parsed query). */
function evalConstant(n: ExprNode): unknown {
  // Parameters are literals after parsing: most keys need no evaluation.
  if (n.type === 'Value') return n.value
  if (readsClock(n as unknown as AnyNode)) throw new NotConstant()
  try {
    return evaluateSync(n, { params: {} }).data
  } catch {
    throw new NotConstant()
  }
}

function readsClock(n: AnyNode): boolean {
  if (n.type === 'FuncCall' && n.name === 'now') return true
  return childNodes(n).some(readsClock)
}

/** What the (parsed, parameters in place) query could read; cached per tree. */
export function staticReads(tree: ExprNode): StaticReads {
  const hit = cache.get(tree)
  if (hit) return hit
  const out: StaticReads = { keys: new Set(), coarse: false, deferred: [], derefs: false }
  const visit = (n: AnyNode): void => {
    if (n.type === 'Filter' && (n.base as AnyNode | undefined)?.type === 'Everything') {
      const cond = foldCondition(n.expr as ExprNode, evalConstant)
      const spec = specOf(cond, evalConstant)
      const restricted = restrictionOf(spec, staticKeys)
      const extras = new Set<TagKey>()
      const known = derefSlugKeys(spec, staticKeys, extras) ? restricted : undefined
      if (known) for (const k of extras) known.add(k)
      if (runtimeKeys(spec).length > 0) out.deferred.push({ node: n, fallback: known })
      else if (known && readsDerefSlug(spec)) out.deferred.push({ node: n, fallback: known, spec })
      else if (known) for (const k of known) out.keys.add(k)
      else out.coarse = true
      visit(n.expr as AnyNode)
      return
    }
    if (n.type === 'Everything') out.coarse = true
    // groq-js's `releases::all()` reads every document without a `*` in the tree.
    if (n.type === 'FuncCall' && n.namespace === 'releases') out.coarse = true
    if (n.type === 'Deref') out.derefs = true
    for (const c of childNodes(n)) visit(c)
  }
  visit(tree as unknown as AnyNode)
  cache.set(tree, out)
  return out
}

function readsDerefSlug(spec: Spec): boolean {
  if (spec.k === 'lookup') return spec.index === 'derefSlug'
  return (spec.k === 'and' || spec.k === 'or') && spec.parts.some(readsDerefSlug)
}

// ---------------------------------------------------------------------------------------------
// What an evaluation read

/**
 * What the planner recorded while evaluating: ids it dereferenced, the restrictions of filters it
 * resolved with keys of the enclosing document, and whether any of them fell back to every document.
 */
export class QueryReads {
  readonly derefs = new Set<string>()
  readonly keys = new Set<TagKey>()
  /** The `*[filter]` nodes of the parsed query the planner answers with runtime lookups. */
  readonly runtimeFilters = new Set<object>()
  coarse = false
}

/**
 * The query's sync tags. `reads` is what the planner recorded, or undefined when the query was
 * evaluated without it (plain groq-js, a query worker): then dereferences and keys of enclosing
 * documents are unknown and make it coarse. `targetsOf` reads the view the planner evaluated in,
 * as it was then (asked before any later commit): with it, a filter through references' slugs is
 * tagged by the documents that had the slug instead of by every document of its type.
 */
export function queryTagKeys(
  stat: StaticReads,
  reads: QueryReads | undefined,
  targetsOf?: TargetsOf,
): Set<TagKey> | undefined {
  if (stat.coarse) return undefined
  if (reads?.coarse) return undefined
  if (stat.derefs && !reads) return undefined
  const keys = new Set(stat.keys)
  for (const d of stat.deferred) {
    if (reads?.runtimeFilters.has(d.node)) continue
    const narrowed = d.spec && reads && targetsOf ? derefRestriction(d.spec, targetsOf) : undefined
    const restriction = narrowed ?? d.fallback
    if (!restriction) return undefined
    for (const k of restriction) keys.add(k)
  }
  if (reads) {
    for (const k of reads.keys) keys.add(k)
    for (const id of reads.derefs) keys.add(`d:${publishedIdOf(id)}`)
  }
  return keys
}

/** A filter's restriction with the documents its dereferenced slugs named, and those slugs' keys. */
function derefRestriction(spec: Spec, targetsOf: TargetsOf): Set<TagKey> | undefined {
  const restricted = restrictionOf(spec, staticKeys, targetsOf)
  if (!restricted || !derefSlugKeys(spec, staticKeys, restricted)) return undefined
  return restricted
}

/** Hashed tags of a key set (`undefined`: the dataset tag alone), sorted. */
export function tagsOf(dataset: string, keys: Set<TagKey> | undefined): string[] {
  if (!keys) return [syncTag(dataset, DATASET_KEY)]
  const tags = new Set<string>()
  for (const k of keys) tags.add(syncTag(dataset, k))
  return [...tags].sort()
}

// ---------------------------------------------------------------------------------------------
// What a change touched

/** Adds the keys of one state of a document: its id, type, slug and every reference in it. */
export function addDocumentKeys(doc: LakeDocument, out: Set<TagKey>): void {
  out.add(`d:${publishedIdOf(doc._id)}`)
  if (typeof doc._type === 'string') out.add(`t:${doc._type}`)
  const slug = (doc as { slug?: { current?: unknown } }).slug
  if (slug && typeof slug === 'object' && typeof slug.current === 'string') out.add(`s:${slug.current}`)
  addRefs(doc, out)
}

function addRefs(value: unknown, out: Set<TagKey>): void {
  if (Array.isArray(value)) {
    for (const v of value) if (v !== null && typeof v === 'object') addRefs(v, out)
    return
  }
  if (value === null || typeof value !== 'object') return
  for (const key in value as Record<string, unknown>) {
    const v = (value as Record<string, unknown>)[key]
    if (key === '_ref') {
      if (typeof v === 'string') out.add(`r:${v}`)
    } else if (v !== null && typeof v === 'object') addRefs(v, out)
  }
}
