/**
 * Long fields of the store's documents stay in SQLite and are read when used.
 *
 * Why: the lake holds every document of a dataset in memory (its query view), and a document parsed
 * into JavaScript objects takes about 1.8x its JSON in V8's heap (many small objects: a Portable
 * Text span is an object, a key string, a marks array and a text string). In the bench's 100k
 * dataset (698 MB of NDJSON) article bodies alone are 477 MB of JSON, yet queries read them for a
 * handful of documents at a time (an article page, a search's index build). So in the store's copy
 * of a document, every top-level field (not a system `_` field) whose JSON is at least
 * LAZY_MIN_CHARS long is an accessor that reads the document's revision row, which never changes
 * (dataset, id, seq: the JSON this very document was stored as), and parses it; the documents read
 * last are kept parsed in a small cache (LAZY_CACHE_CHARS), so a warm query does not go to SQLite.
 *
 * The accessor is transparent to every reader: an own, enumerable property in the field's place,
 * so `Object.keys`, `for...in`, `hasOwnProperty`, `JSON.stringify`, spread, structured clone
 * (postMessage to query workers), groq-js and @sanity/mutator all see the value. The object is
 * built with `Object.defineProperty` for every property: redefining a property of the parsed object
 * in place, or adding many by keyed stores, makes V8 turn it into a dictionary-mode object (larger,
 * slower to read); this way documents of one shape share one hidden class (getters are shared per
 * field name).
 *
 * Beside the accessors, under a non-enumerable symbol no reader sees (`LazyInfo`): the revision's
 * seq, the lazy keys, and every string `_ref` inside the lazy fields, so the reference index
 * (lake/indexes/values.ts `collectRefs`) never reads them.
 */
import type { Statement } from 'better-sqlite3'
import type { SqliteDatabase } from './db.js'
import type { LakeDocument } from './types.js'

/** A top-level field whose JSON is at least this long is read from SQLite when used. */
export const LAZY_MIN_CHARS = 1024
/** Characters of JSON of the documents kept parsed after their lazy fields were read. */
const LAZY_CACHE_CHARS = 16 * 1024 * 1024
/** Documents read once lately that are kept parsed (see LazySource `probation`). */
const PROBATION = 256
/** Distinct field names given a getter; fields with other names stay in memory past this. */
const MAX_LAZY_NAMES = 4096

const LAZY: unique symbol = Symbol('lake.lazyFields')

/** Depth of `scanning` calls under way (synchronous: an index build reads every document in one go). */
let scanDepth = 0
const endScans = (): void => {
  scanDepth = 0
}

/**
 * Runs `fn`, a pass over many documents (an index build), without keeping what it reads: lazy
 * fields read meanwhile are parsed, handed out and dropped, and the caches of documents read lately
 * stay as they were. Why: kept even briefly, each of the 66k bodies a text index build reads
 * outlives the young generation's collections and is promoted to the old one as garbage; at 100k
 * documents that garbage raised the heap (and RSS, which V8 does not give back) by about 100 MB.
 */
export function scanning<T>(fn: () => T): T {
  // A watchdog that terminates the running JavaScript (lake/query/budget.ts) skips `finally`:
  // the depth goes back to 0 once the synchronous job ends, whatever happened to it.
  if (scanDepth++ === 0) queueMicrotask(endScans)
  try {
    return fn()
  } finally {
    scanDepth--
  }
}

export interface LazyParts {
  /** The top-level keys read from SQLite. */
  readonly keys: readonly string[]
  /** Every string `_ref` anywhere inside those fields. */
  readonly refs: readonly string[]
}

interface LazyInfo extends LazyParts {
  readonly source: LazySource
  readonly id: string
  readonly seq: number
}

type WithInfo = { [LAZY]?: LazyInfo }

interface Loaded {
  /** The revision's document, parsed. */
  doc: Record<string, unknown>
  /** Characters of its JSON. */
  chars: number
}

/** The lazy fields of a store document (undefined when all its fields are in memory). */
export function lazyParts(value: object): LazyParts | undefined {
  return (value as WithInfo)[LAZY]
}

/**
 * How a query worker is sent a document with lazy fields (structured clone would read them all on
 * the lake's thread): its id, revision seq, keys in order, lazy keys, and the value of each key in
 * that order (null for a lazy one). The worker reads the lazy fields from the database itself when
 * used (lake/query/pool.ts).
 */
export type LazyWire = [id: string, seq: number, keys: string[], lazy: readonly string[], values: unknown[]]

/** Where a document's lazy fields are read from: the database file and the dataset. */
export interface LazyOrigin {
  file: string
  dataset: string
}

/** The document as a LazyWire and its origin, or undefined when all its fields are in memory. */
export function lazyWire(value: object): { wire: LazyWire; origin: LazyOrigin } | undefined {
  const info = (value as WithInfo)[LAZY]
  if (!info) return undefined
  const keys = Object.keys(value)
  const values = keys.map((key) => (info.keys.includes(key) ? null : (value as Record<string, unknown>)[key]))
  return { wire: [info.id, info.seq, keys, info.keys, values], origin: info.source.origin }
}

const getters = new Map<string, () => unknown>()

function getterFor(key: string): () => unknown {
  let getter = getters.get(key)
  if (!getter) {
    getter = function (this: WithInfo): unknown {
      const info = this[LAZY]
      return info ? info.source.value(info, key) : undefined
    }
    getters.set(key, getter)
  }
  return getter
}

/** Lazy key lists are shared (most documents of a type have the same one). */
const keyLists = new Map<string, readonly string[]>()
const NO_REFS: readonly string[] = Object.freeze([])

function sharedKeys(keys: string[]): readonly string[] {
  const id = keys.join('\u0000')
  let list = keyLists.get(id)
  if (!list) {
    list = Object.freeze(keys)
    if (keyLists.size < MAX_LAZY_NAMES) keyLists.set(id, list)
  }
  return list
}

/**
 * One shared copy of each string that repeats across documents by its nature: a `_ref` (the id of a
 * document that many others reference), a document's `_type` and `_rev` (one transaction wrote
 * many documents). JSON.parse gives every occurrence its own copy; at 100k documents the copies of
 * `_ref`s alone took about 32 MB of the lake's heap. The `_type`s inside fields are not shared: they
 * are short (V8 parses most into one copy already), sharing them saved 5 MB and cost half of the
 * lookups. Bounded: when full, the table starts over (strings already shared stay shared).
 */
const INTERN_MAX = 1 << 18
let interned = new Map<string, string>()

function intern(value: string): string {
  const known = interned.get(value)
  if (known !== undefined) return known
  if (interned.size >= INTERN_MAX) interned = new Map()
  interned.set(value, value)
  return value
}

/**
 * One walk of a field's value: measures its JSON (roughly: numbers count short) until it is known to
 * reach `limit` characters, meanwhile replacing in place the strings under `_ref` by their shared
 * copies (an equal string: no reader can tell). A field found long is left partly walked: it is
 * dropped from memory (lazy) anyway. One walk, not one to measure and one to share: each walk of
 * the documents' many small objects costs about as much.
 */
class FieldWalk {
  private left = 0
  private share = true

  /** Whether `value`'s JSON reaches `limit` characters; shares its `_ref`s when `share`. */
  reaches(value: object, limit: number, share: boolean): boolean {
    this.left = limit
    this.share = share
    return this.walk(value)
  }

  private walk(v: object): boolean {
    if (Array.isArray(v)) {
      this.left -= 1 + v.length
      for (let i = 0; i < v.length; i++) {
        const item: unknown = v[i]
        if (typeof item === 'string') this.left -= item.length + 2
        else if (item !== null && typeof item === 'object') {
          if (this.walk(item)) return true
        } else this.left -= 4
      }
      return this.left <= 0
    }
    const record = v as Record<string, unknown>
    this.left -= 1
    for (const key in record) {
      this.left -= key.length + 4
      const item = record[key]
      if (typeof item === 'string') {
        this.left -= item.length + 2
        if (this.share && key === '_ref') record[key] = intern(item)
      } else if (item !== null && typeof item === 'object') {
        if (this.walk(item)) return true
      } else this.left -= 4
      if (this.left <= 0) return true
    }
    return false
  }
}

const fieldWalk = new FieldWalk()

/**
 * The top-level fields of `doc` long enough to be lazy (undefined: none). The others are walked
 * whole, sharing their strings when `share`.
 */
function longFields(doc: LakeDocument, share: boolean, shareRefs: boolean): string[] | undefined {
  let keys: string[] | undefined
  const nested = share && shareRefs
  for (const key in doc) {
    const value = doc[key]
    if (key.charCodeAt(0) === 0x5f /* _ */) {
      if (share && typeof value === 'string' && (key === '_type' || key === '_rev' || key === '_ref'))
        doc[key] = intern(value)
      continue
    }
    if (value === null || typeof value !== 'object') continue
    if (!fieldWalk.reaches(value, LAZY_MIN_CHARS, nested)) continue
    if (getters.has(key) || getters.size < MAX_LAZY_NAMES) (keys ??= []).push(key)
    // Kept in memory past the limit of field names: walked whole.
    else fieldWalk.reaches(value, Number.POSITIVE_INFINITY, nested)
  }
  return keys
}

/** Every string `_ref` anywhere in `value` (as lake/indexes/values.ts `collectRefs` finds them). */
function addRefs(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) addRefs(v, out)
  } else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>
    if (typeof record._ref === 'string') out.add(record._ref)
    for (const key in record) if (key !== '_ref') addRefs(record[key], out)
  }
}

/** One dataset's reader of lazy fields: its revision rows, and the cache of documents read last. */
export class LazySource {
  private readonly db: SqliteDatabase
  private readonly dataset: string
  private readonly select: Statement
  readonly origin: LazyOrigin
  /**
   * Documents read once lately (at most PROBATION, oldest first), and documents read again while
   * there (least recently read first, at most LAZY_CACHE_CHARS of JSON): a scan over every
   * document (an index build, a query worker's copy) passes through the first and leaves the
   * second, and so the documents warm queries keep reading, alone.
   */
  private readonly probation = new Map<LazyInfo, Loaded>()
  private readonly cache = new Map<LazyInfo, Loaded>()
  private cachedChars = 0

  constructor(db: SqliteDatabase, dataset: string) {
    this.db = db
    this.dataset = dataset
    this.origin = { file: db.name, dataset }
    this.select = db.prepare('SELECT doc FROM revisions WHERE dataset = ? AND document_id = ? AND seq = ?').pluck()
  }

  /**
   * `doc` as the store keeps it: the same document, its long fields read from the revision row
   * `seq` (which must hold exactly this document) when used. `doc` itself when no field is long, or
   * when it is already such a document. Its `_type`, `_rev` and (unless not `shareRefs`) the `_ref`s
   * in its fields kept in memory become shared copies.
   */
  lazify(doc: LakeDocument, seq: number, shareRefs = true): LakeDocument {
    if ((doc as WithInfo)[LAZY]) return doc
    let lazy: string[] | undefined
    try {
      lazy = longFields(doc, !Object.isFrozen(doc), shareRefs)
    } catch {
      // A frozen document (not one the store parsed) keeps its own copies of the shared strings.
      lazy = longFields(doc, false, false)
    }
    if (!lazy) return doc
    const refs = new Set<string>()
    for (const key of lazy) addRefs(doc[key], refs)
    const info: LazyInfo = {
      source: this,
      id: doc._id,
      seq,
      keys: sharedKeys(lazy),
      refs: refs.size > 0 ? Array.from(refs, intern) : NO_REFS,
    }
    const out = {}
    for (const key of Object.keys(doc)) {
      Object.defineProperty(
        out,
        key,
        info.keys.includes(key)
          ? { get: getterFor(key), enumerable: true, configurable: true }
          : { value: doc[key], writable: true, enumerable: true, configurable: true },
      )
    }
    Object.defineProperty(out, LAZY, { value: info })
    return out as LakeDocument
  }

  /** A lazy field's value: from the caches, or the revision row read and parsed. */
  value(info: LazyInfo, key: string): unknown {
    if (scanDepth > 0) return (this.cache.get(info) ?? this.probation.get(info) ?? this.load(info)).doc[key]
    let hit = this.cache.get(info)
    if (hit) {
      this.cache.delete(info)
      this.cache.set(info, hit)
      return hit.doc[key]
    }
    hit = this.probation.get(info)
    if (hit) {
      this.probation.delete(info)
      this.cache.set(info, hit)
      this.cachedChars += hit.chars
      for (const [old, entry] of this.cache) {
        if (this.cachedChars <= LAZY_CACHE_CHARS || old === info) break
        this.cache.delete(old)
        this.cachedChars -= entry.chars
      }
      return hit.doc[key]
    }
    hit = this.load(info)
    this.probation.set(info, hit)
    if (this.probation.size > PROBATION) this.probation.delete(this.probation.keys().next().value as LazyInfo)
    return hit.doc[key]
  }

  private load(info: LazyInfo): Loaded {
    if (!this.db.open) {
      throw new Error(
        `lake: the field(s) ${info.keys.join(', ')} of "${info.id}" are read from the database when used, and it is closed: read documents while their lake is open`,
      )
    }
    const json = this.select.get(this.dataset, info.id, info.seq) as string | null | undefined
    if (typeof json !== 'string') {
      throw new Error(
        `lake: revision ${info.seq} of "${info.id}" in dataset "${this.dataset}" is missing: the database is damaged`,
      )
    }
    return { doc: JSON.parse(json) as Record<string, unknown>, chars: json.length }
  }
}
