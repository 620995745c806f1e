// npm run validate -- [file.ndjson]   (default: content/production.ndjson)
//
// Validates an NDJSON dataset with the Studio's own rules (see scripts/lib/validate-documents.ts)
// and prints each problem as `line N  <_id>  <path>: <message>`. Exits 1 when there are errors,
// 0 when there are only warnings (or nothing). Unique-slug and reference rules are answered from
// the file itself: the file is treated as the whole dataset.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const args = process.argv.slice(2)
if (args.includes('--help') || args.includes('-h')) {
  console.log(
    "Usage: npm run validate -- [file.ndjson]\nValidates documents with the schema's rules; default file: content/production.ndjson",
  )
  process.exit(0)
}
const file = resolve(process.cwd(), args.find((a) => !a.startsWith('-')) ?? resolve(root, 'content/production.ndjson'))

let text: string
try {
  text = readFileSync(file, 'utf8')
} catch (err) {
  console.error(`Cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(2)
}

// Imported only now: loading Sanity takes seconds, and a wrong path should fail at once.
const { createDocumentValidator, formatProblem, parseNdjson } = await import('./lib/validate-documents.js')
const { documents, problems: parseProblems } = parseNdjson(text)
const validator = await createDocumentValidator({ documents: documents.map((d) => d.document) })
try {
  const problems = [...parseProblems, ...(await validator.validate(documents))].sort(
    (a, b) => (a.line ?? 0) - (b.line ?? 0),
  )
  for (const p of problems) console.log(formatProblem(p))
  const errors = problems.filter((p) => p.level === 'error').length
  const warnings = problems.filter((p) => p.level === 'warning').length
  console.log(
    `\n${file}: ${documents.length} documents, ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`,
  )
  process.exitCode = errors > 0 ? 1 : 0
} finally {
  await validator.close()
}
