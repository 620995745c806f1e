// A content source that hangs (a hosted API timing out): with a cached copy, delivery answers
// within `staleAfterMs` with the copy marked stale instead of waiting for the client timeout;
// /health says degraded; when the source answers again the fresh content is served.
// The source is a minimal stand-in speaking the query endpoint's shape, so it can be made to hang.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createDeliveryClient } from '../../delivery/client.js'
import { startDeliveryServer, type DeliveryServer } from '../../delivery/http/server.js'

const test = suite('delivery: slow content source')
let mode: 'ok' | 'hang' = 'ok'
let title = 'First title'
const hanging: http.ServerResponse[] = []
const source = http.createServer((request, response) => {
  if (mode === 'hang') {
    hanging.push(response)
    return
  }
  const query = new URL(request.url ?? '/', 'http://source').searchParams.get('query') ?? ''
  const result = query.startsWith('*[_type == "article"')
    ? {
        _id: 'a',
        _type: 'article',
        _updatedAt: '2026-01-01T00:00:00Z',
        title,
        slug: 'an-article',
        body: [],
        faqs: [],
        careInstructions: [],
      }
    : query.startsWith('count(')
      ? 1
      : null
  response.writeHead(200, { 'content-type': 'application/json' })
  response.end(JSON.stringify({ query, result, ms: 1 }))
})
let server: DeliveryServer

test.before(async () => {
  await new Promise<void>((resolve) => source.listen(0, '127.0.0.1', resolve))
  const port = (source.address() as AddressInfo).port
  const client = createDeliveryClient({ kind: 'local', lakeUrl: `http://127.0.0.1:${port}`, dataset: 'production' })
  server = await startDeliveryServer({ client, port: 0, listen: false, staleAfterMs: 300, probeTimeoutMs: 300 })
})
test.after(async () => {
  for (const response of hanging) response.destroy()
  await server.close()
  source.closeAllConnections()
  source.close()
})

async function get(path: string) {
  const started = Date.now()
  const response = await fetch(server.url + path)
  const body = (await response.json()) as Record<string, unknown>
  return { status: response.status, cache: response.headers.get('x-cache'), body, ms: Date.now() - started }
}

test('hang: the cached copy is served stale without waiting for the client timeout; then recovery', async () => {
  const first = await get('/api/v1/articles/an-article')
  assert.is(first.status, 200)
  assert.is((first.body.data as { title: string }).title, 'First title')

  server.cache.invalidateAll() // a publish was announced...
  mode = 'hang' // ...and then the source stops answering
  const stale = await get('/api/v1/articles/an-article')
  assert.is(stale.status, 200)
  assert.is(stale.cache, 'STALE')
  assert.is((stale.body.data as { title: string }).title, 'First title')
  assert.ok(stale.ms < 5_000, `answered in ${stale.ms} ms, before the 5 s client timeout`)

  const health = await get('/health')
  assert.is(health.body.status, 'degraded')
  const again = await get('/api/v1/articles/an-article')
  assert.is(again.cache, 'STALE', 'still stale while the source hangs')

  for (const response of hanging.splice(0)) response.destroy()
  title = 'Second title'
  mode = 'ok'
  const started = Date.now()
  for (;;) {
    const r = await get('/api/v1/articles/an-article')
    if (r.cache !== 'STALE' && (r.body.data as { title: string }).title === 'Second title') break
    if (Date.now() - started > 15_000) throw new Error('no recovery within 15 s')
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  assert.is((await get('/health')).body.status, 'ok')
})

test.run()
