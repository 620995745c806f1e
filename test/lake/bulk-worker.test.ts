// The bulk write worker's thread runs lake/store/bulk-worker.built.mjs, compiled from the typed
// lake/store/bulk-worker.ts: the committed file must be exactly what `npm run build:worker` makes of
// the source, or the lake would run code nobody reviewed or typechecked.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { test } from 'uvu'
import * as assert from 'uvu/assert'

const root = fileURLToPath(new URL('../../', import.meta.url))

test('bulk-worker.built.mjs is the build of bulk-worker.ts (npm run build:worker)', async () => {
  const run = promisify(execFile)
  const result = await run(
    process.execPath,
    ['--loader', 'ts-node/esm', '--no-warnings', 'scripts/build-worker.ts', '--check'],
    { cwd: root },
  ).catch((err: { code?: number; stdout?: string; stderr?: string }) => err)
  assert.is(result.stderr?.trim() ?? '', '', 'the build reported a problem')
  assert.match(result.stdout ?? '', /is up to date/)
})

test.run()
