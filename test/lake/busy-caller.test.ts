// One caller for many readers (a delivery server is one anonymous caller for all of them): while
// its slow queries hold the query workers, its indexed queries with new parameter values (a new
// slug on every page) are still answered on the lake's thread, not queued behind the slow ones in
// plain groq-js; a query text never tried inline gets no attempt once the caller is at its worker
// limit (429 at once, without costing the lake's thread). lake/query/index.ts, budget.ts.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ANONYMOUS } from '../../lake/auth/index.js'
import { type RunningLake, startPrivateLake } from '../../lake/index.js'
import {
  DEFAULT_QUERY_BUDGET,
  type QueryBudgetConfig,
  LongLane,
  QueryTrust,
  SHAPE_RETRY_MS,
} from '../../lake/query/budget.js'
import { QueryRunner } from '../../lake/query/index.js'
import { LakeError } from '../../lake/errors.js'

const test = suite('lake: a busy caller keeps its fast queries inline')

const DOCS = 600
// 600^3 steps and a small result: it leaves the lake's thread for the worker and holds it.
const SLOW = 'count(*[]{"x": *[]{"y": count(*[]{"z": 1})}})'
const BY_ORDER = '*[_type == "note" && order == $n][0].title'

let lake: RunningLake
let dataDir: string
let runner: QueryRunner
const CALLER = 'ip:127.0.0.1'

const budget: QueryBudgetConfig = {
  ...DEFAULT_QUERY_BUDGET,
  anonymous: { ...DEFAULT_QUERY_BUDGET.anonymous, timeoutMs: 6_000, inlineMs: 50, maxQueued: 2 },
  workers: 1,
  workerMemoryMb: 256,
}

interface Answer {
  status: number
  result?: unknown
  error?: LakeError
}

/** One anonymous query of CALLER through the runner, as the lake's query route runs it. */
async function post(query: string, params: Record<string, unknown> = {}): Promise<Answer> {
  try {
    const json = await runner.json({
      store: lake.store.dataset('production'),
      query,
      params,
      perspective: 'published',
      identity: ANONYMOUS,
      projectId: 'local',
      caller: CALLER,
    })
    return { status: 200, result: JSON.parse(json) }
  } catch (error) {
    if (error instanceof LakeError) return { status: error.statusCode, error }
    throw error
  }
}

test.before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-'))
  lake = await startPrivateLake({ dataDir, query: budget })
  const mutations = Array.from({ length: DOCS }, (_, i) => ({
    create: { _id: `note-${i}`, _type: 'note', title: `Note ${i}`, order: i },
  }))
  await lake.store.dataset('production').commit(mutations)
  runner = new QueryRunner(budget)
})

test.after(async () => {
  await runner.close()
  await lake.close()
  fs.rmSync(dataDir, { recursive: true, force: true })
})

test('with its slow queries in the workers, a caller still gets its indexed queries answered', async () => {
  // The text ran inline within its budget once (any parameter value).
  const first = await post(BY_ORDER, { n: 1 })
  assert.is(first.status, 200)
  assert.is(first.result, 'Note 1')

  // Two slow queries: the watchdog stops each inline, then they hold the one worker and its queue.
  let slowSettled = 0
  const slow = [post(SLOW), post(SLOW)].map((p) => p.finally(() => slowSettled++))
  await waitFor(() => lakeWorkersHold(2), 'both slow queries to reach the query workers')

  // A new parameter value of the known text: answered while the slow ones still run.
  const page = await post(BY_ORDER, { n: 7 })
  assert.is(page.status, 200)
  assert.is(page.result, 'Note 7')
  assert.is(slowSettled, 0, 'answered before the slow queries ahead of it in the workers')

  // A text never tried inline, with the caller at its worker limit: refused at once.
  const untried = await post('*[_type == "note" && order == $n][0]{title}', { n: 8 })
  assert.is(untried.status, 429)
  assert.is(untried.error?.type, 'tooManyQueries')
  assert.is(slowSettled, 0)

  for (const answer of await Promise.all(slow)) assert.ok([200, 504].includes(answer.status), `status ${answer.status}`)
})

test('a shape once stopped by the watchdog gets another inline attempt after SHAPE_RETRY_MS', () => {
  // A pause (a garbage collection) can stop one run of a fast page query; while the caller's
  // queries are in the workers none runs inline again, so without a retry the shape never recovers.
  let now = 0
  const trust = new QueryTrust(() => now)
  assert.is(trust.shapeRecord('page'), undefined, 'never run inline')
  trust.answered(undefined, 80, 50, 'page')
  assert.is(trust.shapeRecord('page'), 'slow', 'stopped: no attempt for a busy caller')
  now += SHAPE_RETRY_MS - 1
  assert.is(trust.shapeRecord('page'), 'slow')
  now += 1
  assert.is(trust.shapeRecord('page'), 'retry', 'due again: one attempt (in the long lane when it has room)')
  assert.is(trust.shapeRecord('page'), 'slow', 'only one attempt per interval')
  trust.answered(undefined, 3, 50, 'page')
  assert.is(trust.shapeRecord('page'), 'fast', 'fast again')
  now += 10 * SHAPE_RETRY_MS
  assert.is(trust.shapeRecord('page'), 'fast', 'a fast record needs no retry')
  // Over the inline budget but within the long lane's: a long-lane query from then on.
  trust.answered(undefined, 120, 50, 'search', 250)
  assert.is(trust.shapeRecord('search'), 'long')
  trust.answered(undefined, Number.POSITIVE_INFINITY, 50, 'search', 250)
  assert.is(trust.shapeRecord('search'), 'slow')
})

test('the long lane takes at most its share of the thread', () => {
  let now = 0
  const lane = new LongLane(250, 25, () => now)
  assert.ok(lane.available(), 'one long run banked at the start')
  lane.spent(200)
  assert.ok(lane.available(), '50 ms of credit left')
  lane.spent(200)
  assert.not.ok(lane.available(), 'in debt')
  now += 599
  assert.not.ok(lane.available(), '600 ms at 25% repays 150 ms')
  now += 2
  assert.ok(lane.available())
  now += 60_000
  assert.ok(lane.available())
  lane.spent(250)
  assert.not.ok(lane.available(), 'no more than one long run banked, however long it was idle')
})

test('a planned query over the inline budget is answered in the long lane, not by a query worker', async () => {
  // 600 indexed lookups: well over 1 ms inline, far under a second. The worker is made to fail
  // (a heap too small to start) so an answer can only have come from the lake's thread.
  const query = 'count(*[_type == "note"]{"next": *[_type == "note" && order == ^.order + 1][0].title}[defined(next)])'
  const tight = (longInlineMs: number): QueryRunner =>
    new QueryRunner({
      ...budget,
      anonymous: { ...budget.anonymous, inlineMs: 1 },
      workerMemoryMb: 1,
      longInlineMs,
      longInlinePercent: 100,
    })
  const ask = (r: QueryRunner) =>
    r.value({
      store: lake.store.dataset('production'),
      query,
      perspective: 'published',
      identity: ANONYMOUS,
      projectId: 'local',
      caller: 'ip:127.0.0.2',
    })
  const withLane = tight(10_000)
  const withoutLane = tight(1)
  try {
    assert.is(await ask(withLane), DOCS - 1)
    assert.is(withLane.pending('ip:127.0.0.2'), 0)
    // The same query without the lane goes to the (failing) worker: it really was over budget.
    await ask(withoutLane).then(
      () => assert.unreachable('answered without the lane: the query was not over the inline budget'),
      (error: unknown) => assert.instance(error, LakeError),
    )
  } finally {
    await withLane.close()
    await withoutLane.close()
  }
})

test('a query known to need the long lane waits for its room, not for a query worker', async () => {
  // The lane's account runs on a clock of the test's own, which jumps a second ahead once real
  // time passes `jumpAt` (read whenever the lane is asked, so a starved event loop that wakes late
  // still sees it); the worker fails (a heap too small to start), so an answer can only have come
  // from the lake's thread.
  const query = 'count(*[_type == "note"]{"next": *[_type == "note" && order == ^.order + 1][0].title}[defined(next)])'
  let now = 0
  let jumpAt = Number.POSITIVE_INFINITY
  const lane = new LongLane(10_000, 50, () => {
    if (performance.now() >= jumpAt) {
      now += 1_000
      jumpAt = Number.POSITIVE_INFINITY
    }
    return now
  })
  const config = {
    ...budget,
    anonymous: { ...budget.anonymous, inlineMs: 1 },
    workerMemoryMb: 1,
    longInlineMs: 10_000,
    longInlinePercent: 50,
  }
  const lanes = new QueryRunner(config, lane)
  const ask = () =>
    lanes.value({
      store: lake.store.dataset('production'),
      query,
      perspective: 'published',
      identity: ANONYMOUS,
      projectId: 'local',
      caller: 'ip:127.0.0.3',
    })
  // A LakeError's details are an object, which uvu cannot print: a plain message instead.
  const inLane = () =>
    ask().catch((error: Error) => assert.unreachable(`not answered on the lake's thread: ${error.message}`))
  try {
    assert.is(await inLane(), DOCS - 1, 'the first run, in the lane: the shape is known to need it')
    // Its share spent, just (its room would be back within milliseconds on a moving clock).
    while (lane.available()) lane.spent(1)
    // Its share comes round 700 ms later (the clock jumps), after every retry at the inline
    // budget would have given up: the query waited for the lane.
    jumpAt = performance.now() + 700
    assert.is(await inLane(), DOCS - 1)
    // When the share is not back within the wait (no time passes on the lane's clock), the
    // query goes on to a query worker, the one that fails here.
    while (lane.available()) lane.spent(1)
    const started = performance.now()
    await ask().then(
      () => assert.unreachable('answered in the lane without its room'),
      (error: unknown) => assert.instance(error, LakeError),
    )
    assert.ok(performance.now() - started >= 900, 'it waited for the lane first')
  } finally {
    await lanes.close()
  }
})

/** Whether CALLER has `count` queries waiting for or running in the query workers. */
function lakeWorkersHold(count: number): boolean {
  return runner.pending(CALLER) >= count
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

test.run()
