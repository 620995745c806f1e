/**
 * The lake's storage: one SQLite database holding every dataset, plus accounts. See
 * `DatasetStore` (dataset.ts) for the per-dataset API: commit/transact, get, documents, subscribe,
 * history. Nothing here knows HTTP.
 */
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

  constructor(dataDir: string, opts: { pollMs?: number } = {}) {
    this.db = openDatabase(dataDir)
    // Pick up transactions other processes commit (CLI imports) even when nobody reads.
    this.poll = setInterval(() => {
      for (const store of this.datasets.values()) store.refresh()
    }, opts.pollMs ?? 500)
    this.poll.unref()
  }

  /** The dataset named `name`, created (empty) on first use. Throws 400 on an invalid name. */
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
    }
    return store
  }

  /** Names of datasets that hold documents or were opened in this process. */
  datasetNames(): string[] {
    const rows = this.db.prepare('SELECT DISTINCT dataset FROM documents').all() as Array<{ dataset: string }>
    return [...new Set([...rows.map((r) => r.dataset), ...this.datasets.keys()])].sort()
  }

  close(): void {
    clearInterval(this.poll)
    void this.bulkThread?.close()
    this.db.close()
  }
}
