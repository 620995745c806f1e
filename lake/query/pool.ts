/**
 * Query workers: threads that answer the queries the lake's thread could not answer within its
 * inline budget (budget.ts), with plain groq-js over a copy of the perspective's documents. A worker
 * has a heap cap (`resourceLimits`), and it is terminated (and replaced) when its query passes its
 * deadline, so no query can hold the lake's thread or its memory.
 *
 * Scheduling is fair between callers (a token's user, or an anonymous caller's address): each caller
 * runs at most one query in the workers at a time, waiting callers are served round-robin, and a
 * caller may have at most `maxQueued` queries waiting or running (budget.ts tooManyQueries).
 *
 * A worker keeps the last set of documents it was sent (by snapshot id: store, version,
 * perspective); they are sent in slices, a macrotask apart, so copying 100,000 documents never holds
 * the lake's thread for long.
 */
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import { LakeError } from '../errors.js'
import { lazyWire, type LazyOrigin } from '../store/lazy.js'
import { queryMemoryLimit, queryResultTooLarge, queryTimeout, tooManyQueries } from './budget.js'

export interface Snapshot {
  /** Changes whenever the documents do (store, version, perspective); asked when the job starts. */
  id: () => string
  documents: () => readonly unknown[]
}

export interface WorkerQuery {
  caller: string
  authenticated: boolean
  query: string
  params: Record<string, unknown>
  snapshot: Snapshot
  identity?: string
  sanity?: { projectId: string; dataset: string }
  timestamp: Date
  /** `performance.now()` by which the answer must be there. */
  deadline: number
  timeoutMs: number
  maxResultSize: number
  maxQueued: number
}

interface Job extends WorkerQuery {
  resolve(json: string): void
  reject(err: unknown): void
  timer?: NodeJS.Timeout
}

type WorkerAnswer =
  | { type: 'result'; json: string }
  | { type: 'tooLarge' }
  | { type: 'parseError'; description: string; start: number; end: number }
  | { type: 'queryError'; description: string }

interface Slot {
  worker: Worker
  /** Replaced: its worker's late events are ignored. */
  dead: boolean
  /** Bumped whenever the worker becomes idle; an idle timer of an older turn does nothing. */
  idleTurn: number
  snapshotId: string | undefined
  job: Job | undefined
}

const SLICE = 2000
/** An idle query worker (and its copy of the documents) is ended after this long. */
const IDLE_MS = 30_000

const groqPath = createRequire(import.meta.url).resolve('groq-js')
const sqlitePath = createRequire(import.meta.url).resolve('better-sqlite3')

/**
 * A slice of documents as a worker is sent them: a document whose long fields are read from SQLite
 * (lake/store/lazy.ts) goes without them, and the worker reads them from the database itself when
 * used; copying them would read and parse every one of them on the lake's thread.
 */
function wireSlice(slice: readonly unknown[]): { docs: unknown[]; origin: LazyOrigin | undefined } {
  let origin: LazyOrigin | undefined
  const docs = slice.map((doc) => {
    const lazy = lazyWire(doc as object)
    if (!lazy) return doc
    origin ??= lazy.origin
    return lazy.wire
  })
  return { docs, origin }
}

// CommonJS, run with `eval: true`: the same source whether the lake runs under ts-node, bundled or
// compiled. Mirrors evaluate.ts: groq-js parse (parameters given), a missing parameter is a parse
// error, groq-js's asynchronous evaluator, the result serialised with a size cap.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const groq = require(workerData.groqPath)
// This thread only (Linux: niceness is per thread): slow queries yield the CPU to the lake's thread.
try { const os = require('node:os'); os.setPriority(Math.min(19, os.getPriority() + 10)) } catch {}
let docs = []
let incoming = null

// Documents whose long fields the lake keeps in SQLite (lake/store/lazy.ts) arrive as
// [id, seq, keys, lazy keys, values in key order]; their long fields are read here, from a read-only
// connection of this thread, when used (most queries never read them), the last ones read kept parsed.
const LAZY = Symbol('lazy')
const lazyGetters = new Map()
const lazySelects = new Map()
const lazyCache = new Map()
function lazyDocument(info) {
  let doc = lazyCache.get(info)
  if (doc) { lazyCache.delete(info); lazyCache.set(info, doc); return doc }
  let select = lazySelects.get(info.origin.file)
  if (!select) {
    const Database = require(workerData.sqlitePath)
    const db = new Database(info.origin.file, { readonly: true, fileMustExist: true })
    select = db.prepare('SELECT doc FROM revisions WHERE dataset = ? AND document_id = ? AND seq = ?').pluck()
    lazySelects.set(info.origin.file, select)
  }
  const json = select.get(info.origin.dataset, info.id, info.seq)
  if (typeof json !== 'string') throw new Error('lake: revision ' + info.seq + ' of "' + info.id + '" is missing: the database is damaged')
  doc = JSON.parse(json)
  lazyCache.set(info, doc)
  if (lazyCache.size > 512) lazyCache.delete(lazyCache.keys().next().value)
  return doc
}
function lazyGetter(key) {
  let getter = lazyGetters.get(key)
  if (!getter) {
    getter = function () { const info = this[LAZY]; return info ? lazyDocument(info)[key] : undefined }
    lazyGetters.set(key, getter)
  }
  return getter
}
function fromWire(wire, origin) {
  const [id, seq, keys, lazy, values] = wire
  const out = {}
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]
    Object.defineProperty(out, key, lazy.includes(key)
      ? { get: lazyGetter(key), enumerable: true, configurable: true }
      : { value: values[i], writable: true, enumerable: true, configurable: true })
  }
  Object.defineProperty(out, LAZY, { value: { origin, id, seq } })
  return out
}

class TooLarge extends Error {}

function missingParameter(node) {
  if (Array.isArray(node)) {
    for (const item of node) { const found = missingParameter(item); if (found !== undefined) return found }
    return undefined
  }
  if (node === null || typeof node !== 'object') return undefined
  if (node.type === 'Parameter' && typeof node.name === 'string') return node.name
  if (node.type === 'Value') return undefined
  for (const key of Object.keys(node)) { const found = missingParameter(node[key]); if (found !== undefined) return found }
  return undefined
}

function serialize(value, limit) {
  const parts = []
  let size = 0
  const push = (s) => { size += s.length; if (size > limit) throw new TooLarge(); parts.push(s) }
  const walk = (v) => {
    if (v === null || typeof v !== 'object') { const s = JSON.stringify(v); push(s === undefined ? 'null' : s); return }
    if (typeof v.toJSON === 'function') { walk(v.toJSON()); return }
    if (Array.isArray(v)) {
      push('[')
      for (let i = 0; i < v.length; i++) {
        if (i) push(',')
        const x = v[i]
        if (x === undefined || typeof x === 'function' || typeof x === 'symbol') push('null'); else walk(x)
      }
      push(']')
      return
    }
    push('{')
    let first = true
    for (const key of Object.keys(v)) {
      const x = v[key]
      if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue
      push((first ? '' : ',') + JSON.stringify(key) + ':')
      first = false
      walk(x)
    }
    push('}')
  }
  walk(value)
  return parts.join('')
}

async function answer(msg) {
  let tree
  try {
    tree = groq.parse(msg.query, { params: msg.params })
  } catch (err) {
    const start = typeof err.position === 'number' ? err.position : 0
    const end = typeof err.position === 'number' ? Math.min(msg.query.length, start + 1) : msg.query.length
    return { type: 'parseError', description: String(err && err.message), start, end }
  }
  const missing = missingParameter(tree)
  if (missing !== undefined) {
    const at = msg.query.indexOf('$' + missing)
    return {
      type: 'parseError',
      description: 'param $' + missing + ' referenced, but not provided: send it as $' + missing + '=<JSON value> (GET) or in "params" (POST)',
      start: Math.max(0, at),
      end: at < 0 ? msg.query.length : at + missing.length + 1,
    }
  }
  let data
  try {
    const value = await groq.evaluate(tree, {
      dataset: docs,
      params: msg.params,
      identity: msg.identity,
      sanity: msg.sanity,
      timestamp: new Date(msg.timestamp),
    })
    data = await value.get()
  } catch (err) {
    return { type: 'queryError', description: String(err && err.message) }
  }
  try {
    return { type: 'result', json: serialize(data === undefined ? null : data, msg.maxResultSize) }
  } catch (err) {
    if (err instanceof TooLarge) return { type: 'tooLarge' }
    return { type: 'queryError', description: String(err && err.message) }
  }
}

parentPort.on('message', (msg) => {
  if (msg.type === 'docs') {
    if (msg.first) incoming = []
    for (const doc of msg.docs) incoming.push(Array.isArray(doc) ? fromWire(doc, msg.origin) : doc)
    if (msg.last) { docs = incoming; incoming = null }
    return
  }
  answer(msg).then((out) => parentPort.postMessage(out), (err) => parentPort.postMessage({ type: 'queryError', description: String(err && err.message) }))
})
`

export class QueryPool {
  private readonly slots: Slot[] = []
  private readonly waiting = new Map<string, Job[]>()
  /** Callers with waiting jobs, in the order they are served. */
  private readonly ring: string[] = []
  private readonly running = new Set<string>()
  private readonly counts = new Map<string, number>()
  private closed = false

  constructor(
    private readonly size: number,
    private readonly memoryMb: number,
  ) {}

  /** Queries of this caller waiting or running in the workers. */
  pending(caller: string): number {
    return this.counts.get(caller) ?? 0
  }

  /** The query's JSON result, or a LakeError (timeout, too large, memory, parse or query error). */
  run(query: WorkerQuery): Promise<string> {
    if (this.closed) return Promise.reject(new LakeError(503, 'serviceUnavailable', 'the lake is shutting down'))
    const count = this.pending(query.caller)
    if (count >= query.maxQueued) return Promise.reject(tooManyQueries(query.maxQueued, query.authenticated))
    return new Promise<string>((resolve, reject) => {
      const job: Job = { ...query, resolve, reject }
      this.counts.set(query.caller, count + 1)
      const remaining = query.deadline - performance.now()
      // A job still waiting at its deadline is answered then, without ever reaching a worker.
      job.timer = setTimeout(() => this.expire(job), Math.max(0, remaining))
      job.timer.unref()
      let queue = this.waiting.get(query.caller)
      if (!queue) {
        this.waiting.set(query.caller, (queue = []))
        this.ring.push(query.caller)
      }
      queue.push(job)
      this.dispatch()
    })
  }

  close(): Promise<void> {
    this.closed = true
    for (const queue of this.waiting.values()) {
      for (const job of queue) this.finish(job, new LakeError(503, 'serviceUnavailable', 'the lake is shutting down'))
    }
    this.waiting.clear()
    this.ring.length = 0
    const slots = this.slots.splice(0)
    for (const slot of slots) {
      if (slot.job) this.finish(slot.job, new LakeError(503, 'serviceUnavailable', 'the lake is shutting down'))
    }
    return Promise.all(slots.map((s) => s.worker.terminate())).then(() => undefined)
  }

  private expire(job: Job): void {
    const queue = this.waiting.get(job.caller)
    const at = queue ? queue.indexOf(job) : -1
    if (queue && at >= 0) {
      queue.splice(at, 1)
      this.finish(job, queryTimeout(job.timeoutMs, job.authenticated))
      return
    }
    const slot = this.slots.find((s) => s.job === job)
    if (slot) this.replace(slot, queryTimeout(job.timeoutMs, job.authenticated))
  }

  private finish(job: Job, outcome: LakeError | string): void {
    if (job.timer) clearTimeout(job.timer)
    const left = (this.counts.get(job.caller) ?? 1) - 1
    if (left > 0) this.counts.set(job.caller, left)
    else this.counts.delete(job.caller)
    if (typeof outcome === 'string') job.resolve(outcome)
    else job.reject(outcome)
  }

  /** Hands waiting jobs to idle workers, one caller after another. */
  private dispatch(): void {
    if (this.closed) return
    for (let turns = this.ring.length; turns > 0; turns--) {
      const caller = this.ring.shift() as string
      const queue = this.waiting.get(caller)
      if (!queue || queue.length === 0) {
        this.waiting.delete(caller)
        continue
      }
      if (this.running.has(caller)) {
        this.ring.push(caller)
        continue
      }
      const slot = this.idleSlot()
      if (!slot) {
        this.ring.unshift(caller)
        return
      }
      const job = queue.shift() as Job
      if (queue.length > 0) this.ring.push(caller)
      else this.waiting.delete(caller)
      this.running.add(caller)
      slot.job = job
      slot.idleTurn++
      // Busy workers keep the process alive (someone awaits the answer); idle ones do not.
      slot.worker.ref()
      this.start(slot, job).catch((err: unknown) => {
        console.error('lake: could not hand a query to a query worker', err)
        this.replace(slot, new LakeError(500, 'internalError', 'the query could not be handed to a query worker'))
      })
    }
  }

  private idleSlot(): Slot | undefined {
    const idle = this.slots.find((s) => !s.job)
    if (idle) return idle
    if (this.slots.length >= this.size) return undefined
    return this.addSlot()
  }

  private addSlot(): Slot {
    const slot: Slot = { worker: this.spawn(), dead: false, idleTurn: 0, snapshotId: undefined, job: undefined }
    this.attach(slot)
    this.slots.push(slot)
    this.idle(slot)
    return slot
  }

  /**
   * Ends a worker that stays idle for IDLE_MS: its copy of the documents is as large as the
   * dataset, memory the lake should not keep for a query that came once.
   */
  private idle(slot: Slot): void {
    const turn = ++slot.idleTurn
    const timer = setTimeout(() => {
      if (slot.dead || slot.job || this.closed || slot.idleTurn !== turn) return
      slot.dead = true
      const at = this.slots.indexOf(slot)
      if (at >= 0) this.slots.splice(at, 1)
      void slot.worker.terminate()
    }, IDLE_MS)
    timer.unref()
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { groqPath, sqlitePath },
      resourceLimits: { maxOldGenerationSizeMb: this.memoryMb, maxYoungGenerationSizeMb: 64 },
      stdout: false,
      stderr: false,
    })
    worker.unref()
    return worker
  }

  private attach(slot: Slot): void {
    const worker = slot.worker
    worker.on('message', (answer: WorkerAnswer) => {
      if (slot.dead) return
      const job = slot.job
      if (!job) return
      slot.job = undefined
      worker.unref()
      this.idle(slot)
      this.running.delete(job.caller)
      this.finish(job, outcomeOf(answer, job))
      this.dispatch()
    })
    worker.on('error', (err: Error & { code?: string }) => {
      if (slot.dead) return
      const memory = err.code === 'ERR_WORKER_OUT_OF_MEMORY'
      this.replace(
        slot,
        memory
          ? queryMemoryLimit(this.memoryMb)
          : new LakeError(500, 'internalError', 'the query worker failed; the query was not answered'),
      )
    })
    worker.on('exit', () => {
      if (slot.dead || this.closed) return
      this.replace(slot, new LakeError(500, 'internalError', 'the query worker stopped; the query was not answered'))
    })
  }

  /** Ends the slot's job with `error`, terminates its worker and puts a fresh one in its place. */
  private replace(slot: Slot, error: LakeError): void {
    if (slot.dead) return
    slot.dead = true
    const old = slot.worker
    const job = slot.job
    slot.job = undefined
    slot.snapshotId = undefined
    if (job) {
      this.running.delete(job.caller)
      this.finish(job, error)
    }
    void old.terminate()
    const at = this.slots.indexOf(slot)
    if (at >= 0) this.slots.splice(at, 1)
    // A fresh worker at once when this one was stopped over a query: starting one (a new V8 heap,
    // groq-js loaded) takes a while, better spent now than by the next slow query. (A worker that
    // failed on its own is replaced on next need, so a broken start cannot loop.)
    if (job && !this.closed) this.addSlot()
    this.dispatch()
  }

  private async start(slot: Slot, job: Job): Promise<void> {
    const worker = slot.worker
    const snapshotId = job.snapshot.id()
    if (slot.snapshotId !== snapshotId) {
      // The array may change while slices are sent (a commit): send the list as it is now.
      const docs = job.snapshot.documents().slice()
      slot.snapshotId = undefined
      for (let at = 0; at === 0 || at < docs.length; at += SLICE) {
        if (slot.dead || slot.job !== job) return
        worker.postMessage({
          type: 'docs',
          first: at === 0,
          last: at + SLICE >= docs.length,
          ...wireSlice(docs.slice(at, at + SLICE)),
        })
        await new Promise((resolve) => setImmediate(resolve))
      }
      slot.snapshotId = snapshotId
    }
    if (slot.dead || slot.job !== job) return
    worker.postMessage({
      type: 'query',
      query: job.query,
      params: job.params,
      identity: job.identity,
      sanity: job.sanity,
      timestamp: job.timestamp.getTime(),
      maxResultSize: job.maxResultSize,
    })
  }
}

function outcomeOf(answer: WorkerAnswer, job: Job): LakeError | string {
  switch (answer.type) {
    case 'result':
      return answer.json
    case 'tooLarge':
      return queryResultTooLarge(job.maxResultSize, job.authenticated)
    case 'parseError':
      return new LakeError(400, 'queryParseError', answer.description, {
        query: job.query,
        start: answer.start,
        end: answer.end,
      })
    case 'queryError':
      return new LakeError(400, 'queryError', `GROQ query failed: ${answer.description}`, { query: job.query })
  }
}
