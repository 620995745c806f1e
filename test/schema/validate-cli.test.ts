// `npm run validate` as a user runs it: a subprocess over an NDJSON file, one line per problem
// (`line N  <_id>  <path>: <message>`), exit 1 on errors and 0 when the file is clean.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const tmp = mkdtempSync(join(tmpdir(), 'clinic-validate-'))

function validate(file?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const args = [
      '--loader',
      'ts-node/esm',
      '--no-warnings',
      join(repo, 'scripts/validate.ts'),
      ...(file ? [file] : []),
    ]
    const child = spawn(process.execPath, args, { cwd: repo, env: { ...process.env, NO_COLOR: '1' } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }))
  })
}

const cli = suite('npm run validate')
cli.after(() => rmSync(tmp, { recursive: true, force: true }))

cli('the seed (default file) is clean: exit 0; a broken file: one line per problem, exit 1', async () => {
  // The seed with three lines broken: a bad DOI, a line that is not JSON, a condition without a name.
  const lines = readFileSync(join(repo, 'content/production.ndjson'), 'utf8').trimEnd().split('\n')
  const articleLine = lines.findIndex((l) => l.includes('"_id":"article-dry-needling"'))
  lines[articleLine] = lines[articleLine].replace('"doi":"10.2519/jospt.2017.7096"', '"doi":"10.2519"')
  const conditionLine = lines.findIndex((l) => l.includes('"_id":"condition-sciatica"'))
  lines[conditionLine] = lines[conditionLine].replace('"name":"Sciatica",', '')
  lines.splice(3, 0, '{"_id": "broken", ')
  const broken = join(tmp, 'broken.ndjson')
  writeFileSync(broken, `${lines.join('\n')}\n`)

  const [clean, bad] = await Promise.all([validate(), validate(broken)])

  assert.is(clean.code, 0, clean.stdout + clean.stderr)
  assert.match(clean.stdout, /production\.ndjson: 45 documents, 0 errors, 12 warnings/)

  assert.is(bad.code, 1, bad.stdout + bad.stderr)
  const problems = bad.stdout.split('\n').filter((l) => l.startsWith('line '))
  assert.ok(
    problems.some((l) => /^line 4 {2}\? {2}\(document\): Not valid JSON/.test(l)),
    problems.join('\n'),
  )
  // Line numbers count the inserted line: both documents moved down by one.
  assert.ok(
    problems.some((l) =>
      l.startsWith(
        `line ${articleLine + 2}  article-dry-needling  citations[_key=="gattie2017"].doi: "10.2519" is only the start of a DOI`,
      ),
    ),
    problems.join('\n'),
  )
  assert.ok(
    problems.some((l) =>
      l.startsWith(`line ${conditionLine + 2}  condition-sciatica  name: Give the condition a name.`),
    ),
    problems.join('\n'),
  )
  assert.match(bad.stdout, /45 documents, 3 errors, 12 warnings/)
})

cli('a missing file is named, exit 2', async () => {
  const missing = await validate(join(tmp, 'nope.ndjson'))
  assert.is(missing.code, 2)
  assert.match(missing.stderr, /Cannot read .*nope\.ndjson/)
})

cli.run()
