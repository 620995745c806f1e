// TypeGen staleness: extract the schema and regenerate the types into a temp dir, then compare with
// the committed schema.json and sanity.types.ts. Fails with "run npm run typegen" when either is
// stale (a schema change, or a delivery/studio `defineQuery` added or changed without regenerating).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { configDefinition, runTypegenGenerate } from '@sanity/codegen'
import cliConfig from '../../sanity.cli.js'
import { runQuiet } from '../helpers/run.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const tmp = mkdtempSync(join(tmpdir(), 'clinic-typegen-'))

const run = (command: string, args: string[]) => runQuiet(command, args, repo)

/** First differing line, to make the failure readable. */
function firstDifference(a: string, b: string): string {
  const la = a.split('\n')
  const lb = b.split('\n')
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i])
      return `line ${i + 1}:\n  committed:   ${la[i] ?? '(end of file)'}\n  regenerated: ${lb[i] ?? '(end of file)'}`
  }
  return 'no difference'
}

const typegen = suite('TypeGen output is up to date')
typegen.after(() => rmSync(tmp, { recursive: true, force: true }))

typegen('schema.json matches the schema (run npm run typegen)', async () => {
  // `sanity schema extract --path` resolves the path against the working directory, even an
  // absolute one: hand it the temp file relative to the repo.
  const target = join(tmp, 'schema.json')
  const result = await run(process.execPath, [
    join(repo, 'node_modules/sanity/bin/sanity'),
    'schema',
    'extract',
    '--path',
    relative(repo, target),
  ])
  assert.is(result.code, 0, `sanity schema extract failed:\n${result.output}`)
  const committed = readFileSync(join(repo, 'schema.json'), 'utf8')
  const fresh = readFileSync(target, 'utf8')
  assert.ok(
    committed === fresh,
    `schema.json is stale: run npm run typegen and commit schema.json + sanity.types.ts.\n${firstDifference(committed, fresh)}`,
  )
})

typegen('sanity.types.ts matches the schema and the queries (run npm run typegen)', async () => {
  const generates = join(tmp, 'sanity.types.ts')
  // The CLI applies the config schema's defaults (e.g. prettier formatting): do the same.
  const config = configDefinition.parse({ ...cliConfig.typegen, schema: join(repo, 'schema.json'), generates })
  await runTypegenGenerate({ workDir: repo, config })
  const committed = readFileSync(join(repo, 'sanity.types.ts'), 'utf8')
  const fresh = readFileSync(generates, 'utf8')
  assert.ok(
    committed === fresh,
    `sanity.types.ts is stale: run npm run typegen and commit it.\n${firstDifference(committed, fresh)}`,
  )
})

typegen.run()
