// The Studio builds offline (`sanity build`, about 45 s) with this schema: a schema mistake that
// only the bundler or the Studio's own schema compilation notices fails here, not in an editor's
// browser. Output goes to a temp dir.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { runQuiet } from '../helpers/run.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const out = mkdtempSync(join(tmpdir(), 'clinic-studio-build-'))

const build = suite('sanity build')
build.after(() => rmSync(out, { recursive: true, force: true }))

build('builds the Studio offline into a static bundle', async () => {
  // Like `schema extract --path`, the output dir is resolved against the working directory.
  const result = await runQuiet(
    process.execPath,
    [join(repo, 'node_modules/sanity/bin/sanity'), 'build', relative(repo, out), '--yes', '--no-minify'],
    repo,
  )
  assert.is(result.code, 0, `sanity build failed:\n${result.output}`)
  assert.ok(existsSync(join(out, 'index.html')), `no index.html in the build output:\n${result.output}`)
  assert.match(readFileSync(join(out, 'index.html'), 'utf8'), '<div id="sanity"')
  const assets = readdirSync(join(out, 'static')).filter((f) => f.endsWith('.js'))
  assert.ok(assets.length > 0, 'the build has JavaScript bundles')
})

build.run()
