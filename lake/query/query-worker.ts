/**
 * The query worker: the thread that answers a query the lake's thread could not answer within its
 * inline budget, with plain groq-js over its copy of the perspective's documents. Why it exists,
 * how jobs are scheduled and when a worker is ended: pool.ts (its only user, which owns the
 * protocol's other end). It evaluates exactly as evaluate.ts does (that module is its parser and
 * evaluator), and serialises the result with a size cap, so a result too large to send is refused
 * before it is built in full.
 *
 * The worker does not run this file: it runs `query-worker.built.mjs`, this module and what it
 * imports compiled to plain JavaScript (`npm run build:worker`; test/lake/bulk-worker.test.ts fails
 * when the two differ), for the reason bulk-worker.ts gives: a thread started from TypeScript would
 * load the TypeScript loader first, which takes longer than the slow query it was started for.
 */
import os from 'node:os'
import { parentPort } from 'node:worker_threads'
import Database, { type Statement } from 'better-sqlite3'
import { LakeError } from '../errors.js'
import { lowerBound } from '../indexes/sorted.js'
import type { LazyOrigin, LazyWire } from '../store/lazy.js'
import { evaluateGroq } from './evaluate.js'

/** A slice of the documents `*` ranges over; the slices of one snapshot arrive `first` to `last`. */
export interface DocsMessage {
  type: 'docs'
  first: boolean
  last: boolean
  /** Documents, and documents with lazy fields as LazyWire arrays (a document is never an array). */
  docs: unknown[]
  /** Where the lazy fields of this slice's LazyWire documents are read from. */
  origin?: LazyOrigin
  /** A view's documents come with their ids and positions there, so changes can be applied later. */
  ids?: string[]
  positions?: number[]
}

/**
 * What changed in the view since the documents this worker holds: each id's document now and its
 * position, or (no `doc`) its removal. Only sent to a worker that holds a view with positions.
 */
export interface ChangesMessage {
  type: 'changes'
  changes: Array<{ id: string; pos?: number; doc?: unknown }>
  origin?: LazyOrigin
}

/** A query over the last complete set of documents. */
export interface QueryMessage {
  type: 'query'
  query: string
  params: Record<string, unknown>
  identity?: string
  sanity?: { projectId: string; dataset: string }
  /** `now()` of the query, in milliseconds since the epoch. */
  timestamp: number
  /** Characters of JSON the result may take. */
  maxResultSize: number
}

export type QueryWorkerMessage = DocsMessage | ChangesMessage | QueryMessage

/** The worker's answer to a QueryMessage: the result's JSON, or why there is none. */
export type QueryWorkerAnswer =
  | { type: 'result'; json: string }
  | { type: 'tooLarge' }
  /** A LakeError (a parse or query error), to be thrown again on the lake's thread. */
  | { type: 'error'; statusCode: number; errorType: string; description: string; details: Record<string, unknown> }

class TooLarge extends Error {}

/**
 * JSON.stringify's output for `value`, built in parts so that it stops as soon as it passes `limit`
 * characters (a result of millions of documents is refused, not built and then measured).
 */
export function serializeCapped(value: unknown, limit: number): string {
  const parts: string[] = []
  let size = 0
  const push = (s: string) => {
    size += s.length
    if (size > limit) throw new TooLarge()
    parts.push(s)
  }
  const skipped = (x: unknown) => x === undefined || typeof x === 'function' || typeof x === 'symbol'
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object') {
      const s = JSON.stringify(v) as string | undefined
      push(s === undefined ? 'null' : s)
      return
    }
    const withToJson = v as { toJSON?: () => unknown }
    if (typeof withToJson.toJSON === 'function') {
      walk(withToJson.toJSON())
      return
    }
    if (Array.isArray(v)) {
      push('[')
      for (let i = 0; i < v.length; i++) {
        if (i) push(',')
        const x: unknown = v[i]
        if (skipped(x)) push('null')
        else walk(x)
      }
      push(']')
      return
    }
    push('{')
    let first = true
    const record = v as Record<string, unknown>
    for (const key of Object.keys(record)) {
      const x = record[key]
      if (skipped(x)) continue
      push(`${first ? '' : ','}${JSON.stringify(key)}:`)
      first = false
      walk(x)
    }
    push('}')
  }
  walk(value)
  return parts.join('')
}

function errorAnswer(err: unknown, query: string): QueryWorkerAnswer {
  const lakeError =
    err instanceof LakeError
      ? err
      : new LakeError(400, 'queryError', `GROQ query failed: ${err instanceof Error ? err.message : String(err)}`, {
          query,
        })
  return {
    type: 'error',
    statusCode: lakeError.statusCode,
    errorType: lakeError.type,
    description: lakeError.message,
    details: lakeError.details,
  }
}

export async function answerQuery(message: QueryMessage, documents: readonly unknown[]): Promise<QueryWorkerAnswer> {
  let data: unknown
  try {
    data = await evaluateGroq({
      query: message.query,
      params: message.params,
      documents,
      identity: message.identity,
      sanity: message.sanity,
      timestamp: new Date(message.timestamp),
    })
  } catch (err) {
    return errorAnswer(err, message.query)
  }
  try {
    return { type: 'result', json: serializeCapped(data === undefined ? null : data, message.maxResultSize) }
  } catch (err) {
    if (err instanceof TooLarge) return { type: 'tooLarge' }
    return errorAnswer(err, message.query)
  }
}

// Documents whose long fields the lake keeps in SQLite (lake/store/lazy.ts) arrive as a LazyWire;
// their long fields are read here, from a read-only connection of this thread, when a query uses
// them (most never do), the last ones read kept parsed. As on the lake's thread, each is an own
// enumerable accessor in the field's place, getters shared per field name.
const LAZY = Symbol('lazy')
interface WireInfo {
  origin: LazyOrigin
  id: string
  seq: number
}
const lazyGetters = new Map<string, () => unknown>()
const lazySelects = new Map<string, Statement>()
const lazyCache = new Map<WireInfo, Record<string, unknown>>()
const LAZY_CACHE_DOCUMENTS = 512

function lazyDocument(info: WireInfo): Record<string, unknown> {
  let doc = lazyCache.get(info)
  if (doc) {
    lazyCache.delete(info)
    lazyCache.set(info, doc)
    return doc
  }
  let select = lazySelects.get(info.origin.file)
  if (!select) {
    const db = new Database(info.origin.file, { readonly: true, fileMustExist: true })
    select = db.prepare('SELECT doc FROM revisions WHERE dataset = ? AND document_id = ? AND seq = ?').pluck()
    lazySelects.set(info.origin.file, select)
  }
  const json = select.get(info.origin.dataset, info.id, info.seq) as string | null | undefined
  if (typeof json !== 'string')
    throw new Error(`lake: revision ${info.seq} of "${info.id}" is missing: the database is damaged`)
  doc = JSON.parse(json) as Record<string, unknown>
  lazyCache.set(info, doc)
  if (lazyCache.size > LAZY_CACHE_DOCUMENTS) lazyCache.delete(lazyCache.keys().next().value as WireInfo)
  return doc
}

function lazyGetter(key: string): () => unknown {
  let getter = lazyGetters.get(key)
  if (!getter) {
    getter = function (this: { [LAZY]?: WireInfo }): unknown {
      const info = this[LAZY]
      return info ? lazyDocument(info)[key] : undefined
    }
    lazyGetters.set(key, getter)
  }
  return getter
}

function fromWire(wire: LazyWire, origin: LazyOrigin): Record<string, unknown> {
  const [id, seq, keys, lazy, values] = wire
  const out: Record<string, unknown> = {}
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string
    Object.defineProperty(
      out,
      key,
      lazy.includes(key)
        ? { get: lazyGetter(key), enumerable: true, configurable: true }
        : { value: values[i], writable: true, enumerable: true, configurable: true },
    )
  }
  Object.defineProperty(out, LAZY, { value: { origin, id, seq } })
  return out
}

/**
 * The documents `*` ranges over, in the view's order; for a view, with each one's id and position,
 * kept in step by ChangesMessages (a changed document may move: a draft shown in a published
 * document's place takes its position).
 */
export class WorkerDocuments {
  documents: unknown[] = []
  private positions: number[] | undefined
  private readonly posById = new Map<string, number>()
  private incoming: { docs: unknown[]; ids: string[]; positions: number[] | undefined } | null = null

  receive(message: DocsMessage): void {
    if (message.first || this.incoming === null)
      this.incoming = { docs: [], ids: [], positions: message.positions ? [] : undefined }
    const incoming = this.incoming
    for (const doc of message.docs) incoming.docs.push(decode(doc, message.origin))
    if (message.ids && message.positions && incoming.positions) {
      incoming.ids.push(...message.ids)
      incoming.positions.push(...message.positions)
    } else incoming.positions = undefined
    if (!message.last) return
    this.documents = incoming.docs
    this.positions = incoming.positions
    this.posById.clear()
    if (this.positions)
      for (let i = 0; i < incoming.ids.length; i++)
        this.posById.set(incoming.ids[i] as string, this.positions[i] as number)
    this.incoming = null
  }

  apply(message: ChangesMessage): void {
    const positions = this.positions
    if (!positions) throw new Error('query worker: changes sent for documents without positions (internal error)')
    for (const change of message.changes) {
      const old = this.posById.get(change.id)
      if (old !== undefined) {
        const at = lowerBound(positions, old)
        if (positions[at] !== old) throw new Error(`query worker: "${change.id}" is not where it was (internal error)`)
        positions.splice(at, 1)
        this.documents.splice(at, 1)
        this.posById.delete(change.id)
      }
      if (change.doc === undefined || change.pos === undefined) continue
      const at = lowerBound(positions, change.pos)
      positions.splice(at, 0, change.pos)
      this.documents.splice(at, 0, decode(change.doc, message.origin))
      this.posById.set(change.id, change.pos)
    }
  }
}

function decode(doc: unknown, origin: LazyOrigin | undefined): unknown {
  return Array.isArray(doc) && origin ? fromWire(doc as LazyWire, origin) : doc
}

function serve(port: NonNullable<typeof parentPort>): void {
  // This thread only (Linux: niceness is per thread): slow queries yield the CPU to the lake's thread.
  try {
    os.setPriority(Math.min(19, os.getPriority() + 10))
  } catch {
    // Not allowed here: the query runs at the lake's priority.
  }
  const held = new WorkerDocuments()
  port.on('message', (message: QueryWorkerMessage) => {
    if (message.type === 'docs') return held.receive(message)
    if (message.type === 'changes') return held.apply(message)
    answerQuery(message, held.documents).then(
      (answer) => port.postMessage(answer),
      (err: unknown) => port.postMessage(errorAnswer(err, message.query)),
    )
  })
}

if (parentPort) serve(parentPort)
