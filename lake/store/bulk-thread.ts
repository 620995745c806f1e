/**
 * Large bulk writes (imports) and the WAL checkpoint after them, in a worker thread with its own
 * SQLite connection.
 *
 * Writing: an import's SQLite work (inserting ~700 MB of JSON for 100k documents, then the fsync)
 * is most of its time, and JavaScript work (stamping each document, encoding its JSON) most of the
 * rest. Both ran one after the other on the lake's thread; here the thread stamps and encodes a
 * chunk of documents while the worker inserts the previous chunk, so they overlap on two cores.
 * The caller blocks (Atomics.wait) until the worker's COMMIT has returned, as the in-thread path
 * blocks in better-sqlite3: the import is durable when it returns, and no other write of this
 * process can interleave with it (the lake's connection would wait for the worker's write lock
 * while the worker waited for chunks from the blocked thread). All documents go in ONE SQLite
 * transaction on the worker's connection: an error anywhere rolls all of it back.
 *
 * Making the COMMIT short: the transaction writes ~0.9 GB of WAL frames for 100k synthetic
 * documents, and by default the kernel starts writing dirty pages back only when gigabytes are
 * dirty, so the COMMIT's fsync had all of it still to write (~2 s). The worker therefore asks for an
 * `fdatasync` of the WAL every EARLY_SYNC_BYTES on libuv's thread pool while it goes on inserting,
 * and the final fsync finds little left. That only works if the frames are not rewritten: SQLite
 * writes a page again in place when the cache spilled it to the WAL and the transaction changes it
 * again, and then at COMMIT re-reads every later frame of the transaction to recompute the checksum
 * chain (measured with 4 KiB pages: the whole 750 MB read back, every frame header rewritten and so
 * every page dirty again). The documents therefore arrive in id order (the revision indexes grow at
 * their right edge only) and the worker's page cache is 64 MiB, enough for those right edges and the
 * `documents` rows written at the end; it is released after each bulk write. That makes rewrites
 * rare, not impossible: a B-tree balance also changes pages written long before. With 64 KiB pages
 * (db.ts) the bench's 100k import rewrote one index page, and its COMMIT re-read the last third of
 * the WAL (287 MB); a 128 MiB cache did not avoid that and made the import slower (more left to
 * write at COMMIT).
 *
 * Checkpointing: after a bulk commit the WAL holds the whole import (0.9 GB for 100k synthetic
 * documents) and copying it into the database file takes seconds; on the lake's connection that
 * would block every request for that long. So bulk commits skip the autocheckpoint and this worker
 * copies the WAL afterwards, as SQLite's WAL documentation suggests ("run checkpoints in a
 * separate thread"). Durability does not depend on it: a crash before or during the checkpoint
 * leaves a valid WAL that the next connection uses (the crash and reliability tests kill imports).
 */
import { createRequire } from 'node:module'
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads'
import { STORE_SQL } from './statements.js'

// CommonJS run by the worker (`eval`): no TypeScript loader needed in the thread.
const WORKER_SOURCE = `
const fs = require('node:fs')
const {parentPort, workerData} = require('node:worker_threads')
const Database = require(workerData.sqlite)
const db = new Database(workerData.file)
// The lake's durability settings (lake/store/db.ts); the checkpoint runs here after each commit.
db.pragma('synchronous = FULL')
db.pragma('foreign_keys = ON')
db.pragma('busy_timeout = 5000')
db.pragma('wal_autocheckpoint = 0')
// See "Making the COMMIT short" in bulk-thread.ts: few pages of a bulk write are written to the WAL twice.
db.pragma('cache_size = -65536')
const EARLY_SYNC_BYTES = workerData.earlySyncBytes
const control = new Int32Array(workerData.control)
const slots = workerData.slots.map((sab) => Buffer.from(sab))
const replies = workerData.replies
// The store's statements (statements.ts), the same text the lake's connection runs.
const SQL = workerData.sql
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
let job = null

/**
 * The WAL's early flushes of one bulk write. The fd is the job's own (SQLite's is not reachable from
 * here) and is closed once the job is over and no flush is pending. A failed open or flush only
 * loses the head start: the COMMIT's own fsync is what makes the write durable.
 */
function walFlusher() {
  let fd = -1
  let pending = 0
  let done = false
  let unflushed = 0
  try {
    fd = fs.openSync(workerData.file + '-wal', 'r+')
  } catch {}
  const closeIfIdle = () => {
    if (done && pending === 0 && fd >= 0) {
      fs.close(fd, () => undefined)
      fd = -1
    }
  }
  return {
    wrote(bytes) {
      unflushed += bytes
      if (fd < 0 || unflushed < EARLY_SYNC_BYTES) return
      unflushed = 0
      pending++
      fs.fdatasync(fd, () => {
        pending--
        closeIfIdle()
      })
    },
    end() {
      done = true
      closeIfIdle()
    },
  }
}

async function checkpoint() {
  let result = {busy: 0, log: 0, checkpointed: 0}
  // A reader still on an older snapshot holds frames back: try again for a while (the lake's own
  // autocheckpoint finishes the rest later otherwise).
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      result = db.pragma('wal_checkpoint(PASSIVE)')[0]
    } catch (err) {
      result = {busy: 1, log: -1, checkpointed: -1, error: String(err)}
    }
    if (!result.busy && result.checkpointed === result.log) break
    await sleep(250)
  }
  releaseCache()
  parentPort.postMessage({op: 'checkpointed', result})
}

/** Gives back the bulk write's page cache (64 MiB) between bulk writes. */
function releaseCache() {
  if (!job) db.pragma('shrink_memory')
}

function release(slot) {
  if (slot < 0) return
  Atomics.store(control, 1 + slot, 0)
  // control[1 + slots]: bumps on every release, so the lake thread can wait for any slot.
  Atomics.add(control, 1 + slots.length, 1)
  Atomics.notify(control, 1 + slots.length)
}

function finish(reply) {
  if (job && job.wal) job.wal.end()
  job = null
  replies.postMessage(reply)
  Atomics.store(control, 0, 1)
  Atomics.notify(control, 0)
}

function fail(err) {
  if (job && !job.error) {
    job.error = {message: String(err && err.message || err), code: err && err.code}
    if (db.inTransaction) db.exec('ROLLBACK')
  }
}

parentPort.on('message', (m) => {
  if (m.op === 'checkpoint') return void checkpoint()
  if (m.op === 'begin') {
    job = {error: null}
    try {
      db.exec('BEGIN IMMEDIATE')
      const head = db.prepare(SQL.headSeq).get(m.dataset).seq || 0
      if (head !== m.seq - 1) {
        job.error = {message: 'another process committed to this dataset meanwhile', concurrent: true}
        db.exec('ROLLBACK')
        return
      }
      // The JSON comes as UTF-8 bytes and is stored as TEXT, as every other write stores it.
      // One row per statement: an INSERT of several rows needs a statement journal (to undo its
      // first rows if a later one fails), and SQLite then copies every page the statement changes
      // into a temporary file first (measured: 1.6 GB of extra writes for a 100k import).
      job.rev = db.prepare(SQL.logBulkRevision)
      job.m = m
      job.wal = walFlusher()
    } catch (err) {
      fail(err)
    }
    return
  }
  if (m.op === 'rows') {
    try {
      if (job && !job.error) {
        const buf = m.buffer ? Buffer.from(m.buffer) : slots[m.slot]
        const {dataset, seq, timestamp, author} = job.m
        const count = m.ids.length
        let offset = 0
        for (let i = 0; i < count; i++) {
          const end = offset + m.lengths[i]
          job.rev.run(dataset, m.ids[i], seq, m.revs[i], timestamp, author, buf.subarray(offset, end))
          offset = end
        }
        job.wal.wrote(offset)
      }
    } catch (err) {
      fail(err)
    } finally {
      release(m.slot)
    }
    return
  }
  if (m.op === 'commit') {
    if (!job) return finish({error: {message: 'no bulk write was started'}})
    if (!job.error) {
      try {
        const {dataset, seq, timestamp, author} = job.m
        db.prepare(SQL.upsertBulkDocuments).run(dataset, seq, m.documentIds)
        db.prepare(SQL.logTransaction).run(dataset, seq, m.transactionId, timestamp, author, m.ids, m.mutations)
        db.exec('COMMIT')
      } catch (err) {
        fail(err)
      }
    }
    const error = job.error
    finish({error})
    if (!error) void checkpoint()
    else releaseCache()
    return
  }
  if (m.op === 'abort') {
    if (job) {
      if (db.inTransaction) db.exec('ROLLBACK')
      finish({error: {message: 'aborted'}})
      releaseCache()
    }
  }
})
`

export interface CheckpointResult {
  busy: number
  log: number
  checkpointed: number
  error?: string
}

/** What the worker is told about the transaction a bulk write stores. */
export interface BulkThreadTransaction {
  dataset: string
  seq: number
  transactionId: string
  timestamp: string
  author: string
}

/** The JSON lists a bulk write ends with (see `BulkThread.writeTransaction`). */
export interface BulkThreadCommit {
  /** The transaction row's `document_ids`: the ids in the transaction's order. */
  ids: string
  /** The transaction row's `mutations`. */
  mutations: string
  /** The ids whose `documents` rows point at this transaction's revisions. */
  documentIds: string
}

/** A write the worker could not do: `concurrent` when another process committed meanwhile. */
export class BulkThreadError extends Error {
  readonly concurrent: boolean
  readonly code: string | undefined
  constructor(message: string, concurrent: boolean, code?: string) {
    super(message)
    this.concurrent = concurrent
    this.code = code
  }
}

/** How much WAL the worker writes between two early `fdatasync`s (see "Making the COMMIT short"). */
const EARLY_SYNC_BYTES = 32 * 1024 * 1024
const SLOTS = 3
/**
 * Bytes per slot: a chunk of ~1,000 synthetic documents (7 KB each); 24 MB shared with the worker
 * in all, allocated when the first large import starts. A larger document gets a buffer of its own.
 */
const SLOT_BYTES = 8 * 1024 * 1024
/** How long to wait for the worker before declaring it dead. */
const WAIT_MS = 120_000

export class BulkThread {
  private readonly worker: Worker
  private readonly control: Int32Array
  private readonly slots: Buffer[]
  private readonly replies: MessagePort
  private checkpointWaiters: Array<(result: CheckpointResult) => void> = []
  private failed = false
  private exitCode: number | undefined

  constructor(file: string) {
    const sqlite = createRequire(import.meta.url).resolve('better-sqlite3')
    const control = new SharedArrayBuffer(4 * (2 + SLOTS))
    const slots = Array.from({ length: SLOTS }, () => new SharedArrayBuffer(SLOT_BYTES))
    const channel = new MessageChannel()
    this.control = new Int32Array(control)
    this.slots = slots.map((sab) => Buffer.from(sab))
    this.replies = channel.port1
    this.replies.unref()
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        file,
        sqlite,
        sql: STORE_SQL,
        earlySyncBytes: EARLY_SYNC_BYTES,
        control,
        slots,
        replies: channel.port2,
      },
      transferList: [channel.port2],
    })
    this.worker.unref()
    this.worker.on('message', (m: { op: string; result: CheckpointResult }) => {
      if (m.op === 'checkpointed') this.checkpointed(m.result)
    })
    this.worker.on('error', (err) => {
      console.error(
        'lake: the bulk write worker failed; bulk writes and checkpoints run on the lake thread instead',
        err,
      )
      this.failed = true
      this.checkpointed({ busy: 1, log: -1, checkpointed: -1, error: String(err) })
    })
    this.worker.on('exit', (code) => {
      this.failed = true
      this.exitCode = code
    })
  }

  /** False once the worker failed: then the lake thread writes and checkpoints itself. */
  get available(): boolean {
    return !this.failed
  }

  /** Asks for a checkpoint; resolves when one that started after this call has finished. */
  checkpoint(): Promise<CheckpointResult> {
    return new Promise((resolve) => {
      this.checkpointWaiters.push(resolve)
      this.worker.postMessage({ op: 'checkpoint' })
    })
  }

  /** Resolves with the result of the checkpoint the next bulk commit starts. */
  nextCheckpoint(): Promise<CheckpointResult> {
    return new Promise((resolve) => this.checkpointWaiters.push(resolve))
  }

  private checkpointed(result: CheckpointResult): void {
    const waiters = this.checkpointWaiters
    this.checkpointWaiters = []
    for (const resolve of waiters) resolve(result)
  }

  /**
   * Starts one bulk transaction on the worker's connection. `write` is then called with a function
   * that queues one document (id, rev, UTF-8 JSON written by `encode` into the buffer it is given),
   * best in id order (see "Making the COMMIT short"); after `write` returns, `commit` gives the
   * transaction row's id list and mutations and the ids for the `documents` rows (the same ids,
   * best in id order), those rows and the transaction row are written and the transaction
   * committed (`commit` returning null: rolled back, nothing to store). Blocks until then. If `write` throws,
   * everything is rolled back and the error rethrown; a SQLite error in the worker is thrown as a
   * BulkThreadError.
   */
  writeTransaction(
    t: BulkThreadTransaction,
    write: (
      add: (id: string, rev: string, size: number, encode: (into: Buffer, offset: number) => number) => void,
    ) => void,
    commit: () => BulkThreadCommit | null,
  ): void {
    if (this.failed) throw new BulkThreadError('the bulk write worker is not running', false)
    Atomics.store(this.control, 0, 0)
    this.worker.postMessage({ op: 'begin', ...t })
    let slot = -1
    let ids: string[] = []
    let revs: string[] = []
    let lengths: number[] = []
    let used = 0
    let own: Buffer | undefined
    const flush = (): void => {
      if (ids.length === 0) return
      if (own) {
        // allocUnsafeSlow: a Buffer that is the whole of its own ArrayBuffer, handed over as is.
        const buffer = own.buffer as ArrayBuffer
        this.worker.postMessage({ op: 'rows', slot: -1, buffer, ids, revs, lengths }, [buffer])
      } else {
        Atomics.store(this.control, 1 + slot, 1)
        this.worker.postMessage({ op: 'rows', slot, ids, revs, lengths })
      }
      ids = []
      revs = []
      lengths = []
      used = 0
      own = undefined
      slot = -1
    }
    const target = (): Buffer => own ?? this.slots[slot]
    const add = (id: string, rev: string, size: number, encode: (into: Buffer, offset: number) => number): void => {
      if (slot >= 0 || own) {
        if (used + size > target().length) flush()
      }
      if (slot < 0 && !own) {
        if (size > SLOT_BYTES) own = Buffer.allocUnsafeSlow(size)
        else slot = this.freeSlot()
      }
      const n = encode(target(), used)
      ids.push(id)
      revs.push(rev)
      lengths.push(n)
      used += n
    }
    let rows: BulkThreadCommit | null
    try {
      write(add)
      flush()
      rows = commit()
    } catch (err) {
      this.abort()
      throw err
    }
    // Nothing to write after all (every document left alone): no empty transaction.
    if (rows === null) return this.abort()
    this.worker.postMessage({ op: 'commit', ...rows, transactionId: t.transactionId })
    const reply = this.awaitReply()
    if (reply.error)
      throw new BulkThreadError(
        `lake: the bulk write failed: ${reply.error.message}`,
        reply.error.concurrent ?? false,
        reply.error.code,
      )
  }

  private abort(): void {
    this.worker.postMessage({ op: 'abort' })
    this.awaitReply()
  }

  /** A slot the worker has finished with (waits for one). */
  private freeSlot(): number {
    for (;;) {
      const released = Atomics.load(this.control, 1 + SLOTS)
      for (let i = 0; i < SLOTS; i++) if (Atomics.load(this.control, 1 + i) === 0) return i
      if (Atomics.wait(this.control, 1 + SLOTS, released, WAIT_MS) === 'timed-out') this.dead()
    }
  }

  private awaitReply(): { error: { message: string; concurrent?: boolean; code?: string } | null } {
    if (Atomics.wait(this.control, 0, 0, WAIT_MS) === 'timed-out') this.dead()
    const received = receiveMessageOnPort(this.replies) as
      | { message: { error: { message: string; concurrent?: boolean; code?: string } | null } }
      | undefined
    if (!received) this.dead()
    return received.message
  }

  private dead(): never {
    this.failed = true
    throw new BulkThreadError(
      `lake: the bulk write worker stopped answering${this.exitCode === undefined ? '' : ` (exit code ${this.exitCode})`}`,
      false,
    )
  }

  close(): Promise<number> {
    this.replies.close()
    return this.worker.terminate()
  }
}
