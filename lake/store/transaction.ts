import { Mutation } from '@sanity/mutator'
import { isRecord, LakeError, transactionError } from '../errors.js'
import { invalidIdReason, randomId } from '../ids.js'
import { evaluateGroq } from '../query/evaluate.js'
import type { LakeDocument, MutationOperation } from './types.js'

const MUTATION_KINDS = ['create', 'createOrReplace', 'createIfNotExists', 'delete', 'patch'] as const
const PATCH_OPERATIONS = ['set', 'setIfMissing', 'unset', 'inc', 'dec', 'insert', 'diffMatchPatch'] as const
const PATCH_META = ['id', 'query', 'params', 'ifRevisionID']

interface Touched {
  before: LakeDocument | null
  after: LakeDocument | null
  operation: MutationOperation
  mutations: Record<string, unknown>[]
  /** The index of the last mutation or action that wrote this document (error items name it). */
  index: number
}

/**
 * The working state of one transaction: the committed documents plus this transaction's changes.
 * `apply` runs one mutation (Sanity's wire format) against it; nothing is stored until the store
 * commits the whole transaction. Patch semantics come from `@sanity/mutator`.
 */
export class TransactionBuilder {
  readonly transactionId: string
  readonly timestamp: string
  private readonly base: ReadonlyMap<string, LakeDocument>
  private readonly touched = new Map<string, Touched>()
  private readonly autoKeys: boolean
  private readonly preserveSystemFields: boolean
  readonly errorKind: 'mutationError' | 'actionError'
  private readonly referrersLookup: ((id: string) => Iterable<LakeDocument>) | undefined

  constructor(
    base: ReadonlyMap<string, LakeDocument>,
    opts: {
      transactionId: string
      timestamp: string
      autoGenerateArrayKeys?: boolean
      preserveSystemFields?: boolean
      errorKind?: 'mutationError' | 'actionError'
      /** The store's fast "who references X" (its reference index); without it, a scan. */
      referrersOf?: (id: string) => Iterable<LakeDocument>
    },
  ) {
    this.referrersLookup = opts.referrersOf
    this.base = base
    this.transactionId = opts.transactionId
    this.timestamp = opts.timestamp
    this.autoKeys = opts.autoGenerateArrayKeys ?? false
    this.preserveSystemFields = opts.preserveSystemFields ?? false
    this.errorKind = opts.errorKind ?? 'mutationError'
  }

  get(id: string): LakeDocument | null {
    const t = this.touched.get(id)
    if (t) return t.after
    return this.base.get(id) ?? null
  }

  /** Every document as this transaction currently sees it. */
  documents(): LakeDocument[] {
    const out: LakeDocument[] = []
    for (const [id, doc] of this.base) if (!this.touched.has(id)) out.push(doc)
    for (const t of this.touched.values()) if (t.after) out.push(t.after)
    return out
  }

  /**
   * The documents that may reference `id`, as this transaction currently sees them (a superset:
   * callers check the references themselves).
   */
  mayReference(id: string): LakeDocument[] {
    const ids = new Set<string>()
    const committed = this.referrersLookup ? this.referrersLookup(id) : this.base.values()
    for (const doc of committed) ids.add(doc._id)
    for (const [touchedId, t] of this.touched) if (t.after) ids.add(touchedId)
    const out: LakeDocument[] = []
    for (const docId of ids) {
      const doc = this.get(docId)
      if (doc) out.push(doc)
    }
    return out
  }

  /** The documents touched so far, in order first touched. */
  changes(): Array<{ id: string } & Touched> {
    return [...this.touched].map(([id, t]) => ({ id, ...t }))
  }

  fail(
    index: number,
    statusCode: number,
    type: string,
    description: string,
    id?: string,
    details?: Record<string, unknown>,
  ): never {
    throw transactionError(statusCode, this.errorKind, [{ index, description, type, id, details }])
  }

  private write(id: string, after: LakeDocument | null, mutation: Record<string, unknown>, index: number): void {
    const existing = this.touched.get(id)
    const before = existing ? existing.before : (this.base.get(id) ?? null)
    const operation: MutationOperation = after === null ? 'delete' : before === null ? 'create' : 'update'
    const mutations = existing ? existing.mutations : []
    mutations.push(mutation)
    this.touched.set(id, { before, after, operation, mutations, index })
  }

  private stamp(
    doc: Record<string, unknown>,
    id: string,
    createdAt: string | undefined,
    isCreate = false,
  ): LakeDocument {
    const body = this.autoKeys ? addMissingKeys(doc) : doc
    const keep = isCreate && this.preserveSystemFields
    const isNew = this.get(id) === null
    return {
      ...body,
      _id: id,
      _type: body._type as string,
      _createdAt: createdAt ?? this.timestamp,
      _updatedAt: keep && typeof body._updatedAt === 'string' ? body._updatedAt : this.timestamp,
      _rev: keep && isNew && typeof body._rev === 'string' ? body._rev : this.transactionId,
    }
  }

  /** Applies one mutation in Sanity's format (`{create: {...}}`, `{patch: {...}}`, ...). */
  async apply(mutation: unknown, index: number): Promise<void> {
    if (!isRecord(mutation)) {
      this.fail(
        index,
        400,
        'invalidMutationError',
        `mutation ${index} must be an object like {"create": {...}}, got ${describe(mutation)}`,
      )
    }
    const keys = Object.keys(mutation)
    const kind = keys.length === 1 ? keys[0] : undefined
    if (!kind || !(MUTATION_KINDS as readonly string[]).includes(kind)) {
      this.fail(
        index,
        400,
        'invalidMutationError',
        `mutation ${index} has ${keys.length === 1 ? `unknown type "${keys[0]}"` : `keys ${JSON.stringify(keys)}`}: each mutation is an object with exactly one of ${MUTATION_KINDS.join(', ')}`,
      )
    }
    const body = mutation[kind]
    switch (kind) {
      case 'create':
      case 'createOrReplace':
      case 'createIfNotExists':
        return this.applyCreate(kind, body, index)
      case 'delete':
        return this.applyDelete(body, index)
      case 'patch':
        return this.applyPatch(body, index)
    }
  }

  private applyCreate(kind: 'create' | 'createOrReplace' | 'createIfNotExists', doc: unknown, index: number): void {
    if (!isRecord(doc))
      this.fail(
        index,
        400,
        'invalidMutationError',
        `${kind} (mutation ${index}) needs a document object, got ${describe(doc)}`,
      )
    let id = doc._id
    if (kind === 'create' && (id === undefined || id === '')) id = randomId()
    else if (kind === 'create' && typeof id === 'string' && id.endsWith('.')) id = id + randomId()
    if (id === undefined)
      this.fail(index, 400, 'invalidMutationError', `${kind} (mutation ${index}) needs the document's _id`)
    const reason = invalidIdReason(id)
    if (reason !== undefined) this.fail(index, 400, 'invalidDocumentIdError', `${kind} (mutation ${index}): ${reason}`)
    const docId = id as string
    if (typeof doc._type !== 'string' || doc._type === '') {
      this.fail(
        index,
        400,
        'invalidDocumentError',
        `${kind} (mutation ${index}) of "${docId}": _type must be a non-empty string`,
        docId,
      )
    }
    const existing = this.get(docId)
    const createdAt = typeof doc._createdAt === 'string' ? doc._createdAt : undefined
    if (kind === 'create' && existing) {
      this.fail(index, 409, 'documentAlreadyExistsError', `Document by ID "${docId}" already exists`, docId)
    }
    if (kind === 'createIfNotExists' && existing) return
    const stored = this.stamp(doc, docId, createdAt ?? existing?._createdAt, true)
    this.write(docId, stored, { [kind]: stored }, index)
  }

  private async targets(spec: Record<string, unknown>, what: string, index: number): Promise<string[]> {
    if (typeof spec.id === 'string') {
      const reason = invalidIdReason(spec.id)
      if (reason !== undefined)
        this.fail(index, 400, 'invalidDocumentIdError', `${what} (mutation ${index}): ${reason}`)
      return [spec.id]
    }
    if (typeof spec.query === 'string') {
      const params = spec.params === undefined ? {} : spec.params
      if (!isRecord(params))
        this.fail(index, 400, 'invalidMutationError', `${what} (mutation ${index}): params must be an object`)
      let result: unknown
      try {
        result = await evaluateGroq({ query: spec.query, params, documents: this.documents() })
      } catch (err) {
        if (err instanceof LakeError)
          this.fail(index, 400, err.type, `${what} (mutation ${index}) query: ${err.message}`)
        throw err
      }
      const list = Array.isArray(result) ? result : [result]
      return list.flatMap((d) => (isRecord(d) && typeof d._id === 'string' ? [d._id] : []))
    }
    return this.fail(
      index,
      400,
      'invalidMutationError',
      `${what} (mutation ${index}) needs "id" (a document id) or "query" (a GROQ filter)`,
    )
  }

  private async applyDelete(spec: unknown, index: number): Promise<void> {
    if (!isRecord(spec))
      this.fail(
        index,
        400,
        'invalidMutationError',
        `delete (mutation ${index}) needs {"id": "..."} or {"query": "..."}`,
      )
    for (const id of await this.targets(spec, 'delete', index)) {
      if (this.get(id) === null) continue
      this.write(id, null, { delete: { id } }, index)
    }
  }

  private async applyPatch(spec: unknown, index: number): Promise<void> {
    if (!isRecord(spec)) this.fail(index, 400, 'invalidMutationError', `patch (mutation ${index}) must be an object`)
    const unknownKeys = Object.keys(spec).filter(
      (k) => !PATCH_META.includes(k) && !(PATCH_OPERATIONS as readonly string[]).includes(k),
    )
    if (unknownKeys.length) {
      this.fail(
        index,
        400,
        'invalidPatchError',
        `patch (mutation ${index}) has unknown operation "${unknownKeys[0]}": use ${PATCH_OPERATIONS.join(', ')}`,
      )
    }
    validatePatchOperations(spec, (msg) =>
      this.fail(index, 400, 'invalidPatchError', `patch (mutation ${index}): ${msg}`),
    )
    const byId = typeof spec.id === 'string'
    const ids = await this.targets(spec, 'patch', index)
    const operations: Record<string, unknown> = {}
    for (const op of PATCH_OPERATIONS)
      if (spec[op] !== undefined) operations[op] = this.autoKeys ? addMissingKeys(spec[op]) : spec[op]
    for (const id of ids) {
      const current = this.get(id)
      if (!current) {
        if (byId)
          this.fail(
            index,
            404,
            'documentNotFoundError',
            `Document "${id}" not found: a patch only applies to an existing document (create it first, or put a createIfNotExists before the patch)`,
            id,
          )
        continue
      }
      if (spec.ifRevisionID !== undefined && spec.ifRevisionID !== current._rev) {
        this.fail(
          index,
          409,
          'conflict',
          `Document "${id}" has unexpected revision ID ("${current._rev}"), expected "${String(spec.ifRevisionID)}": it changed since you read it; fetch it again and retry`,
          id,
        )
      }
      let next: unknown
      try {
        next = new Mutation({ mutations: [{ patch: { ...operations, id } }] }).apply(current)
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err)
        this.fail(index, 400, 'invalidPatchError', `patch (mutation ${index}) of "${id}" failed: ${message}`, id)
      }
      if (!isRecord(next) || next._id !== id)
        this.fail(
          index,
          400,
          'invalidPatchError',
          `patch (mutation ${index}) of "${id}" must not change or remove _id`,
          id,
        )
      if (typeof next._type !== 'string' || next._type === '')
        this.fail(
          index,
          400,
          'invalidPatchError',
          `patch (mutation ${index}) of "${id}" must leave _type a non-empty string`,
          id,
        )
      const stored = this.stamp(next, id, current._createdAt)
      const normalised: Record<string, unknown> = { id, ...operations }
      if (spec.ifRevisionID !== undefined) normalised.ifRevisionID = spec.ifRevisionID
      this.write(id, stored, { patch: normalised }, index)
    }
  }
}

function validatePatchOperations(spec: Record<string, unknown>, fail: (message: string) => never): void {
  for (const op of ['set', 'setIfMissing', 'diffMatchPatch', 'inc', 'dec'] as const) {
    const value = spec[op]
    if (value === undefined) continue
    if (!isRecord(value)) fail(`"${op}" must be an object of {path: value}, got ${describe(value)}`)
    for (const [p, v] of Object.entries(value)) {
      if ((op === 'inc' || op === 'dec') && typeof v !== 'number')
        fail(`"${op}" of "${p}" needs a number, got ${describe(v)}`)
      if (op === 'diffMatchPatch' && typeof v !== 'string')
        fail(`"diffMatchPatch" of "${p}" needs a patch string, got ${describe(v)}`)
    }
  }
  if (spec.unset !== undefined && (!Array.isArray(spec.unset) || spec.unset.some((p) => typeof p !== 'string'))) {
    fail(`"unset" must be an array of paths, got ${describe(spec.unset)}`)
  }
  if (spec.insert !== undefined) {
    const insert = spec.insert
    if (!isRecord(insert)) return fail(`"insert" must be an object like {"after": "path[-1]", "items": [...]}`)
    const where = ['before', 'after', 'replace'].filter((k) => typeof insert[k] === 'string')
    if (where.length !== 1) fail(`"insert" needs exactly one of "before", "after" or "replace" (a path)`)
    if (!Array.isArray(insert.items)) fail(`"insert" needs "items", an array`)
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`
}

/** Adds a random `_key` to every object inside an array that has none (`autoGenerateArrayKeys`). */
function addMissingKeys<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.map((item) => {
      const inner = addMissingKeys(item)
      return isRecord(inner) && inner._key === undefined ? { _key: randomId(12), ...inner } : inner
    }) as T
  }
  if (isRecord(value)) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = addMissingKeys(v)
    return out as T
  }
  return value
}
