// `npm start` (scripts/start.ts) as a user runs it, on free ports with a temp data dir: the lake's
// and delivery's URLs are printed first, the Studio's after; every URL it prints answers 2xx/3xx
// (the lake's origin too, and its HTTPS origin as the Studio calls it); the raw editor token is
// printed only on request. The Studio build is a stand-in stamped as fresh (so no `sanity build`
// runs here; test/e2e builds and drives the real one): the Studio server serves it the same way.
import type { ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import https from 'node:https'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { BUILD_STAMP, studioFingerprint } from '../../platform/studio-build.js'
import { spawnStart } from '../helpers/run.js'

const root = path.resolve(fileURLToPath(new URL('../..', import.meta.url)))
const SERVING = 'the lake and the delivery API are up'
const READY = 'Press Ctrl-C to stop.'

interface Started {
  child: ChildProcess
  output: () => string
  /** ms from spawn to the first printed URLs, and to the Studio's. */
  servingMs: number
  readyMs: number
  infoFile: string
}

function fakeStudioBuild(dir: string): void {
  fs.mkdirSync(path.join(dir, 'static'), { recursive: true })
  fs.writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><html><head><title>Studio</title></head><body><div id="sanity"></div></body></html>',
  )
  const stamp = { ...studioFingerprint(root), builtAt: new Date().toISOString(), durationMs: 1 }
  fs.writeFileSync(path.join(dir, BUILD_STAMP), JSON.stringify(stamp))
}

async function startNpmStart(dataDir: string, distDir: string, extraEnv: NodeJS.ProcessEnv): Promise<Started> {
  const infoFile = path.join(dataDir, 'start-info.json')
  const began = Date.now()
  const child = spawnStart(dataDir, infoFile, { STUDIO_DIST_DIR: distDir, START_SHOW_TOKEN: '', ...extraEnv })
  let output = ''
  let servingMs = -1
  let readyMs = -1
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start was not ready within 180 s:\n${output}`)), 180_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (servingMs < 0 && output.includes(SERVING)) servingMs = Date.now() - began
      if (readyMs < 0 && output.includes(READY)) {
        readyMs = Date.now() - began
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`npm start exited (${code}) before it was ready:\n${output}`))
    })
  })
  await done
  return { child, output: () => output, servingMs, readyMs, infoFile }
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  child.kill('SIGINT')
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  const code = await exited
  clearTimeout(timer)
  return code
}

/** GET without following redirects; `*.localhost` resolves to the loopback, TLS trusts the lake's CA. */
function status(url: string, ca: Buffer | undefined): Promise<number> {
  const target = new URL(url)
  if (target.protocol === 'https:') {
    return new Promise((resolve, reject) => {
      const request = https.get(
        target,
        {
          ca,
          lookup: (_host, _options, callback) => callback(null, [{ address: '127.0.0.1', family: 4 }]),
        },
        (response) => {
          response.resume()
          resolve(response.statusCode ?? 0)
        },
      )
      request.on('error', reject)
    })
  }
  return fetch(url, { redirect: 'manual' }).then(async (response) => {
    await response.arrayBuffer()
    return response.status
  })
}

const test = suite('platform: npm start')
let dataDir = ''
let distDir = ''
let running: Started | null = null

test.before(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-'))
  distDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-'))
  fakeStudioBuild(distDir)
})

test.after(async () => {
  if (running) await stop(running.child)
  fs.rmSync(dataDir, { recursive: true, force: true })
  fs.rmSync(distDir, { recursive: true, force: true })
})

test('prints the lake and delivery URLs first, then the Studio; every printed URL answers 2xx/3xx', async () => {
  running = await startNpmStart(dataDir, distDir, {})
  const output = running.output()
  const servingAt = output.indexOf(SERVING)
  const studioAt = output.indexOf('  Studio ')
  assert.ok(servingAt >= 0 && studioAt > servingAt, `the lake and delivery are announced before the Studio:\n${output}`)
  const first = output.slice(servingAt, studioAt)
  assert.match(first, /Lake {11}http:\/\/127\.0\.0\.1:\d+\//)
  assert.match(first, /API docs {7}http:\/\/127\.0\.0\.1:\d+\/api\/docs/)

  const info = JSON.parse(fs.readFileSync(running.infoFile, 'utf8')) as {
    editor: { token: string }
    dataDir: string
  }
  const caFile = path.join(info.dataDir, 'tls', 'ca.crt')
  const ca = fs.existsSync(caFile) ? fs.readFileSync(caFile) : undefined
  const urls = [...new Set([...output.matchAll(/\bhttps?:\/\/[^\s)]+/g)].map((m) => m[0].replace(/[.,]$/, '')))]
  assert.ok(urls.length >= 8, `npm start printed its URLs:\n${urls.join('\n')}`)
  for (const url of urls) {
    const code = await status(url, ca)
    assert.ok(code >= 200 && code < 400, `${url} answers ${code}`)
  }

  const lakeOrigin = urls.find(
    (url) => /^http:\/\/127\.0\.0\.1:\d+\/$/.test(url) && first.includes(`Lake           ${url}`),
  )
  assert.ok(lakeOrigin, 'the lake origin is printed')
  const body = (await (await fetch(lakeOrigin)).json()) as { name: string; endpoints: Record<string, string> }
  assert.is(body.name, 'Local Content Lake')
  assert.ok(body.endpoints.query?.includes('/data/query/'))

  // The raw token appears only inside the sign-in link (its fragment), never on a line of its own.
  const token = info.editor.token
  for (const line of output.split('\n').filter((l) => l.includes(token) || l.includes(encodeURIComponent(token)))) {
    assert.match(line, /^\s+Sign in\s+http:\/\/\S+\/sign-in#token=/, `the token is printed only in the link: ${line}`)
  }
  assert.match(output, /START_SHOW_TOKEN=1/)
  console.log(
    `[platform] npm start: lake + delivery URLs after ${(running.servingMs / 1000).toFixed(1)} s (first start, seeding), ` +
      `Studio after ${(running.readyMs / 1000).toFixed(1)} s (build fresh), ${urls.length} URLs answered`,
  )
})

test('Ctrl-C stops everything, lake process included; START_SHOW_TOKEN=1 prints the raw token', async () => {
  assert.ok(running)
  const info = JSON.parse(fs.readFileSync(running.infoFile, 'utf8')) as { lakePid: number }
  assert.is(await stop(running.child), 0)
  running = null
  let lakeAlive = true
  for (let i = 0; i < 50 && lakeAlive; i++) {
    try {
      process.kill(info.lakePid, 0)
      await new Promise((resolve) => setTimeout(resolve, 100))
    } catch {
      lakeAlive = false
    }
  }
  assert.not.ok(lakeAlive, 'the lake process stopped with npm start')

  running = await startNpmStart(dataDir, distDir, { START_SHOW_TOKEN: '1' })
  const token = (JSON.parse(fs.readFileSync(running.infoFile, 'utf8')) as { editor: { token: string } }).editor.token
  assert.ok(running.output().includes(`  Editor token   ${token}`), 'the raw token is printed on request')
  assert.not.match(running.output(), /seeded from content/, 'a second start does not seed again')
  console.log(
    `[platform] npm start (second start): lake + delivery URLs after ${(running.servingMs / 1000).toFixed(1)} s`,
  )
})

test.run()
