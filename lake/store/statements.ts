/**
 * The SQL of the store's writes, in one place: the lake's connection (dataset.ts) and the bulk
 * write worker (bulk-worker.ts, which imports it; its built copy inlines it) must write the same
 * rows the same way.
 */

export const STORE_SQL = {
  /** The newest transaction's seq of a dataset (null when it has none). */
  headSeq: 'SELECT MAX(seq) AS seq FROM transactions WHERE dataset = ?',
  /** One transaction row: (dataset, seq, id, timestamp, author, document_ids JSON, mutations JSON). */
  logTransaction:
    'INSERT INTO transactions (dataset, seq, id, timestamp, author, document_ids, mutations) VALUES (?, ?, ?, ?, ?, ?, ?)',
  /** One revision row of a commit, the document's JSON as text. */
  logRevision:
    'INSERT INTO revisions (dataset, document_id, seq, rev, timestamp, author, doc) VALUES (?, ?, ?, ?, ?, ?, ?)',
  /** A commit's current document, stored in the documents row itself. */
  upsertDocument:
    'INSERT INTO documents (dataset, id, doc, rev_seq) VALUES (?, ?, ?, NULL) ON CONFLICT (dataset, id) DO UPDATE SET doc = excluded.doc, rev_seq = NULL',
  /** One revision row of a bulk write: the JSON comes as UTF-8 bytes and is stored as TEXT. */
  logBulkRevision:
    'INSERT INTO revisions (dataset, document_id, seq, rev, timestamp, author, doc) VALUES (?, ?, ?, ?, ?, ?, CAST(? AS TEXT))',
  /**
   * The documents rows of a bulk write, from the JSON id list (dataset, seq, ids): each points at
   * its revision row of that seq instead of holding the JSON again. (`WHERE true`: SQLite's parser
   * needs it before ON CONFLICT in an INSERT ... SELECT.)
   */
  upsertBulkDocuments:
    "INSERT INTO documents (dataset, id, doc, rev_seq) SELECT ?, value, '', ? FROM json_each(?) WHERE true ON CONFLICT (dataset, id) DO UPDATE SET doc = '', rev_seq = excluded.rev_seq",
} as const

export type StoreSql = typeof STORE_SQL
