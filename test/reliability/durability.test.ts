// Durability of the lake under SIGKILL. The lake runs as a child process; while concurrent
// mutation, action and import traffic runs against it, it is killed with SIGKILL at a random
// moment, checked on disk (`PRAGMA integrity_check`), restarted on the same data directory and
// checked through HTTP:
// - every acknowledged transaction is there (mutations, actions, the import CLI's exit 0);
// - no transaction is half-applied: a three-document mutation plus a counter increment, a
//   create+publish action pair and a whole import are each all or nothing (acknowledged or not);
// - a listener that resumes with `enableResume=true` + `Last-Event-ID` after each restart sees
//   every committed transaction exactly once, in commit order, and none that was not committed.
//
// Sizes: DURABILITY_TRIALS (default 10; `npm run test:soak` runs 50), RELIABILITY_SEED replays a run.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import Database from 'better-sqlite3'
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { createClient, type SanityClient } from '@sanity/client'
import { Accounts } from '../../lake/auth/index.js'
import { LakeStore } from '../../lake/store/index.js'
import { bundleEntries, freshDataDir, ROOT, type Bundles } from './helpers/bundle.js'
import { spawnLake, type ChildLake } from './helpers/child-lake.js'
import { prng, report, seedFromEnv, sizeFromEnv } from './helpers/figures.js'
import { openListen, type ListenEvent, type ListenStream } from './helpers/sse.js'

const TRIALS = sizeFromEnv('DURABILITY_TRIALS', 10)
const IMPORT_SIZE = 150
const SEED = seedFromEnv()
const random = prng(SEED)
const PROBE_QUERY = '*[_type == "probe"]'
const COUNTER_ID = 'probe.counter'

const test = suite('reliability: durability under SIGKILL')

let bundles: Bundles
let dataDir: string
let token: string
let lake: ChildLake | null = null
let stream: ListenStream | null = null

/** What was attempted; `acked` = the lake (or the import CLI) answered success. */
interface Attempt {
  kind: 'mutate' | 'action' | 'import'
  transactionId: string
  ids: string[]
  acked: boolean
}
const attempts: Attempt[] = []
const received: ListenEvent[] = []
const figures = { trials: 0, integrityOk: 0, resumes: 0, welcomebacks: 0, importsKilled: 0 }

test.before(async () => {
  bundles = await bundleEntries()
  dataDir = freshDataDir()
  const store = new LakeStore(dataDir)
  try {
    const accounts = new Accounts(store.db)
    const user = accounts.createUser({ name: 'Durability', email: 'durability@clinic.test' })
    token = accounts.issueToken(user.id, 'durability test').token
  } finally {
    store.close()
  }
})

test.after(async () => {
  stream?.close()
  await lake?.kill('SIGKILL')
  bundles?.remove()
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
})

function clientFor(url: string): SanityClient {
  return createClient({
    projectId: 'local',
    dataset: 'production',
    apiHost: url,
    useProjectHostname: false,
    apiVersion: '2025-02-19',
    useCdn: false,
    token,
    perspective: 'raw',
    maxRetries: 0,
    timeout: 10_000,
  })
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Three documents and a counter increment in one transaction. */
async function mutateLoop(client: SanityClient, trial: string, stop: () => boolean): Promise<void> {
  for (let i = 0; !stop() && i < 10_000; i++) {
    const transactionId = `m-${trial}-${i}`
    const ids = ['a', 'b', 'c'].map((x) => `probe.${transactionId}-${x}`)
    const attempt: Attempt = { kind: 'mutate', transactionId, ids, acked: false }
    attempts.push(attempt)
    const tx = client.transaction()
    for (const id of ids) tx.create({ _id: id, _type: 'probe', tx: transactionId, payload: 'x'.repeat(200) })
    tx.createIfNotExists({ _id: COUNTER_ID, _type: 'probe', n: 0 })
    tx.patch(COUNTER_ID, (p) => p.inc({ n: 1 }))
    try {
      await tx.commit({ transactionId, visibility: 'sync' })
      attempt.acked = true
    } catch {
      return // the lake is gone
    }
  }
}

/** A draft created and published in one actions request (what the Studio does, in one go). */
async function actionLoop(client: SanityClient, trial: number, stop: () => boolean): Promise<void> {
  for (let i = 0; !stop() && i < 10_000; i++) {
    const transactionId = `a-${trial}-${i}`
    const publishedId = `probe.${transactionId}`
    const attempt: Attempt = { kind: 'action', transactionId, ids: [publishedId], acked: false }
    attempts.push(attempt)
    try {
      await client.action(
        [
          {
            actionType: 'sanity.action.document.create',
            publishedId,
            attributes: { _id: `drafts.${publishedId}`, _type: 'probe', tx: transactionId },
            ifExists: 'fail',
          },
          { actionType: 'sanity.action.document.publish', draftId: `drafts.${publishedId}`, publishedId },
        ],
        { transactionId },
      )
      attempt.acked = true
    } catch {
      return
    }
  }
}

interface ImportRun {
  child: ChildProcess
  attempt: Attempt
  done: Promise<number | null>
}

/** The import CLI on the same data directory, concurrently with the running lake. */
function startImport(trial: number): ImportRun {
  const ids = Array.from({ length: IMPORT_SIZE }, (_, k) => `probe.i-${trial}-${k}`)
  const file = path.join(dataDir, `import-${trial}.ndjson`)
  fs.writeFileSync(file, `${ids.map((id) => JSON.stringify({ _id: id, _type: 'probe', batch: trial })).join('\n')}\n`)
  const attempt: Attempt = { kind: 'import', transactionId: `import-${trial}`, ids, acked: false }
  attempts.push(attempt)
  const child = spawn(process.execPath, [bundles.paths.import, file, '--replace'], {
    cwd: ROOT,
    env: { ...process.env, LAKE_DATA_DIR: dataDir, LAKE_DATASET: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()))
  const done = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      if (code === 0 && /Imported \d+ document/.test(out)) attempt.acked = true
      resolve(code)
    })
  })
  return { child, attempt, done }
}

function integrityCheck(): string {
  const db = new Database(path.join(dataDir, 'lake.sqlite'))
  try {
    return String(db.pragma('integrity_check', { simple: true }))
  } finally {
    db.close()
  }
}

/** Every committed transaction touching probe documents, in commit order, straight from SQLite. */
function committedTransactions(): Array<{ seq: number; id: string; documentIds: string[] }> {
  const db = new Database(path.join(dataDir, 'lake.sqlite'), { readonly: true })
  try {
    const rows = db
      .prepare('SELECT seq, id, document_ids FROM transactions WHERE dataset = ? ORDER BY seq')
      .all('production') as Array<{ seq: number; id: string; document_ids: string }>
    return rows.map((r) => ({ seq: r.seq, id: r.id, documentIds: JSON.parse(r.document_ids) as string[] }))
  } finally {
    db.close()
  }
}

/** Checks everything attempted so far against what the restarted lake serves. */
async function verify(client: SanityClient, when: string): Promise<void> {
  const docs: Array<{ _id: string }> = await client.fetch('*[_type == "probe"]{_id}', {}, { perspective: 'raw' })
  const present = new Set(docs.map((d) => d._id))
  let committedMutations = 0
  for (const a of attempts) {
    const have = a.ids.filter((id) => present.has(id)).length
    if (a.acked)
      assert.is(
        have,
        a.ids.length,
        `${when}: acknowledged ${a.kind} ${a.transactionId} lost ${a.ids.length - have} of ${a.ids.length} documents (seed ${SEED})`,
      )
    assert.ok(
      have === 0 || have === a.ids.length,
      `${when}: ${a.kind} ${a.transactionId} is half-applied: ${have} of ${a.ids.length} documents (seed ${SEED})`,
    )
    if (a.kind === 'mutate' && have > 0) committedMutations++
    if (a.kind === 'action')
      assert.not.ok(present.has(`drafts.${a.ids[0]}`), `${when}: action ${a.transactionId} left its draft behind`)
  }
  const counter = await client.getDocument<{ n?: number }>(COUNTER_ID)
  assert.is(
    counter?.n ?? 0,
    committedMutations,
    `${when}: the counter (incremented in every mutation transaction) disagrees with the transactions present`,
  )
}

/** (Re)connects the listener, resuming from the last event it saw. */
async function connectListener(url: string): Promise<void> {
  const lastEventId = stream?.lastEventId()
  if (stream) received.push(...stream.events)
  stream?.close()
  stream = openListen({ baseUrl: url, token, query: PROBE_QUERY, lastEventId })
  const first = await stream.opened
  if (lastEventId) {
    figures.resumes++
    assert.is(first, 'welcomeback', `resuming from ${lastEventId} must answer welcomeback, not ${first}`)
    figures.welcomebacks++
  } else {
    assert.is(first, 'welcome')
  }
}

test(`${TRIALS} SIGKILL trials during mutation, action and import traffic lose nothing acknowledged and half-apply nothing`, async () => {
  const deadline = Date.now() + Math.max(240_000, TRIALS * 20_000)
  for (let trial = 0; trial < TRIALS && Date.now() < deadline; trial++) {
    lake = await spawnLake(bundles.paths.lake, { dataDir })
    const client = clientFor(lake.httpUrl)
    await verify(client, `after restart ${trial}`)
    await connectListener(lake.httpUrl)
    if (trial === 0) {
      // A first event, so the listener has a resume point even if the lake dies before it sees any
      // traffic (a client with no event id can only start over, and would refetch).
      await client.create({ _id: 'probe.start', _type: 'probe' }, { transactionId: 'start' })
      const until = Date.now() + 10_000
      while (stream!.events.length === 0 && Date.now() < until) await sleep(20)
      assert.ok(stream!.lastEventId(), 'the listener saw the first transaction')
    }

    let stopped = false
    const stop = () => stopped
    const loops = [
      mutateLoop(client, `${trial}x`, stop),
      mutateLoop(client, `${trial}y`, stop),
      actionLoop(client, trial, stop),
    ]
    const importRun = startImport(trial)
    await sleep(200 + Math.floor(random() * 1300))
    await lake.kill('SIGKILL')
    stopped = true
    // Half the time the importer dies with the lake; otherwise it finishes against the dead lake's files.
    if (random() < 0.5 && importRun.child.exitCode === null) {
      importRun.child.kill('SIGKILL')
      figures.importsKilled++
    }
    await Promise.all([...loops, importRun.done])
    lake = null
    assert.is(integrityCheck(), 'ok', `PRAGMA integrity_check after trial ${trial}`)
    figures.integrityOk++
    figures.trials++
  }
  assert.is(figures.trials, TRIALS, `only ${figures.trials} of ${TRIALS} trials ran before the time bound`)

  // The last restart: everything checked once more, and the listener catches up.
  lake = await spawnLake(bundles.paths.lake, { dataDir })
  const client = clientFor(lake.httpUrl)
  await verify(client, 'after the last restart')
  await connectListener(lake.httpUrl)
  // One more transaction after the restart, so the live part of the stream is covered too.
  await client.create({ _id: 'probe.final', _type: 'probe' }, { transactionId: 'final' })
  const committed = committedTransactions().filter((t) =>
    t.documentIds.some((id) => id.startsWith('probe.') || id.startsWith('drafts.probe.')),
  )
  const expected = committed.flatMap((t) => t.documentIds.map((id) => `${t.id}#${id}`))
  const waitUntil = Date.now() + 30_000
  while (Date.now() < waitUntil && received.length + (stream?.events.length ?? 0) < expected.length) await sleep(50)
  const all = [...received, ...(stream?.events ?? [])]
  const got = all.map((e) => `${e.transactionId}#${e.documentId}`)
  const committedIds = new Set(committed.map((t) => t.id))
  const phantom = all.filter((e) => !committedIds.has(e.transactionId))
  assert.equal(
    phantom.map((e) => e.transactionId),
    [],
    'events for transactions that were never committed',
  )
  const duplicates = got.length - new Set(got).size
  assert.is(duplicates, 0, 'an event was delivered twice across resumes')
  const missing = expected.filter((e) => !new Set(got).has(e))
  assert.equal(missing.slice(0, 10), [], `${missing.length} committed changes never reached the resumed listener`)
  // Commit order: transaction order in the stream equals sequence order.
  const seqOf = new Map(committed.map((t) => [t.id, t.seq]))
  const seqs = all.map((e) => seqOf.get(e.transactionId) ?? -1)
  assert.ok(
    seqs.every((s, i) => i === 0 || s >= (seqs[i - 1] as number)),
    'events arrived out of commit order',
  )

  const acked = attempts.filter((a) => a.acked)
  report('durability', {
    seed: SEED,
    trials: figures.trials,
    integrityOk: figures.integrityOk,
    ackedMutations: acked.filter((a) => a.kind === 'mutate').length,
    ackedActions: acked.filter((a) => a.kind === 'action').length,
    ackedImports: acked.filter((a) => a.kind === 'import').length,
    importsKilled: figures.importsKilled,
    unackedAttempts: attempts.length - acked.length,
    lost: 0,
    halfApplied: 0,
    listenEvents: all.length,
    resumes: figures.resumes,
    gaps: 0,
  })
})

// A listener that was away for a long time (more than the lake replays in one page) must either get
// every missed change or be told to start over (`welcome` instead of `welcomeback`): never a
// silent gap.
test('a listener resuming after 1,050 missed transactions (more than one page) gets all of them or a fresh welcome', async () => {
  assert.ok(lake, 'the lake from the previous test is running')
  const url = lake!.httpUrl
  const client = clientFor(url)
  const first = openListen({ baseUrl: url, token, query: '*[_type == "backlog"]' })
  assert.is(await first.opened, 'welcome')
  await client.create({ _id: 'backlog.start', _type: 'backlog' }, { transactionId: 'backlog-start' })
  const until = Date.now() + 10_000
  while (first.events.length < 1 && Date.now() < until) await sleep(20)
  const lastEventId = first.lastEventId()
  first.close()
  assert.ok(lastEventId, 'the first event arrived')
  const MISSED = 1050
  // Eight writers at once: each create is its own transaction (the lake serialises them).
  let next = 0
  const writer = async (): Promise<void> => {
    while (next < MISSED) {
      const i = next++
      await client.create({ _id: `backlog.${i}`, _type: 'backlog' }, { transactionId: `backlog-${i}` })
    }
  }
  await Promise.all(Array.from({ length: 8 }, writer))
  const resumed = openListen({ baseUrl: url, token, query: '*[_type == "backlog"]', lastEventId })
  const greeting = await resumed.opened
  const waitUntil = Date.now() + 20_000
  while (greeting === 'welcomeback' && resumed.events.length < MISSED && Date.now() < waitUntil) await sleep(50)
  await sleep(300)
  resumed.close()
  report('durability: long resume', { missed: MISSED, greeting, replayed: resumed.events.length })
  if (greeting === 'welcomeback')
    assert.is(
      resumed.events.length,
      MISSED,
      `welcomeback promised a gap-free resume but replayed ${resumed.events.length} of ${MISSED} missed transactions`,
    )
})

test.run()
