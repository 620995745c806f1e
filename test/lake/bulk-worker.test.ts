// The lake's worker threads run plain JavaScript compiled from typed modules: the bulk write worker
// lake/store/bulk-worker.built.mjs from lake/store/bulk-worker.ts, the query worker
// lake/query/query-worker.built.mjs from lake/query/query-worker.ts. The committed files must be
// exactly what `npm run build:worker` makes of the sources, or the lake would run code nobody
// reviewed or typechecked.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { test } from 'uvu'
import * as assert from 'uvu/assert'

const root = fileURLToPath(new URL('../../', import.meta.url))

test('bulk-worker.built.mjs and query-worker.built.mjs are the builds of their sources (npm run build:worker)', async () => {
  const run = promisify(execFile)
  const result = await run(
    process.execPath,
    ['--loader', 'ts-node/esm', '--no-warnings', 'scripts/build-worker.ts', '--check'],
    { cwd: root },
  ).catch((err: { code?: number; stdout?: string; stderr?: string }) => err)
  assert.is(result.stderr?.trim() ?? '', '', 'the build reported a problem')
  assert.match(result.stdout ?? '', /bulk-worker\.built\.mjs is up to date/)
  assert.match(result.stdout ?? '', /query-worker\.built\.mjs is up to date/)
})

test.run()
