// Generated from lake/query/query-worker.ts by `npm run build:worker`: edit that file, not this one.

// lake/query/query-worker.ts
import os from "node:os";
import { parentPort } from "node:worker_threads";
import Database from "better-sqlite3";

// lake/errors.ts
var LakeError = class extends Error {
  statusCode;
  type;
  details;
  /** Response headers the error needs (e.g. `Retry-After` on a 429). */
  headers;
  constructor(statusCode, type, description, details = {}, headers = {}) {
    super(description);
    this.statusCode = statusCode;
    this.type = type;
    this.details = details;
    this.headers = headers;
  }
  toBody() {
    return { error: { description: this.message, type: this.type, ...this.details } };
  }
};

// lake/indexes/sorted.ts
function lowerBound(list, target) {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = lo + hi >>> 1;
    if (list[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// lake/query/evaluate.ts
import { evaluate, evaluateSync, parse, GroqSyntaxError } from "groq-js";
function parseGroq(query, params = {}) {
  let tree;
  try {
    tree = parse(query, { params });
  } catch (err) {
    if (err instanceof GroqSyntaxError) {
      const start = err.position;
      return throwParseError(query, err.message, start, Math.min(query.length, start + 1));
    }
    const message = err instanceof Error ? err.message : String(err);
    return throwParseError(query, message, 0, query.length);
  }
  const missing = firstMissingParameter(tree);
  if (missing !== void 0) {
    const at = query.indexOf(`$${missing}`);
    throwParseError(
      query,
      `param $${missing} referenced, but not provided: send it as $${missing}=<JSON value> (GET) or in "params" (POST)`,
      Math.max(0, at),
      at < 0 ? query.length : at + missing.length + 1
    );
  }
  return tree;
}
function firstMissingParameter(node) {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = firstMissingParameter(item);
      if (found !== void 0) return found;
    }
    return void 0;
  }
  if (node === null || typeof node !== "object") return void 0;
  const record = node;
  if (record.type === "Parameter" && typeof record.name === "string") return record.name;
  if (record.type === "Value") return void 0;
  for (const value of Object.values(record)) {
    const found = firstMissingParameter(value);
    if (found !== void 0) return found;
  }
  return void 0;
}
function throwParseError(query, description, start, end) {
  throw new LakeError(400, "queryParseError", description, { query, start, end });
}
async function evaluateGroq(input) {
  const params = input.params ?? {};
  const tree = parseGroq(input.query, params);
  try {
    const value = await evaluate(tree, {
      dataset: input.documents,
      params,
      identity: input.identity,
      sanity: input.sanity,
      timestamp: input.timestamp
    });
    return await value.get();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new LakeError(400, "queryError", `GROQ query failed: ${message}`, { query: input.query });
  }
}

// lake/query/query-worker.ts
var TooLarge = class extends Error {
};
function serializeCapped(value, limit) {
  const parts = [];
  let size = 0;
  const push = (s) => {
    size += s.length;
    if (size > limit) throw new TooLarge();
    parts.push(s);
  };
  const skipped = (x) => x === void 0 || typeof x === "function" || typeof x === "symbol";
  const walk = (v) => {
    if (v === null || typeof v !== "object") {
      const s = JSON.stringify(v);
      push(s === void 0 ? "null" : s);
      return;
    }
    const withToJson = v;
    if (typeof withToJson.toJSON === "function") {
      walk(withToJson.toJSON());
      return;
    }
    if (Array.isArray(v)) {
      push("[");
      for (let i = 0; i < v.length; i++) {
        if (i) push(",");
        const x = v[i];
        if (skipped(x)) push("null");
        else walk(x);
      }
      push("]");
      return;
    }
    push("{");
    let first = true;
    const record = v;
    for (const key of Object.keys(record)) {
      const x = record[key];
      if (skipped(x)) continue;
      push(`${first ? "" : ","}${JSON.stringify(key)}:`);
      first = false;
      walk(x);
    }
    push("}");
  };
  walk(value);
  return parts.join("");
}
function errorAnswer(err, query) {
  const lakeError = err instanceof LakeError ? err : new LakeError(400, "queryError", `GROQ query failed: ${err instanceof Error ? err.message : String(err)}`, {
    query
  });
  return {
    type: "error",
    statusCode: lakeError.statusCode,
    errorType: lakeError.type,
    description: lakeError.message,
    details: lakeError.details
  };
}
async function answerQuery(message, documents) {
  let data;
  try {
    data = await evaluateGroq({
      query: message.query,
      params: message.params,
      documents,
      identity: message.identity,
      sanity: message.sanity,
      timestamp: new Date(message.timestamp)
    });
  } catch (err) {
    return errorAnswer(err, message.query);
  }
  try {
    return { type: "result", json: serializeCapped(data === void 0 ? null : data, message.maxResultSize) };
  } catch (err) {
    if (err instanceof TooLarge) return { type: "tooLarge" };
    return errorAnswer(err, message.query);
  }
}
var LAZY = /* @__PURE__ */ Symbol("lazy");
var lazyGetters = /* @__PURE__ */ new Map();
var lazySelects = /* @__PURE__ */ new Map();
var lazyCache = /* @__PURE__ */ new Map();
var LAZY_CACHE_DOCUMENTS = 512;
function lazyDocument(info) {
  let doc = lazyCache.get(info);
  if (doc) {
    lazyCache.delete(info);
    lazyCache.set(info, doc);
    return doc;
  }
  let select = lazySelects.get(info.origin.file);
  if (!select) {
    const db = new Database(info.origin.file, { readonly: true, fileMustExist: true });
    select = db.prepare("SELECT doc FROM revisions WHERE dataset = ? AND document_id = ? AND seq = ?").pluck();
    lazySelects.set(info.origin.file, select);
  }
  const json = select.get(info.origin.dataset, info.id, info.seq);
  if (typeof json !== "string")
    throw new Error(`lake: revision ${info.seq} of "${info.id}" is missing: the database is damaged`);
  doc = JSON.parse(json);
  lazyCache.set(info, doc);
  if (lazyCache.size > LAZY_CACHE_DOCUMENTS) lazyCache.delete(lazyCache.keys().next().value);
  return doc;
}
function lazyGetter(key) {
  let getter = lazyGetters.get(key);
  if (!getter) {
    getter = function() {
      const info = this[LAZY];
      return info ? lazyDocument(info)[key] : void 0;
    };
    lazyGetters.set(key, getter);
  }
  return getter;
}
function fromWire(wire, origin) {
  const [id, seq, keys, lazy, values] = wire;
  const out = {};
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    Object.defineProperty(
      out,
      key,
      lazy.includes(key) ? { get: lazyGetter(key), enumerable: true, configurable: true } : { value: values[i], writable: true, enumerable: true, configurable: true }
    );
  }
  Object.defineProperty(out, LAZY, { value: { origin, id, seq } });
  return out;
}
var WorkerDocuments = class {
  documents = [];
  positions;
  posById = /* @__PURE__ */ new Map();
  incoming = null;
  receive(message) {
    if (message.first || this.incoming === null)
      this.incoming = { docs: [], ids: [], positions: message.positions ? [] : void 0 };
    const incoming = this.incoming;
    for (const doc of message.docs) incoming.docs.push(decode(doc, message.origin));
    if (message.ids && message.positions && incoming.positions) {
      incoming.ids.push(...message.ids);
      incoming.positions.push(...message.positions);
    } else incoming.positions = void 0;
    if (!message.last) return;
    this.documents = incoming.docs;
    this.positions = incoming.positions;
    this.posById.clear();
    if (this.positions)
      for (let i = 0; i < incoming.ids.length; i++)
        this.posById.set(incoming.ids[i], this.positions[i]);
    this.incoming = null;
  }
  apply(message) {
    const positions = this.positions;
    if (!positions) throw new Error("query worker: changes sent for documents without positions (internal error)");
    for (const change of message.changes) {
      const old = this.posById.get(change.id);
      if (old !== void 0) {
        const at2 = lowerBound(positions, old);
        if (positions[at2] !== old) throw new Error(`query worker: "${change.id}" is not where it was (internal error)`);
        positions.splice(at2, 1);
        this.documents.splice(at2, 1);
        this.posById.delete(change.id);
      }
      if (change.doc === void 0 || change.pos === void 0) continue;
      const at = lowerBound(positions, change.pos);
      positions.splice(at, 0, change.pos);
      this.documents.splice(at, 0, decode(change.doc, message.origin));
      this.posById.set(change.id, change.pos);
    }
  }
};
function decode(doc, origin) {
  return Array.isArray(doc) && origin ? fromWire(doc, origin) : doc;
}
function serve(port) {
  try {
    os.setPriority(Math.min(19, os.getPriority() + 10));
  } catch {
  }
  const held = new WorkerDocuments();
  port.on("message", (message) => {
    if (message.type === "docs") return held.receive(message);
    if (message.type === "changes") return held.apply(message);
    answerQuery(message, held.documents).then(
      (answer) => port.postMessage(answer),
      (err) => port.postMessage(errorAnswer(err, message.query))
    );
  });
}
if (parentPort) serve(parentPort);
export {
  WorkerDocuments,
  answerQuery,
  serializeCapped
};
