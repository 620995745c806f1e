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
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads'
import type {
  BulkCommitLists,
  BulkJob,
  BulkMessage,
  BulkReply,
  BulkWorkerData,
  CheckpointedMessage,
  CheckpointResult,
} from './bulk-worker.js'

export type { CheckpointResult } from './bulk-worker.js'

/**
 * The worker's code: bulk-worker.ts compiled to plain JavaScript, beside this module (or beside a
 * bundle of it: a bundler must copy the file there, as test/reliability/helpers/bundle.ts does).
 */
const WORKER_FILE = 'bulk-worker.built.mjs'

/** What the worker is told about the transaction a bulk write stores. */
export type BulkThreadTransaction = BulkJob

/** The JSON lists a bulk write ends with (see `BulkThread.writeTransaction`). */
export type BulkThreadCommit = BulkCommitLists

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
  /** Undefined when its code is missing (see the constructor). */
  private readonly worker: Worker | undefined
  private readonly control: Int32Array
  private readonly slots: Buffer[]
  private readonly replies: MessagePort
  private checkpointWaiters: Array<(result: CheckpointResult) => void> = []
  private failed = false
  private exitCode: number | undefined

  constructor(file: string) {
    const control = new SharedArrayBuffer(4 * (2 + SLOTS))
    const slots = Array.from({ length: SLOTS }, () => new SharedArrayBuffer(SLOT_BYTES))
    const channel = new MessageChannel()
    this.control = new Int32Array(control)
    this.slots = slots.map((sab) => Buffer.from(sab))
    this.replies = channel.port1
    this.replies.unref()
    const script = new URL(WORKER_FILE, import.meta.url)
    // A missing file would only show as an 'error' event, which cannot arrive while the lake thread
    // waits for the worker (Atomics.wait): found now, bulk writes stay on the lake thread.
    if (!fs.existsSync(fileURLToPath(script))) {
      console.error(
        `lake: the bulk write worker's code ${fileURLToPath(script)} is missing (npm run build:worker writes it; a bundle of the lake needs a copy beside it); bulk writes run on the lake thread instead`,
      )
      this.failed = true
      return
    }
    const data: BulkWorkerData = { file, earlySyncBytes: EARLY_SYNC_BYTES, control, slots, replies: channel.port2 }
    // No loader flags for the thread (execArgv []): its code is plain JavaScript, and a TypeScript
    // loader inherited from the lake's process would take longer to start than a large import.
    const worker = new Worker(script, { workerData: data, transferList: [channel.port2], execArgv: [] })
    this.worker = worker
    worker.unref()
    worker.on('message', (m: CheckpointedMessage) => {
      if (m.op === 'checkpointed') this.checkpointed(m.result)
    })
    worker.on('error', (err) => {
      console.error(
        'lake: the bulk write worker failed; bulk writes and checkpoints run on the lake thread instead',
        err,
      )
      this.failed = true
      this.checkpointed({ busy: 1, log: -1, checkpointed: -1, error: String(err) })
    })
    worker.on('exit', (code) => {
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
      this.send({ op: 'checkpoint' })
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
    this.send({ op: 'begin', ...t })
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
        this.send({ op: 'rows', slot: -1, buffer, ids, revs, lengths }, [buffer])
      } else {
        Atomics.store(this.control, 1 + slot, 1)
        this.send({ op: 'rows', slot, ids, revs, lengths })
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
    this.send({ op: 'commit', ...rows, transactionId: t.transactionId })
    const reply = this.awaitReply()
    if (reply.error)
      throw new BulkThreadError(
        `lake: the bulk write failed: ${reply.error.message}`,
        reply.error.concurrent ?? false,
        reply.error.code,
      )
  }

  private send(message: BulkMessage, transfer?: ArrayBuffer[]): void {
    if (!this.worker) throw new BulkThreadError('the bulk write worker is not running', false)
    this.worker.postMessage(message, transfer)
  }

  private abort(): void {
    this.send({ op: 'abort' })
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

  private awaitReply(): BulkReply {
    if (Atomics.wait(this.control, 0, 0, WAIT_MS) === 'timed-out') this.dead()
    const received = receiveMessageOnPort(this.replies) as { message: BulkReply } | undefined
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
    return this.worker?.terminate() ?? Promise.resolve(0)
  }
}
