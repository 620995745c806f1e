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
 * A worker keeps the last set of documents it was sent (by snapshot id: a perspective view and
 * its change count, or the store's version and the perspective); they are sent in slices, a macrotask apart, so copying 100,000 documents never holds
 * the lake's thread for long. A worker holding an earlier state of the same perspective view is
 * sent only the entries that changed since (the view remembers the last few thousand ids it
 * changed): at 100,000 documents a worker query after a commit took 2.4-2.8 s and 3.4-4.2 s of CPU
 * with a whole copy, 0.42 s with the changes.
 */
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { LakeError } from '../errors.js'
import { lazyWire, type LazyOrigin } from '../store/lazy.js'
import { queryMemoryLimit, queryResultTooLarge, queryTimeout, tooManyQueries } from './budget.js'
import type { ChangesMessage, QueryMessage, QueryWorkerAnswer, QueryWorkerMessage } from './query-worker.js'

export interface Snapshot {
  /** Changes whenever the documents do (view and change count, or store version and perspective); asked when the job starts. */
  id: () => string
  documents: () => readonly unknown[]
  /**
   * A view's documents with their ids and positions (the order `*` gives), so that a worker can
   * later be sent only what changed (`changesSince`); without it, every new id means a whole copy.
   */
  entries?: () => readonly SnapshotEntry[]
  /**
   * What changed since the snapshot `fromId` (asked right after `id()`, for the same state): each
   * id's entry now, or its removal; undefined when that snapshot cannot be brought up to date.
   */
  changesSince?: (fromId: string) => SnapshotChange[] | undefined
}

/** A document of a view, with its id there and its position in the view's order. */
export interface SnapshotEntry {
  id: string
  doc: unknown
  pos: number
}

/** An id's entry as it is now, or (`entry` undefined) its removal. */
export interface SnapshotChange {
  id: string
  entry: SnapshotEntry | undefined
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

/**
 * A slice of documents as a worker is sent them: a document whose long fields are read from SQLite
 * (lake/store/lazy.ts) goes without them (a LazyWire), and the worker reads them from the database
 * itself when used (query-worker.ts); copying them would read and parse every one of them on the
 * lake's thread.
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

/**
 * The worker's code: query-worker.ts compiled to plain JavaScript, beside this module (or beside a
 * bundle of it: a bundler must copy the file there, as test/reliability/helpers/bundle.ts does).
 */
const WORKER_FILE = new URL('query-worker.built.mjs', import.meta.url)

/** Why no query can reach a worker (its code is missing), or null; looked at once. */
let missingWorker: LakeError | null | undefined
function workerMissing(): LakeError | null {
  if (missingWorker === undefined) {
    const file = fileURLToPath(WORKER_FILE)
    missingWorker = fs.existsSync(file)
      ? null
      : new LakeError(
          500,
          'internalError',
          `the query worker's code ${file} is missing: npm run build:worker writes it (a bundle of the lake needs a copy beside it)`,
        )
  }
  return missingWorker
}

export class QueryPool {
  /** Documents sent to workers: whole copies, and changes that brought a copy up to date. */
  readonly sent = { copies: 0, copiedDocuments: 0, changeSets: 0, changedDocuments: 0 }
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
    const missing = workerMissing()
    if (missing) return Promise.reject(missing)
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
    // No loader flags for the thread (execArgv []): its code is plain JavaScript, and a TypeScript
    // loader inherited from the lake's process would take longer to start than the query.
    const worker = new Worker(WORKER_FILE, {
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: this.memoryMb, maxYoungGenerationSizeMb: 64 },
      stdout: false,
      stderr: false,
    })
    worker.unref()
    return worker
  }

  private attach(slot: Slot): void {
    const worker = slot.worker
    worker.on('message', (answer: QueryWorkerAnswer) => {
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
      // After a commit, a worker holding an earlier state of the same view gets only what changed:
      // a whole copy of 100,000 documents takes the lake's thread seconds.
      const changes = slot.snapshotId !== undefined ? job.snapshot.changesSince?.(slot.snapshotId) : undefined
      if (changes) {
        const present = changes.flatMap((c) => (c.entry ? [c.entry.doc] : []))
        const { docs, origin } = wireSlice(present)
        let at = 0
        const message: ChangesMessage = {
          type: 'changes',
          changes: changes.map((c) => (c.entry ? { id: c.id, pos: c.entry.pos, doc: docs[at++] } : { id: c.id })),
          origin,
        }
        worker.postMessage(message)
        slot.snapshotId = snapshotId
        this.sent.changeSets++
        this.sent.changedDocuments += changes.length
      } else {
        // The array may change while slices are sent (a commit): send the list as it is now.
        const entries = job.snapshot.entries?.().slice()
        const docs = entries ? entries.map((e) => e.doc) : job.snapshot.documents().slice()
        slot.snapshotId = undefined
        for (let at = 0; at === 0 || at < docs.length; at += SLICE) {
          if (slot.dead || slot.job !== job) return
          const slice: QueryWorkerMessage = {
            type: 'docs',
            first: at === 0,
            last: at + SLICE >= docs.length,
            ...wireSlice(docs.slice(at, at + SLICE)),
            ...(entries && {
              ids: entries.slice(at, at + SLICE).map((e) => e.id),
              positions: entries.slice(at, at + SLICE).map((e) => e.pos),
            }),
          }
          worker.postMessage(slice)
          await new Promise((resolve) => setImmediate(resolve))
        }
        slot.snapshotId = snapshotId
        this.sent.copies++
        this.sent.copiedDocuments += docs.length
      }
    }
    if (slot.dead || slot.job !== job) return
    const query: QueryMessage = {
      type: 'query',
      query: job.query,
      params: job.params,
      identity: job.identity,
      sanity: job.sanity,
      timestamp: job.timestamp.getTime(),
      maxResultSize: job.maxResultSize,
    }
    worker.postMessage(query)
  }
}

function outcomeOf(answer: QueryWorkerAnswer, job: Job): LakeError | string {
  switch (answer.type) {
    case 'result':
      return answer.json
    case 'tooLarge':
      return queryResultTooLarge(job.maxResultSize, job.authenticated)
    case 'error':
      return new LakeError(answer.statusCode, answer.errorType, answer.description, answer.details)
  }
}
