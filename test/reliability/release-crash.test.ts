import { execFile, spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { createClient, type SanityClient } from '@sanity/client'
import Database from 'better-sqlite3'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'

/**
 * Scheduled releases under kill -9: a release of several documents is scheduled a moment ahead and
 * the lake is SIGKILLed at a random moment around its publishAt (before, during or after the
 * publish transaction), then restarted. Every release must end up published exactly once, all
 * documents or none at any time, and the database must pass `PRAGMA integrity_check`.
 */
const test = suite('reliability: scheduled releases survive SIGKILL')
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-'))
const TRIALS = Number(process.env.RELEASE_CRASH_TRIALS) || 20
const DOCUMENTS = 8
let port = 0
let token = ''

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port: p } = server.address() as net.AddressInfo
      server.close(() => resolve(p))
    })
    server.on('error', reject)
  })
}

const env = (): NodeJS.ProcessEnv => ({
  ...process.env,
  LAKE_DATA_DIR: dataDir,
  LAKE_HTTP_PORT: String(port),
  LAKE_HTTPS_PORT: '-1',
  LAKE_HOST: '127.0.0.1',
})

const children = new Set<ChildProcess>()

function startLakeChild(): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--loader', 'ts-node/esm', '--no-warnings', 'scripts/lake.ts'], {
      cwd: root,
      env: env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    children.add(child)
    child.once('exit', () => children.delete(child))
    let out = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`lake did not start within 180 s: ${out}`))
    }, 180_000)
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('HTTP  (Node clients)')) {
        clearTimeout(timer)
        resolve(child)
      }
    })
    child.stderr?.on('data', (d: Buffer) => {
      out += d.toString()
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`lake exited early (${code}): ${out}`))
    })
  })
}

const exited = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  )

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function client(): SanityClient {
  return createClient({
    projectId: 'local',
    dataset: 'production',
    apiHost: `http://127.0.0.1:${port}`,
    useProjectHostname: false,
    apiVersion: '2025-02-19',
    useCdn: false,
    token,
  })
}

test.before(async () => {
  port = await freePort()
  const created = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      [
        '--loader',
        'ts-node/esm',
        '--no-warnings',
        'scripts/lake.ts',
        'create-editor',
        '--name',
        'Release Tester',
        '--email',
        'release@clinic.test',
      ],
      { cwd: root, env: env() },
      (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout)),
    ),
  )
  token = created.trim().split('\n').pop() ?? ''
  assert.match(token, /^sk/)
})

test.after(() => {
  for (const child of children) child.kill('SIGKILL')
  fs.rmSync(dataDir, { recursive: true, force: true })
})

test(`every scheduled release publishes exactly once, all or nothing (${TRIALS} trials)`, async () => {
  let lake = await startLakeChild()
  try {
    for (let trial = 1; trial <= TRIALS; trial++) {
      const releaseId = `crash${trial}`
      const ids = Array.from({ length: DOCUMENTS }, (_, i) => `doc-${trial}-${i}`)
      await client().releases.create({ releaseId })
      await client().action(
        ids.map((id) => ({
          actionType: 'sanity.action.document.version.create' as const,
          publishedId: id,
          document: { _id: `versions.${releaseId}.${id}`, _type: 'note', trial },
        })),
      )
      const lead = 50 + Math.floor(Math.random() * 500)
      await client().releases.schedule({ releaseId, publishAt: new Date(Date.now() + lead).toISOString() })
      // Kill somewhere between well before and well after publishAt.
      await sleep(Math.floor(Math.random() * (lead + 400)))
      lake.kill('SIGKILL')
      await exited(lake)

      // While the lake is down, the database holds all of the release or none of it.
      const db = new Database(path.join(dataDir, 'lake.sqlite'), { readonly: true })
      const count = db
        .prepare(
          `SELECT count(*) AS n FROM documents WHERE dataset = 'production' AND id IN (${ids.map(() => '?').join(',')})`,
        )
        .get(...ids) as { n: number }
      assert.ok(count.n === 0 || count.n === DOCUMENTS, `trial ${trial}: ${count.n} of ${DOCUMENTS} published`)
      db.close()

      lake = await startLakeChild()
      const deadline = Date.now() + 30_000
      for (;;) {
        const release = await client().getDocument(`_.releases.${releaseId}`)
        if (release?.state === 'published') break
        if (Date.now() > deadline)
          throw new Error(`trial ${trial}: release still ${String(release?.state)} after restart`)
        await sleep(50)
      }
      const published = await client().fetch<Array<{ _id: string; _rev: string }>>('*[_id in $ids]{_id, _rev}', { ids })
      assert.is(published.length, DOCUMENTS, `trial ${trial}: every document is published`)
      assert.is(new Set(published.map((d) => d._rev)).size, 1, `trial ${trial}: in one transaction`)
      const versions = await client().fetch<number>('count(*[_id in path($prefix)])', {
        prefix: `versions.${releaseId}.**`,
      })
      assert.is(versions, 0, `trial ${trial}: no version left`)
    }
  } finally {
    lake.kill('SIGKILL')
    await exited(lake)
  }
  // Each document was written by exactly one transaction, and the file is sound.
  const db = new Database(path.join(dataDir, 'lake.sqlite'), { readonly: true })
  try {
    const writes = db
      .prepare(
        `SELECT document_id, count(*) AS n FROM revisions WHERE dataset = 'production' AND document_id LIKE 'doc-%' GROUP BY document_id`,
      )
      .all() as Array<{ document_id: string; n: number }>
    assert.is(writes.length, TRIALS * DOCUMENTS)
    for (const row of writes) assert.is(row.n, 1, `${row.document_id} was published ${row.n} times`)
    assert.equal(db.pragma('integrity_check'), [{ integrity_check: 'ok' }])
  } finally {
    db.close()
  }
})

test.run()
