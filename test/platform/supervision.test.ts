// npm start's lake runs in a supervised child process (platform/lake-supervisor.ts): SIGKILL it and
// delivery keeps serving cached content (`X-Cache: STALE`, /health degraded) while the supervisor
// brings the lake back on the same address, after which delivery recovers by itself.
import { once } from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createDeliveryClient } from '../../delivery/client.js'
import { type DeliveryServer, startDeliveryServer } from '../../delivery/http/server.js'
import { type SupervisedLake, startSupervisedLake } from '../../platform/lake-supervisor.js'

const root = path.resolve(fileURLToPath(new URL('../..', import.meta.url)))
const ARTICLE = '/api/v1/articles/why-you-shouldnt-be-afraid-of-needles'
const PAGE = '/articles/why-you-shouldnt-be-afraid-of-needles'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function get(base: string, urlPath: string): Promise<{ status: number; cache: string | null; text: string }> {
  const response = await fetch(base + urlPath)
  return { status: response.status, cache: response.headers.get('x-cache'), text: await response.text() }
}

async function health(base: string): Promise<string> {
  return ((await (await fetch(`${base}/health`)).json()) as { status: string }).status
}

async function waitFor(check: () => Promise<boolean>, boundMs: number): Promise<number> {
  const started = Date.now()
  while (Date.now() - started < boundMs) {
    if (await check()) return Date.now() - started
    await sleep(200)
  }
  return -1
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms / 1000} s`)), ms)
    }),
  ])
}

const test = suite('platform: lake supervision')
let dataDir = ''
let lake: SupervisedLake | null = null
let delivery: DeliveryServer | null = null
const logs: string[] = []

test.before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-'))
  lake = await startSupervisedLake({
    root,
    dataDir,
    host: '127.0.0.1',
    httpPort: 0,
    httpsPort: -1,
    seedFile: path.join(root, 'content', 'production.ndjson'),
    log: (line) => logs.push(line),
    // Long enough that the test sees the lake down before it comes back.
    initialBackoffMs: 3_000,
  })
  delivery = await startDeliveryServer({
    client: createDeliveryClient({ kind: 'local', lakeUrl: lake.info.httpUrl, dataset: lake.info.dataset }),
    host: '127.0.0.1',
    port: 0,
    cacheTtlSeconds: 1,
    probeTimeoutMs: 1000,
  })
})

test.after(async () => {
  await delivery?.close()
  await lake?.close()
  fs.rmSync(dataDir, { recursive: true, force: true })
})

test('the first start seeds the data dir and names the local editor', () => {
  assert.ok(lake)
  assert.ok(lake.seeded)
  assert.match(lake.editor.token, /\S{20,}/)
  assert.is(lake.info.httpsUrl, null)
  assert.ok(alive(lake.info.pid))
})

test('the lake is killed: delivery serves stale and reports degraded; the lake comes back and delivery recovers', async () => {
  assert.ok(lake && delivery)
  const base = delivery.url
  assert.is((await get(base, ARTICLE)).status, 200)
  assert.is((await get(base, PAGE)).status, 200)
  assert.is(await health(base), 'ok')

  const { pid, httpUrl } = lake.info
  const exited = once(lake.events, 'exit')
  const ready = once(lake.events, 'ready')
  process.kill(pid, 'SIGKILL')
  await withTimeout(exited, 10_000, 'the exit of the killed lake')
  const killedAt = Date.now()
  await sleep(1200) // past the cache TTL: a fresh answer would need the lake

  for (const urlPath of [ARTICLE, PAGE]) {
    const got = await get(base, urlPath)
    assert.is(got.status, 200, `cached content is still served: ${got.text.slice(0, 200)}`)
    assert.is(got.cache, 'STALE')
  }
  assert.is(await health(base), 'degraded')
  assert.ok(Date.now() - killedAt < 3_000, 'the checks above ran before the restart (backoff 3 s)')

  await withTimeout(ready, 90_000, 'the restart of the lake')
  assert.is(lake.restarts, 1)
  assert.is.not(lake.info.pid, pid)
  assert.is(lake.info.httpUrl, httpUrl, 'the lake comes back on the same address')
  assert.not.ok(alive(pid))
  assert.ok(
    logs.some((line) => /exited \(SIGKILL\); restarting it in 3\.0 s/.test(line)),
    logs.join('\n'),
  )
  assert.ok(
    logs.some((line) => /^lake: restarted \(pid \d+/.test(line)),
    logs.join('\n'),
  )

  const recoveredIn = await waitFor(async () => (await health(base)) === 'ok', 30_000)
  assert.ok(recoveredIn >= 0, '/health is ok again within 30 s of the restart')
  const fresh = await get(base, ARTICLE)
  assert.is(fresh.status, 200)
  assert.is.not(fresh.cache, 'STALE')
})

test('close stops the lake process and it stays stopped', async () => {
  assert.ok(lake)
  const { pid } = lake.info
  await lake.close()
  assert.not.ok(alive(pid))
  await sleep(500)
  assert.is(lake.restarts, 1, 'no restart after close')
  lake = null
})

test.run()
