// /preview/visual-editing.js over real HTTP: served as JavaScript with an ETag (304 on a match),
// under its content hash for a year, and a 503 problem saying how to build it when it is not built.
import * as assert from 'uvu/assert'
import { VISUAL_EDITING_PATH, visualEditingRoutes } from '../../delivery/http/routes/visual-editing/index.js'
import { deliverySuite } from '../helpers/delivery-suite.js'

let bundle: () => Promise<string> = async () => 'console.log("v1")'

const { test, t } = deliverySuite('delivery: the visual editing script', {
  extraRoutes: async (app) => {
    await app.register(visualEditingRoutes, { bundle: () => bundle() })
  },
})

const get = (path: string, headers: Record<string, string> = {}) => fetch(t.server.url + path, { headers })

test('served as JavaScript, revalidated by ETag', async () => {
  const response = await get(VISUAL_EDITING_PATH)
  assert.is(response.status, 200)
  assert.match(response.headers.get('content-type') ?? '', /^text\/javascript/)
  assert.is(await response.text(), 'console.log("v1")')
  const etag = response.headers.get('etag')
  assert.match(etag ?? '', /^"[0-9a-f]{16}"$/)
  assert.match(response.headers.get('cache-control') ?? '', /must-revalidate/)
  assert.is(response.headers.get('x-content-type-options'), 'nosniff')
  const again = await get(VISUAL_EDITING_PATH, { 'if-none-match': etag ?? '' })
  assert.is(again.status, 304)
  assert.is(await again.text(), '')
})

test('the hashed name is cached for a year; an old hash is a 404', async () => {
  const etag = (await get(VISUAL_EDITING_PATH)).headers.get('etag')?.replaceAll('"', '')
  const hashed = await get(`/preview/visual-editing.${etag}.js`)
  assert.is(hashed.status, 200)
  assert.match(hashed.headers.get('cache-control') ?? '', /max-age=31536000, immutable/)
  bundle = async () => 'console.log("v2")'
  const old = await get(`/preview/visual-editing.${etag}.js`)
  assert.is(old.status, 404)
  assert.match(await old.text(), /visual-editing\.js/)
  const fresh = await get(VISUAL_EDITING_PATH)
  assert.is(await fresh.text(), 'console.log("v2")', 'a rebuilt script is served at once')
  assert.is((await get('/preview/nothing.js')).status, 404)
})

test('not built: a 503 problem that says how to build it', async () => {
  bundle = async () => {
    throw new Error('dist/visual-editing/visual-editing.js does not exist: run "npm run build:visual-editing".')
  }
  const response = await get(VISUAL_EDITING_PATH)
  assert.is(response.status, 503)
  assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/)
  const body = (await response.json()) as { type: string; detail: string }
  assert.match(body.type, /preview-script-unavailable$/)
  assert.match(body.detail, /npm run build:visual-editing/)
})

test.run()
