// Long document fields (lake/store/lazy.ts): the lake keeps a top-level field of 1 KB of JSON or
// more in SQLite and reads it when used. Through HTTP and @sanity/client, after a restart (every
// document loaded from the database), after a bulk import and after edits: documents read back
// identical, queries answer exactly as plain groq-js over the same documents (projections,
// splats, text search, references only inside a long field, the query worker's copy), and
// referential integrity sees references inside long fields.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { evaluate, parse } from 'groq-js'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { importNdjson } from '../../lake/io/ndjson.js'
import { DEFAULT_QUERY_BUDGET } from '../../lake/query/budget.js'
import { startTestLake, type TestLake } from '../helpers/lake.js'

const test = suite('lake: long fields read from the database when used')

let dataDir: string
let t: TestLake
const expected = new Map<string, Record<string, unknown>>()

/** A Portable Text body of about `blocks` x 120 characters of JSON, with a link to `linkTo`. */
function body(seed: number, blocks: number, linkTo?: string): unknown[] {
  return Array.from({ length: blocks }, (_, b) => ({
    _key: `b${seed}-${b}`,
    _type: 'block',
    style: 'normal',
    markDefs:
      linkTo && b === 1
        ? [{ _key: `l${seed}`, _type: 'internalLink', reference: { _type: 'reference', _ref: linkTo } }]
        : [],
    children: [
      { _key: `s${seed}-${b}`, _type: 'span', marks: [], text: `Knee tendon paragraph ${b} of article ${seed}. ` },
      { _key: `t${seed}-${b}`, _type: 'span', marks: ['em'], text: b % 2 ? 'Rehab stretch' : 'Pain relief' },
    ],
  }))
}

function article(i: number): Record<string, unknown> {
  return {
    _id: `article-${i}`,
    _type: 'article',
    title: `Article ${i}`,
    slug: { _type: 'slug', current: `article-${i}` },
    publishedAt: `2024-01-${String((i % 28) + 1).padStart(2, '0')}T00:00:00Z`,
    // Every third article links a condition from inside its body only.
    body: body(i, 6 + (i % 5), i % 3 === 0 ? `condition-${i % 4}` : undefined),
    short: [{ _key: 'k', _type: 'block', children: [] }],
  }
}

function condition(i: number): Record<string, unknown> {
  return {
    _id: `condition-${i}`,
    _type: 'condition',
    name: `Condition ${i}`,
    slug: { _type: 'slug', current: `c-${i}` },
  }
}

async function restart(): Promise<void> {
  await t.close()
  t = await startTestLake({ dataDir })
}

function remember(doc: Record<string, unknown>): void {
  const { _rev, _createdAt, _updatedAt, ...content } = doc
  expected.set(doc._id as string, content)
}

/** The documents without system fields that change on every write. */
function content(doc: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!doc) return doc
  const { _rev, _createdAt, _updatedAt, ...rest } = doc
  return rest
}

async function plainGroq(query: string, params: Record<string, unknown> = {}): Promise<unknown> {
  // A JSON copy of every document: plain data, nothing read lazily.
  const dataset = JSON.parse(JSON.stringify(t.lake.store.dataset(t.dataset).documents())) as unknown[]
  return (await evaluate(parse(query, { params }), { dataset, params })).get()
}

const QUERIES: Array<[string, Record<string, unknown>]> = [
  ['*[_type == "article" && slug.current == $slug][0]', { slug: 'article-7' }],
  ['*[_type == "article"] | order(publishedAt desc, _id asc) [0...5] {_id, title, "blocks": count(body)}', {}],
  ['*[_type == "article" && pt::text(body) match "rehab"] | order(_id asc) {_id}', {}],
  [
    '*[_type == "article" && [title, pt::text(body)] match $t] | score(pt::text(body) match $t) | order(_score desc, _id asc) [0...4] {_id, _score}',
    { t: ['tendon', 'paragraph'] },
  ],
  ['*[references($id)] | order(_id asc) {_id}', { id: 'condition-1' }],
  ['count(*[_type == "article" && references("condition-0")])', {}],
  [
    '*[_type == "condition"] | order(_id asc) {_id, "articles": *[_type == "article" && references(^._id)] | order(_id asc) ._id}',
    {},
  ],
  ['*[_type == "article" && body[1].markDefs[0].reference._ref == $id]._id', { id: 'condition-2' }],
  ['*[_type == "article" && _id == "article-4"][0]{..., "first": body[0].children[0].text}', {}],
  ['*[_type == "article" && !defined(body)]._id', {}],
]

async function sameAsGroqJs(label: string): Promise<void> {
  const copy = JSON.parse(JSON.stringify(t.lake.store.dataset(t.dataset).documents())) as Array<Record<string, unknown>>
  for (const doc of copy) {
    const want = expected.get(doc._id as string)
    if (want) assert.equal(content(doc), want, `${label}: ${doc._id}`)
  }
  for (const [query, params] of QUERIES) {
    const got = await t.client.fetch(query, params, { perspective: 'raw' })
    assert.equal(got, await plainGroq(query, params), `${label}: ${query.slice(0, 70)}`)
  }
}

test.before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-'))
  t = await startTestLake({ dataDir })
  const tx = t.client.transaction()
  for (let i = 0; i < 4; i++) tx.createOrReplace(condition(i) as { _id: string; _type: string })
  for (let i = 0; i < 30; i++) tx.createOrReplace(article(i) as { _id: string; _type: string })
  await tx.commit()
  for (let i = 0; i < 4; i++) remember(condition(i))
  for (let i = 0; i < 30; i++) remember(article(i))
})

test.after(async () => {
  await t?.close()
  fs.rmSync(dataDir, { recursive: true, force: true })
})

test('documents written, then loaded from the database at a restart, read back identical', async () => {
  await sameAsGroqJs('before the restart')
  await restart()
  for (const [id, doc] of expected) assert.equal(content(await t.client.getDocument(id)), doc, id)
  await sameAsGroqJs('after the restart')
  const exported = await (
    await fetch(`${t.httpUrl}/v2025-02-19/data/export/${t.dataset}`, {
      headers: { authorization: `Bearer ${t.token}` },
    })
  ).text()
  const lines = exported
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
  for (const line of lines) {
    if (expected.has(line._id as string)) assert.equal(content(line), expected.get(line._id as string))
  }
  assert.is(lines.filter((l) => expected.has(l._id as string)).length, expected.size)
})

test('edits of a document with a long field: small fields, inside the long field, the long field replaced', async () => {
  await t.client.patch('article-5').set({ title: 'Renamed' }).commit()
  await t.client.patch('article-6').set({ 'body[0].children[0].text': 'Changed text' }).commit()
  await t.client
    .patch('article-8')
    .set({ body: body(800, 9, 'condition-3') })
    .commit()
  await t.client.patch('article-9').unset(['body']).commit()
  const a5 = { ...(expected.get('article-5') as Record<string, unknown>), title: 'Renamed' }
  const a6 = structuredClone(expected.get('article-6')) as { body: Array<{ children: Array<{ text: string }> }> }
  a6.body[0]!.children[0]!.text = 'Changed text'
  const a8 = { ...(expected.get('article-8') as Record<string, unknown>), body: body(800, 9, 'condition-3') }
  const { body: _dropped, ...a9 } = expected.get('article-9') as Record<string, unknown>
  for (const doc of [a5, a6, a8, a9]) remember(doc as Record<string, unknown>)
  for (const id of ['article-5', 'article-6', 'article-8', 'article-9'])
    assert.equal(content(await t.client.getDocument(id)), expected.get(id), id)
  await sameAsGroqJs('after edits')
  await restart()
  for (const [id, doc] of expected) assert.equal(content(await t.client.getDocument(id)), doc, id)
  await sameAsGroqJs('after edits and a restart')
})

test('a reference only inside a long field holds its target (referential integrity)', async () => {
  const refused = await t.client.delete('condition-3').catch((err: { statusCode: number }) => err)
  assert.is((refused as { statusCode?: number }).statusCode, 409)
  assert.ok(await t.client.getDocument('condition-3'))
})

test('a bulk import (many documents in one transaction) is read back identical', async () => {
  const docs = Array.from({ length: 40 }, (_, i) => article(100 + i))
  await importNdjson(t.lake.store.dataset(t.dataset), docs.map((d) => JSON.stringify(d)).join('\n'), {
    mode: 'replace',
  })
  for (const doc of docs) remember(doc)
  for (const doc of docs)
    assert.equal(content(await t.client.getDocument(doc._id as string)), expected.get(doc._id as string))
  await sameAsGroqJs('after a bulk import')
  // A large one is written by the store's worker thread, and its documents are made lazy while the
  // worker inserts them, before the commit: the same documents, the same references.
  const many = Array.from({ length: 1200 }, (_, i) => article(1000 + i))
  await importNdjson(t.lake.store.dataset(t.dataset), many.map((d) => JSON.stringify(d)).join('\n'), {
    mode: 'replace',
  })
  for (const doc of many) remember(doc)
  await sameAsGroqJs('after a large bulk import')
  const refused = await t.client.delete('condition-1').catch((err: { statusCode: number }) => err)
  assert.is((refused as { statusCode?: number }).statusCode, 409, 'referenced from long fields')
  await restart()
  await sameAsGroqJs('after a bulk import and a restart')
})

test('references and types shared by many documents: edits of one leave the others as they were', async () => {
  // The store keeps one copy of each `_ref`, `_type` and `_rev` string (lake/store/lazy.ts).
  const tx = t.client.transaction()
  const shared = (i: number) => ({
    _id: `shared-${i}`,
    _type: 'article',
    title: `Shared ${i}`,
    conditions: [0, 1, 2].map((c) => ({ _key: `c${c}`, _type: 'reference', _ref: `condition-${c}` })),
    body: body(500 + i, 8, 'condition-3'),
  })
  for (let i = 0; i < 12; i++) tx.createOrReplace(shared(i))
  await tx.commit()
  for (let i = 0; i < 12; i++) remember(shared(i))
  await restart()
  await t.client.patch('shared-3').set({ 'conditions[0]._ref': 'condition-3', _type: 'article' }).commit()
  const edited = structuredClone(expected.get('shared-3')) as { conditions: Array<{ _ref: string }> }
  edited.conditions[0]!._ref = 'condition-3'
  remember(edited as unknown as Record<string, unknown>)
  for (let i = 0; i < 12; i++)
    assert.equal(content(await t.client.getDocument(`shared-${i}`)), expected.get(`shared-${i}`), `shared-${i}`)
  const referencing = await t.client.fetch(
    '*[references("condition-0")] | order(_id asc)._id',
    {},
    { perspective: 'raw' },
  )
  assert.equal(referencing, await plainGroq('*[references("condition-0")] | order(_id asc)._id'))
  assert.not.ok((referencing as string[]).includes('shared-3'))
  await sameAsGroqJs('after edits of shared references')
})

test('a query answered in a query worker sees the long fields', async () => {
  await t.close()
  const { startPrivateLake, createEditor } = await import('../../lake/index.js')
  const lake = await startPrivateLake({
    dataDir,
    query: { ...DEFAULT_QUERY_BUDGET, workers: 1 },
  })
  try {
    const token = createEditor(lake, { name: 'Editor', email: 'lazy-worker@clinic.test' }).token
    // The async-only diff:: function sends the query to a worker, which gets a copy of the documents.
    const query =
      '*[_type == "article" && !diff::changedAny({"a": 1}, {"a": 1}, (a)) && pt::text(body) match "rehab"] | order(_id asc) {_id, "text": pt::text(body)}'
    const response = await fetch(`${lake.httpUrl}/v2025-02-19/data/query/production`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    })
    const got = (await response.json()) as { result?: unknown }
    assert.is(response.status, 200)
    const dataset = JSON.parse(JSON.stringify(lake.store.dataset('production').documents())) as unknown[]
    assert.equal(got.result, await (await evaluate(parse(query), { dataset })).get())
    assert.ok((got.result as unknown[]).length > 10)
  } finally {
    await lake.close()
    t = await startTestLake({ dataDir })
  }
})

test.run()
