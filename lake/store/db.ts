import Database from 'better-sqlite3'
import fs from 'node:fs'
import path from 'node:path'

export type SqliteDatabase = Database.Database

/**
 * Opens (creating when needed) the lake's SQLite database `<dataDir>/lake.sqlite` in WAL mode with
 * `synchronous = FULL`: a transaction is on disk before `commit` returns, so an acknowledged write
 * survives `kill -9` (and a power cut).
 *
 * Not `synchronous = NORMAL`, even for imports: in WAL mode it survives `kill -9` too, but a power
 * cut may lose the last acknowledged transactions; and it would not make a large import faster,
 * since the checkpoint that follows it (autocheckpoint) syncs the WAL anyway (measured: the time
 * moves from the commit into the checkpoint). The page cache stays SQLite's default (2 MB): the
 * lake reads documents from memory, SQLite only at start, for history and for listener resume; no
 * mmap for the same reason. `journal_size_limit` truncates the WAL after a checkpoint, so a large
 * import does not leave a WAL as large as itself on disk.
 *
 * A new database gets 16 KiB pages (SQLite's default is 4 KiB; an existing database keeps its
 * own, which WAL mode cannot change). A clinic document is ~7 KB of JSON: with 4 KiB pages every
 * one spills into an overflow page, and an import writes ~180k WAL frames of 4 KiB, each two
 * write() calls and a lookup in the WAL index. Measured at 100k documents, alternating runs: the
 * import took 4.7-5.1 s with 16 KiB pages against 5.4-6.0 s (1.3 s less CPU); a one-document
 * patch's median went from 0.9 to 1.45 ms in process (more bytes per dirty page), which nobody
 * editing in the Studio can see. 8 KiB pages made the import slower (its COMMIT re-read the WAL,
 * see bulk-thread.ts) and 64 KiB pages a one-document commit 3x slower.
 */
export function openDatabase(dataDir: string): SqliteDatabase {
  fs.mkdirSync(dataDir, {recursive: true})
  const db = new Database(path.join(dataDir, 'lake.sqlite'))
  // Only takes effect while the database is empty (before journal_mode creates it).
  db.pragma('page_size = 16384')
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`)
  migrate(db)
  return db
}

const SCHEMA_VERSION = 3

function migrate(db: SqliteDatabase): void {
  if (Number(db.pragma('user_version', {simple: true})) >= SCHEMA_VERSION) return
  // Under the write lock, reading the version again: a lake and an import CLI may open a new
  // database at the same moment, and only one of them may run each step.
  db.transaction(() => migrateSteps(db)).immediate()
}

function migrateSteps(db: SqliteDatabase): void {
  const version = Number(db.pragma('user_version', {simple: true}))
  if (version >= SCHEMA_VERSION) return
  if (version < 1) db.exec(`
    CREATE TABLE IF NOT EXISTS documents (
      dataset TEXT NOT NULL,
      id TEXT NOT NULL,
      doc TEXT NOT NULL,
      PRIMARY KEY (dataset, id)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS transactions (
      dataset TEXT NOT NULL,
      seq INTEGER NOT NULL,
      id TEXT NOT NULL,
      timestamp TEXT NOT NULL,
      author TEXT NOT NULL,
      document_ids TEXT NOT NULL,
      mutations TEXT NOT NULL,
      PRIMARY KEY (dataset, seq)
    );
    CREATE UNIQUE INDEX IF NOT EXISTS transactions_by_id ON transactions (dataset, id);
    CREATE TABLE IF NOT EXISTS revisions (
      dataset TEXT NOT NULL,
      document_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      rev TEXT NOT NULL,
      timestamp TEXT NOT NULL,
      author TEXT NOT NULL,
      doc TEXT,
      PRIMARY KEY (dataset, document_id, seq)
    );
    CREATE INDEX IF NOT EXISTS revisions_by_rev ON revisions (dataset, document_id, rev);
    CREATE TABLE IF NOT EXISTS users (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      email TEXT NOT NULL UNIQUE,
      role TEXT NOT NULL,
      created_at TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS tokens (
      id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      token_hash TEXT NOT NULL UNIQUE,
      label TEXT NOT NULL,
      created_at TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS keyvalue (
      user_id TEXT NOT NULL,
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (user_id, key)
    );
  `)
  if (version < 2) {
    // v2: passwords for the Studio's login screen, and one-time login sessions (sid -> token).
    db.exec(`
      ALTER TABLE users ADD COLUMN password_hash TEXT;
      CREATE TABLE IF NOT EXISTS sessions (
        sid_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        expires_at TEXT NOT NULL
      );
    `)
  }
  if (version < 3) {
    // v3: a document written by a bulk import keeps its JSON once, in its revision row:
    // `documents.doc` is '' and `rev_seq` names the revision (seq) that holds it. Other writes store
    // the JSON in `doc` with `rev_seq` NULL. See DatasetStore.persistBulk.
    db.exec('ALTER TABLE documents ADD COLUMN rev_seq INTEGER')
  }
  db.pragma(`user_version = ${SCHEMA_VERSION}`)
}
