import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ImportError, importDocuments, importNdjson, parseNdjson } from '../../lake/io/ndjson.js'
import { type CommittedTransaction, type DatasetStore, type LakeDocument, LakeStore } from '../../lake/store/index.js'

/**
 * The store's bulk path (`DatasetStore.bulkWrite`, used by imports) must leave exactly what
 * `commit` of the same create/createOrReplace/createIfNotExists mutations leaves: documents,
 * revisions, the transaction listeners and `transactionsAfter` (listener resume) see, and what a
 * restarted lake loads from disk.
 */
const test = suite('lake: bulk import path (store.bulkWrite)')
const dirs: string[] = []

function open(dir?: string): { lake: LakeStore; dir: string } {
  const d = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-bulk-'))
  if (!dir) dirs.push(d)
  return { lake: new LakeStore(d), dir: d }
}

/** The ids the store's last transaction changed, in its order. */
function lastTransactionIds(store: DatasetStore): string[] {
  return store
    .transactionsAfter(0)
    .at(-1)!
    .changes.map((c) => c.id)
}

/** The production documents as `lake` holds them, then the lake closed and its data dir opened again. */
function reopen(lake: LakeStore, dir: string): { before: readonly LakeDocument[]; reopened: LakeStore } {
  const before = structuredClone(lake.dataset('production').documents())
  lake.close()
  return { before, reopened: open(dir).lake }
}

test.after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
})

const docs = (): Record<string, unknown>[] => [
  {
    _id: 'a',
    _type: 'article',
    title: 'With all system fields',
    _createdAt: '2020-01-01T00:00:00.000Z',
    _updatedAt: '2020-01-02T00:00:00.000Z',
    _rev: 'given-rev',
  },
  {
    _id: 'b',
    _type: 'article',
    title: 'No system fields',
    body: [{ _key: 'k', _type: 'block', children: [{ _type: 'span', text: 'é ✓ "q"', marks: [] }] }],
  },
  { _id: 'drafts.b', _type: 'article', title: 'Draft', _createdAt: 5 },
  { _id: 'c', _type: 'category', _updatedAt: '2021-01-01T00:00:00.000Z', nested: { deep: [1, 2.5, null, true] } },
]

/** The transaction with its timestamp (now) replaced, so two runs compare equal. */
function normalise(tx: CommittedTransaction): unknown {
  return JSON.parse(JSON.stringify(tx).split(tx.timestamp).join('<now>'))
}

/** docs() as parsed NDJSON entries, the way the import CLI reads a file. */
const entriesOfDocs = () =>
  parseNdjson(
    docs()
      .map((d) => JSON.stringify(d))
      .join('\n'),
  )

test('bulkWrite leaves what commit of the same mutations leaves (documents, transaction, revisions)', async () => {
  for (const kind of ['create', 'createOrReplace', 'createIfNotExists'] as const) {
    const bulk = open()
    const single = open()
    try {
      const seen: CommittedTransaction[] = []
      bulk.lake.dataset('production').subscribe((tx) => seen.push(tx))
      const versionBefore = bulk.lake.dataset('production').version
      await bulk.lake.dataset('production').bulkWrite(
        docs().map((doc) => ({ doc })),
        { kind, transactionId: 'tx-1' },
      )
      const viaCommit = await single.lake.dataset('production').commit(
        docs().map((doc) => ({ [kind]: doc })),
        { transactionId: 'tx-1', preserveSystemFields: true },
      )
      assert.is(seen.length, 1, 'listeners hear one transaction')
      assert.is(bulk.lake.dataset('production').version, versionBefore + 1, 'version moves once')
      assert.equal(normalise(seen[0]), normalise(viaCommit.transaction!), `${kind}: same committed transaction`)
      const resumed = bulk.lake.dataset('production').transactionsAfter(0)
      assert.equal(normalise(resumed[0]), normalise(viaCommit.transaction!), `${kind}: transactionsAfter rebuilds it`)
      for (const d of docs()) {
        const id = d._id as string
        const a = bulk.lake.dataset('production').revisions(id)
        const b = single.lake.dataset('production').revisions(id)
        assert.equal(
          JSON.stringify(a).split(seen[0].timestamp).join('<now>'),
          JSON.stringify(b).split(viaCommit.transaction!.timestamp).join('<now>'),
          `${kind}: revisions of ${id}`,
        )
      }
    } finally {
      bulk.lake.close()
      single.lake.close()
    }
  }
})

test('imported documents come back identical after a restart; a later edit and history still work', async () => {
  const { lake, dir } = open()
  const text = `${docs()
    .map((d) => JSON.stringify(d, null, d._id === 'c' ? 1 : 0).replace(/\n/g, ' '))
    .join('\n')}\n`
  await importNdjson(lake.dataset('production'), text)
  const { before, reopened } = reopen(lake, dir)
  try {
    const store = reopened.dataset('production')
    const byId = (list: readonly LakeDocument[]): LakeDocument[] => [...list].sort((x, y) => (x._id < y._id ? -1 : 1))
    assert.equal(byId(store.documents()), byId(before))
    assert.equal(
      Object.keys(store.get('b')!),
      ['_id', '_type', 'title', 'body', '_createdAt', '_updatedAt', '_rev'],
      'key order as the spread of a create',
    )
    assert.is(store.get('a')!._rev, 'given-rev')
    await store.commit([{ patch: { id: 'b', set: { title: 'Edited' } } }])
    reopened.close()
    const again = open(dir).lake
    const s2 = again.dataset('production')
    assert.is(s2.get('b')!.title, 'Edited')
    assert.is(s2.get('c')!._updatedAt, '2021-01-01T00:00:00.000Z')
    const revs = s2.revisions('b')
    assert.is(revs.length, 2)
    assert.is(revs[0].document!.title, 'No system fields')
    const txs = s2.transactionsAfter(0)
    assert.is(txs.length, 2)
    assert.equal(
      txs[0].changes.map((c) => c.mutations),
      txs[0].changes.map((c) => [{ create: c.after }]),
      'import mutations rebuilt',
    )
    assert.is(txs[1].changes[0].before!.title, 'No system fields')
    again.close()
  } catch (err) {
    reopened.close()
    throw err
  }
})

test('modes: fail names the line of an existing id; replace and missing', async () => {
  const { lake } = open()
  try {
    const store = lake.dataset('production')
    await store.commit([
      { create: { _id: 'b', _type: 'article', title: 'Existing', _createdAt: '2019-01-01T00:00:00.000Z' } },
    ])
    const entries = entriesOfDocs()
    const err = await importDocuments(store, entries).then(
      () => undefined,
      (e: unknown) => e,
    )
    assert.ok(err instanceof ImportError)
    assert.match((err as Error).message, /^line 2: document "b" already exists in dataset "production": use --replace/)
    assert.is(store.size, 1, 'nothing written')
    const missing = await importDocuments(store, entriesOfDocs(), { mode: 'missing' })
    assert.equal([missing.written, missing.skipped], [3, 1])
    assert.is(store.get('b')!.title, 'Existing')
    const replaced = await importDocuments(store, entriesOfDocs(), { mode: 'replace' })
    assert.equal([replaced.written, replaced.skipped], [4, 0])
    const b = store.get('b')!
    assert.is(b.title, 'No system fields')
    assert.is(b._createdAt, '2019-01-01T00:00:00.000Z', 'a replaced document keeps its _createdAt')
    assert.is(b._rev, replaced.transactionId)
    assert.is(store.get('a')!._rev, replaced.transactionId, 'a given _rev is kept only for a new document')
  } finally {
    lake.close()
  }
})

test('bad entries abort the whole import and name their line', async () => {
  const { lake } = open()
  try {
    const store = lake.dataset('production')
    const cases: Array<[Record<string, unknown>[], RegExp]> = [
      [
        [
          { _id: 'ok', _type: 'x' },
          { _id: 'bad id', _type: 'x' },
        ],
        /^line 2: document id "bad id" contains " "/,
      ],
      [[{ _id: 'ok', _type: 'x' }, { _id: 'ok2' }], /^line 2: document "ok2" has no _type/],
      [
        [
          { _id: 'ok', _type: 'x' },
          { _id: 'ok', _type: 'x' },
        ],
        /^line 2: document id "ok" appears twice/,
      ],
    ]
    for (const [list, message] of cases) {
      const err = await importDocuments(
        store,
        list.map((doc, i) => ({ line: i + 1, doc })),
      ).then(
        () => undefined,
        (e: unknown) => e,
      )
      assert.ok(err instanceof ImportError, String(err))
      assert.match((err as Error).message, message)
      assert.is(store.size, 0)
      assert.is(store.transactionsAfter(0).length, 0)
    }
  } finally {
    lake.close()
  }
})

test('a large import is checkpointed in the background worker; the data is durable before that', async () => {
  const { lake, dir } = open()
  const store = lake.dataset('production')
  const filler = 'x'.repeat(4000)
  const entries = Array.from({ length: 1500 }, (_, i) => ({
    line: i + 1,
    doc: { _id: `big-${i}`, _type: 'note', filler },
  }))
  try {
    await importDocuments(store, entries)
    const result = await store.bulkCheckpointed()
    assert.ok(result, 'a checkpoint was requested (the import wrote more than 4 MB)')
    assert.is(result!.busy, 0)
    assert.is(result!.checkpointed, result!.log, 'every WAL frame copied into the database')
    const pageSize = Number(lake.db.pragma('page_size', { simple: true }))
    assert.ok(
      result!.log * pageSize > 6_000_000,
      `the WAL held the import (${result!.log} frames of ${pageSize} bytes)`,
    )
  } finally {
    lake.close()
  }
  const again = open(dir).lake
  try {
    assert.is(again.dataset('production').size, 1500)
    assert.is(again.dataset('production').get('big-1499')!.filler, filler)
  } finally {
    again.close()
  }
})

test('the source text is written as UTF-8 bytes: whitespace, non-ASCII text and documents larger than the write buffer survive', async () => {
  const { lake, dir } = open()
  const big = 'ü✓😀'.repeat(200_000) // ~1.8 MB of UTF-8: more than the bulk write's 1 MB buffer
  const lines = [
    { line: 1, json: '{"_id":"ws","_type":"t","s":"é"}  \t ' },
    { line: 2, json: '{ "_id" : "inner", "_type" : "t" , "n" : [1, 2]   }' },
    { line: 3, json: `{"_id":"big","_type":"t","big":"${big}","_createdAt":"2020-01-01T00:00:00.000Z"}` },
    { line: 4, json: '{"_id":"emoji","_type":"t","s":"\\u00e9 😀 \\ud83d\\ude00"}' },
    { line: 5, json: '{"_id":"full","_type":"t","_createdAt":"a","_updatedAt":"b","_rev":"r"}' },
  ]
  const entries = lines.map(({ line, json }) => ({ line, json, doc: JSON.parse(json) as Record<string, unknown> }))
  await importDocuments(lake.dataset('production'), entries)
  const { before, reopened } = reopen(lake, dir)
  try {
    const store = reopened.dataset('production')
    for (const doc of before) {
      assert.equal(store.get(doc._id), doc, `${doc._id} as imported`)
      assert.equal(Object.keys(store.get(doc._id)!), Object.keys(doc), `${doc._id}: key order`)
      assert.equal(store.revisions(doc._id)[0].document, doc, `${doc._id}: its revision`)
    }
    assert.is(store.get('big')!.big, big)
    assert.equal(Object.keys(store.get('ws')!), ['_id', '_type', 's', '_createdAt', '_updatedAt', '_rev'])
    assert.is(store.get('full')!._rev, 'r')
    const types = reopened.db.prepare('SELECT DISTINCT typeof(doc) AS t FROM revisions').all() as Array<{ t: string }>
    assert.equal(
      types.map((r) => r.t),
      ['text'],
      'stored as TEXT, as a single commit stores it',
    )
  } finally {
    reopened.close()
  }
})

test('a large import (written by the worker thread) is all or nothing: a conflict late in it writes nothing, and the next import works', async () => {
  const { lake, dir } = open()
  const store = lake.dataset('production')
  try {
    await store.commit([{ create: { _id: 'doc-1200', _type: 'note', title: 'already here' } }])
    const seqBefore = store.transactionsAfter(0).length
    const entries = Array.from({ length: 1500 }, (_, i) => {
      const doc = { _id: `doc-${i}`, _type: 'note', body: 'y'.repeat(3000) }
      return { line: i + 1, doc, json: JSON.stringify(doc) }
    })
    const err = await importDocuments(store, entries).then(
      () => undefined,
      (e: unknown) => e,
    )
    assert.instance(err, ImportError)
    assert.is((err as ImportError).line, 1201)
    assert.match((err as ImportError).message, 'doc-1200')
    assert.is(store.size, 1)
    assert.is(store.transactionsAfter(0).length, seqBefore, 'no transaction stored')
    // createIfNotExists of documents that all exist: nothing to write, no transaction.
    const many = [
      { line: 1, doc: { _id: 'doc-1200', _type: 'note' } },
      ...Array.from({ length: 999 }, (_, i) => ({ line: i + 2, doc: { _id: `other-${i}`, _type: 'note' } })),
    ]
    await importDocuments(store, many.slice(1), { mode: 'missing' })
    const skipped = await importDocuments(store, many, { mode: 'missing' })
    assert.is(skipped.written, 0)
    assert.is(skipped.skipped, 1000)
    assert.is(skipped.transactionId, undefined)
    // A document larger than one of the worker's buffers (8 MB; up to 18 MB of UTF-8) among them.
    const huge = '✓'.repeat(6_000_000)
    const second = entries.map((e) =>
      e.line === 1201 ? { line: e.line, doc: { _id: 'huge', _type: 'note', huge } } : e,
    )
    const result = await importDocuments(store, second)
    assert.is(result.written, 1500)
    assert.is(store.get('huge')!.huge, huge)
  } finally {
    lake.close()
  }
  const again = open(dir).lake
  try {
    const store = again.dataset('production')
    assert.is(store.size, 1 + 999 + 1500)
    assert.is(store.get('huge')!.huge, '✓'.repeat(6_000_000))
    assert.is(store.get('doc-1499')!.body, 'y'.repeat(3000))
    assert.is(store.revisions('doc-7')[0].document!._id, 'doc-7')
    const last = store.transactionsAfter(0).at(-1)!
    assert.is(last.changes.length, 1500)
    assert.equal(last.changes[0].mutations, [{ create: store.get(last.changes[0].id) }])
  } finally {
    again.close()
  }
})

test('a large import is written in id order but keeps the file order in the transaction, and is validated as it is written', async () => {
  const { lake, dir } = open()
  const store = lake.dataset('production')
  // Ids in reverse order, so the worker's id order is the opposite of the file's.
  const entries = Array.from({ length: 1500 }, (_, i) => {
    const doc = { _id: `rev-${String(1499 - i).padStart(4, '0')}`, _type: 'note', body: 'z'.repeat(3000) }
    return { line: i + 1, doc: doc as Record<string, unknown>, json: JSON.stringify(doc) }
  })
  const fileOrder = entries.map((e) => e.doc._id as string)
  try {
    // Written in id order, "aaa" (lines 100 and 1400) is met first; the file's first bad entry is line 1300.
    const bad = entries.map((e) =>
      e.line === 100 || e.line === 1400
        ? { line: e.line, doc: { _id: 'aaa', _type: 'note' } }
        : e.line === 1300
          ? { line: e.line, doc: { _id: 'zz bad', _type: 'note' } }
          : e,
    )
    const err = await importDocuments(store, bad).then(
      () => undefined,
      (e: unknown) => e,
    )
    assert.instance(err, ImportError)
    assert.match((err as Error).message, /^line 1300: document id "zz bad" contains " "/)
    const twice = entries.map((e) =>
      e.line === 100 || e.line === 1400 ? { line: e.line, doc: { _id: 'aaa', _type: 'note' } } : e,
    )
    const err2 = await importDocuments(store, twice).then(
      () => undefined,
      (e: unknown) => e,
    )
    assert.match((err2 as Error).message, /^line 1400: document id "aaa" appears twice/)
    assert.is(store.size, 0, 'nothing written')
    assert.is(store.transactionsAfter(0).length, 0, 'no transaction stored')

    const result = await importDocuments(store, entries)
    assert.is(result.written, 1500)
    assert.equal(
      store.documents().map((d) => d._id),
      fileOrder,
      'the store keeps the file order',
    )
    assert.equal(lastTransactionIds(store), fileOrder, 'so does the transaction')
  } finally {
    lake.close()
  }
  const again = open(dir).lake
  try {
    const store = again.dataset('production')
    assert.is(store.size, 1500)
    assert.equal(lastTransactionIds(store), fileOrder, 'the stored transaction lists the file order')
    for (const id of [fileOrder[0], fileOrder[700], fileOrder[1499]])
      assert.is(store.revisions(id)[0].document!._id, id)
    const rows = again.db.prepare('SELECT COUNT(*) AS n FROM documents WHERE rev_seq IS NOT NULL').get() as {
      n: number
    }
    assert.is(rows.n, 1500, 'every documents row points at its revision')
  } finally {
    again.close()
  }
})

test('an asset marker found while a large import is written: that write is dropped and the import resolves the markers first', async () => {
  const { lake } = open()
  const store = lake.dataset('production')
  const entries = Array.from({ length: 1200 }, (_, i) => {
    const doc: Record<string, unknown> = { _id: `m-${i}`, _type: 'note', body: 'w'.repeat(4000) }
    if (i === 900) doc.image = { _type: 'image', asset: { _sanityAsset: 'image@file://./images/x.jpg' } }
    return { line: i + 1, doc, json: JSON.stringify(doc) }
  })
  try {
    const err = await importDocuments(store, entries).then(
      () => undefined,
      (e: unknown) => e,
    )
    assert.instance(err, ImportError)
    assert.match(
      (err as Error).message,
      /^line 901: document "m-900" refers to an asset file \(image@file:\/\/\.\/images\/x\.jpg\): importing assets needs the assets plugin/,
    )
    assert.is(store.size, 0, 'nothing written')
    assert.is(store.transactionsAfter(0).length, 0)
    const asked: Array<[string, number]> = []
    const result = await importDocuments(store, entries, {
      resolveAsset: async (marker, line) => {
        asked.push([marker, line])
        return { _type: 'reference', _ref: 'image-abc-1x1-jpg' }
      },
    })
    assert.is(result.written, 1200)
    assert.equal(asked, [['image@file://./images/x.jpg', 901]])
    assert.equal(store.get('m-900')!.image, {
      _type: 'image',
      asset: { _type: 'reference', _ref: 'image-abc-1x1-jpg' },
    })
    assert.is(store.transactionsAfter(0).length, 1, 'one transaction: the dropped write stored nothing')
  } finally {
    lake.close()
  }
})

test.run()
