/**
 * The lake's storage: one SQLite database holding every dataset, plus accounts. See
 * `DatasetStore` (dataset.ts) for the per-dataset API: commit/transact, get, documents, subscribe,
 * history. Nothing here knows HTTP.
 */
import type { Statement } from 'better-sqlite3'
import { LakeError } from '../errors.js'
import { invalidDatasetReason } from '../ids.js'
import { BulkThread } from './bulk-thread.js'
import { DatasetStore } from './dataset.js'
import { openDatabase, type SqliteDatabase } from './db.js'
import { indexesFor } from '../indexes/dataset-indexes.js'

export { DatasetStore } from './dataset.js'
export type { TransactionBody, TransactionListener } from './dataset.js'
export { TransactionBuilder } from './transaction.js'
export type { BulkItem, BulkKind, BulkOptions, BulkResult } from './bulk.js'
export type * from './types.js'

export class LakeStore {
  readonly db: SqliteDatabase
  private readonly datasets = new Map<string, DatasetStore>()
  private readonly poll: NodeJS.Timeout
  /** Started on the first large bulk write (imports): see bulk-thread.ts. */
  private bulkThread: BulkThread | undefined
  private readonly existence: { transactions: Statement; documents: Statement; created: Statement }
  private readonly openListeners: Array<(store: DatasetStore) => void> = []

  constructor(dataDir: string, opts: { pollMs?: number } = {}) {
    this.db = openDatabase(dataDir)
    this.existence = {
      transactions: this.db.prepare('SELECT 1 FROM transactions WHERE dataset = ? LIMIT 1'),
      documents: this.db.prepare('SELECT 1 FROM documents WHERE dataset = ? LIMIT 1'),
      created: this.db.prepare('SELECT 1 FROM datasets WHERE name = ?'),
    }
    // Pick up transactions other processes commit (CLI imports) even when nobody reads.
    this.poll = setInterval(() => {
      for (const store of this.datasets.values()) store.refresh()
    }, opts.pollMs ?? 500)
    this.poll.unref()
  }

  /**
   * Whether a dataset exists: opened in this process (the configured default, or written to),
   * created empty (`createDataset`), or holding documents or transactions in the database (another
   * process may have imported it). Indexed lookups, so cheap enough to ask on every request.
   */
  hasDataset(name: string): boolean {
    if (this.datasets.has(name)) return true
    if (!this.db.open) return false
    return (
      this.existence.transactions.get(name) !== undefined ||
      this.existence.documents.get(name) !== undefined ||
      this.existence.created.get(name) !== undefined
    )
  }

  /** Creates an empty dataset that outlives a restart; false when it existed already. Throws 400 on an invalid name. */
  createDataset(name: string): boolean {
    const reason = invalidDatasetReason(name)
    if (reason) throw new LakeError(400, 'invalidDatasetError', reason)
    const existed = this.hasDataset(name)
    this.db
      .prepare('INSERT OR IGNORE INTO datasets (name, created_at) VALUES (?, ?)')
      .run(name, new Date().toISOString())
    this.dataset(name)
    return !existed
  }

  /**
   * The dataset named `name`, created (empty) on first use. Throws 400 on an invalid name.
   * Creating one costs memory and a slot in the poll for the life of the process, so the HTTP
   * layer lets only writers' writes reach this for a dataset that does not exist yet
   * (`hasDataset`); reads of an unknown dataset are answered 404 before they get here.
   */
  dataset(name: string): DatasetStore {
    let store = this.datasets.get(name)
    if (!store) {
      const reason = invalidDatasetReason(name)
      if (reason) throw new LakeError(400, 'invalidDatasetError', reason)
      store = new DatasetStore(this.db, name, () => (this.bulkThread ??= new BulkThread(this.db.name)))
      const indexed = store
      // The raw view's reference index answers "who references X" without scanning every document.
      store.setReferrersLookup((id) =>
        indexesFor(indexed)
          .view('raw')
          .referencing(id)
          .map((entry) => entry.doc),
      )
      this.datasets.set(name, store)
      for (const listener of this.openListeners) listener(store)
    }
    return store
  }

  /** Calls `listener` for every dataset opened so far and every one opened later. */
  onDatasetOpen(listener: (store: DatasetStore) => void): void {
    this.openListeners.push(listener)
    for (const store of this.datasets.values()) listener(store)
  }

  /** Names of datasets that hold documents, were created empty, or were opened in this process. */
  datasetNames(): string[] {
    const rows = this.db
      .prepare('SELECT DISTINCT dataset FROM documents UNION SELECT name FROM datasets')
      .all() as Array<{ dataset: string }>
    return [...new Set([...rows.map((r) => r.dataset), ...this.datasets.keys()])].sort()
  }

  close(): void {
    clearInterval(this.poll)
    void this.bulkThread?.close()
    this.db.close()
  }
}
