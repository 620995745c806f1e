import * as assert from 'uvu/assert'
import type { SanityDocument } from '@sanity/client'
import { failure, lakeSuite } from '../helpers/lake-suite.js'

const { test, t } = lakeSuite('lake: mutations and patches through @sanity/client')

const errorOf = (promise: Promise<unknown>) =>
  failure<{ message: string; statusCode: number; details?: unknown }>(promise)

test('create stamps _rev, _createdAt, _updatedAt; a second create of the same id is a 409', async () => {
  const doc = await t.client.create({ _id: 'm-create', _type: 'note', title: 'One' })
  assert.is(doc._id, 'm-create')
  assert.type(doc._rev, 'string')
  assert.ok(doc._rev.length >= 10)
  assert.is(doc._createdAt, doc._updatedAt)
  assert.ok(!Number.isNaN(Date.parse(doc._createdAt)))
  const err = await errorOf(t.client.create({ _id: 'm-create', _type: 'note' }))
  assert.is(err.statusCode, 409)
  assert.match(err.message, /already exists/)
})

test('create without _id generates one; createIfNotExists keeps the existing document', async () => {
  const doc = await t.client.create({ _type: 'note', title: 'no id' })
  assert.match(doc._id, /^[A-Za-z0-9]{10,}$/)
  await t.client.createIfNotExists({ _id: doc._id, _type: 'note', title: 'ignored' })
  const again = await t.client.getDocument(doc._id)
  assert.is(again?.title, 'no id')
  assert.is(again?._rev, doc._rev)
})

test('createOrReplace replaces the body, keeps _createdAt, changes _rev and _updatedAt', async () => {
  const first = await t.client.create({ _id: 'm-replace', _type: 'note', title: 'A', extra: true })
  await new Promise((r) => setTimeout(r, 5))
  const second: SanityDocument = await t.client.createOrReplace({ _id: 'm-replace', _type: 'note', title: 'B' })
  assert.is(second.title, 'B')
  assert.is(second.extra, undefined)
  assert.is(second._createdAt, first._createdAt)
  assert.is.not(second._rev, first._rev)
  assert.ok(second._updatedAt > first._updatedAt)
})

test('patch: set, setIfMissing, unset, inc, dec, insert before/after/replace, diffMatchPatch', async () => {
  await t.client.create({
    _id: 'm-patch',
    _type: 'note',
    title: 'Hello world',
    count: 10,
    tags: ['b'],
    gone: 1,
    nested: { a: 1 },
  })
  const p1 = await t.client
    .patch('m-patch')
    .set({ 'nested.b': 2 })
    .setIfMissing({ subtitle: 'sub', title: 'not used' })
    .unset(['gone'])
    .inc({ count: 5 })
    .commit()
  assert.equal(p1.nested, { a: 1, b: 2 })
  assert.is(p1.subtitle, 'sub')
  assert.is(p1.title, 'Hello world')
  assert.is(p1.gone, undefined)
  assert.is(p1.count, 15)
  const p2 = await t.client.patch('m-patch').dec({ count: 3 }).insert('before', 'tags[0]', ['a']).commit()
  assert.is(p2.count, 12)
  assert.equal(p2.tags, ['a', 'b'])
  const p3 = await t.client.patch('m-patch').insert('after', 'tags[-1]', ['c']).commit()
  assert.equal(p3.tags, ['a', 'b', 'c'])
  const p4 = await t.client.patch('m-patch').insert('replace', 'tags[1]', ['B']).commit()
  assert.equal(p4.tags, ['a', 'B', 'c'])
  const p5 = await t.client
    .patch('m-patch')
    .diffMatchPatch({ title: '@@ -1,11 +1,11 @@\n Hello \n-world\n+there\n' })
    .commit()
  assert.is(p5.title, 'Hello there')
})

test('patch ifRevisionID: a stale revision answers 409 and changes nothing', async () => {
  const doc = await t.client.create({ _id: 'm-rev', _type: 'note', n: 1 })
  const ok = await t.client.patch('m-rev').ifRevisionId(doc._rev).set({ n: 2 }).commit()
  assert.is(ok.n, 2)
  const err = await errorOf(t.client.patch('m-rev').ifRevisionId(doc._rev).set({ n: 3 }).commit())
  assert.is(err.statusCode, 409)
  assert.match(err.message, /revision/)
  const now = await t.client.getDocument('m-rev')
  assert.is(now?.n, 2)
  assert.is(now?._rev, ok._rev)
})

test('patch of a missing document fails with a clear message', async () => {
  const err = await errorOf(t.client.patch('m-missing').set({ a: 1 }).commit())
  assert.is(err.statusCode, 404)
  assert.match(err.message, /m-missing/)
  assert.match(err.message, /not found/)
})

test('a transaction is atomic: one failing mutation leaves every document untouched', async () => {
  await t.client.create({ _id: 'm-tx-a', _type: 'note', n: 1 })
  const err = await errorOf(
    t.client
      .transaction()
      .patch('m-tx-a', (p) => p.set({ n: 2 }))
      .create({ _id: 'm-tx-b', _type: 'note' })
      .create({ _id: 'm-tx-a', _type: 'note' })
      .commit(),
  )
  assert.is(err.statusCode, 409)
  assert.is((await t.client.getDocument('m-tx-a'))?.n, 1)
  assert.is(await t.client.getDocument('m-tx-b'), undefined)
  const res = await t.client
    .transaction()
    .patch('m-tx-a', (p) => p.set({ n: 2 }))
    .create({ _id: 'm-tx-b', _type: 'note' })
    .commit({ transactionId: 'my-tx-1' })
  assert.is(res.transactionId, 'my-tx-1')
  const docs = await t.client.getDocuments(['m-tx-a', 'm-tx-b'])
  assert.equal(
    docs.map((d) => d?._rev),
    ['my-tx-1', 'my-tx-1'],
  )
  assert.equal(res.results.map((r) => r.operation).sort(), ['create', 'update'])
})

test('delete by id and by query; patch by query', async () => {
  await t.client.create({ _id: 'm-q1', _type: 'batch', n: 1 })
  await t.client.create({ _id: 'm-q2', _type: 'batch', n: 2 })
  await t.client.create({ _id: 'm-q3', _type: 'batch', n: 3 })
  await t.client.mutate([
    { patch: { query: '*[_type == "batch" && n >= $min]', params: { min: 2 }, set: { big: true } } },
  ])
  assert.equal(await t.client.fetch('*[_type == "batch" && big] | order(n asc).n'), [2, 3])
  await t.client.delete({ query: '*[_type == "batch" && big == true]' })
  assert.equal(await t.client.fetch('*[_type == "batch"]._id'), ['m-q1'])
  await t.client.delete('m-q1')
  assert.equal(await t.client.fetch('count(*[_type == "batch"])'), 0)
})

test('dryRun computes the result but writes nothing; returnDocuments returns them', async () => {
  const res = await t.client.mutate([{ create: { _id: 'm-dry', _type: 'note' } }], {
    dryRun: true,
    returnDocuments: true,
  })
  assert.is((res as unknown as SanityDocument[])[0]._id, 'm-dry')
  assert.is(await t.client.getDocument('m-dry'), undefined)
})

test('autoGenerateArrayKeys adds _key to array objects', async () => {
  const doc = await t.client.create(
    { _id: 'm-keys', _type: 'note', items: [{ title: 'x' }] },
    { autoGenerateArrayKeys: true },
  )
  const items = (doc as SanityDocument).items as Array<{ _key?: string }>
  assert.type(items[0]._key, 'string')
})

test('getDocuments answers documents in order, null for missing', async () => {
  const docs = await t.client.getDocuments(['m-create', 'nope'])
  assert.is(docs[0]?._id, 'm-create')
  assert.is(docs[1], null)
})

test.run()
