import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startTestLake, type TestLake } from '../helpers/lake.js'

const test = suite('lake: queries and perspectives')
let t: TestLake

test.before(async () => {
  t = await startTestLake()
  await t.client
    .transaction()
    .create({ _id: 'q-pub', _type: 'article', title: 'Published title', slug: { current: 'pub' } })
    .create({ _id: 'drafts.q-pub', _type: 'article', title: 'Draft title', slug: { current: 'pub' } })
    .create({ _id: 'drafts.q-new', _type: 'article', title: 'Never published' })
    .create({ _id: 'versions.spring.q-pub', _type: 'article', title: 'Release title' })
    .create({ _id: 'secrets.q-key', _type: 'apiKey', hash: 'not for the public' })
    .commit()
})
test.after(async () => {
  await t.close()
})

const ids = (docs: Array<{ _id: string }>): string[] => docs.map((d) => d._id).sort()

test('raw perspective: an editor sees published, drafts and versions', async () => {
  const docs = await t.client.fetch<Array<{ _id: string }>>('*[_type == "article"]', {}, { perspective: 'raw' })
  assert.equal(ids(docs), ['drafts.q-new', 'drafts.q-pub', 'q-pub', 'versions.spring.q-pub'])
})

test('published perspective (default at 2025-02-19): no drafts, no versions, also for editors', async () => {
  assert.equal(ids(await t.client.fetch('*[_type == "article"]')), ['q-pub'])
  assert.equal(ids(await t.client.fetch('*[_type == "article"]', {}, { perspective: 'published' })), ['q-pub'])
})

test('drafts perspective: a draft stands in for its published document with _originalId', async () => {
  const docs = await t.client.fetch<Array<{ _id: string; title: string; _originalId?: string }>>(
    '*[_type == "article"] | order(_id)',
    {},
    { perspective: 'drafts' },
  )
  assert.equal(
    docs.map((d) => [d._id, d.title, d._originalId]),
    [
      ['q-new', 'Never published', 'drafts.q-new'],
      ['q-pub', 'Draft title', 'drafts.q-pub'],
    ],
  )
  const legacy = await t.client.fetch('*[_type == "article"]._id', {}, { perspective: 'previewDrafts' })
  assert.equal([...(legacy as string[])].sort(), ['q-new', 'q-pub'])
})

test('release stack perspective: release over drafts over published', async () => {
  const title = await t.client.fetch('*[_id == "q-pub"][0].title', {}, { perspective: ['spring', 'drafts'] })
  assert.is(title, 'Release title')
})

test('anonymous: drafts and versions are invisible under every perspective', async () => {
  for (const perspective of ['raw', 'published', 'drafts', 'previewDrafts'] as const) {
    const docs = await t.anonymousClient.fetch<Array<{ _id: string; title: string }>>(
      '*[_type == "article"]',
      {},
      { perspective },
    )
    assert.equal(
      docs.map((d) => [d._id, d.title]),
      [['q-pub', 'Published title']],
      perspective,
    )
  }
  assert.is(await t.anonymousClient.fetch('count(*[_id in path("drafts.**")])', {}, { perspective: 'raw' }), 0)
  const direct = await t.anonymousClient.getDocument('drafts.q-pub')
  assert.is(direct, undefined)
})

test('any dotted id is a private path: editors read it, anonymous callers never do', async () => {
  assert.is(await t.client.fetch('*[_id == "secrets.q-key"][0].hash'), 'not for the public')
  for (const perspective of ['raw', 'published', 'drafts'] as const) {
    assert.is(await t.anonymousClient.fetch('count(*[_type == "apiKey"])', {}, { perspective }), 0, perspective)
  }
  assert.is(await t.anonymousClient.getDocument('secrets.q-key'), undefined)
  const acl = await fetch(`${t.httpUrl}/v2025-02-19/projects/${t.client.config().projectId}/datasets/production/acl`)
  assert.equal(await acl.json(), [{ filter: '_id in path("*")', permissions: ['read'] }])
})

test('without a perspective, an older API version answers raw for editors', async () => {
  const old = t.makeClient({ apiVersion: '2021-06-07' })
  const docs = await old.fetch<Array<{ _id: string }>>('*[_type == "article"]')
  assert.is(docs.length, 4)
})

test('params: GET with $params, POST for long queries, returnQuery', async () => {
  assert.is(await t.client.fetch('*[slug.current == $slug][0].title', { slug: 'pub' }), 'Published title')
  const long = `*[_type == $type && title != "${'x'.repeat(12000)}"][0].title`
  assert.is(await t.client.fetch(long, { type: 'article' }), 'Published title')
  const res = await fetch(
    `${t.httpUrl}/v2025-02-19/data/query/production?query=${encodeURIComponent('count(*)')}&returnQuery=false`,
  )
  const body = (await res.json()) as Record<string, unknown>
  assert.is(body.query, undefined)
  assert.is(body.result, 1)
  assert.type(body.ms, 'number')
})

test('a GROQ syntax error answers 400 queryParseError with the position', async () => {
  const res = await fetch(`${t.httpUrl}/v2025-02-19/data/query/production?query=${encodeURIComponent('*[_type == ]')}`)
  assert.is(res.status, 400)
  const body = (await res.json()) as {
    error: { type: string; start: number; end: number; query: string; description: string }
  }
  assert.is(body.error.type, 'queryParseError')
  assert.is(body.error.query, '*[_type == ]')
  assert.ok(body.error.start >= 10 && body.error.start <= 11, 'points at the missing operand')
  assert.ok(body.error.end > body.error.start)
  try {
    await t.client.fetch('*[_type == ]')
    assert.unreachable('should fail')
  } catch (err) {
    assert.match((err as Error).message, /GROQ query parse error/)
  }
})

test('a param that is not JSON is a clear 400', async () => {
  const res = await fetch(
    `${t.httpUrl}/v2025-02-19/data/query/production?query=${encodeURIComponent('*[_id == $id]')}&$id=notjson`,
  )
  assert.is(res.status, 400)
  const body = (await res.json()) as { error: { description: string } }
  assert.match(body.error.description, /\$id must be JSON-encoded/)
})

test('an unknown perspective is a 400', async () => {
  const res = await fetch(
    `${t.httpUrl}/v2025-02-19/data/query/production?query=1&perspective=${encodeURIComponent('bad perspective!')}`,
    {
      headers: { authorization: `Bearer ${t.token}` },
    },
  )
  assert.is(res.status, 400)
})

test('identity() and sanity::dataset() work', async () => {
  const me = await t.client.request<{ id: string }>({ uri: '/users/me' })
  assert.is(await t.client.fetch('identity()'), me.id)
  assert.is(await t.client.fetch('sanity::dataset()'), 'production')
})

test.run()
