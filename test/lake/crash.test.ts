import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn, execFile, type ChildProcess } from 'node:child_process'
import Database from 'better-sqlite3'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

/**
 * Durability under kill -9: a writer child commits transactions to a lake child and records each
 * acknowledged one; the lake is SIGKILLed at a random moment and restarted; every acknowledged
 * transaction must be there (both documents and the counter), and `PRAGMA integrity_check` ok.
 */
const test = suite('lake: crash test (SIGKILL during writes)')
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-'))
const TRIALS = 3
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

/** Every child this file starts, so a failing trial cannot leave one running (and the file hanging). */
const children = new Set<ChildProcess>()

function track(child: ChildProcess): ChildProcess {
  children.add(child)
  child.once('exit', () => children.delete(child))
  return child
}

function startLakeChild(): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = track(
      spawn(process.execPath, ['--loader', 'ts-node/esm', '--no-warnings', 'scripts/lake.ts'], {
        cwd: root,
        env: env(),
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    )
    let out = ''
    // Generous: ts-node start-up on a shared, loaded 2-core machine can take a minute or more.
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`lake did not start within 180 s: ${out}`))
    }, 180_000)
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('HTTP  (Node clients)')) {
        clearTimeout(timer)
        resolve(child)
      }
    })
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
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
        'Crash Writer',
        '--email',
        'crash@clinic.test',
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

test(`every acknowledged transaction survives SIGKILL (${TRIALS} trials)`, async () => {
  // The lake restarted after one trial's kill is the one the next trial writes to and kills.
  let lake = await startLakeChild()
  try {
    for (let trial = 1; trial <= TRIALS; trial++) {
      const ackFile = path.join(dataDir, `acks-${trial}.txt`)
      fs.writeFileSync(ackFile, '')
      const writer = track(
        spawn(
          process.execPath,
          [
            path.join(root, 'test/lake/fixtures/crash-writer.mjs'),
            `http://127.0.0.1:${port}`,
            token,
            `t${trial}`,
            ackFile,
          ],
          { stdio: ['ignore', 'inherit', 'inherit'] },
        ),
      )
      const acked = (): number[] => fs.readFileSync(ackFile, 'utf8').split('\n').filter(Boolean).map(Number)
      // Let some transactions through, then kill at a random moment.
      for (let i = 0; i < 1200 && acked().length < 5; i++) await new Promise((r) => setTimeout(r, 50))
      await new Promise((r) => setTimeout(r, Math.random() * 400))
      lake.kill('SIGKILL')
      await exited(lake)
      await exited(writer)
      assert.is(writer.exitCode, 0, 'the writer stopped because the lake went away')
      const ack = acked()
      assert.ok(ack.length >= 5, `trial ${trial}: the writer got acknowledgements (${ack.length})`)

      const db = new Database(path.join(dataDir, 'lake.sqlite'))
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok', `trial ${trial}: integrity_check`)
      db.close()

      lake = await startLakeChild()
      const query = encodeURIComponent(
        '{"docs": *[_type == "crash" && _id match $prefix]{_id, n}, "counter": *[_id == $counter][0].count}',
      )
      const res = await fetch(
        `http://127.0.0.1:${port}/v2025-02-19/data/query/production?query=${query}&$prefix=${encodeURIComponent(JSON.stringify(`t${trial}-*`))}&$counter=${encodeURIComponent(JSON.stringify(`t${trial}-counter`))}`,
        {
          headers: { authorization: `Bearer ${token}` },
        },
      )
      const { result } = (await res.json()) as { result: { docs: Array<{ _id: string; n: number }>; counter: number } }
      const present = new Set(result.docs.map((d) => d._id))
      for (const n of ack) {
        assert.ok(
          present.has(`t${trial}-${n}-a`) && present.has(`t${trial}-${n}-b`),
          `trial ${trial}: acknowledged transaction ${n} is present`,
        )
      }
      // Atomicity: a transaction is all there or not at all (the last one may be unacknowledged).
      const ns = new Set(result.docs.map((d) => d.n))
      for (const n of ns)
        assert.ok(
          present.has(`t${trial}-${n}-a`) && present.has(`t${trial}-${n}-b`),
          `trial ${trial}: transaction ${n} is whole`,
        )
      assert.is(result.counter, ns.size, `trial ${trial}: the counter counts committed transactions`)
      assert.ok(ns.size - ack.length <= 1, 'at most the in-flight transaction committed without acknowledgement')
    }
  } finally {
    lake.kill('SIGTERM')
    await exited(lake)
  }
})

test.run()
