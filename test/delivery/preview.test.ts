// Reviewing a release through the delivery API: `?perspective=<release>` with the caller's Sanity
// token answers the content as it will be when the release publishes, never from or into the
// shared response cache (`Cache-Control: private, no-store`); without a token (or with one the lake
// refuses) the answer is a 401 problem, and the public answers are untouched.
import * as assert from 'uvu/assert'
import { parsePreviewPerspective, previewTokenProblem } from '../../delivery/http/preview.js'
import { createEditor } from '../../lake/index.js'
import { deliverySuite } from '../helpers/delivery-suite.js'
import { seedFacts, slugOf } from './_seed.js'

const seed = seedFacts()
const articlePath = `/api/v1/articles/${slugOf(seed.article)}`
const REVIEW_TITLE = 'Dry needling: updated for spring'

// Delivery reads with its own (anonymous) client: published content only.
const { test, t } = deliverySuite('delivery: reviewing a release (?perspective=<release>)')
let viewerToken: string

interface Answer {
  status: number
  headers: Headers
  body: Record<string, unknown>
}

async function get(p: string, token?: string): Promise<Answer> {
  const response = await fetch(t.server.url + p, { headers: token ? { authorization: `Bearer ${token}` } : {} })
  const text = await response.text()
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} }
}

const titleOf = (answer: Answer): unknown => (answer.body.data as { title?: unknown } | undefined)?.title

test.before(async () => {
  const { lake } = t
  viewerToken = createEditor(lake.lake, { name: 'Reviewer', email: 'reviewer@example.com', role: 'viewer' }).token
  await lake.client.releases.create({ releaseId: 'spring', metadata: { title: 'Spring update' } })
  const { _id, _rev, _createdAt, _updatedAt, ...article } = seed.article
  void [_id, _rev, _createdAt, _updatedAt]
  await lake.client.createVersion({
    publishedId: seed.article._id,
    releaseId: 'spring',
    document: { ...article, title: REVIEW_TITLE },
  })
  await lake.client.createVersion({
    publishedId: 'article-spring-only',
    releaseId: 'spring',
    document: { ...article, title: 'Only in spring', slug: { _type: 'slug', current: 'only-in-spring' } },
  })
})

test('the public answer is the published article, cached', async () => {
  const first = await get(articlePath)
  assert.is(first.status, 200)
  assert.is(titleOf(first), seed.article.title)
  assert.is((await get(articlePath)).headers.get('x-cache'), 'HIT')
  assert.is((await get('/api/v1/articles/only-in-spring')).status, 404)
})

test('without a token a review is a 401 problem that says what to send', async () => {
  for (const p of [`${articlePath}?perspective=spring`, '/api/v1/articles?perspective=spring']) {
    const answer = await get(p)
    assert.is(answer.status, 401, p)
    assert.match(answer.headers.get('content-type') ?? '', /application\/problem\+json/)
    assert.match(String(answer.body.type), /#problem-preview-unauthorized$/)
    assert.match(String(answer.body.detail), /Authorization: Bearer <token>/)
    assert.match(answer.headers.get('www-authenticate') ?? '', /^Bearer/)
    assert.match(answer.headers.get('cache-control') ?? '', /no-store/)
  }
  const refused = await get(`${articlePath}?perspective=spring`, 'not-a-real-token')
  assert.is(refused.status, 401)
  assert.match(String(refused.body.detail), /does not accept this token/)
})

test('with a token the release is shown over drafts and published, never cached', async () => {
  const entriesBefore = t.server.cache.stats().entries
  for (const token of [t.lake.token, viewerToken]) {
    const answer = await get(`${articlePath}?perspective=spring`, token)
    assert.is(answer.status, 200)
    assert.is(titleOf(answer), REVIEW_TITLE)
    assert.is(answer.headers.get('cache-control'), 'private, no-store')
    assert.is(answer.headers.get('x-cache'), 'BYPASS')
    assert.is(answer.headers.get('x-perspective'), 'spring,drafts')
    assert.match(answer.headers.get('vary') ?? '', /Authorization/)
  }
  // Asked again: still not from the cache (no entry was stored for it).
  assert.is((await get(`${articlePath}?perspective=spring`, t.lake.token)).headers.get('x-cache'), 'BYPASS')
  assert.is(t.server.cache.stats().entries, entriesBefore, 'nothing stored in the shared cache')
  // A document that exists only in the release, and the list.
  const only = await get('/api/v1/articles/only-in-spring?perspective=spring', t.lake.token)
  assert.is(only.status, 200)
  assert.is(titleOf(only), 'Only in spring')
  const list = await get('/api/v1/articles?perspective=spring&limit=50', t.lake.token)
  const titles = ((list.body.data as Array<{ title: string }> | undefined) ?? []).map((a) => a.title)
  assert.ok(titles.includes('Only in spring'), JSON.stringify(titles))
  assert.ok(titles.includes(REVIEW_TITLE))
  assert.ok(!titles.includes(String(seed.article.title)))
  // The public answers did not change.
  const publicAnswer = await get(articlePath)
  assert.is(titleOf(publicAnswer), seed.article.title)
  assert.is(publicAnswer.headers.get('x-cache'), 'HIT')
  assert.match(publicAnswer.headers.get('cache-control') ?? '', /^public/)
  assert.is((await get('/api/v1/articles/only-in-spring')).status, 404)
})

test('a release that unpublishes a document hides it in the review', async () => {
  await t.lake.client.releases.create({ releaseId: 'retire' })
  await t.lake.client.createVersion({ baseId: seed.article._id, publishedId: seed.article._id, releaseId: 'retire' })
  await t.lake.client.unpublishVersion({ publishedId: seed.article._id, releaseId: 'retire' })
  assert.is((await get(`${articlePath}?perspective=retire`, t.lake.token)).status, 404)
  // Stacked over spring (first wins): spring's version shows.
  assert.is(titleOf(await get(`${articlePath}?perspective=spring,retire`, t.lake.token)), REVIEW_TITLE)
  assert.is((await get(articlePath)).status, 200)
})

test('bad perspectives and unknown releases are clear problems', async () => {
  const raw = await get(`${articlePath}?perspective=raw`, t.lake.token)
  assert.is(raw.status, 400)
  assert.match(String(raw.body.detail), /query\.perspective "raw" is not a delivery perspective/)
  const middle = await get(`${articlePath}?perspective=drafts,spring`, t.lake.token)
  assert.is(middle.status, 400)
  assert.match(String(middle.body.detail), /"drafts" may only come last/)
  const odd = await get(`${articlePath}?perspective=${encodeURIComponent('spr ing')}`, t.lake.token)
  assert.is(odd.status, 400)
  const missing = await get(`${articlePath}?perspective=autumn`, t.lake.token)
  assert.is(missing.status, 404)
  assert.match(String(missing.body.type), /#problem-release-not-found$/)
  assert.match(String(missing.body.detail), /"autumn"/)
  // `published` is the public answer, no token needed.
  const published = await get(`${articlePath}?perspective=published`)
  assert.is(published.status, 200)
  assert.is(titleOf(published), seed.article.title)
})

test('drafts alone: the Studio drafts view', async () => {
  const { _id, _rev, _createdAt, _updatedAt, ...article } = seed.article
  void [_id, _rev, _createdAt, _updatedAt]
  await t.lake.client.createOrReplace({ ...article, _id: `drafts.${seed.article._id}`, title: 'Draft title' })
  assert.is(titleOf(await get(`${articlePath}?perspective=drafts`, t.lake.token)), 'Draft title')
  assert.is(titleOf(await get(`${articlePath}?perspective=spring`, t.lake.token)), REVIEW_TITLE)
  assert.is(titleOf(await get(articlePath)), seed.article.title)
})

test('the other content routes take the parameter; the OpenAPI document describes it', async () => {
  for (const p of [
    '/api/v1/clinic?perspective=spring',
    `/api/v1/conditions/${slugOf(seed.tennisElbow)}?perspective=spring`,
    `/api/v1/treatments/${slugOf(seed.treatment)}?perspective=spring`,
    `/api/v1/treatments/${slugOf(seed.treatment)}/care-instructions?perspective=spring`,
    '/api/v1/conditions?perspective=spring',
    '/api/v1/treatments?perspective=spring',
    `/api/v1/faqs?treatment=${slugOf(seed.treatment)}&perspective=spring`,
    '/api/v1/search?q=needling&perspective=spring',
  ]) {
    const answer = await get(p, t.lake.token)
    assert.is(answer.status, 200, `${p}: ${JSON.stringify(answer.body).slice(0, 200)}`)
    assert.is(answer.headers.get('cache-control'), 'private, no-store', p)
    assert.is((await get(p)).status, 401, `${p} without a token`)
  }
  const search = await get('/api/v1/search?q=spring&perspective=spring', t.lake.token)
  assert.ok(JSON.stringify(search.body).includes('Only in spring'), 'search reads the release too')
  const openapi = (await get('/api/v1/openapi.json')).body as {
    paths: Record<string, { get?: { parameters?: Array<{ name: string; in: string; description?: string }> } }>
  }
  for (const p of ['/api/v1/articles', '/api/v1/articles/{slug}', '/api/v1/faqs', '/api/v1/clinic']) {
    const param = openapi.paths[p]?.get?.parameters?.find((x) => x.name === 'perspective')
    assert.ok(param, `${p} documents perspective`)
    assert.is(param?.in, 'query')
    assert.match(param?.description ?? '', /private, no-store/)
  }
})

test('perspective values and source refusals, as the routes read them', () => {
  assert.is(parsePreviewPerspective(undefined), null)
  assert.is(parsePreviewPerspective('published'), null)
  assert.equal(parsePreviewPerspective('spring'), ['spring', 'drafts'])
  assert.equal(parsePreviewPerspective('a,b'), ['a', 'b', 'drafts'])
  assert.equal(parsePreviewPerspective('a,published'), ['a', 'published'])
  assert.equal(parsePreviewPerspective('drafts'), ['drafts'])
  for (const bad of ['raw', 'a,raw', 'published,a', 'a,,b', 'previewDrafts', 'x'.repeat(65)])
    assert.throws(() => parsePreviewPerspective(bad), /query\.perspective/, bad)
  assert.is(previewTokenProblem({ statusCode: 401 })?.status, 401)
  assert.is(previewTokenProblem({ statusCode: 403 })?.status, 403)
  // A rate limit on the caller's token is answered as one, not taken for an outage of the source.
  assert.is(previewTokenProblem({ statusCode: 429 })?.status, 429)
  assert.is(previewTokenProblem({ statusCode: 503 }), null)
})

test.run()
