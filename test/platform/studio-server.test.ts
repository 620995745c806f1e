// The Studio's static server and build bookkeeping (platform/), through HTTP and the file system.
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { injectRuntimeConfig, startStudioServer, type RunningStudioServer } from '../../platform/studio-server.js'
import {
  BUILD_STAMP,
  ensureStudioBuild,
  lastBuildDurationMs,
  studioBuildState,
  studioFingerprint,
  studioSourceFiles,
} from '../../platform/studio-build.js'

const root = path.resolve(fileURLToPath(new URL('../..', import.meta.url)))

const server = suite('studio static server')
let dist = ''
let running: RunningStudioServer

server.before(async () => {
  dist = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-'))
  fs.mkdirSync(path.join(dist, 'static'))
  fs.writeFileSync(
    path.join(dist, 'index.html'),
    '<!doctype html><html><head><title>Studio</title></head><body><script type="module" src="/static/app-AbCdEf12.js"></script></body></html>',
  )
  fs.writeFileSync(path.join(dist, 'static', 'app-AbCdEf12.js'), 'console.log(1)')
  fs.writeFileSync(path.join(path.dirname(dist), 'clinic-outside.txt'), 'classified-content-42')
  running = await startStudioServer({
    distDir: dist,
    port: 0,
    config: {
      lakeUrl: 'https://localhost:4444',
      lakeProjectId: 'local',
      previewUrl: 'http://127.0.0.1:4000',
      hosted: null,
    },
  })
})

server.after(async () => {
  await running.close()
  fs.rmSync(dist, { recursive: true, force: true })
  fs.rmSync(path.join(path.dirname(dist), 'clinic-outside.txt'), { force: true })
})

server('injects the runtime config before the Studio bundle runs', async () => {
  const res = await fetch(`${running.url}/local/content/articles;all`)
  assert.is(res.status, 200)
  assert.is(res.headers.get('cache-control'), 'no-store')
  const html = await res.text()
  const at = html.indexOf('globalThis.__CLINIC_STUDIO__ = {"lakeUrl":"https://localhost:4444"')
  assert.ok(at > 0 && at < html.indexOf('/static/app-AbCdEf12.js'), html)
})

server('serves hashed bundle files as immutable and 404s unknown assets', async () => {
  const js = await fetch(`${running.url}/static/app-AbCdEf12.js`)
  assert.is(js.status, 200)
  assert.match(js.headers.get('content-type') ?? '', /text\/javascript/)
  assert.match(js.headers.get('cache-control') ?? '', /immutable/)
  const missing = await fetch(`${running.url}/static/nope.js`)
  assert.is(missing.status, 404)
  assert.match(await missing.text(), /not part of the Studio build/)
})

server('serves Inter from the installed font package, and nothing else under /fonts/', async () => {
  const font = await fetch(`${running.url}/fonts/inter-latin-400-normal.woff2`)
  assert.is(font.status, 200)
  assert.is(font.headers.get('content-type'), 'font/woff2')
  const bytes = Buffer.from(await font.arrayBuffer())
  assert.is(bytes.subarray(0, 4).toString('latin1'), 'wOF2', 'a WOFF2 file')
  for (const name of ['inter-latin-400-normal.woff', '..%2fpackage.json', 'inter-cyrillic-400-normal.woff2']) {
    assert.is((await fetch(`${running.url}/fonts/${name}`)).status, 404, name)
  }
})

server('never serves files outside the build and only answers GET/HEAD', async () => {
  // Raw paths (fetch would normalise them away): encoded slashes and dots must not climb out.
  for (const raw of [
    '/..%2fclinic-outside.txt',
    '/static/..%2f..%2fclinic-outside.txt',
    '/%2e%2e/clinic-outside.txt',
  ]) {
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: Number(new URL(running.url).port), path: raw }, (res) => {
          let text = ''
          res.on('data', (d: Buffer) => (text += d.toString()))
          res.on('end', () => resolve(text))
        })
        .on('error', reject)
    })
    assert.not.ok(body.includes('classified-content-42'), `${raw} escaped the build directory`)
  }
  const post = await fetch(`${running.url}/`, { method: 'POST' })
  assert.is(post.status, 405)
  const root = await fetch(`${running.url}/`, { redirect: 'manual' })
  assert.is(root.status, 302)
  assert.is(root.headers.get('location'), '/local')
})

server('the sign-in page stores the token under the key the Studio reads, from the URL fragment', async () => {
  assert.is(running.signInUrl('sk abc'), `${running.url}/sign-in#token=sk%20abc`)
  const res = await fetch(`${running.url}/sign-in`)
  const html = await res.text()
  assert.ok(html.includes('"__studio_auth_token_local"'))
  assert.ok(html.includes('location.hash'))
  assert.is(res.headers.get('referrer-policy'), 'no-referrer')
})

server('script-safe injection: a value cannot close the script element', () => {
  const html = injectRuntimeConfig('<html><head></head></html>', { previewUrl: '</script><script>alert(1)</script>' })
  assert.not.ok(html.includes('</script><script>alert'))
  assert.throws(() => injectRuntimeConfig('<html></html>', {}), /no <head>/)
})

const build = suite('studio build freshness')

/**
 * Makes `project` a Sanity project whose `sanity build` is a stand-in: a CommonJS script with `fs`
 * and `path` in scope, run as `sanity build <outDir>` (the output folder is `process.argv[3]`).
 */
function installStandInBuilder(project: string, script: string): void {
  const sanity = path.join(project, 'node_modules', 'sanity')
  fs.writeFileSync(path.join(project, 'sanity.config.ts'), 'export default {}\n')
  fs.mkdirSync(path.join(sanity, 'bin'), { recursive: true })
  fs.writeFileSync(
    path.join(sanity, 'bin', 'sanity'),
    `const fs = require('node:fs'); const path = require('node:path')\n${script}`,
  )
  fs.writeFileSync(path.join(sanity, 'package.json'), '{"type": "commonjs"}\n')
}

/** The stand-in's build: quiet for `ms`, then an index.html in the output folder, then `then`. */
const buildsIndexAfter = (ms: number, then = '') => `setTimeout(() => {
  fs.mkdirSync(process.argv[3], { recursive: true })
  fs.writeFileSync(path.join(process.argv[3], 'index.html'), '<html><head></head></html>')
  ${then}
}, ${ms})\n`

build('the fingerprint covers what the bundle imports, not type-only imports', () => {
  const files = studioSourceFiles(root).map((f) => path.relative(root, f))
  for (const expected of [
    'sanity.config.ts',
    'studio/plugin.ts',
    'studio/structure/articles.ts',
    'schemas/index.ts',
    'model/readability.ts',
    'package-lock.json',
  ]) {
    assert.ok(files.includes(expected), `${expected} is part of the Studio's sources`)
  }
  assert.not.ok(files.includes('sanity.types.ts'), 'TypeGen output is imported for types only')
  assert.not.ok(
    files.some((f) => f.startsWith('platform/')),
    'the Node server is not in the bundle',
  )
})

build('a build without a matching stamp is missing or stale', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-'))
  try {
    assert.equal(studioBuildState(root, dir), { state: 'missing' })
    fs.writeFileSync(path.join(dir, 'index.html'), '<html><head></head></html>')
    fs.writeFileSync(
      path.join(dir, BUILD_STAMP),
      JSON.stringify({ fingerprint: 'old', builtAt: '2020-01-01T00:00:00Z', files: 1 }),
    )
    assert.equal(studioBuildState(root, dir), { state: 'stale', builtAt: '2020-01-01T00:00:00Z' })
    fs.writeFileSync(path.join(dir, BUILD_STAMP), JSON.stringify({ ...studioFingerprint(root), builtAt: 'now' }))
    assert.equal(studioBuildState(root, dir), { state: 'fresh' })
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

build('a build shows its progress while the builder is quiet, and the next one estimates from it', async () => {
  // A project whose `sanity build` is a stand-in: quiet for a while, then writes index.html.
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-'))
  const dist = path.join(project, 'dist', 'studio')
  try {
    installStandInBuilder(project, buildsIndexAfter(1200, "console.log('Build Sanity Studio')"))
    const lines: string[] = []
    const first = await ensureStudioBuild(project, dist, { log: (line) => lines.push(line), progressEveryMs: 200 })
    assert.equal(first, { state: 'missing' })
    assert.match(lines[0] ?? '', /no build in .* yet: building it/)
    assert.ok(
      lines.some((line) => /^building\.\.\. \d+ s so far/.test(line)),
      lines.join('\n'),
    )
    assert.ok(lines.includes('Build Sanity Studio'), "the builder's own lines are passed on")
    assert.match(lines[lines.length - 1] ?? '', /^built in \d+ s$/)
    assert.ok((lastBuildDurationMs(dist) ?? 0) >= 1000, 'the stamp records how long the build took')

    fs.appendFileSync(path.join(project, 'sanity.config.ts'), '// changed\n')
    lines.length = 0
    const second = await ensureStudioBuild(project, dist, { log: (line) => lines.push(line), progressEveryMs: 200 })
    assert.is(second.state, 'stale')
    assert.match(lines[0] ?? '', /sources changed since the build of .*: rebuilding/)
    assert.ok(
      lines.some((line) => /^building\.\.\. \d+ s of about \d+ s \(the last build\), ~\d+%$/.test(line)),
      lines.join('\n'),
    )
    assert.equal(studioBuildState(project, dist), { state: 'fresh' })
  } finally {
    fs.rmSync(project, { recursive: true, force: true })
  }
})

build("two processes finding the build stale at once run one build; a dead holder's lock is taken over", async () => {
  // The stand-in builder counts its runs in a file beside the project.
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-'))
  const dist = path.join(project, 'dist', 'studio')
  const runs = path.join(project, 'runs.log')
  try {
    installStandInBuilder(project, `fs.appendFileSync(${JSON.stringify(runs)}, 'run\\n')\n${buildsIndexAfter(800)}`)
    const waited: string[] = []
    const [a, b] = await Promise.all([
      ensureStudioBuild(project, dist, { progressEveryMs: 0 }),
      ensureStudioBuild(project, dist, { progressEveryMs: 0, log: (line) => waited.push(line) }),
    ])
    assert.is(a.state, 'missing')
    assert.is(b.state, 'missing')
    assert.is(fs.readFileSync(runs, 'utf8'), 'run\n', 'one sanity build for both callers')
    assert.ok(
      waited.some((line) => /is building the Studio: waiting/.test(line)),
      waited.join('\n'),
    )
    assert.equal(studioBuildState(project, dist), { state: 'fresh' })
    assert.not.ok(fs.existsSync(`${dist}.lock`), 'the lock is released')

    // A lock left by a process that no longer runs does not block the next build.
    fs.appendFileSync(path.join(project, 'sanity.config.ts'), '// changed\n')
    fs.mkdirSync(`${dist}.lock`)
    fs.writeFileSync(path.join(`${dist}.lock`, 'pid'), '999999999')
    const after = await ensureStudioBuild(project, dist, { progressEveryMs: 0 })
    assert.is(after.state, 'stale')
    assert.is(fs.readFileSync(runs, 'utf8'), 'run\nrun\n')
    assert.equal(studioBuildState(project, dist), { state: 'fresh' })
  } finally {
    fs.rmSync(project, { recursive: true, force: true })
  }
})

server.run()
build.run()
