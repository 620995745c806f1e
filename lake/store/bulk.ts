/**
 * Bulk writes (imports): many documents created, replaced or created-if-missing in ONE
 * transaction, without running each through the mutation machinery. The result is the same
 * transaction `commit` would store for the equivalent `create`/`createOrReplace`/`createIfNotExists`
 * mutations with `preserveSystemFields` (same stamped documents, same revisions, same events); only
 * the way it is computed and written differs.
 */
import {isRecord, transactionError} from '../errors.js'
import {invalidIdReason} from '../ids.js'
import type {LakeDocument} from './types.js'

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
}

export interface BulkResult {
  transactionId: string
  /** Documents created or replaced. */
  written: number
  /** Documents left alone (`createIfNotExists` of an existing id). */
  skipped: number
}

/** One document the bulk write stores: its stamped form and the JSON text to write. */
export interface BulkWrite {
  id: string
  before: LakeDocument | null
  after: LakeDocument
  json: string
}

const SYSTEM_FIELDS = ['_id', '_type', '_createdAt', '_updatedAt', '_rev'] as const

/** Every item well-formed and every id once, or a 400 naming the item (its index). */
export function validateBulk(items: readonly BulkItem[]): void {
  const seen = new Map<string, number>()
  for (let index = 0; index < items.length; index++) {
    const doc = items[index].doc
    if (!isRecord(doc)) throw transactionError(400, 'mutationError', [{index, type: 'invalidDocumentError', description: `document ${index} must be an object with _id and _type`}])
    const reason = invalidIdReason(doc._id)
    if (reason !== undefined) throw transactionError(400, 'mutationError', [{index, type: 'invalidDocumentIdError', description: reason}])
    const id = doc._id as string
    if (typeof doc._type !== 'string' || doc._type === '') {
      throw transactionError(400, 'mutationError', [{index, type: 'invalidDocumentError', description: `document "${id}" has no _type (a non-empty string)`, id}])
    }
    const earlier = seen.get(id)
    if (earlier !== undefined) {
      throw transactionError(400, 'mutationError', [{index, type: 'invalidDocumentError', description: `document id "${id}" appears twice (also document ${earlier}): one transaction writes each document once`, id}])
    }
    seen.set(id, index)
  }
}

/**
 * The documents to write, stamped as `TransactionBuilder` stamps a create with
 * `preserveSystemFields` (given `_createdAt`/`_updatedAt` kept, a given `_rev` kept for a new
 * document), against the committed documents `current`. Items must have passed `validateBulk`.
 */
export function planBulk(
  items: readonly BulkItem[],
  current: ReadonlyMap<string, LakeDocument>,
  opts: {kind: BulkKind; transactionId: string; timestamp: string; conflict?: (index: number, id: string) => Error},
): BulkWrite[] {
  const writes: BulkWrite[] = []
  for (let index = 0; index < items.length; index++) {
    const {doc, json} = items[index]
    const id = doc._id as string
    const existing = current.get(id) ?? null
    if (existing && opts.kind === 'create') {
      throw opts.conflict?.(index, id) ?? transactionError(409, 'mutationError', [{index, type: 'documentAlreadyExistsError', description: `Document by ID "${id}" already exists`, id}])
    }
    if (existing && opts.kind === 'createIfNotExists') continue
    const after: LakeDocument = {
      ...doc,
      _id: id,
      _type: doc._type as string,
      _createdAt: typeof doc._createdAt === 'string' ? doc._createdAt : (existing?._createdAt ?? opts.timestamp),
      _updatedAt: typeof doc._updatedAt === 'string' ? doc._updatedAt : opts.timestamp,
      _rev: !existing && typeof doc._rev === 'string' ? doc._rev : opts.transactionId,
    }
    writes.push({id, before: existing, after, json: (json !== undefined && reuseJson(doc, after, json)) || JSON.stringify(after)})
  }
  return writes
}

/**
 * The JSON of `after` built from `json` (the text `doc` was parsed from), or undefined when that
 * cannot be done safely. `after` is `{...doc, <system fields>}`: a system field `doc` already has
 * with the same value stays where it is; one `doc` lacks is appended, in the spread's order. So
 * the text with the missing fields appended parses to `after`, keys in the same order. A system
 * field whose value changes would change in place: then undefined (the caller serialises).
 */
function reuseJson(doc: Record<string, unknown>, after: LakeDocument, json: string): string | undefined {
  let text = json.trimEnd()
  if (!text.endsWith('}')) return undefined
  let suffix = ''
  for (const key of SYSTEM_FIELDS) {
    if (Object.hasOwn(doc, key)) {
      if (doc[key] !== after[key]) return undefined
    } else suffix += `,${JSON.stringify(key)}:${JSON.stringify(after[key])}`
  }
  if (suffix === '') return text
  text = text.slice(0, -1).trimEnd()
  // An object without keys cannot be a valid item (it has no _id), but do not build bad JSON.
  if (text.endsWith('{')) return undefined
  return `${text}${suffix}}`
}
