import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { SanityDocument } from '@sanity/client'
import { startTestLake, type TestLake } from '../helpers/lake.js'

const test = suite('lake: import and export (NDJSON and tar.gz, through the CLIs)')
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-'))
let source: TestLake

function cli(
  script: string,
  args: string[],
  dataDir: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--loader', 'ts-node/esm', '--no-warnings', `scripts/${script}.ts`, ...args],
      { cwd: root, env: { ...process.env, LAKE_DATA_DIR: dataDir, LAKE_DATASET: 'production' } },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
}

const all = (t: TestLake) =>
  t.client.fetch<SanityDocument[]>('*[!(_id in path("_.**"))] | order(_id)', {}, { perspective: 'raw' })

test.before(async () => {
  source = await startTestLake()
  await source.client
    .transaction()
    .create({
      _id: 'io-a',
      _type: 'article',
      title: 'Ä título ✓',
      body: [{ _key: 'k1', _type: 'block', children: [{ _key: 's1', _type: 'span', text: 'hi', marks: [] }] }],
    })
    .create({ _id: 'drafts.io-a', _type: 'article', title: 'draft' })
    .create({
      _id: 'io-b',
      _type: 'category',
      nested: { deep: { list: [1, 2, 3] } },
      ref: { _type: 'reference', _ref: 'io-a' },
    })
    .commit()
  await source.client.patch('io-b').set({ changed: true }).commit()
})
test.after(async () => {
  await source.close()
  fs.rmSync(work, { recursive: true, force: true })
})

test('round trip via NDJSON (HTTP export endpoint -> import CLI): identical documents', async () => {
  const res = await fetch(`${source.httpUrl}/v2025-02-19/data/export/production`, {
    headers: { authorization: `Bearer ${source.token}` },
  })
  assert.is(res.status, 200)
  const file = path.join(work, 'export.ndjson')
  fs.writeFileSync(file, await res.text())
  assert.is(fs.readFileSync(file, 'utf8').trim().split('\n').length, 3)
  const anon = await (await fetch(`${source.httpUrl}/v2025-02-19/data/export/production`)).text()
  assert.is(anon.trim().split('\n').length, 2, 'anonymous export has no drafts')
  await roundTrip(file)
})

test('round trip via tar.gz (export CLI -> import CLI): identical documents', async () => {
  const file = path.join(work, 'export.tar.gz')
  const exported = await cli('export', [file], source.dataDir)
  assert.is(exported.code, 0, exported.stderr)
  assert.match(exported.stdout, /Exported 3 document/)
  await roundTrip(file)
})

async function roundTrip(file: string): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-'))
  const imported = await cli('import', [file], dir)
  assert.is(imported.code, 0, imported.stderr)
  assert.match(imported.stdout, /Imported 3 document/)
  const target = await startTestLake({ dataDir: dir })
  try {
    assert.equal(await all(target), await all(source))
  } finally {
    await target.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

test('a bad line aborts the import: nothing written, the line number and problem printed', async () => {
  const cases: Array<[string, RegExp]> = [
    [
      [
        '{"_id": "ok-1", "_type": "x"}',
        '{"_id": "ok-2", "_type": "x"}',
        '{"_id": "bad id", "_type": "x"}',
        '{"_id": "ok-3", "_type": "x"}',
      ].join('\n'),
      /nothing was written: line 3: document id "bad id" contains " "/,
    ],
    ['{"_id": "ok-1", "_type": "x"}\n{"_id": "ok-2", "_type": "x"\n', /line 2: not valid JSON/],
  ]
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-'))
  for (const [i, [text, expected]] of cases.entries()) {
    const file = path.join(work, `bad-${i}.ndjson`)
    fs.writeFileSync(file, text)
    const res = await cli('import', [file], dir)
    assert.is(res.code, 1)
    assert.match(res.stderr, expected)
  }
  const lake = await startTestLake({ dataDir: dir })
  try {
    assert.is(await lake.client.fetch('count(*)', {}, { perspective: 'raw' }), 0)
  } finally {
    await lake.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('modes: existing ids fail by default; --replace overwrites; --missing skips; a running lake sees the import', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-'))
  const lake = await startTestLake({ dataDir: dir })
  try {
    await lake.client.create({ _id: 'm1', _type: 'x', v: 'original' })
    const file = path.join(work, 'modes.ndjson')
    fs.writeFileSync(file, '{"_id": "m1", "_type": "x", "v": "from file"}\n{"_id": "m2", "_type": "x", "v": "new"}\n')
    const fail = await cli('import', [file], dir)
    assert.is(fail.code, 1)
    assert.match(fail.stderr, /line 1: document "m1" already exists/)
    assert.is(await lake.client.fetch('count(*[_type == "x"])'), 1)
    const missing = await cli('import', [file, '--missing'], dir)
    assert.is(missing.code, 0, missing.stderr)
    assert.match(missing.stdout, /skipped 1 existing/)
    assert.equal(await lake.client.fetch('*[_type == "x"] | order(_id).v'), ['original', 'new'])
    const replace = await cli('import', [file, '--replace'], dir)
    assert.is(replace.code, 0, replace.stderr)
    assert.equal(await lake.client.fetch('*[_type == "x"] | order(_id).v'), ['from file', 'new'])
  } finally {
    await lake.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('startTestLake({seed}) imports an NDJSON file', async () => {
  const file = path.join(work, 'seed.ndjson')
  fs.writeFileSync(file, '{"_id": "s1", "_type": "seeded"}\n{"_id": "drafts.s1", "_type": "seeded"}\n')
  const lake = await startTestLake({ seed: file })
  try {
    assert.is(await lake.client.fetch('count(*[_type == "seeded"])', {}, { perspective: 'raw' }), 2)
    assert.is(await lake.anonymousClient.fetch('count(*[_type == "seeded"])'), 1)
  } finally {
    await lake.close()
  }
})

test.run()
