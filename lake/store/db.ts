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
 * A new database gets 64 KiB pages, SQLite's largest (its default is 4 KiB; an existing database
 * keeps its own, which WAL mode cannot change). A clinic document is ~7 KB of JSON, and a page
 * holds whole documents only: 16 KiB pages hold two and stay about a third empty, 64 KiB pages
 * hold nine. The WAL an import writes is smaller, in fewer and larger frames (each frame is two
 * write() calls and a WAL-index lookup). Measured at 100k documents, alternating runs: the import
 * took 3.5-3.9 s with 64 KiB pages (0.87 GB written), 4.4-4.8 s with 32 KiB and 5.6-6.0 s with
 * 16 KiB (1.1 GB); with 4 KiB pages every document spills into overflow pages, which
 * measured slower still. The cost is on small commits, which write whole pages: over 2,000 one-document
 * patches on 10k documents the median went from 1.38 ms (16 KiB) to 2.33 ms and the mean from 1.61
 * to 2.60 ms, with the same p99 (~11-12 ms) and no higher a maximum (22 ms against 46); nobody
 * editing in the Studio can see a millisecond. The database file is smaller too (145 MB against
 * 190 MB there). SQLite's autocheckpoint counts pages (1,000), so the WAL now grows to 64 MB between
 * checkpoints, the size `journal_size_limit` keeps anyway.
 */
export function openDatabase(dataDir: string): SqliteDatabase {
  fs.mkdirSync(dataDir, { recursive: true })
  const db = new Database(path.join(dataDir, 'lake.sqlite'))
  // Only takes effect while the database is empty (before journal_mode creates it).
  db.pragma('page_size = 65536')
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`)
  migrate(db)
  return db
}

const SCHEMA_VERSION = 4

function migrate(db: SqliteDatabase): void {
  if (Number(db.pragma('user_version', { simple: true })) >= SCHEMA_VERSION) return
  // Under the write lock, reading the version again: a lake and an import CLI may open a new
  // database at the same moment, and only one of them may run each step.
  db.transaction(() => migrateSteps(db)).immediate()
}

function migrateSteps(db: SqliteDatabase): void {
  const version = Number(db.pragma('user_version', { simple: true }))
  if (version >= SCHEMA_VERSION) return
  if (version < 1)
    db.exec(`
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
  if (version < 4) {
    // v4: datasets created empty (`PUT /datasets/<name>`): a dataset otherwise exists by its
    // documents and transactions, and an empty one would be forgotten at restart.
    db.exec('CREATE TABLE IF NOT EXISTS datasets (name TEXT PRIMARY KEY, created_at TEXT NOT NULL) WITHOUT ROWID')
  }
  db.pragma(`user_version = ${SCHEMA_VERSION}`)
}
