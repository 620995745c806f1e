// The synthetic dataset generator: deterministic, exact size, the content model's shape, every
// reference resolvable, clearly synthetic. (Timing belongs to `npm run bench`, never here.)
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  datasetCounts,
  generateDataset,
  writeDatasetNdjson,
  type GeneratedDocument,
} from '../../scripts/generate-dataset.js'

const run = promisify(execFile)

function collectRefs(value: unknown, out: string[]): void {
  if (Array.isArray(value)) for (const v of value) collectRefs(v, out)
  else if (value && typeof value === 'object') {
    const ref = (value as Record<string, unknown>)._ref
    if (typeof ref === 'string') out.push(ref)
    for (const v of Object.values(value)) collectRefs(v, out)
  }
}

test('the same seed and size give identical documents; another seed gives others', () => {
  const a = JSON.stringify([...generateDataset({ size: 300, seed: 'x' })])
  const b = JSON.stringify([...generateDataset({ size: 300, seed: 'x' })])
  const c = JSON.stringify([...generateDataset({ size: 300, seed: 'y' })])
  assert.is(a, b)
  assert.is.not(a, c)
})

test('exactly `size` documents with unique ids, in the advertised mix', () => {
  for (const size of [10, 11, 57, 1000, 2345]) {
    const docs = [...generateDataset({ size, seed: size })]
    assert.is(docs.length, size, `size ${size}`)
    assert.is(new Set(docs.map((d) => d._id)).size, size, `ids unique at size ${size}`)
  }
  const docs = [...generateDataset({ size: 5000, seed: 1 })]
  const byType = new Map<string, number>()
  for (const d of docs) byType.set(d._type, (byType.get(d._type) ?? 0) + 1)
  const articles = byType.get('article') ?? 0
  assert.ok(articles / docs.length > 0.6 && articles / docs.length < 0.7, `articles (drafts included) ${articles}`)
  const drafts = docs.filter((d) => d._id.startsWith('drafts.'))
  assert.ok(drafts.every((d) => d._type === 'article'))
  const publishedArticles = docs.filter((d) => d._type === 'article' && !d._id.startsWith('drafts.')).length
  assert.ok(
    drafts.length / publishedArticles > 0.08 && drafts.length / publishedArticles < 0.13,
    `drafts ${drafts.length}`,
  )
  const ids = new Set(docs.map((d) => d._id))
  assert.ok(
    drafts.some((d) => ids.has(d._id.slice('drafts.'.length))),
    'drafts of published articles',
  )
  assert.ok(
    drafts.some((d) => !ids.has(d._id.slice('drafts.'.length))),
    'draft-only articles',
  )
  for (const type of ['clinic', 'category', 'clinician', 'condition', 'treatment', 'faq', 'careInstruction']) {
    assert.ok((byType.get(type) ?? 0) >= 1, `has ${type}`)
  }
  assert.equal(datasetCounts(5000).clinic, 1)
})

test('documents follow the content model and say they are synthetic', () => {
  const docs = [...generateDataset({ size: 2000, seed: 9 })]
  const ids = new Set(docs.map((d) => d._id))
  for (const d of docs) {
    assert.ok(d._id === 'clinic' || /^(drafts\.)?synthetic-/.test(d._id), d._id)
    const label = String(d.title ?? d.name ?? d.question ?? '')
    assert.match(label, /Synthetic/, `${d._id} is labelled synthetic`)
    const refs: string[] = []
    collectRefs(d, refs)
    for (const ref of refs) {
      // Every reference resolves, to a published document or (draft-only articles) a draft.
      assert.ok(ids.has(ref) || ids.has(`drafts.${ref}`), `${d._id} -> ${ref}`)
    }
  }
  const articles = docs.filter((d): d is GeneratedDocument & { body: unknown[] } => d._type === 'article')
  for (const a of articles) {
    assert.ok(a.body.length >= 10 && a.body.length <= 30, `${a._id} has ${a.body.length} blocks`)
    assert.type((a.slug as { current: unknown }).current, 'string')
    assert.ok(String(a.excerpt).length <= 200)
  }
  const slugs = docs
    .filter((d) => !d._id.startsWith('drafts.') && d.slug)
    .map((d) => (d.slug as { current: string }).current)
  assert.is(new Set(slugs).size, slugs.length, 'slugs unique')
  const withoutDate = articles.filter((a) => a.publishedAt === undefined).length
  assert.ok(withoutDate > 0 && withoutDate < articles.length * 0.1, 'a few articles lack publishedAt')
})

test('bad sizes are refused with a message that says what to pass', () => {
  assert.throws(() => [...generateDataset({ size: 3 })], /at least 10 .*--size/)
  assert.throws(() => datasetCounts(12.5), /integer/)
})

test('writes NDJSON that parses line by line; the CLI does the same', async () => {
  const dir = fs.mkdtempSync(`${os.tmpdir()}/clinic-`)
  try {
    const file = path.join(dir, 'a.ndjson')
    const result = await writeDatasetNdjson({ size: 120, seed: 4 }, file)
    const text = fs.readFileSync(file, 'utf8')
    assert.is(result.bytes, Buffer.byteLength(text))
    const lines = text.trimEnd().split('\n')
    assert.is(lines.length, 120)
    assert.equal(
      lines.map((l) => JSON.parse(l) as unknown),
      [...generateDataset({ size: 120, seed: 4 })],
    )

    const cliFile = path.join(dir, 'b.ndjson')
    await run(process.execPath, [
      '--loader',
      'ts-node/esm',
      '--no-warnings',
      'scripts/generate-dataset.ts',
      '--size',
      '120',
      '--seed',
      '4',
      '--out',
      cliFile,
    ])
    assert.is(fs.readFileSync(cliFile, 'utf8'), text)
    const bad = await run(process.execPath, [
      '--loader',
      'ts-node/esm',
      '--no-warnings',
      'scripts/generate-dataset.ts',
      '--size',
      'lots',
    ]).then(
      () => undefined,
      (err: unknown) => err as { code: number; stderr: string },
    )
    assert.ok(bad, 'a bad size fails')
    assert.is(bad?.code, 2)
    assert.match(bad?.stderr ?? '', /--size must be a whole number/)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
