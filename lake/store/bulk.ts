/**
 * Bulk writes (imports): many documents created, replaced or created-if-missing in ONE
 * transaction, without running each through the mutation machinery. The result is the same
 * transaction `commit` would store for the equivalent `create`/`createOrReplace`/`createIfNotExists`
 * mutations with `preserveSystemFields` (same stamped documents, same revisions, same events); only
 * the way it is computed and written differs.
 */
import { isRecord, transactionError } from '../errors.js'
import { invalidIdReason } from '../ids.js'
import type { LakeDocument } from './types.js'

export type BulkKind = 'create' | 'createOrReplace' | 'createIfNotExists'

export interface BulkItem {
  doc: Record<string, unknown>
  /**
   * The JSON text `doc` was parsed from, if the caller has it and has not changed `doc` since.
   * Lets the store write that text instead of serialising the document again (JSON.stringify is
   * the largest CPU cost of an import); any text that parses to the same document is as good.
   */
  json?: string
}

export interface BulkOptions {
  kind: BulkKind
  author?: string
  transactionId?: string
  /** The error for an id that already exists in `create` mode (default: Sanity's 409). */
  conflict?: (index: number, id: string) => Error
  /** Called with (done, total) while documents are written. */
  onProgress?: (done: number, total: number) => void
  /**
   * Checks one (valid) item before it is written; throwing aborts the whole write with that error,
   * nothing stored. A large write calls it inside its write loop, where it overlaps the worker's
   * inserts, in the order it writes (not the items' order): for checks where it does not matter
   * which failing item is found first.
   */
  check?: (item: BulkItem, index: number) => void
}

export interface BulkResult {
  transactionId: string
  /** Documents created or replaced. */
  written: number
  /** Documents left alone (`createIfNotExists` of an existing id). */
  skipped: number
}

/**
 * One document the bulk write stores: its stamped form and the JSON text to write, in two parts so
 * that no 7 KB string is concatenated per document (V8 would flatten each one into a new string;
 * see `encodeBulkJson`): `head`, and when `tail` is not empty, `head` with its closing brace
 * replaced by `tail` (the system fields the source text lacks, then `}`).
 */
export interface BulkWrite {
  id: string
  before: LakeDocument | null
  after: LakeDocument
  head: string
  tail: string
  /** `after` as the store keeps it (lazy.ts), when made before the commit (see writeBulkInThread). */
  stored?: LakeDocument
}

const SYSTEM_FIELDS = ['_id', '_type', '_createdAt', '_updatedAt', '_rev'] as const

/** Every item well-formed and every id once, or a 400 naming the item (its index). */
export function validateBulk(items: readonly BulkItem[]): void {
  const seen = new Map<string, number>()
  for (let index = 0; index < items.length; index++) {
    const error = invalidItem(items[index], index)
    if (error) throw error
    const id = items[index].doc._id as string
    const earlier = seen.get(id)
    if (earlier !== undefined) throw repeatedId(id, index, earlier)
    seen.set(id, index)
  }
}

/** The 400 for item `index` when it is not a document that can be written (its id may repeat). */
export function invalidItem(item: BulkItem, index: number): Error | undefined {
  const doc = item.doc
  if (!isRecord(doc))
    return transactionError(400, 'mutationError', [
      { index, type: 'invalidDocumentError', description: `document ${index} must be an object with _id and _type` },
    ])
  const reason = invalidIdReason(doc._id)
  if (reason !== undefined)
    return transactionError(400, 'mutationError', [{ index, type: 'invalidDocumentIdError', description: reason }])
  if (typeof doc._type !== 'string' || doc._type === '') {
    const id = doc._id as string
    return transactionError(400, 'mutationError', [
      { index, type: 'invalidDocumentError', description: `document "${id}" has no _type (a non-empty string)`, id },
    ])
  }
  return undefined
}

/** The 400 for item `index` whose id item `earlier` has too. */
function repeatedId(id: string, index: number, earlier: number): Error {
  return transactionError(400, 'mutationError', [
    {
      index,
      type: 'invalidDocumentError',
      description: `document id "${id}" appears twice (also document ${earlier}): one transaction writes each document once`,
      id,
    },
  ])
}

/**
 * The documents to write, stamped as `TransactionBuilder` stamps a create with
 * `preserveSystemFields` (given `_createdAt`/`_updatedAt` kept, a given `_rev` kept for a new
 * document), against the committed documents `current`. Items must have passed `validateBulk`.
 */
export function planBulk(
  items: readonly BulkItem[],
  current: ReadonlyMap<string, LakeDocument>,
  opts: BulkPlanOptions,
): BulkWrite[] {
  const writes: BulkWrite[] = []
  for (let index = 0; index < items.length; index++) {
    const w = planItem(items[index], index, current, opts)
    if (w) writes.push(w)
  }
  return writes
}

export interface BulkPlanOptions {
  kind: BulkKind
  transactionId: string
  timestamp: string
  conflict?: (index: number, id: string) => Error
}

/** `planBulk` of one item: its write, or undefined when it is left alone (createIfNotExists). */
export function planItem(
  item: BulkItem,
  index: number,
  current: ReadonlyMap<string, LakeDocument>,
  opts: BulkPlanOptions,
): BulkWrite | undefined {
  const { doc, json } = item
  const id = doc._id as string
  const existing = current.get(id) ?? null
  if (existing && opts.kind === 'create') throw conflictError(index, id, opts)
  if (existing && opts.kind === 'createIfNotExists') return undefined
  const after: LakeDocument = {
    ...doc,
    _id: id,
    _type: doc._type as string,
    _createdAt: typeof doc._createdAt === 'string' ? doc._createdAt : (existing?._createdAt ?? opts.timestamp),
    _updatedAt: typeof doc._updatedAt === 'string' ? doc._updatedAt : opts.timestamp,
    _rev: !existing && typeof doc._rev === 'string' ? doc._rev : opts.transactionId,
  }
  const tail = json !== undefined ? reuseJson(doc, after, json) : undefined
  return tail !== undefined
    ? { id, before: existing, after, head: json as string, tail }
    : { id, before: existing, after, head: JSON.stringify(after), tail: '' }
}

/**
 * In `create` mode, the conflict error of the first item (in the items' order) whose id exists
 * already; `planItem` finds the same error, but only when it gets to that item. Items need not be
 * validated yet.
 */
export function checkCreateConflicts(
  items: readonly BulkItem[],
  current: ReadonlyMap<string, LakeDocument>,
  opts: BulkPlanOptions,
): void {
  if (opts.kind !== 'create') return
  for (let index = 0; index < items.length; index++) {
    const doc = items[index].doc
    if (isRecord(doc) && typeof doc._id === 'string' && current.has(doc._id)) {
      // An invalid item is reported before any conflict, as when the items are validated first.
      validateBulk(items)
      throw conflictError(index, doc._id, opts)
    }
  }
}

function conflictError(index: number, id: string, opts: BulkPlanOptions): Error {
  return (
    opts.conflict?.(index, id) ??
    transactionError(409, 'mutationError', [
      { index, type: 'documentAlreadyExistsError', description: `Document by ID "${id}" already exists`, id },
    ])
  )
}

/**
 * The items' indexes in the order of their ids; an item that is not a record sorts first. JavaScript
 * compares UTF-16 code units and SQLite's keys compare UTF-8 bytes: the same order except between
 * characters beyond U+FFFF and U+E000-U+FFFF, where it only costs the write some locality.
 */
export function idOrder(items: readonly BulkItem[]): number[] {
  const ids = items.map((item) => (isRecord(item.doc) && typeof item.doc._id === 'string' ? item.doc._id : ''))
  // A plain array of indexes: V8 sorts it about twice as fast as a Uint32Array with a comparator.
  const order = Array.from(ids.keys())
  return order.sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0))
}

/** The most UTF-8 bytes the JSON of `w` can take (a UTF-16 code unit is at most 3 bytes). */
export function bulkJsonMaxBytes(w: BulkWrite): number {
  return (w.head.length + w.tail.length) * 3
}

/**
 * Writes the UTF-8 JSON of `w` into `into` at `offset` (room for `bulkJsonMaxBytes(w)` needed)
 * and returns the bytes written. Binding these bytes (a Buffer) instead of a string saves
 * better-sqlite3 a UTF-8 copy into a fresh allocation per document, and building the text here
 * saves V8 a flat 7 KB string per document (`head` and `tail` are never concatenated): together
 * the largest JavaScript-side cost of a 100k-document import after stamping.
 */
export function encodeBulkJson(w: BulkWrite, into: Buffer, offset: number): number {
  let end = offset + into.write(w.head, offset)
  if (w.tail !== '') {
    // reuseJson checked that the text ends with '}' (then maybe whitespace): ASCII bytes.
    end--
    while (into[end] !== 0x7d) end--
    end += into.write(w.tail, end)
  }
  return end - offset
}

/**
 * How to build the JSON of `after` from `json` (the text `doc` was parsed from): the tail that
 * replaces its closing brace ('' when the text is `after`'s JSON as it is), or undefined when that
 * cannot be done safely. `after` is `{...doc, <system fields>}`: a system field `doc` already has
 * with the same value stays where it is; one `doc` lacks is appended, in the spread's order. So
 * the text with the missing fields appended parses to `after`, keys in the same order. A system
 * field whose value changes would change in place: then undefined (the caller serialises).
 */
function reuseJson(doc: Record<string, unknown>, after: LakeDocument, json: string): string | undefined {
  let end = json.length - 1
  while (end >= 0 && isJsonSpace(json.charCodeAt(end))) end--
  if (end < 0 || json.charCodeAt(end) !== 0x7d) return undefined
  let suffix = ''
  for (const key of SYSTEM_FIELDS) {
    if (Object.hasOwn(doc, key)) {
      if (doc[key] !== after[key]) return undefined
    } else suffix += `,${JSON.stringify(key)}:${JSON.stringify(after[key])}`
  }
  if (suffix === '') return ''
  // An object without keys cannot be a valid item (it has no _id), but do not build bad JSON.
  let before = end - 1
  while (before >= 0 && isJsonSpace(json.charCodeAt(before))) before--
  if (before < 0 || json.charCodeAt(before) === 0x7b) return undefined
  return `${suffix}}`
}

/** JSON's whitespace (RFC 8259): space, tab, line feed, carriage return. */
function isJsonSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d
}
