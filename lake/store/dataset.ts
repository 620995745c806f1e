import type { Statement } from 'better-sqlite3'
import { LakeError } from '../errors.js'
import { randomId } from '../ids.js'
import type { SqliteDatabase } from './db.js'
import { BulkThreadError, type BulkThread, type CheckpointResult } from './bulk-thread.js'
import {
  bulkJsonMaxBytes,
  checkCreateConflicts,
  encodeBulkJson,
  idOrder,
  invalidItem,
  planBulk,
  planItem,
  validateBulk,
  type BulkItem,
  type BulkOptions,
  type BulkPlanOptions,
  type BulkResult,
  type BulkWrite,
} from './bulk.js'
import { checkReferentialIntegrity, hasReference, type ReferrersLookup } from './integrity.js'
import { LazySource } from './lazy.js'
import { STORE_SQL } from './statements.js'
import { TransactionBuilder } from './transaction.js'
import type {
  CommitOptions,
  CommitResult,
  CommittedTransaction,
  DocumentChange,
  LakeDocument,
  RevisionEntry,
} from './types.js'

/** Builds a transaction against the current state: apply mutations, read documents. */
export type TransactionBody = (tx: TransactionBuilder) => Promise<void> | void

export type TransactionListener = (transaction: CommittedTransaction) => void

const TRANSACTION_ID = /^[A-Za-z0-9._-]{1,128}$/

/** A document's revisions with their transaction ids (the `RevisionRow` shape); add conditions and order. */
const REVISIONS_OF_DOCUMENT =
  'SELECT r.document_id, r.seq, r.rev, r.timestamp, r.author, r.doc, t.id AS tx FROM revisions r JOIN transactions t ON t.dataset = r.dataset AND t.seq = r.seq WHERE r.dataset = ? AND r.document_id = ?'

/**
 * One dataset: its documents in memory (the query view), kept in step with SQLite. Writes are
 * serialised (one transaction at a time) and reach disk in one SQLite transaction before `commit`
 * resolves; subscribers hear about a transaction only after it is durable.
 *
 * The store's API (used by the HTTP routes, import/export and later the asset routes and planner):
 * - `commit(mutations, opts)` / `transact(body, opts)` -> `CommitResult`
 * - `get(id)`, `documents()`, `version` (bumps on every commit; cache key for derived views)
 * - `subscribe(listener)` -> unsubscribe
 * - `revisions(id)`, `revision(id, rev)`, `transactionsAfter(id)` for history and listener resume
 */
export class DatasetStore {
  readonly name: string
  private readonly db: SqliteDatabase
  private readonly docs = new Map<string, LakeDocument>()
  /** Reads the documents' long fields from SQLite when used (lazy.ts). */
  private readonly lazy: LazySource
  private readonly listeners = new Set<TransactionListener>()
  private lock: Promise<unknown> = Promise.resolve()
  private cachedList: LakeDocument[] | null = null
  private lastSeq = 0
  private readonly headStatement: Statement
  private changeCount = 0
  private refreshing = false
  private readonly bulkThread: (() => BulkThread) | undefined
  private bulkCheckpoint: Promise<CheckpointResult> | undefined
  /** Finds the documents that may reference an id; by default a scan, the lake gives it an index. */
  private referrersOf: ReferrersLookup = (id) => [...this.docs.values()].filter((doc) => hasReference(doc, id))

  /** `bulkThread`: the worker that writes large bulk writes and checkpoints after them (absent: all on this thread). */
  constructor(db: SqliteDatabase, name: string, bulkThread?: () => BulkThread) {
    this.db = db
    this.name = name
    this.bulkThread = bulkThread
    this.lazy = new LazySource(db, name)
    // A bulk-imported document's JSON is in its revision row (`rev_seq`), not in `documents.doc`.
    // Either way its newest revision row holds the same JSON (`seq`: where its long fields are read
    // from, see lazy.ts).
    const load = db.prepare(
      'SELECT CASE WHEN d.rev_seq IS NULL THEN d.doc ELSE r.doc END AS doc, COALESCE(d.rev_seq, (SELECT MAX(l.seq) FROM revisions l WHERE l.dataset = d.dataset AND l.document_id = d.id)) AS seq FROM documents d LEFT JOIN revisions r ON d.rev_seq IS NOT NULL AND r.dataset = d.dataset AND r.document_id = d.id AND r.seq = d.rev_seq WHERE d.dataset = ? ORDER BY d.id',
    )
    for (const row of load.iterate(name) as Iterable<{ doc: string | null; seq: number | null }>) {
      if (row.doc === null || row.seq === null)
        throw new Error(`lake: dataset "${name}" has a document whose revision row is missing: the database is damaged`)
      const doc = JSON.parse(row.doc) as LakeDocument
      this.docs.set(doc._id, this.lazy.lazify(doc, row.seq))
    }
    const seq = db.prepare(STORE_SQL.headSeq).get(name) as { seq: number | null }
    this.lastSeq = seq.seq ?? 0
    this.headStatement = db.prepare(STORE_SQL.headSeq)
  }

  /**
   * Catches up with transactions committed by another process on the same database (an import
   * CLI while the server runs): one indexed `MAX(seq)` read, so cheap when nothing changed.
   * Listeners hear about the caught-up transactions too. (SQLite's `data_version` pragma was tried
   * first; it lags until the connection starts a new read transaction, so it missed commits.)
   */
  refresh(): void {
    // Listeners may read the store while we catch up: no nested catch-up (it would apply twice).
    if (this.refreshing || !this.db.open) return
    if (this.headSeq() === this.lastSeq) return
    this.refreshing = true
    try {
      for (const tx of this.transactionsAfter(this.lastSeq, Number.MAX_SAFE_INTEGER)) {
        if (tx.seq > this.lastSeq) this.applyCommitted(tx)
      }
    } finally {
      this.refreshing = false
    }
  }

  private headSeq(): number {
    const row = this.headStatement.get(this.name) as { seq: number | null }
    return row.seq ?? 0
  }

  /**
   * Makes a durable transaction the store's state and tells the listeners. `stored[i]`, when given,
   * is `changes[i].after` as the store keeps it, made before (LazySource.lazify).
   */
  private applyCommitted(transaction: CommittedTransaction, stored?: ReadonlyArray<LakeDocument | undefined>): void {
    this.lastSeq = transaction.seq
    const changes = transaction.changes
    for (let i = 0; i < changes.length; i++) {
      const change = changes[i]
      // The transaction is durable: its revision rows hold the documents' long fields.
      if (change.after) this.docs.set(change.id, stored?.[i] ?? this.lazy.lazify(change.after, transaction.seq))
      else this.docs.delete(change.id)
    }
    this.cachedList = null
    this.changeCount++
    for (const listener of this.listeners) {
      try {
        listener(transaction)
      } catch (err) {
        console.error('lake: a transaction listener failed', err)
      }
    }
  }

  /** Bumps on every commit (ours or another process's): a cache key for derived views. */
  get version(): number {
    this.refresh()
    return this.changeCount
  }

  get(id: string): LakeDocument | undefined {
    this.refresh()
    return this.docs.get(id)
  }

  /** All documents (a shared array: do not modify it). */
  documents(): readonly LakeDocument[] {
    this.refresh()
    if (!this.cachedList) this.cachedList = [...this.docs.values()]
    return this.cachedList
  }

  get size(): number {
    this.refresh()
    return this.docs.size
  }

  subscribe(listener: TransactionListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** The committed documents that reference `id` (weakly or strongly). */
  referrers(id: string): LakeDocument[] {
    return [...this.referrersOf(id)].filter((doc) => doc._id !== id && hasReference(doc, id))
  }

  /** Gives the store a faster way to find a document's referrers (the lake's reference index). */
  setReferrersLookup(lookup: ReferrersLookup): void {
    this.referrersOf = lookup
  }

  /** Commits mutations in Sanity's wire format as one atomic transaction. */
  commit(mutations: readonly unknown[], opts: CommitOptions = {}): Promise<CommitResult> {
    return this.transact(async (tx) => {
      for (let i = 0; i < mutations.length; i++) await tx.apply(mutations[i], i)
    }, opts)
  }

  /**
   * Runs `body` against the current state under the write lock, then stores everything it did as
   * one transaction. If `body` throws, nothing is written.
   */
  transact(body: TransactionBody, opts: CommitOptions = {}): Promise<CommitResult> {
    return this.serialised(() => this.runTransaction(body, opts))
  }

  /**
   * Creates (`create`), replaces (`createOrReplace`) or adds when missing (`createIfNotExists`)
   * many documents as ONE transaction, as `commit` of those mutations with `preserveSystemFields`
   * would, but in one pass: validate everything, stamp, write in one SQLite transaction, update the
   * in-memory map and `version` once, tell subscribers once. Nothing is written if any item is bad
   * (400 naming its index) or, in `create` mode, already exists (`opts.conflict` or 409). Each id
   * may appear once. Used by imports (lake/io/ndjson.ts).
   */
  bulkWrite(items: readonly BulkItem[], opts: BulkOptions): Promise<BulkResult> {
    try {
      // Starts the worker now (first large write only: ~0.2 s), while the write waits for the lock.
      this.bulkThreadFor(items)
    } catch (err) {
      return Promise.reject(err)
    }
    return this.serialised(() => this.runBulk(items, opts))
  }

  /**
   * Runs `fn` under the write lock (one transaction at a time in this process). Another process
   * may commit between our read and our write: then `fn` catches up and runs again.
   */
  private serialised<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await fn()
        } catch (err) {
          if (!(err instanceof ConcurrentWriteError) || attempt >= 5) throw err
        }
      }
    })
    this.lock = run.catch(() => undefined)
    return run
  }

  private newTransactionId(requested: string | undefined): string {
    const transactionId = requested ?? randomId()
    if (!TRANSACTION_ID.test(transactionId)) {
      throw new LakeError(
        400,
        'invalidTransactionIdError',
        `transactionId "${transactionId}" is invalid: use 1-128 characters from a-z A-Z 0-9 . _ -`,
      )
    }
    if (this.db.prepare('SELECT 1 FROM transactions WHERE dataset = ? AND id = ?').get(this.name, transactionId)) {
      throw new LakeError(
        409,
        'conflict',
        `transactionId "${transactionId}" was already used in dataset "${this.name}": every transaction needs a new id`,
      )
    }
    return transactionId
  }

  private async runTransaction(body: TransactionBody, opts: CommitOptions): Promise<CommitResult> {
    this.refresh()
    const transactionId = this.newTransactionId(opts.transactionId)
    const timestamp = new Date().toISOString()
    const tx = new TransactionBuilder(this.docs, {
      transactionId,
      timestamp,
      autoGenerateArrayKeys: opts.autoGenerateArrayKeys,
      preserveSystemFields: opts.preserveSystemFields,
      errorKind: opts.errorKind,
      referrersOf: this.referrersOf,
    })
    await body(tx)
    checkReferentialIntegrity(tx, this.referrersOf)
    const touched = tx.changes()
    const results = touched.map((t) => ({ id: t.id, operation: t.operation, document: t.after }))
    const changes: DocumentChange[] = touched
      .filter((t) => t.before !== t.after)
      .map((t) => ({ id: t.id, before: t.before, after: t.after, mutations: t.mutations }))
    if (opts.dryRun || changes.length === 0) return { transactionId, results, transaction: null }

    const transaction: CommittedTransaction = {
      seq: this.lastSeq + 1,
      transactionId,
      timestamp,
      author: opts.author ?? '',
      changes,
    }
    this.persist(transaction)
    this.applyCommitted(transaction)
    return { transactionId, results, transaction }
  }

  private persist(t: CommittedTransaction): void {
    const upsert = this.db.prepare(STORE_SQL.upsertDocument)
    const remove = this.db.prepare('DELETE FROM documents WHERE dataset = ? AND id = ?')
    const logTx = this.db.prepare(STORE_SQL.logTransaction)
    const logRev = this.db.prepare(STORE_SQL.logRevision)
    this.db
      .transaction(() => {
        if (this.headSeq() !== t.seq - 1) throw new ConcurrentWriteError()
        for (const c of t.changes) {
          const json = c.after ? JSON.stringify(c.after) : null
          if (json) upsert.run(this.name, c.id, json)
          else remove.run(this.name, c.id)
          logRev.run(this.name, c.id, t.seq, c.after?._rev ?? t.transactionId, t.timestamp, t.author, json)
        }
        const mutations = t.changes.flatMap((c) => c.mutations)
        logTx.run(
          this.name,
          t.seq,
          t.transactionId,
          t.timestamp,
          t.author,
          JSON.stringify(t.changes.map((c) => c.id)),
          JSON.stringify(mutations),
        )
      })
      .immediate()
  }

  private async runBulk(items: readonly BulkItem[], opts: BulkOptions): Promise<BulkResult> {
    const thread = this.bulkThreadFor(items)
    // A write the worker takes is validated as it is written (writeBulkInThread), a small one here.
    if (!thread) validateBulk(items)
    this.refresh()
    const transactionId = this.newTransactionId(opts.transactionId)
    const timestamp = new Date().toISOString()
    const plan = { kind: opts.kind, transactionId, timestamp, conflict: opts.conflict }
    const t = { seq: this.lastSeq + 1, transactionId, timestamp, author: opts.author ?? '' }
    let writes: BulkWrite[]
    if (thread) {
      writes = this.writeBulkInThread(thread, items, plan, t, opts)
    } else {
      if (opts.check) for (let i = 0; i < items.length; i++) opts.check(items[i], i)
      writes = planBulk(items, this.docs, plan)
      if (writes.length > 0) this.writeBulk(t, writes, opts)
    }
    const result = { transactionId, written: writes.length, skipped: items.length - writes.length }
    if (writes.length === 0) return result
    const changes: DocumentChange[] = new Array(writes.length)
    for (let i = 0; i < writes.length; i++) {
      const w = writes[i]
      changes[i] = { id: w.id, before: w.before, after: w.after, mutations: [{ [opts.kind]: w.after }] }
    }
    this.applyCommitted(
      { ...t, changes },
      writes.map((w) => w.stored),
    )
    return result
  }

  /**
   * The worker that writes this bulk write, or undefined to write it on this thread: only when the
   * WAL may be large (SQLite's autocheckpoint starts at ~4 MB: more source text than that, or
   * 1,000 documents or more when their text is not known), so small imports (tests, seeds) do not
   * start a thread, and only while the worker runs.
   */
  private bulkThreadFor(items: readonly BulkItem[]): BulkThread | undefined {
    let bytes = 0
    for (const item of items) bytes += item.json?.length ?? 0
    if (bytes <= 4 * 1024 * 1024 && items.length < 1000) return undefined
    const thread = this.bulkThread?.()
    return thread?.available ? thread : undefined
  }

  /*
   * How a bulk transaction is stored (both paths): each document's JSON goes into its `revisions`
   * row only, and its `documents` row points there (`rev_seq`): an import writes its documents
   * once, not twice. The transaction row stores a marker (`{"bulk": kind}`) instead of every
   * mutation, because each mutation is `{<kind>: <the revision's document>}` and
   * `transactionsAfter` rebuilds it from the revision (an import's documents are not written a
   * third time). The `documents` rows are written in one statement from the id list the
   * transaction row stores anyway (100k statement runs from JavaScript cost more than SQLite
   * reading the list).
   */

  /**
   * A large bulk write: stamps and encodes the documents here while the worker inserts them
   * (bulk-thread.ts), in one SQLite transaction on the worker's connection; returns once it is
   * committed (durable). The worker then checkpoints the WAL.
   */
  private writeBulkInThread(
    thread: BulkThread,
    items: readonly BulkItem[],
    plan: BulkPlanOptions,
    t: BulkTransaction,
    opts: BulkOptions,
  ): BulkWrite[] {
    // A conflict is reported for the first item in the caller's order, before anything is written.
    checkCreateConflicts(items, this.docs, plan)
    // The worker gets the documents in id order (see "Making the COMMIT short" in bulk-thread.ts);
    // the transaction keeps the caller's order.
    const order = idOrder(items)
    const planned: Array<BulkWrite | undefined> = new Array(items.length)
    const checkpointed = thread.nextCheckpoint()
    const total = items.length
    let writes: BulkWrite[] = []
    try {
      thread.writeTransaction(
        { dataset: this.name, ...t },
        (add) => {
          let previousId: string | undefined
          for (let n = 0; n < total; n++) {
            const i = order[n]
            // Validated here, while the worker inserts, not before: in id order a repeated id is
            // next to its twin. On any error the first one in the caller's order is thrown.
            const invalid = invalidItem(items[i], i)
            const id = invalid ? undefined : (items[i].doc._id as string)
            if (id === undefined || id === previousId) {
              validateBulk(items)
              throw invalid ?? new Error(`lake: document id "${id}" repeats but validateBulk passed`)
            }
            previousId = id
            opts.check?.(items[i], i)
            const w = planItem(items[i], i, this.docs, plan)
            if (w) {
              planned[i] = w
              add(w.id, w.after._rev, bulkJsonMaxBytes(w), (into, offset) => encodeBulkJson(w, into, offset))
              // Made while the worker inserts, not after the commit (its long fields are read from
              // the revision row `t.seq`, which exists once committed; nothing reads them before).
              // Without sharing the `_ref` strings inside fields: that took a quarter of an import of
              // 100k documents, and large writes come from the import CLI, a process that exits; a
              // lake serving the dataset shares them as it reads the import in (`refresh`).
              w.stored = this.lazy.lazify(w.after, t.seq, false)
            }
            if (opts.onProgress && (n % 500 === 0 || n === total - 1)) opts.onProgress(n + 1, total)
          }
        },
        () => {
          writes = planned.filter((w): w is BulkWrite => w !== undefined)
          if (writes.length === 0) return null
          const documentIds: string[] = []
          for (let n = 0; n < total; n++) {
            const w = planned[order[n]]
            if (w) documentIds.push(w.id)
          }
          return {
            ids: JSON.stringify(writes.map((w) => w.id)),
            mutations: JSON.stringify({ bulk: opts.kind }),
            documentIds: JSON.stringify(documentIds),
          }
        },
      )
    } catch (err) {
      if (err instanceof BulkThreadError && err.concurrent) throw new ConcurrentWriteError()
      throw err
    }
    if (writes.length > 0) this.bulkCheckpoint = checkpointed
    return writes
  }

  /** A small bulk write (or any, when the worker is not running) on the lake's connection. */
  private writeBulk(t: BulkTransaction, writes: readonly BulkWrite[], opts: BulkOptions): void {
    const upsert = this.db.prepare(STORE_SQL.upsertBulkDocuments)
    const logTx = this.db.prepare(STORE_SQL.logTransaction)
    // The JSON comes as UTF-8 bytes (see encodeBulkJson) and is stored as TEXT, as `persist` stores it.
    const logRev = this.db.prepare(STORE_SQL.logBulkRevision)
    const total = writes.length
    this.db
      .transaction(() => {
        if (this.headSeq() !== t.seq - 1) throw new ConcurrentWriteError()
        let arena = Buffer.allocUnsafe(1 << 16)
        for (let i = 0; i < total; i++) {
          const w = writes[i]
          const max = bulkJsonMaxBytes(w)
          if (arena.length < max) arena = Buffer.allocUnsafe(max)
          logRev.run(
            this.name,
            w.id,
            t.seq,
            w.after._rev,
            t.timestamp,
            t.author,
            arena.subarray(0, encodeBulkJson(w, arena, 0)),
          )
          if (opts.onProgress && (i % 500 === 0 || i === total - 1)) opts.onProgress(i + 1, total)
        }
        const ids = JSON.stringify(writes.map((w) => w.id))
        upsert.run(this.name, t.seq, ids)
        logTx.run(this.name, t.seq, t.transactionId, t.timestamp, t.author, ids, JSON.stringify({ bulk: opts.kind }))
      })
      .immediate()
  }

  /**
   * Resolves once the WAL checkpoint after the last large bulk write has run (immediately if
   * there was none): for measurements and tests; the data is durable before that.
   */
  async bulkCheckpointed(): Promise<CheckpointResult | undefined> {
    return this.bulkCheckpoint
  }

  /** The revisions of a document, oldest first. */
  revisions(documentId: string, opts: { limit?: number } = {}): RevisionEntry[] {
    const rows = this.db
      .prepare(`${REVISIONS_OF_DOCUMENT} ORDER BY r.seq DESC LIMIT ?`)
      .all(this.name, documentId, opts.limit ?? 1000) as RevisionRow[]
    return rows.reverse().map(toRevision)
  }

  /** The document as revision `rev` left it, or undefined when there is no such revision. */
  revision(documentId: string, rev: string): RevisionEntry | undefined {
    const row = this.db.prepare(`${REVISIONS_OF_DOCUMENT} AND r.rev = ?`).get(this.name, documentId, rev) as
      | RevisionRow
      | undefined
    return row ? toRevision(row) : undefined
  }

  /** The document as it was at `time` (ISO date), or null when it did not exist then. */
  documentAt(documentId: string, time: string): RevisionEntry | undefined {
    const row = this.db
      .prepare(`${REVISIONS_OF_DOCUMENT} AND r.timestamp <= ? ORDER BY r.seq DESC LIMIT 1`)
      .get(this.name, documentId, time) as RevisionRow | undefined
    return row ? toRevision(row) : undefined
  }

  /** Sequence number of a committed transaction, or undefined. */
  sequenceOf(transactionId: string): number | undefined {
    const row = this.db
      .prepare('SELECT seq FROM transactions WHERE dataset = ? AND id = ?')
      .get(this.name, transactionId) as { seq: number } | undefined
    return row?.seq
  }

  /** Rebuilds committed transactions after `seq` (for listener resume), oldest first. */
  transactionsAfter(seq: number, limit = 1000): CommittedTransaction[] {
    const txs = this.db
      .prepare(
        'SELECT seq, id, timestamp, author, document_ids, mutations FROM transactions WHERE dataset = ? AND seq > ? ORDER BY seq LIMIT ?',
      )
      .all(this.name, seq, limit) as Array<{
      seq: number
      id: string
      timestamp: string
      author: string
      document_ids: string
      mutations: string
    }>
    const before = this.db.prepare(
      'SELECT doc FROM revisions WHERE dataset = ? AND document_id = ? AND seq < ? ORDER BY seq DESC LIMIT 1',
    )
    const after = this.db.prepare('SELECT doc FROM revisions WHERE dataset = ? AND document_id = ? AND seq = ?')
    return txs.map((t) => {
      const ids = JSON.parse(t.document_ids) as string[]
      const logged = JSON.parse(t.mutations) as Record<string, unknown>[] | { bulk: string }
      // Group once by target (not a filter per document: an import has 100k of each).
      const byTarget = new Map<string | undefined, Record<string, unknown>[]>()
      if (Array.isArray(logged)) {
        for (const m of logged) {
          const target = mutationTargets(m)
          const list = byTarget.get(target)
          if (list) list.push(m)
          else byTarget.set(target, [m])
        }
      }
      // A bulk create (or create-if-missing) only wrote documents that did not exist before it.
      const nothingBefore = !Array.isArray(logged) && (logged.bulk === 'create' || logged.bulk === 'createIfNotExists')
      const changes = ids.map((id) => {
        const b = nothingBefore ? undefined : (before.get(this.name, id, t.seq) as { doc: string | null } | undefined)
        const a = after.get(this.name, id, t.seq) as { doc: string | null } | undefined
        // Kept lazy from the start: catching up with a large import must not hold it all parsed.
        const afterDoc = a?.doc ? this.lazy.lazify(JSON.parse(a.doc) as LakeDocument, t.seq) : null
        return {
          id,
          before: b?.doc ? (JSON.parse(b.doc) as LakeDocument) : null,
          after: afterDoc,
          // A bulk write's mutation of each document is {<kind>: <the document it wrote>}.
          mutations: Array.isArray(logged) ? (byTarget.get(id) ?? []) : afterDoc ? [{ [logged.bulk]: afterDoc }] : [],
        }
      })
      return { seq: t.seq, transactionId: t.id, timestamp: t.timestamp, author: t.author, changes }
    })
  }
}

/** The transaction fields of a bulk write (its changes are built after it is stored). */
interface BulkTransaction {
  seq: number
  transactionId: string
  timestamp: string
  author: string
}

/** Another process committed to this dataset since we last read it. */
class ConcurrentWriteError extends Error {
  constructor() {
    super('another process committed to this dataset meanwhile')
  }
}

interface RevisionRow {
  document_id: string
  seq: number
  rev: string
  timestamp: string
  author: string
  doc: string | null
  tx: string
}

function toRevision(row: RevisionRow): RevisionEntry {
  return {
    documentId: row.document_id,
    rev: row.rev,
    seq: row.seq,
    transactionId: row.tx,
    timestamp: row.timestamp,
    author: row.author,
    document: row.doc ? (JSON.parse(row.doc) as LakeDocument) : null,
  }
}

function mutationTargets(mutation: Record<string, unknown>): string | undefined {
  for (const value of Object.values(mutation)) {
    if (typeof value === 'object' && value !== null) {
      const v = value as Record<string, unknown>
      if (typeof v._id === 'string') return v._id
      if (typeof v.id === 'string') return v.id
    }
  }
  return undefined
}
