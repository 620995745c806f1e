// Sanity's own importer and exporter (`@sanity/export` 6, `@sanity/import` 6) against a lake with
// its HTTPS listener on: export a dataset with an image asset, import it into another dataset,
// import it again with `createOrReplace` (the dataset now holds the asset, so the importer checks
// the existing asset's `url`, which it accepts only as https), and compare the documents.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import { startTestLake, type TestLake } from '../helpers/lake.js'

const test = suite('lake: @sanity/export + @sanity/import round trip (HTTPS asset URLs)')
let t: TestLake

test.before(async () => {
  t = await startTestLake({ https: true })
})
test.after(async () => {
  await t?.close()
})

function runRoundtrip(target: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const workDir = fs.mkdtempSync(path.join(t.dataDir, 'roundtrip-'))
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--loader',
        'ts-node/esm',
        '--no-warnings',
        'test/lake/fixtures/sanity-roundtrip.ts',
        t.httpUrl,
        t.projectId,
        t.dataset,
        target,
        workDir,
      ],
      {
        env: {
          ...process.env,
          ROUNDTRIP_TOKEN: t.token,
          // The lake's local CA, trusted by this child only (Node reads it at start-up).
          NODE_EXTRA_CA_CERTS: t.lake.caCertPath,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c))
    child.stderr.on('data', (c: Buffer) => (stderr += c))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

type Doc = Record<string, unknown> & { _id: string; _type: string }

/** Documents as compared: without what a write stamps anew (`_rev`, `_updatedAt`). */
function comparable(docs: Doc[]): Doc[] {
  return docs.map(({ _rev, _updatedAt, ...rest }) => rest as Doc)
}

test('export, import, re-import with createOrReplace: identical documents, asset kept, no weak refs left', async () => {
  const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 10, g: 120, b: 200 } } })
    .png()
    .toBuffer()
  const asset = await t.client.assets.upload('image', png, { filename: 'blue.png' })
  assert.match(asset.url, /^https:\/\//, 'with the HTTPS listener on, an asset URL is https')
  await t.client
    .transaction()
    .create({ _id: 'rt-author', _type: 'author', name: 'Ana' })
    .create({
      _id: 'rt-article',
      _type: 'article',
      title: 'Round trip',
      author: { _type: 'reference', _ref: 'rt-author' },
      image: { _type: 'image', asset: { _type: 'reference', _ref: asset._id } },
    })
    .create({ _id: 'drafts.rt-article', _type: 'article', title: 'Round trip (draft)' })
    .commit()

  const run = await runRoundtrip('copy')
  assert.is(run.code, 0, `the round trip failed:\n${run.stderr}\n${run.stdout}`)
  const report = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as {
    imports: Array<{ operation: string; numDocs: number; warnings: number; ms: number }>
  }
  assert.equal(
    report.imports.map((i) => [i.operation, i.numDocs, i.warnings]),
    [
      ['create', 3, 0],
      ['createOrReplace', 3, 0],
    ],
  )
  console.log(`  round trip: ${JSON.stringify(report)}`)

  const raw = (dataset: string) => t.makeClient({ dataset, perspective: 'raw' })
  const query = '*[!(_type match "sanity.*")] | order(_id asc)'
  const source = comparable(await raw(t.dataset).fetch<Doc[]>(query))
  const copy = comparable(await raw('copy').fetch<Doc[]>(query))
  assert.equal(copy, source, 'the imported documents equal the exported ones')
  const article = copy.find((d) => d._id === 'rt-article') as { image?: { asset?: Record<string, unknown> } }
  assert.equal(article.image?.asset, { _type: 'reference', _ref: asset._id }, 'the asset field is set, not weak')

  const copiedAsset = await raw('copy').getDocument(asset._id)
  assert.ok(copiedAsset, 'the asset document exists in the target dataset')
  assert.is(copiedAsset.sha1hash, asset.sha1hash)
  assert.match(String(copiedAsset.url), /^https:\/\/.*\/images\/local\/copy\//)
  const served = await fetch(`${t.httpUrl}/images/local/copy/${path.basename(String(copiedAsset.path))}`)
  assert.is(served.status, 200)
  assert.equal(Buffer.from(await served.arrayBuffer()), png, 'the copied asset serves the same bytes')
})

test.run()
