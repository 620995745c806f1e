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
import { DEFAULT_QUERY_BUDGET, type QueryBudgetConfig } from '../../lake/query/budget.js'
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
