// Assets in the local lake, driven only through the real @sanity/client, @sanity/image-url and
// plain HTTP: upload, dedup, Sanity-shaped URLs with transforms, auth, bad input, limits.
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'

import { createImageUrlBuilder } from '@sanity/image-url'
import sharp from 'sharp'
import * as tar from 'tar'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'

import { ByteLru } from '../../lake/assets/lru.js'
import { assetDocumentId, parseAssetDocumentId, parseAssetFilename } from '../../lake/assets/names.js'
import { paletteFromPixels } from '../../lake/assets/palette.js'
import { parseColor } from '../../lake/assets/transform.js'
import { startTestLake, type TestLake } from '../helpers/lake.js'

// Small limits so the limit checks stay cheap (read by the asset routes when the lake starts).
const MAX_BYTES = 1_500_000
process.env.LAKE_ASSET_MAX_BYTES = String(MAX_BYTES)
process.env.LAKE_ASSET_MAX_DIMENSION = '2000'

interface Ctx {
  t: TestLake
  png: Buffer
}

const sha1 = (b: Uint8Array) => createHash('sha1').update(b).digest('hex')

/** A 300x200 PNG: left half red, right half blue, so crops and flips are visible in the pixels. */
async function makePng(): Promise<Buffer> {
  const width = 300
  const height = 200
  const raw = Buffer.alloc(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3
      if (x < width / 2) raw[i] = 220
      else raw[i + 2] = 220
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer()
}

async function pixel(image: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  const i = (y * info.width + x) * info.channels
  return [data[i]!, data[i + 1]!, data[i + 2]!]
}

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers })
  return { res, body: Buffer.from(await res.arrayBuffer()) }
}

const Assets = suite<Ctx>('assets')

Assets.before(async (ctx) => {
  ctx.t = await startTestLake()
  ctx.png = await makePng()
})
Assets.after(async (ctx) => {
  await ctx.t?.close()
})

Assets('an image upload creates a sanity.imageAsset with Sanity ids, fields and metadata', async ({ t, png }) => {
  const doc = await t.client.assets.upload('image', png, { filename: 'halves.png', title: 'Halves', label: 'test' })
  const hash = sha1(png)
  assert.is(doc._id, `image-${hash}-300x200-png`)
  assert.is(doc._type, 'sanity.imageAsset')
  assert.is(doc.assetId, hash)
  assert.is(doc.sha1hash, hash)
  assert.is(doc.extension, 'png')
  assert.is(doc.mimeType, 'image/png')
  assert.is(doc.size, png.length)
  assert.is(doc.originalFilename, 'halves.png')
  assert.is((doc as unknown as Record<string, unknown>).title, 'Halves')
  assert.is(doc.path, `images/local/production/${hash}-300x200.png`)
  assert.is(doc.url, `${t.httpUrl}/images/local/production/${hash}-300x200.png`)
  assert.ok(doc._rev && doc._createdAt && doc._updatedAt)
  const meta = doc.metadata
  assert.equal(meta.dimensions, { _type: 'sanity.imageDimensions', width: 300, height: 200, aspectRatio: 1.5 })
  assert.is(meta.hasAlpha, false)
  assert.is(meta.isOpaque, true)
  assert.match(meta.lqip ?? '', /^data:image\/jpeg;base64,/)
  const lqip = Buffer.from((meta.lqip ?? '').split(',')[1]!, 'base64')
  assert.is((await sharp(lqip).metadata()).width, 20)
  const dominant = meta.palette?.dominant?.background ?? ''
  assert.ok(['#dc0000', '#0000dc'].includes(dominant), `dominant colour ${dominant}`)

  // The document is a real document of the dataset, readable anonymously (published).
  const fetched = await t.anonymousClient.fetch('*[_id == $id][0]{_id, sha1hash}', { id: doc._id })
  assert.equal(fetched, { _id: doc._id, sha1hash: hash })
})

Assets('the same bytes uploaded again answer the existing asset document', async ({ t, png }) => {
  const first = await t.client.assets.upload('image', png, { filename: 'halves.png' })
  const again = await t.client.assets.upload('image', png, { filename: 'copy-of-halves.png' })
  assert.is(again._id, first._id)
  assert.is(again._rev, first._rev)
  assert.is(again.originalFilename, 'halves.png')
  const count = await t.client.fetch('count(*[_type == "sanity.imageAsset" && sha1hash == $h])', { h: sha1(png) })
  assert.is(count, 1)
})

Assets('EXIF orientation is applied: a rotated JPEG reports and serves its upright size', async ({ t }) => {
  const jpeg = await sharp({ create: { width: 64, height: 32, channels: 3, background: '#336699' } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .toBuffer()
  const doc = await t.client.assets.upload('image', jpeg, { filename: 'rotated.jpg' })
  assert.is(doc._id, `image-${sha1(jpeg)}-32x64-jpg`)
  assert.is(doc.mimeType, 'image/jpeg')
  const { res, body } = await get(`${doc.url}?w=16`)
  assert.is(res.status, 200)
  const meta = await sharp(body).metadata()
  assert.equal([meta.width, meta.height, meta.format], [16, 32, 'jpeg'])
})

Assets('SVG images keep their vector original and render crisp at any size', async ({ t }) => {
  const svg = Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50">' +
      '<rect width="50" height="50" fill="#ff0000"/><rect x="50" width="50" height="50" fill="#0000ff"/></svg>',
  )
  const doc = await t.client.assets.upload('image', svg, { filename: 'logo.svg', contentType: 'image/svg+xml' })
  assert.is(doc._id, `image-${sha1(svg)}-100x50-svg`)
  assert.is(doc.mimeType, 'image/svg+xml')
  const original = await get(doc.url)
  assert.equal(original.body, svg)
  assert.match(original.res.headers.get('content-security-policy') ?? '', /sandbox/)
  // 4x upscale: rasterised at 4x, so the red/blue edge stays a hard edge (no interpolation blur).
  const big = await get(`${doc.url}?w=400`)
  assert.is(big.res.headers.get('content-type'), 'image/png')
  assert.equal([(await sharp(big.body).metadata()).width, (await sharp(big.body).metadata()).height], [400, 200])
  assert.equal(await pixel(big.body, 198, 100), [255, 0, 0])
  assert.equal(await pixel(big.body, 201, 100), [0, 0, 255])
  const cropped = await get(`${doc.url}?rect=50,0,50,50&w=200`)
  assert.equal(
    [(await sharp(cropped.body).metadata()).width, (await sharp(cropped.body).metadata()).height],
    [200, 200],
  )
  assert.equal(await pixel(cropped.body, 2, 100), [0, 0, 255])
})

Assets('a file upload keeps its bytes, type and extension; served with Range support', async ({ t }) => {
  const text = Buffer.from('Ice for 20 minutes after the session.\n')
  const doc = await t.client.assets.upload('file', text, { filename: 'after-care.txt', contentType: 'text/plain' })
  const hash = sha1(text)
  assert.is(doc._id, `file-${hash}-txt`)
  assert.is(doc._type, 'sanity.fileAsset')
  assert.is(doc.mimeType, 'text/plain')
  assert.is(doc.extension, 'txt')
  assert.is(doc.size, text.length)
  assert.is(doc.url, `${t.httpUrl}/files/local/production/${hash}.txt`)

  const whole = await get(doc.url)
  assert.is(whole.res.status, 200)
  assert.is(whole.body.toString(), text.toString())
  assert.match(whole.res.headers.get('content-type') ?? '', /^text\/plain/)
  assert.is(whole.res.headers.get('x-sanity-sha1'), hash)
  assert.match(whole.res.headers.get('cache-control') ?? '', /immutable/)

  const part = await get(doc.url, { range: 'bytes=4-6' })
  assert.is(part.res.status, 206)
  assert.is(part.body.toString(), 'for')
  assert.is(part.res.headers.get('content-range'), `bytes 4-6/${text.length}`)

  // A vanity name after the file name is ignored, as on Sanity's CDN; dl asks for a download.
  const vanity = await get(`${doc.url}/care.txt?dl=`)
  assert.is(vanity.res.status, 200)
  assert.match(vanity.res.headers.get('content-disposition') ?? '', /attachment; filename="after-care.txt"/)

  // A PDF streamed without a filename gets its extension from the content type.
  const pdf = Buffer.from('%PDF-1.4\n% not really\n')
  const pdfDoc = await t.client.assets.upload('file', Readable.from([pdf]), { contentType: 'application/pdf' })
  assert.is(pdfDoc._id, `file-${sha1(pdf)}-pdf`)
  assert.is(pdfDoc.mimeType, 'application/pdf')
})

Assets('@sanity/image-url URLs resolve with the expected dimensions and format', async ({ t, png }) => {
  const doc = await t.client.assets.upload('image', png, { filename: 'halves.png' })
  const builder = createImageUrlBuilder({ projectId: 'local', dataset: 'production', baseUrl: t.httpUrl })
  const image = { asset: { _type: 'reference', _ref: doc._id } }

  const cases: Array<{ url: string; size: [number, number]; format: string }> = [
    { url: builder.image(image).url(), size: [300, 200], format: 'png' },
    { url: builder.image(image).width(150).url(), size: [150, 100], format: 'png' },
    { url: builder.image(image).height(50).format('jpg').url(), size: [75, 50], format: 'jpeg' },
    { url: builder.image(image).width(100).height(100).format('webp').url(), size: [100, 100], format: 'webp' },
    // Without the crop/hotspot rect image-url adds for a fixed aspect ratio, clip keeps 3:2.
    {
      url: builder.image(image).ignoreImageParams().width(100).height(100).fit('clip').url(),
      size: [100, 67],
      format: 'png',
    },
    { url: builder.image(image).width(600).fit('max').url(), size: [300, 200], format: 'png' },
    {
      url: builder.image(image).width(120).height(120).fit('fill').bg('00ff00').url(),
      size: [120, 120],
      format: 'png',
    },
    { url: builder.image(image).width(120).height(120).fit('fillmax').url(), size: [120, 120], format: 'png' },
    { url: builder.image(image).width(90).height(30).fit('scale').url(), size: [90, 30], format: 'png' },
    { url: builder.image(image).width(400).height(400).fit('min').url(), size: [200, 200], format: 'png' },
    { url: builder.image(image).width(100).height(50).dpr(2).url(), size: [200, 100], format: 'png' },
    { url: builder.image(image).rect(0, 0, 150, 100).width(30).url(), size: [30, 20], format: 'png' },
    { url: builder.image(image).width(40).orientation(90).url(), size: [40, 60], format: 'png' },
    {
      url: `${builder.image(image).width(50).blur(20).sharpen(30).saturation(-50).url()}&fm=avif`,
      size: [50, 33],
      format: 'heif',
    },
    { url: builder.image(image).width(60).pad(10).bg('ffffff').format('pjpg').url(), size: [80, 60], format: 'jpeg' },
    { url: builder.image(image).minWidth(450).invert(true).url(), size: [450, 300], format: 'png' },
    { url: builder.image(image).maxHeight(40).url(), size: [60, 40], format: 'png' },
    { url: builder.image(image).width(64).height(64).fit('crop').crop('entropy').url(), size: [64, 64], format: 'png' },
    {
      url: builder.image(image).width(32).height(64).fit('crop').crop('focalpoint').focalPoint(0.9, 0.5).url(),
      size: [32, 64],
      format: 'png',
    },
  ]
  for (const c of cases) {
    const { res, body } = await get(c.url)
    assert.is(res.status, 200, `${c.url} -> ${res.status} ${body.toString().slice(0, 200)}`)
    const meta = await sharp(body).metadata()
    assert.equal([meta.width, meta.height], c.size, c.url)
    assert.is(String(meta.format), c.format, c.url)
    assert.match(res.headers.get('cache-control') ?? '', /max-age=31536000, immutable/)
    assert.ok(res.headers.get('etag'), `${c.url} has an ETag`)
  }

  // Crop with the editor's hotspot: the left (red) half, cropped to a square.
  const hotspotLeft = {
    ...image,
    crop: { _type: 'sanity.imageCrop', top: 0, bottom: 0, left: 0, right: 0 },
    hotspot: { _type: 'sanity.imageHotspot', x: 0.1, y: 0.5, width: 0.1, height: 0.1 },
  }
  const squareUrl = builder.image(hotspotLeft).width(50).height(50).url()
  assert.match(squareUrl, /rect=0,0,200,200/)
  const square = await get(squareUrl)
  assert.equal([(await sharp(square.body).metadata()).width, (await sharp(square.body).metadata()).height], [50, 50])
  assert.equal(await pixel(square.body, 5, 25), [220, 0, 0])

  // fit=crop&crop=right keeps the blue side; flip=h puts it on the left.
  const right = await get(builder.image(image).width(50).height(50).fit('crop').crop('right').url())
  assert.equal(await pixel(right.body, 25, 25), [0, 0, 220])
  const focal = await get(
    builder
      .image(image)
      .ignoreImageParams()
      .width(32)
      .height(64)
      .fit('crop')
      .crop('focalpoint')
      .focalPoint(0.9, 0.5)
      .url(),
  )
  assert.equal(await pixel(focal.body, 16, 32), [0, 0, 220])
  const flipped = await get(builder.image(image).flipHorizontal().width(30).url())
  assert.equal(await pixel(flipped.body, 2, 10), [0, 0, 220])

  // The letterbox of fit=fill is the bg colour.
  const filled = await get(
    builder.image(image).ignoreImageParams().width(120).height(120).fit('fill').bg('00ff00').url(),
  )
  assert.equal(await pixel(filled.body, 60, 2), [0, 255, 0])
})

Assets('auto=format follows Accept; ETag revalidation answers 304', async ({ t, png }) => {
  const doc = await t.client.assets.upload('image', png, { filename: 'halves.png' })
  const url = `${doc.url}?w=60&auto=format`
  const webp = await get(url, { accept: 'image/avif,image/webp,*/*' })
  assert.is(webp.res.headers.get('content-type'), 'image/webp')
  assert.match(webp.res.headers.get('vary') ?? '', /Accept/)
  const plain = await get(url, { accept: 'image/png,*/*' })
  assert.is(plain.res.headers.get('content-type'), 'image/png')

  const etag = plain.res.headers.get('etag')!
  const again = await fetch(`${doc.url}?w=60&auto=format`, { headers: { accept: 'image/png', 'if-none-match': etag } })
  assert.is(again.status, 304)
  const original = await get(doc.url)
  assert.is(original.res.headers.get('etag'), `"${sha1(png)}"`)
  assert.equal(original.body, png)
  const revalidated = await fetch(doc.url, { headers: { 'if-none-match': `"${sha1(png)}"` } })
  assert.is(revalidated.status, 304)
})

Assets('anonymous and unauthenticated uploads are refused with 401', async ({ t, png }) => {
  try {
    await t.anonymousClient.assets.upload('image', png, { filename: 'x.png' })
    assert.unreachable('anonymous upload succeeded')
  } catch (error) {
    assert.is((error as { statusCode?: number }).statusCode, 401)
    assert.match((error as Error).message, /editor token/)
  }
  const res = await fetch(`${t.httpUrl}/v2025-02-19/assets/files/production`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', authorization: 'Bearer not-a-token' },
    body: 'x',
  })
  assert.ok(res.status === 401 || res.status === 403, `bad token -> ${res.status}`)
})

Assets('non-images and damaged images to the image endpoint answer 400 with the reason', async ({ t, png }) => {
  for (const [what, body] of [
    ['text', Buffer.from('definitely not an image')],
    ['truncated PNG', png.subarray(0, Math.floor(png.length / 2))],
  ] as const) {
    try {
      await t.client.assets.upload('image', body, { filename: 'bad.png', contentType: 'image/png' })
      assert.unreachable(`${what} was accepted`)
    } catch (error) {
      assert.is((error as { statusCode?: number }).statusCode, 400, what)
      assert.match((error as Error).message, /Invalid image/, what)
    }
  }
  const empty = await fetch(`${t.httpUrl}/v2025-02-19/assets/files/production`, {
    method: 'POST',
    headers: { authorization: `Bearer ${t.token}`, 'content-type': 'text/plain' },
    body: '',
  })
  assert.is(empty.status, 400)
  // Nothing was created by the failures.
  assert.is(await t.client.fetch('count(*[_type == "sanity.imageAsset" && originalFilename == "bad.png"])'), 0)
  assert.is(await t.client.fetch('count(*[_type in ["sanity.imageAsset", "sanity.fileAsset"] && size == 0])'), 0)
})

Assets('uploads over the size limit answer 413, with and without Content-Length', async ({ t }) => {
  const big = Buffer.alloc(MAX_BYTES + 1, 7)
  for (const body of [big, Readable.from([big.subarray(0, 1_000_000), big.subarray(1_000_000)])]) {
    try {
      await t.client.assets.upload('file', body, { filename: 'big.bin' })
      assert.unreachable('oversize upload accepted')
    } catch (error) {
      assert.is((error as { statusCode?: number }).statusCode, 413)
      assert.match((error as Error).message, /upload limit/)
    }
  }
  const count = await t.client.fetch('count(*[_type == "sanity.fileAsset" && sha1hash == $h])', { h: sha1(big) })
  assert.is(count, 0)
})

Assets('unknown assets and path traversal answer 404, never a file outside the store', async ({ t, png }) => {
  const doc = await t.client.assets.upload('image', png, { filename: 'halves.png' })
  const hash = sha1(png)
  const paths = [
    `/images/local/production/..%2F..%2F..%2Fpackage.json`,
    `/images/local/production/%2e%2e/%2e%2e/%2e%2e/etc/passwd`,
    `/files/local/production/..%2f..%2fdata.sqlite`,
    `/images/local/production/${'0'.repeat(40)}-300x200.png`,
    `/images/local/production/${hash}-301x200.png`,
    `/images/local/production/${hash.toUpperCase()}-300x200.png`,
    `/files/local/production/${hash}.png`,
    `/images/another-project/production/${hash}-300x200.png`,
    `/images/local/other-dataset/${hash}-300x200.png`,
    `/images/local/Bad..Dataset/${hash}-300x200.png`,
  ]
  for (const p of paths) {
    const res = await fetch(t.httpUrl + p)
    assert.is(res.status, 404, p)
  }
  // Deleting the asset document makes its URL 404.
  const builder = createImageUrlBuilder({ projectId: 'local', dataset: 'production', baseUrl: t.httpUrl })
  const url = builder.image(doc._id).width(10).url()
  assert.is((await fetch(url)).status, 200)
  await t.client.delete(doc._id)
  assert.is((await fetch(url)).status, 404)
  assert.is((await fetch(doc.url)).status, 404)
})

Assets('bad transform parameters answer 400 naming the parameter', async ({ t, png }) => {
  const doc = await t.client.assets.upload('image', png, { filename: 'halves.png' })
  const bad: Array<[string, RegExp]> = [
    ['w=abc', /w="abc"/],
    ['w=0', /w="0"/],
    ['h=-5', /h="-5"/],
    ['w=5000', /w="5000".*2000/],
    ['w=1500&dpr=2', /dpr/],
    ['fit=stretchy', /fit=.*clip/],
    ['crop=middle', /crop=/],
    ['rect=0,0,0,10', /rect=/],
    ['rect=400,0,10,10', /overlaps/],
    ['rect=1,2,3', /rect=/],
    ['fm=bmp', /fm=/],
    ['q=101', /q=/],
    ['dpr=9', /dpr=/],
    ['bg=zzz', /bg=/],
    ['flip=x', /flip=/],
    ['or=45', /or=/],
    ['blur=-1', /blur=/],
    ['auto=compress', /auto=/],
    ['w=1000&h=1000&pad=600', /largest side/],
  ]
  for (const [query, message] of bad) {
    const res = await fetch(`${doc.url}?${query}`)
    const body = (await res.json()) as { error?: { description?: string } }
    assert.is(res.status, 400, query)
    assert.match(body.error?.description ?? '', message, query)
  }
  // Unknown parameters are ignored, as on Sanity's CDN.
  assert.is((await fetch(`${doc.url}?utm_source=newsletter`)).status, 200)
})

Assets.run()

// The pure building blocks, through their exported functions.
const Blocks = suite('asset building blocks')

Blocks('asset names: ids round-trip; anything that is not a canonical name is rejected', () => {
  const sha = 'a'.repeat(40)
  const image = { kind: 'image', sha1: sha, width: 640, height: 480, extension: 'jpg' } as const
  assert.is(assetDocumentId(image), `image-${sha}-640x480-jpg`)
  assert.equal(parseAssetDocumentId(`image-${sha}-640x480-jpg`), image)
  assert.equal(parseAssetDocumentId(`file-${sha}-pdf`), { kind: 'file', sha1: sha, extension: 'pdf' })
  for (const name of [
    `../${sha}.pdf`,
    `${sha}.pdf/..`,
    `${sha.toUpperCase()}.pdf`,
    `${sha}.`,
    `${sha}`,
    `${sha}.p%2f`,
    `${sha}-0x10.png`,
  ]) {
    assert.is(parseAssetFilename(name.includes('x') ? 'image' : 'file', name), undefined, name)
  }
  assert.throws(() => assetDocumentId({ kind: 'image', sha1: 'xyz', width: 1, height: 1, extension: 'png' }), /sha1/)
})

Blocks('bg colours: RGB, ARGB, RRGGBB, AARRGGBB (alpha first)', () => {
  assert.equal(parseColor('f00'), { r: 255, g: 0, b: 0, alpha: 1 })
  assert.equal(parseColor('00ff00'), { r: 0, g: 255, b: 0, alpha: 1 })
  assert.equal(parseColor('80ff0000'), { r: 255, g: 0, b: 0, alpha: 0.502 })
  assert.equal(parseColor('0f00'), { r: 255, g: 0, b: 0, alpha: 0 })
  assert.throws(() => parseColor('red'), /bg=/)
})

Blocks('palette: dominant by population, vibrant and dark swatches by saturation and lightness', () => {
  // 70% a saturated mid red, 30% a very dark blue.
  const pixels: number[] = []
  for (let i = 0; i < 70; i++) pixels.push(220, 20, 20)
  for (let i = 0; i < 30; i++) pixels.push(10, 10, 60)
  const palette = paletteFromPixels(Uint8Array.from(pixels), 3)
  assert.is(palette.dominant?.background, '#dc1414')
  assert.is(palette.dominant?.population, 70)
  assert.is(palette.vibrant?.background, '#dc1414')
  assert.is(palette.vibrant?.foreground, '#fff')
  assert.is(palette.darkVibrant?.background, '#0a0a3c')
  assert.equal(paletteFromPixels(new Uint8Array(0), 3), { _type: 'sanity.imagePalette' })
})

Blocks('variant LRU: bounded by bytes, evicts the least recently used', () => {
  const lru = new ByteLru<{ byteLength: number; n: number }>(100)
  lru.set('a', { byteLength: 40, n: 1 })
  lru.set('b', { byteLength: 40, n: 2 })
  assert.is(lru.get('a')?.n, 1)
  lru.set('c', { byteLength: 40, n: 3 })
  assert.is(lru.get('b'), undefined)
  assert.is(lru.get('a')?.n, 1)
  assert.is(lru.bytes, 80)
  lru.set('huge', { byteLength: 101, n: 4 })
  assert.is(lru.get('huge'), undefined)
  assert.is(lru.size, 2)
})

Blocks.run()

// Export with assets -> import into an empty lake, through the project's CLIs (as an operator runs them).
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')

function cli(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--loader', 'ts-node/esm', '--no-warnings', `scripts/${script}.ts`, ...args],
      { cwd: root, env: { ...process.env, LAKE_DATASET: 'production', ...env } },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
}

interface TransferCtx {
  source: TestLake
  target: TestLake
  work: string
}

const Transfer = suite<TransferCtx>('assets in tar.gz export and import')

Transfer.before(async (ctx) => {
  ctx.source = await startTestLake()
  ctx.target = await startTestLake()
  ctx.work = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-'))
})
Transfer.after(async (ctx) => {
  await ctx.source?.close()
  await ctx.target?.close()
  if (ctx.work) fs.rmSync(ctx.work, { recursive: true, force: true })
})

Transfer(
  'export -> import into an empty lake keeps assets, their metadata and the references',
  async ({ source, target, work }) => {
    const png = await makePng()
    const pdf = Buffer.from('%PDF-1.4\n% exercise sheet\n')
    const image = await source.client.assets.upload('image', png, {
      filename: 'halves.png',
      title: 'Two halves',
      description: 'red and blue',
    })
    const file = await source.client.assets.upload('file', pdf, {
      filename: 'exercises.pdf',
      contentType: 'application/pdf',
    })
    const heroImage = {
      _type: 'image',
      asset: { _type: 'reference', _ref: image._id },
      alt: 'Red and blue',
      hotspot: { _type: 'sanity.imageHotspot', x: 0.25, y: 0.5, width: 0.2, height: 0.2 },
    }
    await source.client
      .transaction()
      .create({ _id: 'asset-article', _type: 'article', title: 'With assets', heroImage })
      .create({ _id: 'drafts.asset-article', _type: 'article', title: 'Draft with assets', heroImage })
      .create({
        _id: 'asset-sheet',
        _type: 'careInstruction',
        title: 'Sheet',
        attachment: { _type: 'file', asset: { _type: 'reference', _ref: file._id } },
      })
      .commit()

    const archive = path.join(work, 'with-assets.tar.gz')
    const exported = await cli('export', [archive], { LAKE_DATA_DIR: source.dataDir })
    assert.is(exported.code, 0, exported.stderr)

    // The archive is laid out as `sanity dataset export` writes it.
    const entries: string[] = []
    await tar.t({ file: archive, onReadEntry: (entry) => entries.push(entry.path) })
    const inFolder = (name: string) => entries.find((e) => e.endsWith(`/${name}`))
    assert.ok(inFolder(`images/${sha1(png)}-300x200.png`), entries.join(', '))
    assert.ok(inFolder(`files/${sha1(pdf)}.pdf`), entries.join(', '))
    const unpacked = path.join(work, 'unpacked')
    fs.mkdirSync(unpacked)
    await tar.x({ file: archive, cwd: unpacked })
    const folder = path.join(unpacked, path.dirname(inFolder('data.ndjson')!))
    const lines = fs
      .readFileSync(path.join(folder, 'data.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    assert.not.ok(
      lines.some((d) => String(d._type).startsWith('sanity.') && String(d._type).endsWith('Asset')),
      'asset documents are not in data.ndjson',
    )
    const article = lines.find((d) => d._id === 'asset-article') as { heroImage: Record<string, unknown> }
    assert.is(article.heroImage._sanityAsset, `image@file://./images/${sha1(png)}-300x200.png`)
    assert.is(article.heroImage.asset, undefined)
    assert.is(article.heroImage.alt, 'Red and blue')
    const assetsJson = JSON.parse(fs.readFileSync(path.join(folder, 'assets.json'), 'utf8')) as Record<
      string,
      Record<string, unknown>
    >
    assert.is(assetsJson[`image-${sha1(png)}`]?.originalFilename, 'halves.png')
    assert.is(assetsJson[`image-${sha1(png)}`]?.title, 'Two halves')

    // Import into the (running, empty) target lake.
    const imported = await cli('import', [archive], {
      LAKE_DATA_DIR: target.dataDir,
      LAKE_ASSET_BASE_URL: target.httpUrl,
    })
    assert.is(imported.code, 0, imported.stderr)

    const read = (t: TestLake, id: string) => t.client.getDocument(id)
    for (const id of ['asset-article', 'drafts.asset-article', 'asset-sheet']) {
      const before = await read(source, id)
      const after = await read(target, id)
      const strip = (d: Record<string, unknown> | undefined) => {
        const { _rev, ...rest } = d ?? {}
        void _rev
        return rest
      }
      assert.equal(strip(after), strip(before), id)
    }
    const importedImage = await target.client.getDocument(image._id)
    assert.ok(importedImage, 'the image asset document exists in the target')
    for (const key of [
      '_type',
      'assetId',
      'sha1hash',
      'size',
      'extension',
      'mimeType',
      'originalFilename',
      'title',
      'description',
      'metadata',
      'path',
    ]) {
      assert.equal(importedImage[key], (image as unknown as Record<string, unknown>)[key], key)
    }
    assert.is(importedImage.url, `${target.httpUrl}/images/local/production/${sha1(png)}-300x200.png`)
    const importedFile = await target.client.getDocument(file._id)
    assert.is(importedFile?.originalFilename, 'exercises.pdf')
    assert.is(importedFile?.mimeType, 'application/pdf')

    // The originals are served by the target lake, transforms included.
    assert.equal((await get(String(importedImage.url))).body, png)
    assert.equal((await get(String(importedFile?.url))).body, pdf)
    const builder = createImageUrlBuilder({ projectId: 'local', dataset: 'production', baseUrl: target.httpUrl })
    const thumb = await get(builder.image(heroImage).width(40).height(40).url())
    assert.is(thumb.res.status, 200)
    assert.equal([(await sharp(thumb.body).metadata()).width, (await sharp(thumb.body).metadata()).height], [40, 40])
  },
)

Transfer(
  're-importing reuses stored assets; archives whose markers point outside them, at a non-image or at a remote URL are refused',
  async ({ target, work }) => {
    const make = async (name: string, doc: Record<string, unknown>, extra: Record<string, Buffer> = {}) => {
      const dir = path.join(work, name)
      fs.mkdirSync(path.join(dir, 'export', 'images'), { recursive: true })
      fs.writeFileSync(path.join(dir, 'export', 'data.ndjson'), `${JSON.stringify(doc)}\n`)
      for (const [file, bytes] of Object.entries(extra)) fs.writeFileSync(path.join(dir, 'export', file), bytes)
      const file = path.join(work, `${name}.tar.gz`)
      await tar.c({ gzip: true, file, cwd: dir }, ['export'])
      return file
    }
    const outside = await make('outside', {
      _id: 'evil',
      _type: 'article',
      heroImage: { _sanityAsset: 'image@file://./../../../../etc/hostname' },
    })
    const notImage = await make(
      'not-image',
      { _id: 'fake', _type: 'article', heroImage: { _sanityAsset: 'image@file://./images/fake.png' } },
      {
        'images/fake.png': Buffer.from('this is text, not a PNG'),
      },
    )
    const remote = await make('remote', {
      _id: 'remote',
      _type: 'article',
      heroImage: { _sanityAsset: 'image@https://example.com/a.jpg' },
    })
    const cases: Array<[string, RegExp]> = [
      [outside, /outside the export folder|does not exist in the export/],
      [notImage, /Invalid image/],
      [remote, /remote/],
    ]
    // CLI runs are slow to start (ts-node): run the independent ones side by side, together with a
    // re-import (--missing) of the archive of the previous test.
    // Plus a plain NDJSON import whose markers are relative to the NDJSON file's folder.
    const ndjsonDir = path.join(work, 'ndjson')
    fs.mkdirSync(ndjsonDir)
    const photo = await sharp({ create: { width: 24, height: 12, channels: 3, background: '#208040' } })
      .jpeg()
      .toBuffer()
    fs.writeFileSync(path.join(ndjsonDir, 'photo.jpg'), photo)
    fs.writeFileSync(
      path.join(ndjsonDir, 'data.ndjson'),
      `${JSON.stringify({
        _id: 'ndjson-photo',
        _type: 'clinician',
        photo: { _type: 'image', _sanityAsset: 'image@file://./photo.jpg', alt: 'Green' },
      })}\n`,
    )
    const env = { LAKE_DATA_DIR: target.dataDir, LAKE_ASSET_BASE_URL: target.httpUrl }
    const [again, fromNdjson, ...results] = await Promise.all([
      cli('import', [path.join(work, 'with-assets.tar.gz'), '--missing'], env),
      cli('import', [path.join(ndjsonDir, 'data.ndjson')], env),
      ...cases.map(([archive]) => cli('import', [archive], env)),
    ])
    assert.is(again!.code, 0, again!.stderr)
    assert.is(fromNdjson!.code, 0, fromNdjson!.stderr)
    const clinician = await target.client.getDocument('ndjson-photo')
    assert.equal(clinician?.photo, {
      _type: 'image',
      alt: 'Green',
      asset: { _type: 'reference', _ref: `image-${sha1(photo)}-24x12-jpg` },
    })
    assert.is((await get(`${target.httpUrl}/images/local/production/${sha1(photo)}-24x12.jpg`)).res.status, 200)
    assert.is(await target.client.fetch('count(*[_type == "sanity.imageAsset"])'), 2)
    assert.is(await target.client.fetch('count(*[_type == "sanity.fileAsset"])'), 1)
    results.forEach((result, i) => {
      const [archive, message] = cases[i]!
      assert.ok(result)
      assert.is.not(result.code, 0, archive)
      assert.match(result.stderr, message, archive)
    })
    const ids = await target.client.fetch<string[]>('*[_id in ["evil", "fake", "remote"]]._id')
    assert.equal(ids, [])
  },
)

Transfer.run()
