// npm run build:worker [-- --check]
//
// Compiles the lake's worker threads to the plain JavaScript they run (why plain JavaScript: see
// lake/store/bulk-worker.ts): the bulk write worker (lake/store/bulk-worker.ts and the SQL it
// imports) to lake/store/bulk-worker.built.mjs, the query worker (lake/query/query-worker.ts and
// the evaluator it imports) to lake/query/query-worker.built.mjs. Run it after changing any of
// them; the tests fail while a built file differs from its build. `--check` writes nothing and
// exits 1 when a file is out of date.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const WORKERS = ['lake/store/bulk-worker.ts', 'lake/query/query-worker.ts']

const check = process.argv.includes('--check')
let stale = false
for (const source of WORKERS) {
  const target = path.join(root, source.replace(/\.ts$/, '.built.mjs'))
  const result = await build({
    absWorkingDir: root,
    entryPoints: [source],
    bundle: true,
    // Packages (better-sqlite3, groq-js) and node: modules stay imports; the project's own modules
    // are inlined.
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'error',
    banner: { js: `// Generated from ${source} by \`npm run build:worker\`: edit that file, not this one.` },
  })
  const code = result.outputFiles[0].text
  const name = path.relative(root, target)
  if (check) {
    const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : ''
    if (current !== code) {
      console.error(`${name} is out of date with ${source}: run npm run build:worker`)
      stale = true
    } else console.log(`${name} is up to date`)
  } else {
    fs.writeFileSync(target, code)
    console.log(`wrote ${name}`)
  }
}
if (stale) process.exit(1)
