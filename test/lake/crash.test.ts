import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn } from 'node:child_process'
import Database from 'better-sqlite3'
import fs from 'node:fs'
import path from 'node:path'
import { exited, LakeChildren, ROOT } from '../helpers/lake-child.js'

/**
 * Durability under kill -9: a writer child commits transactions to a lake child and records each
 * acknowledged one; the lake is SIGKILLed at a random moment and restarted; every acknowledged
 * transaction must be there (both documents and the counter), and `PRAGMA integrity_check` ok.
 */
const test = suite('lake: crash test (SIGKILL during writes)')
const lakes = new LakeChildren()
const dataDir = lakes.dataDir
const TRIALS = 3
let token = ''

test.before(async () => {
  token = await lakes.setUp('Crash Writer', 'crash@clinic.test')
})

test.after(() => lakes.close())

test(`every acknowledged transaction survives SIGKILL (${TRIALS} trials)`, async () => {
  // The lake restarted after one trial's kill is the one the next trial writes to and kills.
  let lake = await lakes.start()
  try {
    for (let trial = 1; trial <= TRIALS; trial++) {
      const ackFile = path.join(dataDir, `acks-${trial}.txt`)
      fs.writeFileSync(ackFile, '')
      const writer = lakes.track(
        spawn(
          process.execPath,
          [
            path.join(ROOT, 'test/lake/fixtures/crash-writer.mjs'),
            `http://127.0.0.1:${lakes.port}`,
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

      lake = await lakes.start()
      const query = encodeURIComponent(
        '{"docs": *[_type == "crash" && _id match $prefix]{_id, n}, "counter": *[_id == $counter][0].count}',
      )
      const res = await fetch(
        `http://127.0.0.1:${lakes.port}/v2025-02-19/data/query/production?query=${query}&$prefix=${encodeURIComponent(JSON.stringify(`t${trial}-*`))}&$counter=${encodeURIComponent(JSON.stringify(`t${trial}-counter`))}`,
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
