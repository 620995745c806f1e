// A query worker holds a copy of a perspective view; after commits it is sent only the documents
// that changed (lake/query/pool.ts, lake/indexes/view.ts `changedSince`), not the whole view again.
// Whatever was changed (edits, new documents, deletions, drafts standing in for published ones),
// its answers stay exactly plain groq-js over the perspective, in `*` order.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { evaluate, parse } from 'groq-js'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ANONYMOUS, type Identity } from '../../lake/auth/index.js'
import { type RunningLake, startPrivateLake } from '../../lake/index.js'
import { DEFAULT_QUERY_BUDGET } from '../../lake/query/budget.js'
import { type Perspective, perspectiveDocuments, QueryRunner } from '../../lake/query/index.js'

const test = suite('lake: query workers are sent what changed')

const EDITOR: Identity = {
  kind: 'user',
  user: {
    id: 'worker-changes',
    name: 'Editor',
    email: 'editor@clinic.test',
    role: 'administrator',
    createdAt: '2025-01-01T00:00:00Z',
  },
}
// `diff::changedAny` has no synchronous evaluation: the query can only be answered by a worker.
// No order(): the answer is in `*` order, which the worker's copy must keep.
const QUERY = '*[_type == "note" && !diff::changedAny({"a": 1}, {"a": 2}, (b))]{_id, title, order}'

let lake: RunningLake
let dataDir: string
let runner: QueryRunner

test.before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-'))
  lake = await startPrivateLake({ dataDir })
  await lake.store.dataset('production').commit(
    Array.from({ length: 200 }, (_, i) => ({
      create: { _id: `note-${i}`, _type: 'note', title: `Note ${i}`, order: i },
    })),
  )
  runner = new QueryRunner({ ...DEFAULT_QUERY_BUDGET, workers: 1, workerMemoryMb: 256 })
})

test.after(async () => {
  await runner.close()
  await lake.close()
  fs.rmSync(dataDir, { recursive: true, force: true })
})

async function check(perspective: Perspective, identity: Identity, what: string): Promise<void> {
  const store = lake.store.dataset('production')
  const got = await runner.value({ store, query: QUERY, perspective, identity, projectId: 'local' })
  const dataset = perspectiveDocuments(store, perspective, identity)
  const expected = await (await evaluate(parse(QUERY), { dataset })).get()
  assert.equal(got, expected, what)
}

test('after edits, creations and deletions, a worker gets the changes and answers as groq-js', async () => {
  const store = lake.store.dataset('production')
  await check('published', ANONYMOUS, 'the first answer (a whole copy)')
  assert.is(runner.workerTraffic().copies, 1)
  await store.commit([
    { patch: { id: 'note-5', set: { title: 'Note five, edited' } } },
    { create: { _id: 'note-new', _type: 'note', title: 'A new note', order: 1000 } },
    { delete: { id: 'note-7' } },
    { create: { _id: 'drafts.note-9', _type: 'note', title: 'Note 9, a draft', order: 9 } },
  ])
  await check('published', ANONYMOUS, 'after the first commit')
  await store.commit([
    { patch: { id: 'note-new', set: { title: 'A new note, edited' } } },
    { delete: { id: 'note-0' } },
    { create: { _id: 'note-7', _type: 'note', title: 'Note 7 again', order: 7 } },
  ])
  await check('published', ANONYMOUS, 'after the second commit')
  const traffic = runner.workerTraffic()
  assert.is(traffic.copies, 1, 'no whole copy after the first')
  assert.is(traffic.changeSets, 2)
  assert.ok(traffic.changedDocuments <= 6, `${traffic.changedDocuments} documents sent as changes`)
})

test('in a drafts view, drafts standing in for published documents move and leave as groq-js says', async () => {
  const store = lake.store.dataset('production')
  const before = runner.workerTraffic()
  await check('drafts', EDITOR, 'the drafts view (a whole copy: the worker held another view)')
  await store.commit([
    { create: { _id: 'drafts.note-20', _type: 'note', title: 'Note 20, a draft', order: 20 } },
    { create: { _id: 'drafts.note-unpublished', _type: 'note', title: 'Only a draft', order: 2000 } },
    { patch: { id: 'note-30', set: { title: 'Note 30, edited' } } },
  ])
  await check('drafts', EDITOR, 'drafts standing in')
  await store.commit([
    { delete: { id: 'drafts.note-9' } },
    { delete: { id: 'drafts.note-20' } },
    { delete: { id: 'note-unpublished' } },
    { create: { _id: 'note-unpublished', _type: 'note', title: 'Published at last', order: 2000 } },
  ])
  await check('drafts', EDITOR, 'drafts discarded, one published')
  const traffic = runner.workerTraffic()
  assert.is(traffic.copies, before.copies + 1)
  assert.is(traffic.changeSets, before.changeSets + 2)
})

test('a worker that holds another view, or none, gets a whole copy', async () => {
  const before = runner.workerTraffic()
  await check('raw', EDITOR, 'the raw view')
  const after = runner.workerTraffic()
  assert.is(after.copies, before.copies + 1)
  await check('published', ANONYMOUS, 'back to published')
  assert.is(runner.workerTraffic().copies, before.copies + 2)
})

test.run()
