// The delivery server's one error handler: a 500 never carries the error's text (it is logged
// on the server with the request id the body names), a content source that refuses our query is
// our fault (500), not the caller's, and validation problems state the whole rule.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createClient } from '@sanity/client'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { type DeliveryServer, startDeliveryServer } from '../../delivery/http/server.js'

const test = suite('delivery: error answers')
const SECRET = 'SECRET-INTERNAL-DETAIL /srv/clinic/lake.sqlite *[_type == "partner"]'
let source: http.Server
let server: DeliveryServer
const logged: Array<{ error: unknown; requestId: string }> = []

test.before(async () => {
  // A content source that refuses every query with an error body holding internal text.
  source = http.createServer((_req, res) => {
    res.writeHead(400, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ error: { description: SECRET, type: 'queryParseError' } }))
  })
  await new Promise<void>((resolve) => source.listen(0, '127.0.0.1', () => resolve()))
  const port = (source.address() as AddressInfo).port
  const client = createClient({
    projectId: 'local',
    dataset: 'production',
    apiVersion: '2025-02-19',
    apiHost: `http://127.0.0.1:${port}`,
    useProjectHostname: false,
    useCdn: false,
  })
  server = await startDeliveryServer({
    client,
    port: 0,
    listen: false,
    logError: (error, request) => logged.push({ error, requestId: String(request.id) }),
    extraRoutes: async (app) => {
      app.get('/boom', { schema: { hide: true } }, async () => {
        throw new Error(SECRET)
      })
    },
  })
})
test.after(async () => {
  await server?.close()
  await new Promise<void>((resolve) => source.close(() => resolve()))
})

async function problemAt(path: string): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
  const response = await fetch(`${server.url}${path}`)
  const text = await response.text()
  assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/)
  assert.is(response.headers.get('cache-control'), 'no-store')
  return { status: response.status, body: JSON.parse(text) as Record<string, unknown>, text }
}

test('an unexpected error is a 500 without its text, logged with the request id the body names', async () => {
  const before = logged.length
  const { status, body, text } = await problemAt('/boom')
  assert.is(status, 500)
  assert.is(body.type, '/api/docs#problem-internal-error')
  assert.not.match(text, /SECRET|sqlite|partner/)
  assert.is(logged.length, before + 1)
  const entry = logged[logged.length - 1]!
  assert.match(String((entry.error as Error).message), /SECRET-INTERNAL-DETAIL/)
  assert.is(body.requestId, entry.requestId)
  assert.ok(String(body.detail).includes(entry.requestId), 'the detail names the logged request id')
})

test('without a logger or logError, the error still reaches stderr', async () => {
  const quiet = await startDeliveryServer({
    client: createClient({ projectId: 'local', dataset: 'production', apiVersion: '2025-02-19', useCdn: false }),
    port: 0,
    listen: false,
    extraRoutes: async (app) => {
      app.get('/boom', { schema: { hide: true } }, async () => {
        throw new Error(SECRET)
      })
    },
  })
  const printed: unknown[][] = []
  const original = console.error
  console.error = (...args: unknown[]) => void printed.push(args)
  try {
    const response = await fetch(`${quiet.url}/boom`)
    assert.is(response.status, 500)
    assert.not.match(await response.text(), /SECRET/)
  } finally {
    console.error = original
    await quiet.close()
  }
  assert.ok(
    printed.some((args) => args.some((a) => a instanceof Error && a.message.includes('SECRET-INTERNAL-DETAIL'))),
    'the error was printed',
  )
})

test('a query the content source refuses is a 500 of ours, without the source error text', async () => {
  for (const path of ['/api/v1/articles', '/api/v1/articles/some-slug', '/api/v1/conditions']) {
    const { status, text } = await problemAt(path)
    assert.is(status, 500, path)
    assert.not.match(text, /SECRET|queryParseError/, path)
  }
})

test('bad parameters: one entry per parameter, bounded numbers state the whole rule', async () => {
  const { status, body } = await problemAt('/api/v1/articles?limit=0&colour=red')
  assert.is(status, 400)
  assert.equal(body.errors, [
    { parameter: 'query.colour', message: 'is not a parameter of this resource: remove it (see /api/docs)' },
    { parameter: 'query.limit', message: 'must be a whole number from 1 to 50, got "0"' },
  ])
  const many = await problemAt('/api/v1/articles?limit=many')
  assert.equal(many.body.errors, [
    { parameter: 'query.limit', message: 'must be a whole number from 1 to 50, got "many"' },
  ])
})

test.run()
