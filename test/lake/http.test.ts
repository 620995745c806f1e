import * as assert from 'uvu/assert'
import { lakeSuite } from '../helpers/lake-suite.js'

const { test, t } = lakeSuite('lake: plain HTTP, errors, identity, CORS, history')

function post(path: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${t.httpUrl}${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${t.token}`, ...headers },
  })
}

async function errorBody(
  res: Response,
): Promise<{ description: string; type: string; items?: Array<{ error: { description: string }; index: number }> }> {
  const body = (await res.json()) as { error: { description: string; type: string } }
  assert.type(body.error, 'object', 'Sanity error shape {error: {...}}')
  assert.type(body.error.description, 'string')
  return body.error
}

test('malformed JSON is a 400 saying so', async () => {
  const res = await post('/v2025-02-19/data/mutate/production', '{"mutations": [')
  assert.is(res.status, 400)
  assert.match((await errorBody(res)).description, /not valid JSON/)
})

test('an unknown mutation type is a 400 naming it', async () => {
  const res = await post(
    '/v2025-02-19/data/mutate/production',
    JSON.stringify({ mutations: [{ upsert: { _id: 'x', _type: 'y' } }] }),
  )
  assert.is(res.status, 400)
  const error = await errorBody(res)
  assert.is(error.type, 'mutationError')
  assert.match(error.description, /unknown type "upsert"/)
  assert.is(error.items?.[0].index, 0)
})

test('an unknown patch operation and a missing mutations array are 400s', async () => {
  const res = await post(
    '/v2025-02-19/data/mutate/production',
    JSON.stringify({ mutations: [{ patch: { id: 'x', explode: {} } }] }),
  )
  assert.is(res.status, 400)
  assert.match((await errorBody(res)).description, /unknown operation "explode"/)
  const res2 = await post('/v2025-02-19/data/mutate/production', JSON.stringify({ mutation: [] }))
  assert.is(res2.status, 400)
  assert.match((await errorBody(res2)).description, /"mutations" must be an array/)
})

test('invalid ids are rejected with the reason', async () => {
  for (const [id, why] of [
    ['has space', /contains " "/],
    ['-dash', /must not start with "-"/],
    ['a..b', /empty path segment/],
    ['x'.repeat(129), /at most 128/],
  ] as const) {
    const res = await post(
      '/v2025-02-19/data/mutate/production',
      JSON.stringify({ mutations: [{ create: { _id: id, _type: 'note' } }] }),
    )
    assert.is(res.status, 400, id)
    assert.match((await errorBody(res)).description, why)
  }
  const res = await post(
    '/v2025-02-19/data/mutate/production',
    JSON.stringify({ mutations: [{ create: { _id: 'ok-id' } }] }),
  )
  assert.is(res.status, 400)
  assert.match((await errorBody(res)).description, /_type must be a non-empty string/)
})

test('an oversized body is a 413', async () => {
  const big = JSON.stringify({
    mutations: [{ create: { _id: 'big', _type: 'note', text: 'x'.repeat(5 * 1024 * 1024) } }],
  })
  const res = await post('/v2025-02-19/data/mutate/production', big)
  assert.is(res.status, 413)
  assert.match((await errorBody(res)).description, /larger than the limit/)
})

test('anonymous writes are 401; a bad token is 401; nothing is written', async () => {
  const res = await post(
    '/v2025-02-19/data/mutate/production',
    JSON.stringify({ mutations: [{ create: { _id: 'anon', _type: 'note' } }] }),
    { authorization: '' },
  )
  assert.is(res.status, 401)
  assert.match((await errorBody(res)).description, /needs an editor token/)
  const bad = await post(
    '/v2025-02-19/data/mutate/production',
    JSON.stringify({ mutations: [{ create: { _id: 'anon', _type: 'note' } }] }),
    { authorization: 'Bearer nope' },
  )
  assert.is(bad.status, 401)
  assert.is(await t.client.getDocument('anon'), undefined)
  try {
    await t.anonymousClient.create({ _id: 'anon', _type: 'note' })
    assert.unreachable()
  } catch (err) {
    assert.is((err as { statusCode: number }).statusCode, 401)
  }
})

test('a viewer reads drafts but cannot write (403)', async () => {
  const user = t.lake.accounts.createUser({ name: 'Viewer', email: 'viewer@clinic.test', role: 'viewer' })
  const { token } = t.lake.accounts.issueToken(user.id)
  await t.client.create({ _id: 'drafts.v1', _type: 'note' })
  const viewer = t.makeClient({ token })
  assert.is(await viewer.fetch('count(*[_id == "drafts.v1"])', {}, { perspective: 'raw' }), 1)
  try {
    await viewer.create({ _type: 'note' })
    assert.unreachable()
  } catch (err) {
    assert.is((err as { statusCode: number }).statusCode, 403)
  }
})

test('any API version prefix works; a bad prefix is a 404', async () => {
  for (const v of ['v1', 'vX', 'v2021-06-07', 'v2025-02-19', 'v2026-05-04']) {
    const res = await fetch(`${t.httpUrl}/${v}/data/query/production?query=1`)
    assert.is(res.status, 200, v)
  }
  const res = await fetch(`${t.httpUrl}/version2/data/query/production?query=1`)
  assert.is(res.status, 404)
  assert.match((await errorBody(res)).description, /not an API version/)
})

test('/data/doc lists omitted ids with a reason; anonymous drafts are omitted for permission', async () => {
  await t.client.create({ _id: 'doc1', _type: 'note' })
  await t.client.create({ _id: 'drafts.doc1', _type: 'note' })
  const res = await fetch(`${t.httpUrl}/v2025-02-19/data/doc/production/doc1,drafts.doc1,missing`)
  const body = (await res.json()) as {
    documents: Array<{ _id: string }>
    omitted: Array<{ id: string; reason: string }>
  }
  assert.equal(
    body.documents.map((d) => d._id),
    ['doc1'],
  )
  assert.equal(body.omitted, [
    { id: 'drafts.doc1', reason: 'permission' },
    { id: 'missing', reason: 'existence' },
  ])
})

test('/users/me, ACL, /ping, /features', async () => {
  const me = await t.client.request<{ id: string; email: string; role: string; roles: unknown[] }>({ uri: '/users/me' })
  assert.type(me.id, 'string')
  assert.is(me.role, 'administrator')
  assert.is(me.roles.length, 1)
  assert.equal(await t.anonymousClient.request({ uri: '/users/me' }), {})
  const acl = await t.client.request<Array<{ filter: string; permissions: string[] }>>({
    uri: `/projects/local/datasets/production/acl`,
  })
  assert.ok(acl[0].permissions.includes('update'))
  assert.is(await (await fetch(`${t.httpUrl}/v2025-02-19/ping`)).text(), 'PONG')
  assert.is(await (await fetch(`${t.httpUrl}/ping`)).text(), 'PONG')
  // Comments, tasks and content releases are on (the Studio shows upsell screens otherwise).
  assert.equal(await (await fetch(`${t.httpUrl}/vX/features`)).json(), [
    'studioComments',
    'sanityTasks',
    'contentReleases',
    'singleDocRelease',
  ])
})

test('CORS: OPTIONS 204 echoing origin and requested headers; SSE carries the headers too', async () => {
  const res = await fetch(`${t.httpUrl}/v2025-02-19/data/query/production`, {
    method: 'OPTIONS',
    headers: { origin: 'https://local.localhost:3334', 'access-control-request-headers': 'authorization,x-sanity-app' },
  })
  assert.is(res.status, 204)
  assert.is(res.headers.get('access-control-allow-origin'), 'https://local.localhost:3334')
  assert.is(res.headers.get('access-control-allow-credentials'), 'true')
  assert.is(res.headers.get('access-control-allow-headers'), 'authorization,x-sanity-app')
  const controller = new AbortController()
  const sse = await fetch(`${t.httpUrl}/vX/data/listen/production?query=*`, {
    headers: { origin: 'http://localhost:3333' },
    signal: controller.signal,
  })
  assert.is(sse.headers.get('access-control-allow-origin'), 'http://localhost:3333')
  controller.abort()
  const foreign = await fetch(`${t.httpUrl}/vX/ping`, { headers: { origin: 'https://evil.example' } })
  assert.is(foreign.headers.get('access-control-allow-origin'), null)
})

test('history: revisions by id, document at a revision, transactions NDJSON with mendoza effects, events', async () => {
  const a = await t.client.create({ _id: 'h1', _type: 'note', n: 1 })
  const b = await t.client.patch('h1').set({ n: 2 }).commit()
  const auth = { authorization: `Bearer ${t.token}` }
  const history = (path: string) => fetch(`${t.httpUrl}/v2025-02-19/data/history/production/${path}`, { headers: auth })
  const old = (await (await history(`documents/h1?revision=${a._rev}`)).json()) as {
    documents: Array<{ n: number; _rev: string }>
  }
  assert.is(old.documents[0].n, 1)
  assert.is(old.documents[0]._rev, a._rev)
  const txs = await history('transactions/h1,drafts.h1?excludeContent=true&effectFormat=mendoza&reverse=true')
  const lines = (await txs.text())
    .trim()
    .split('\n')
    .map(
      (l) =>
        JSON.parse(l) as {
          id: string
          author: string
          mutations?: unknown
          effects: Record<string, { apply: unknown[]; revert: unknown[] }>
        },
    )
  assert.equal(
    lines.map((l) => l.id),
    [b._rev, a._rev],
    'newest first',
  )
  assert.is(lines[0].mutations, undefined)
  const { applyPatch } = await import('mendoza')
  assert.equal(applyPatch(old.documents[0], lines[0].effects.h1.apply), b)
  const me = await t.client.request<{ id: string }>({ uri: '/users/me' })
  assert.is(lines[0].author, me.id)
  const window = (await (await history(`transactions/h1?toTransaction=${a._rev}&reverse=true`)).text())
    .trim()
    .split('\n')
  assert.is(window.length, 1, 'toTransaction is inclusive and bounds the window')

  await t.client.action(
    { actionType: 'sanity.action.document.edit', draftId: 'drafts.h1', publishedId: 'h1', patch: { set: { n: 3 } } },
    { transactionId: 'h1-edit' },
  )
  await t.client.action(
    { actionType: 'sanity.action.document.publish', draftId: 'drafts.h1', publishedId: 'h1' },
    { transactionId: 'h1-publish' },
  )
  const ev = (await (await history('events/documents/h1')).json()) as {
    events: Record<string, Array<{ type: string; id: string }>>
    nextCursor: string
  }
  assert.equal(ev.events.h1.map((e) => [e.type, e.id]).slice(0, 2), [
    ['publishDocumentVersion', 'h1-publish'],
    ['createDocumentVersion', 'h1-edit'],
  ])
  const anon = await fetch(`${t.httpUrl}/v2025-02-19/data/history/production/documents/drafts.h1`)
  assert.is(anon.status, 401)
})

test('an unknown path is a 404 in Sanity error shape', async () => {
  const res = await fetch(`${t.httpUrl}/v2025-02-19/data/nothing/production`)
  assert.is(res.status, 404)
  assert.match((await errorBody(res)).description, /no such endpoint/)
})

test.run()
