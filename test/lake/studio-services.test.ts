// The project services the Studio calls besides the content API: answered (not 404) as a local
// lake can truthfully answer them, so the browser console stays clean offline.
import * as assert from 'uvu/assert'
import { lakeSuite } from '../helpers/lake-suite.js'

const { test, t } = lakeSuite('lake: Studio project services')

async function get(path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${t.httpUrl}${path}`)
  return { status: response.status, body: await response.json() }
}

async function post(path: string, body: unknown, token: string | null = t.token) {
  const response = await fetch(`${t.httpUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

test('telemetry is denied, no upsell, no remote help, no legacy schedules, no user applications', async () => {
  assert.equal(await get('/v2023-12-18/intake/telemetry-status'), { status: 200, body: { status: 'denied' } })
  assert.equal(await get('/vX/journey/comments'), { status: 200, body: null })
  assert.equal(await get('/v1/help?m=sanity@5.0.0'), { status: 200, body: {} })
  assert.equal(await get('/v2025-02-19/schedules/local/production?limit=1'), { status: 200, body: { schedules: [] } })
  assert.equal(await get('/v2025-02-19/projects/local/user-applications'), { status: 200, body: [] })
})

test('the latency probe answers with the shard name the Studio reads', async () => {
  const response = await fetch(`${t.httpUrl}/v2025-02-19/data/ping/${t.dataset}`)
  assert.is(response.status, 200)
  assert.is(response.headers.get('x-sanity-shard'), 'local')
  assert.is(await response.text(), 'PONG')
  assert.is((await fetch(`${t.httpUrl}/v2025-02-19/data/ping/nope`)).status, 404, 'an unknown dataset is a 404')
})

test('schema descriptors: claim, upload what is missing, then complete', async () => {
  const field = { id: 'uFieldDescriptor', type: 'sanity.schema.field', name: 'title' }
  const typeDescriptor = { id: 'uTypeDescriptor', type: 'sanity.schema.namedType', name: 'article' }
  const set = { id: 'uSchemaSet', type: 'sanity.schema.registry', keys: [field.id, typeDescriptor.id] }
  const first = await post('/v2025-02-19/descriptors/claim', { descriptorId: set.id, contextKey: 'studio' })
  assert.is(first.status, 200)
  assert.equal(first.body.synchronization, { type: 'incomplete', missingIds: [set.id] })
  const second = await post('/v2025-02-19/descriptors/synchronize', { id: set.id, descriptors: [set] })
  assert.equal(second.body, { type: 'incomplete', missingIds: [field.id, typeDescriptor.id] })
  const third = await post('/v2025-02-19/descriptors/synchronize', { id: set.id, descriptors: [field, typeDescriptor] })
  assert.equal(third.body, { type: 'complete' })
  const again = await post('/v2025-02-19/descriptors/claim', { descriptorId: set.id, contextKey: 'studio' })
  assert.equal(again.body.synchronization, { type: 'complete' }, 'a later Studio start finds it complete')
  const anonymous = await post('/v2025-02-19/descriptors/claim', { descriptorId: set.id }, null)
  assert.is(anonymous.status, 401)
  const bad = await post('/v2025-02-19/descriptors/synchronize', { id: set.id, descriptors: [{ type: 'x' }] })
  assert.is(bad.status, 400)
  assert.match(String((bad.body.error as { description?: string }).description), /descriptors\[0\]/)
})

test.run()
