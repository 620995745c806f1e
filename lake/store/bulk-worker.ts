/**
 * The bulk write worker: the thread that inserts a large bulk write's rows on its own SQLite
 * connection and checkpoints the WAL afterwards. Why it exists, and why it writes the way it does,
 * is explained in bulk-thread.ts (its only user, which owns the protocol's other end).
 *
 * The worker does not run this file: it runs `bulk-worker.built.mjs`, this module and the SQL it
 * imports compiled to plain JavaScript (`npm run build:worker`; test/lake/bulk-worker.test.ts fails
 * when the two differ). A worker thread started from TypeScript source would have to load the
 * TypeScript loader itself, which takes longer than a 10,000-document import and keeps a compiler
 * in memory for as long as the lake runs.
 */
import fs from 'node:fs'
import { parentPort, workerData, type MessagePort } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { STORE_SQL } from './statements.js'

/** What the lake thread hands the worker when it starts it. */
export interface BulkWorkerData {
  /** The lake's database file. */
  file: string
  /** How much WAL to write between two early `fdatasync`s (see "Making the COMMIT short"). */
  earlySyncBytes: number
  /**
   * Int32 cells shared with the lake thread: [0] the reply flag (1 once a reply was posted on
   * `replies`), [1 + i] slot i in use (1) or free (0), [1 + slots] bumps on every release.
   */
  control: SharedArrayBuffer
  /** The chunk buffers the lake thread encodes documents into. */
  slots: SharedArrayBuffer[]
  /** Where commit and abort replies go: read synchronously by the blocked lake thread. */
  replies: MessagePort
}

/** The transaction a bulk write stores. */
export interface BulkJob {
  dataset: string
  seq: number
  transactionId: string
  timestamp: string
  author: string
}

/** One chunk of documents, in a slot (`slot` >= 0) or in a buffer of its own (`slot` -1). */
export interface BulkRows {
  op: 'rows'
  slot: number
  buffer?: ArrayBuffer
  ids: string[]
  revs: string[]
  /** Byte length of each document's UTF-8 JSON, in order, packed from offset 0. */
  lengths: number[]
}

/** The JSON lists a bulk write ends with. */
export interface BulkCommitLists {
  /** The transaction row's `document_ids`: the ids in the transaction's order. */
  ids: string
  /** The transaction row's `mutations`. */
  mutations: string
  /** The ids whose `documents` rows point at this transaction's revisions. */
  documentIds: string
}

export interface BulkCommit extends BulkCommitLists {
  op: 'commit'
  transactionId: string
}

export type BulkMessage = ({ op: 'begin' } & BulkJob) | BulkRows | BulkCommit | { op: 'abort' } | { op: 'checkpoint' }

export interface BulkError {
  message: string
  /** Another process committed to the dataset after the lake thread planned this write. */
  concurrent?: boolean
  code?: string
}

export interface BulkReply {
  error: BulkError | null
}

export interface CheckpointResult {
  busy: number
  log: number
  checkpointed: number
  error?: string
}

/** Posted on the worker's own port (not `replies`): the lake thread is not blocked for these. */
export interface CheckpointedMessage {
  op: 'checkpointed'
  result: CheckpointResult
}

interface WalFlusher {
  wrote(bytes: number): void
  end(): void
}

interface Job {
  error: BulkError | null
  m?: BulkJob
  rev?: Database.Statement
  wal?: WalFlusher
}

const port = parentPort
if (!port) throw new Error('bulk-worker runs as a worker thread started by bulk-thread.ts')
const data = workerData as BulkWorkerData
const db = new Database(data.file)
// The lake's durability settings (db.ts); the checkpoint runs here after each commit.
db.pragma('synchronous = FULL')
db.pragma('foreign_keys = ON')
db.pragma('busy_timeout = 5000')
db.pragma('wal_autocheckpoint = 0')
// See "Making the COMMIT short" in bulk-thread.ts: few pages of a bulk write are written to the WAL twice.
db.pragma('cache_size = -65536')
const control = new Int32Array(data.control)
const slots = data.slots.map((sab) => Buffer.from(sab))
let job: Job | null = null

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The WAL's early flushes of one bulk write. The fd is the job's own (SQLite's is not reachable from
 * here) and is closed once the job is over and no flush is pending. A failed open or flush only
 * loses the head start: the COMMIT's own fsync is what makes the write durable.
 */
function walFlusher(): WalFlusher {
  let fd = -1
  let pending = 0
  let done = false
  let unflushed = 0
  try {
    fd = fs.openSync(`${data.file}-wal`, 'r+')
  } catch {}
  const closeIfIdle = (): void => {
    if (done && pending === 0 && fd >= 0) {
      fs.close(fd, () => undefined)
      fd = -1
    }
  }
  return {
    wrote(bytes) {
      unflushed += bytes
      if (fd < 0 || unflushed < data.earlySyncBytes) return
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

async function checkpoint(): Promise<void> {
  let result: CheckpointResult = { busy: 0, log: 0, checkpointed: 0 }
  // A reader still on an older snapshot holds frames back: try again for a while (the lake's own
  // autocheckpoint finishes the rest later otherwise).
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      result = (db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[])[0]
    } catch (err) {
      result = { busy: 1, log: -1, checkpointed: -1, error: String(err) }
    }
    if (!result.busy && result.checkpointed === result.log) break
    await sleep(250)
  }
  releaseCache()
  port?.postMessage({ op: 'checkpointed', result } satisfies CheckpointedMessage)
}

/** Gives back the bulk write's page cache (64 MiB) between bulk writes. */
function releaseCache(): void {
  if (!job) db.pragma('shrink_memory')
}

function release(slot: number): void {
  if (slot < 0) return
  Atomics.store(control, 1 + slot, 0)
  Atomics.add(control, 1 + slots.length, 1)
  Atomics.notify(control, 1 + slots.length)
}

function finish(reply: BulkReply): void {
  job?.wal?.end()
  job = null
  data.replies.postMessage(reply)
  Atomics.store(control, 0, 1)
  Atomics.notify(control, 0)
}

function fail(err: unknown): void {
  if (job && !job.error) {
    const e = err as { message?: unknown; code?: unknown } | null
    job.error = {
      message: String(e?.message ?? err),
      code: typeof e?.code === 'string' ? e.code : undefined,
    }
    if (db.inTransaction) db.exec('ROLLBACK')
  }
}

function begin(m: BulkJob): void {
  job = { error: null }
  try {
    db.exec('BEGIN IMMEDIATE')
    const head = (db.prepare(STORE_SQL.headSeq).get(m.dataset) as { seq: number | null }).seq ?? 0
    if (head !== m.seq - 1) {
      job.error = { message: 'another process committed to this dataset meanwhile', concurrent: true }
      db.exec('ROLLBACK')
      return
    }
    // The JSON comes as UTF-8 bytes and is stored as TEXT, as every other write stores it.
    // One row per statement: an INSERT of several rows needs a statement journal (to undo its
    // first rows if a later one fails), and SQLite then copies every page the statement changes
    // into a temporary file first (measured: 1.6 GB of extra writes for a 100k import).
    job.rev = db.prepare(STORE_SQL.logBulkRevision)
    job.m = m
    job.wal = walFlusher()
  } catch (err) {
    fail(err)
  }
}

function rows(m: BulkRows): void {
  try {
    if (job?.m && job.rev && job.wal && !job.error) {
      const buf = m.buffer ? Buffer.from(m.buffer) : slots[m.slot]
      const { dataset, seq, timestamp, author } = job.m
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
}

function commit(m: BulkCommit): void {
  if (!job) return finish({ error: { message: 'no bulk write was started' } })
  if (!job.error && job.m) {
    try {
      const { dataset, seq, timestamp, author } = job.m
      db.prepare(STORE_SQL.upsertBulkDocuments).run(dataset, seq, m.documentIds)
      db.prepare(STORE_SQL.logTransaction).run(dataset, seq, m.transactionId, timestamp, author, m.ids, m.mutations)
      db.exec('COMMIT')
    } catch (err) {
      fail(err)
    }
  }
  const error = job.error
  finish({ error })
  if (!error) void checkpoint()
  else releaseCache()
}

function abort(): void {
  if (!job) return
  if (db.inTransaction) db.exec('ROLLBACK')
  finish({ error: { message: 'aborted' } })
  releaseCache()
}

port.on('message', (m: BulkMessage) => {
  switch (m.op) {
    case 'checkpoint':
      return void checkpoint()
    case 'begin':
      return begin(m)
    case 'rows':
      return rows(m)
    case 'commit':
      return commit(m)
    case 'abort':
      return abort()
  }
})
