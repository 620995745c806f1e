// Query budgets through HTTP (lake/query/budget.ts, docs/lake.md "Query limits"), with small limits
// so each one is reached: every refusal is Sanity's error shape naming the limit and its variable,
// authenticated callers get their own limits, and queries that leave the lake's thread (a query
// worker: async-only functions, slow parses) answer exactly as plain groq-js.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { evaluate, parse } from 'groq-js'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createEditor, type RunningLake, startPrivateLake } from '../../lake/index.js'
import { DEFAULT_QUERY_BUDGET, type QueryBudgetConfig } from '../../lake/query/budget.js'

const test = suite('lake: query budgets')

const DOCS = 600
// 600^3 steps and a small result: only the time limit (or the worker's memory) stops it.
const SLOW = 'count(*[]{"x": *[]{"y": count(*[]{"z": 1})}})'

let lake: RunningLake
let dataDir: string
let token: string

const budget: QueryBudgetConfig = {
  ...DEFAULT_QUERY_BUDGET,
  anonymous: { maxQuerySize: 20_000, timeoutMs: 4000, inlineMs: 50, maxResultSize: 5000, maxQueued: 1 },
  // Generous: worker answers must not depend on how loaded the machine is.
  authenticated: { ...DEFAULT_QUERY_BUDGET.authenticated, timeoutMs: 30_000 },
  workers: 1,
  workerMemoryMb: 256,
}

interface Answer {
  status: number
  retryAfter: string | null
  body: { result?: unknown; error?: Record<string, unknown> & { type?: string; description?: string } }
}

async function post(query: string, params: Record<string, unknown> = {}, auth = false): Promise<Answer> {
  const response = await fetch(`${lake.httpUrl}/v2025-02-19/data/query/production`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, params }),
  })
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as Answer['body'],
  }
}

async function plainGroq(query: string, params: Record<string, unknown> = {}): Promise<unknown> {
  const dataset = lake.store
    .dataset('production')
    .documents()
    .filter((d) => !d._id.includes('.'))
  return (await evaluate(parse(query, { params }), { dataset, params })).get()
}

test.before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-'))
  lake = await startPrivateLake({ dataDir, query: budget })
  const mutations = Array.from({ length: DOCS }, (_, i) => ({
    create: { _id: `note-${i}`, _type: 'note', title: `Note ${i}`, order: i, tags: [`t${i % 3}`] },
  }))
  mutations.push({ create: { _id: 'drafts.note-0', _type: 'note', title: 'Draft', order: 0, tags: [] } })
  await lake.store.dataset('production').commit(mutations)
  token = createEditor(lake, { name: 'Editor', email: 'editor@clinic.test' }).token
})

test.after(async () => {
  await lake.close()
  fs.rmSync(dataDir, { recursive: true, force: true })
})

test('a query longer than LAKE_QUERY_MAX_SIZE is a 413 naming the limit; an editor has a higher one', async () => {
  const long = `count(*[_type == "note" && title != "${'x'.repeat(20_000)}"])`
  assert.ok(long.length > 20_000)
  const refused = await post(long)
  assert.is(refused.status, 413)
  assert.is(refused.body.error?.type, 'queryTooLarge')
  assert.is(refused.body.error?.variable, 'LAKE_QUERY_MAX_SIZE')
  assert.match(refused.body.error?.description ?? '', 'limit of 20000')
  const editor = await post(long, {}, true)
  assert.is(editor.status, 200)
  assert.is(editor.body.result, DOCS)
})

test('a result over LAKE_QUERY_MAX_RESULT_SIZE is a 422 naming the limit', async () => {
  const refused = await post('*[_type == "note"]{title}')
  assert.is(refused.status, 422)
  assert.is(refused.body.error?.type, 'queryResultTooLarge')
  assert.is(refused.body.error?.variable, 'LAKE_QUERY_MAX_RESULT_SIZE')
  // The same in a query worker (the async-only diff:: function sends it there).
  const inWorker = await post('*[_type == "note" && !diff::changedAny({"a": 1}, {"a": 1}, (a))]{title}')
  assert.is(inWorker.status, 422)
  assert.is(inWorker.body.error?.type, 'queryResultTooLarge')
  const editor = await post('*[_type == "note"]{title}', {}, true)
  assert.is(editor.status, 200)
  assert.is((editor.body.result as unknown[]).length, DOCS)
})

test('a query that does not finish in LAKE_QUERY_TIMEOUT_MS is a 504 queryTimeout; the lake answers on', async () => {
  const refused = await post(SLOW)
  assert.ok([504, 422].includes(refused.status), `status ${refused.status}`)
  if (refused.status === 504) {
    assert.is(refused.body.error?.type, 'queryTimeout')
    assert.is(refused.body.error?.variable, 'LAKE_QUERY_TIMEOUT_MS')
    assert.match(refused.body.error?.description ?? '', 'limit of 4000 ms')
  } else {
    assert.is(refused.body.error?.type, 'queryMemoryLimit')
  }
  const after = await post('count(*[_type == "note"])')
  assert.is(after.status, 200)
  assert.is(after.body.result, DOCS)
})

test('one caller with LAKE_QUERY_MAX_QUEUED slow queries gets a 429 for the next', async () => {
  const [a, b] = await Promise.all([post(SLOW), post(SLOW)])
  const statuses = [a?.status, b?.status].sort()
  assert.equal(statuses.includes(429), true, `statuses ${statuses.join(',')}`)
  const refused = [a, b].find((x) => x?.status === 429)
  assert.is(refused?.body.error?.type, 'tooManyQueries')
  assert.is(refused?.body.error?.variable, 'LAKE_QUERY_MAX_QUEUED')
  assert.is(refused?.retryAfter, '1', 'the 429 says when to come back')
})

test('queries answered in a query worker are exactly plain groq-js', async () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['*[_type == "note" && order < 3 && !diff::changedAny({"a": 1}, {"a": 2}, (b))]{_id, title} | order(_id)', {}],
    [
      '*[_type == "note" && order in $o && diff::changedAny($x, $y, (a))].title',
      { o: [4, 5], x: { a: 1 }, y: { a: 2 } },
    ],
    [Array.from({ length: 1500 }, () => '1').join('+'), {}],
  ]
  for (const [query, params] of cases) {
    const got = await post(query, params, true)
    assert.is(got.status, 200, `${query.slice(0, 60)}: ${JSON.stringify(got.body).slice(0, 200)}`)
    assert.equal(got.body.result, await plainGroq(query, params), query.slice(0, 60))
  }
  // Drafts never reach an anonymous caller, in a worker either.
  const drafts = await post('*[_id in path("drafts.**") && !diff::changedAny(1, 1, (a))]._id')
  assert.equal(drafts.body.result, [])
})

test('a missing parameter is the same parse error wherever the query is answered', async () => {
  // The long chain takes the parse past the 50 ms inline budget on most machines: a query worker.
  const chain = Array.from({ length: 3500 }, () => '1').join('+')
  for (const query of ['*[_type == "note" && order == $n]', `[${chain}, $n]`]) {
    const missing = await post(query, {}, true)
    assert.is(missing.status, 400)
    assert.is(missing.body.error?.type, 'queryParseError')
    assert.match(missing.body.error?.description ?? '', 'param $n referenced, but not provided')
  }
})

test('a query error from a query worker is the usual queryError', async () => {
  // groq-js's synchronous evaluator fails it, so its error comes from the asynchronous one, in a worker.
  const failed = await post('[geo::distance(1, 2)]', {}, true)
  assert.is(failed.status, 400)
  assert.is(failed.body.error?.type, 'queryError')
  assert.is(failed.body.error?.description, 'GROQ query failed: not implemented')
  assert.is(failed.body.error?.query, '[geo::distance(1, 2)]')
})

test('fast queries are answered identically on repeated runs (trusted, without the watchdog)', async () => {
  const query = '*[_type == "note" && order == $n][0]{title, tags}'
  for (let i = 0; i < 300; i++) {
    const n = i % 3
    const got = await post(query, { n })
    assert.is(got.status, 200)
    assert.equal(got.body.result, { title: `Note ${n}`, tags: [`t${n % 3}`] })
  }
})

test.run()
