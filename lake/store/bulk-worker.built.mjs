// Generated from lake/store/bulk-worker.ts by `npm run build:worker`: edit that file, not this one.

// lake/store/bulk-worker.ts
import fs from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

// lake/store/statements.ts
var STORE_SQL = {
  /** The newest transaction's seq of a dataset (null when it has none). */
  headSeq: "SELECT MAX(seq) AS seq FROM transactions WHERE dataset = ?",
  /** One transaction row: (dataset, seq, id, timestamp, author, document_ids JSON, mutations JSON). */
  logTransaction: "INSERT INTO transactions (dataset, seq, id, timestamp, author, document_ids, mutations) VALUES (?, ?, ?, ?, ?, ?, ?)",
  /** One revision row of a commit, the document's JSON as text. */
  logRevision: "INSERT INTO revisions (dataset, document_id, seq, rev, timestamp, author, doc) VALUES (?, ?, ?, ?, ?, ?, ?)",
  /** A commit's current document, stored in the documents row itself. */
  upsertDocument: "INSERT INTO documents (dataset, id, doc, rev_seq) VALUES (?, ?, ?, NULL) ON CONFLICT (dataset, id) DO UPDATE SET doc = excluded.doc, rev_seq = NULL",
  /** One revision row of a bulk write: the JSON comes as UTF-8 bytes and is stored as TEXT. */
  logBulkRevision: "INSERT INTO revisions (dataset, document_id, seq, rev, timestamp, author, doc) VALUES (?, ?, ?, ?, ?, ?, CAST(? AS TEXT))",
  /**
   * The documents rows of a bulk write, from the JSON id list (dataset, seq, ids): each points at
   * its revision row of that seq instead of holding the JSON again. (`WHERE true`: SQLite's parser
   * needs it before ON CONFLICT in an INSERT ... SELECT.)
   */
  upsertBulkDocuments: "INSERT INTO documents (dataset, id, doc, rev_seq) SELECT ?, value, '', ? FROM json_each(?) WHERE true ON CONFLICT (dataset, id) DO UPDATE SET doc = '', rev_seq = excluded.rev_seq"
};

// lake/store/bulk-worker.ts
var port = parentPort;
if (!port) throw new Error("bulk-worker runs as a worker thread started by bulk-thread.ts");
var data = workerData;
var db = new Database(data.file);
db.pragma("synchronous = FULL");
db.pragma("foreign_keys = ON");
db.pragma("busy_timeout = 5000");
db.pragma("wal_autocheckpoint = 0");
db.pragma("cache_size = -65536");
var control = new Int32Array(data.control);
var slots = data.slots.map((sab) => Buffer.from(sab));
var job = null;
var sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
function walFlusher() {
  let fd = -1;
  let pending = 0;
  let done = false;
  let unflushed = 0;
  try {
    fd = fs.openSync(`${data.file}-wal`, "r+");
  } catch {
  }
  const closeIfIdle = () => {
    if (done && pending === 0 && fd >= 0) {
      fs.close(fd, () => void 0);
      fd = -1;
    }
  };
  return {
    wrote(bytes) {
      unflushed += bytes;
      if (fd < 0 || unflushed < data.earlySyncBytes) return;
      unflushed = 0;
      pending++;
      fs.fdatasync(fd, () => {
        pending--;
        closeIfIdle();
      });
    },
    end() {
      done = true;
      closeIfIdle();
    }
  };
}
async function checkpoint() {
  let result = { busy: 0, log: 0, checkpointed: 0 };
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      result = db.pragma("wal_checkpoint(PASSIVE)")[0];
    } catch (err) {
      result = { busy: 1, log: -1, checkpointed: -1, error: String(err) };
    }
    if (!result.busy && result.checkpointed === result.log) break;
    await sleep(250);
  }
  releaseCache();
  port?.postMessage({ op: "checkpointed", result });
}
function releaseCache() {
  if (!job) db.pragma("shrink_memory");
}
function release(slot) {
  if (slot < 0) return;
  Atomics.store(control, 1 + slot, 0);
  Atomics.add(control, 1 + slots.length, 1);
  Atomics.notify(control, 1 + slots.length);
}
function finish(reply) {
  job?.wal?.end();
  job = null;
  data.replies.postMessage(reply);
  Atomics.store(control, 0, 1);
  Atomics.notify(control, 0);
}
function fail(err) {
  if (job && !job.error) {
    const e = err;
    job.error = {
      message: String(e?.message ?? err),
      code: typeof e?.code === "string" ? e.code : void 0
    };
    if (db.inTransaction) db.exec("ROLLBACK");
  }
}
function begin(m) {
  job = { error: null };
  try {
    db.exec("BEGIN IMMEDIATE");
    const head = db.prepare(STORE_SQL.headSeq).get(m.dataset).seq ?? 0;
    if (head !== m.seq - 1) {
      job.error = { message: "another process committed to this dataset meanwhile", concurrent: true };
      db.exec("ROLLBACK");
      return;
    }
    job.rev = db.prepare(STORE_SQL.logBulkRevision);
    job.m = m;
    job.wal = walFlusher();
  } catch (err) {
    fail(err);
  }
}
function rows(m) {
  try {
    if (job?.m && job.rev && job.wal && !job.error) {
      const buf = m.buffer ? Buffer.from(m.buffer) : slots[m.slot];
      const { dataset, seq, timestamp, author } = job.m;
      const count = m.ids.length;
      let offset = 0;
      for (let i = 0; i < count; i++) {
        const end = offset + m.lengths[i];
        job.rev.run(dataset, m.ids[i], seq, m.revs[i], timestamp, author, buf.subarray(offset, end));
        offset = end;
      }
      job.wal.wrote(offset);
    }
  } catch (err) {
    fail(err);
  } finally {
    release(m.slot);
  }
}
function commit(m) {
  if (!job) return finish({ error: { message: "no bulk write was started" } });
  if (!job.error && job.m) {
    try {
      const { dataset, seq, timestamp, author } = job.m;
      db.prepare(STORE_SQL.upsertBulkDocuments).run(dataset, seq, m.documentIds);
      db.prepare(STORE_SQL.logTransaction).run(dataset, seq, m.transactionId, timestamp, author, m.ids, m.mutations);
      db.exec("COMMIT");
    } catch (err) {
      fail(err);
    }
  }
  const error = job.error;
  finish({ error });
  if (!error) void checkpoint();
  else releaseCache();
}
function abort() {
  if (!job) return;
  if (db.inTransaction) db.exec("ROLLBACK");
  finish({ error: { message: "aborted" } });
  releaseCache();
}
port.on("message", (m) => {
  switch (m.op) {
    case "checkpoint":
      return void checkpoint();
    case "begin":
      return begin(m);
    case "rows":
      return rows(m);
    case "commit":
      return commit(m);
    case "abort":
      return abort();
  }
});
