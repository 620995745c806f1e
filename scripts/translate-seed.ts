// npm run seed:translate
//
// Builds the seed's Spanish drafts from its English documents and the string-by-string translation
// in content/source/first-post.es.json, and writes them back into content/production.ndjson with
// the translation.metadata documents that link each pair. English documents of the translatable
// types get `language: "en"`. Run it after changing an English seed text or its translation; the
// seed tests check the file is what this script makes.
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { buildSpanishSeed, type SeedTranslation } from './lib/seed-translations.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const seedFile = `${root}content/production.ndjson`
const tableFile = `${root}content/source/first-post.es.json`

const docs = readFileSync(seedFile, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Record<string, unknown> & { _id: string; _type: string })
const table = JSON.parse(readFileSync(tableFile, 'utf8')) as SeedTranslation

const { documents, missing } = buildSpanishSeed(docs, table)
if (missing.length > 0) {
  console.error(
    `No Spanish for ${missing.length} English text(s) in ${tableFile}:\n${missing.map((m) => `  ${m.id} ${m.path}: ${JSON.stringify(m.text)}`).join('\n')}\nAdd each under "strings" and run again; nothing was written.`,
  )
  process.exit(1)
}
writeFileSync(seedFile, `${documents.map((d) => JSON.stringify(d)).join('\n')}\n`)
console.log(`Wrote ${documents.length} documents to ${seedFile}`)
