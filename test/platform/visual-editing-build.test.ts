// platform/visual-editing-build.ts: the preview pages' script is built into one file, kept
// while its sources are unchanged, rebuilt when they change, and a missing build is reported with
// the command that makes it.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  buildVisualEditing,
  ensureVisualEditing,
  prebuiltVisualEditing,
  VISUAL_EDITING_FILE,
  visualEditingBuildState,
} from '../../platform/visual-editing-build.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const test = suite('platform: the visual editing script build')
let outDir = ''

test.before(() => {
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-'))
})
test.after(() => {
  fs.rmSync(outDir, { recursive: true, force: true })
})

test('missing until built; the prebuilt reader says how to build it', async () => {
  assert.is(visualEditingBuildState(ROOT, outDir), 'missing')
  try {
    await prebuiltVisualEditing(outDir)()
    assert.unreachable('reading a missing build must fail')
  } catch (error) {
    assert.match(String(error), /npm run build:visual-editing/)
  }
})

test('built into one file with the refresh logic and NODE_ENV replaced', async () => {
  const { bytes } = await buildVisualEditing(ROOT, outDir)
  const code = fs.readFileSync(path.join(outDir, VISUAL_EDITING_FILE), 'utf8')
  assert.is(Buffer.byteLength(code), bytes)
  assert.is(visualEditingBuildState(ROOT, outDir), 'fresh')
  assert.not.match(code, /process\.env\.NODE_ENV/, 'NODE_ENV is replaced at build time')
  assert.ok(code.includes('DOMParser'), 'the refresh logic is in the bundle')
  assert.is(await prebuiltVisualEditing(outDir)(), code)
})

test('a changed source makes it stale; ensure rebuilds it', async () => {
  const stampFile = path.join(outDir, '.clinic-visual-editing-build.json')
  const stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8')) as { fingerprint: string }
  fs.writeFileSync(stampFile, JSON.stringify({ ...stamp, fingerprint: 'from-older-sources' }))
  assert.is(visualEditingBuildState(ROOT, outDir), 'stale')
  const lines: string[] = []
  await ensureVisualEditing(ROOT, outDir, { log: (line) => lines.push(line) })
  assert.is(visualEditingBuildState(ROOT, outDir), 'fresh')
  assert.match(lines.join('\n'), /it was stale/)
})

test.run()
