// npm run build:worker [-- --check]
//
// Compiles the lake's bulk write worker (lake/store/bulk-worker.ts and the SQL it imports) to the
// plain JavaScript its thread runs, lake/store/bulk-worker.built.mjs (why plain JavaScript: see
// bulk-worker.ts). Run it after changing either file; the tests fail while the two differ.
// `--check` writes nothing and exits 1 when the file is out of date.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const source = 'lake/store/bulk-worker.ts'
const target = path.join(root, 'lake/store/bulk-worker.built.mjs')

const result = await build({
  absWorkingDir: root,
  entryPoints: [source],
  bundle: true,
  // better-sqlite3 and node: modules stay imports; the project's own modules are inlined.
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  write: false,
  logLevel: 'error',
  banner: { js: `// Generated from ${source} by \`npm run build:worker\`: edit that file, not this one.` },
})
const code = result.outputFiles[0].text

if (process.argv.includes('--check')) {
  const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : ''
  if (current !== code) {
    console.error(`${path.relative(root, target)} is out of date with ${source}: run npm run build:worker`)
    process.exit(1)
  }
  console.log(`${path.relative(root, target)} is up to date`)
} else {
  fs.writeFileSync(target, code)
  console.log(`wrote ${path.relative(root, target)}`)
}
