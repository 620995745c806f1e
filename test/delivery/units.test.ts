// Delivery building blocks without a lake: configuration, the client's settings as sent over the
// wire (API version, perspective, request tags), the response cache, the webhook verifier's replay
// window, and the input normalizers.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { encodeSignatureHeader, SIGNATURE_HEADER_NAME } from '@sanity/webhook'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createDeliveryClient, DELIVERY_API_VERSION } from '../../delivery/client.js'
import { ConfigError, loadDeliveryConfig } from '../../delivery/config.js'
import { ResponseCache } from '../../delivery/cache/response-cache.js'
import { cacheKeyOfUrl, etagOf, etagOfBytes } from '../../delivery/http/respond.js'
import { isSourceUnavailable } from '../../delivery/cache/source-health.js'
import { WebhookVerifier } from '../../delivery/cache/webhook.js'
import {
  decodeCursor,
  encodeCursor,
  getArticleBySlug,
  normalizeIcd10Code,
  searchTerms,
} from '../../delivery/content/index.js'

const config = suite('delivery: configuration and client')

config('defaults read the local lake; a project id switches to hosted Sanity with the CDN', () => {
  const local = loadDeliveryConfig({})
  assert.equal(local.source, {
    kind: 'local',
    lakeUrl: 'http://127.0.0.1:3333',
    dataset: 'production',
    token: undefined,
  })
  assert.is(local.port, 3000)
  assert.is(local.host, '127.0.0.1')
  assert.is(local.sourceConcurrency, 4, "the lake's anonymous per-caller queue")
  assert.is(loadDeliveryConfig({ DELIVERY_SOURCE_CONCURRENCY: '16' }).sourceConcurrency, 16)
  const hosted = loadDeliveryConfig({
    SANITY_PROJECT_ID: 'abc123',
    SANITY_DATASET: 'staging',
    SANITY_API_TOKEN: 'sk-secret',
    DELIVERY_PORT: '0',
  })
  assert.equal(hosted.source, {
    kind: 'hosted',
    projectId: 'abc123',
    dataset: 'staging',
    token: 'sk-secret',
    useCdn: true,
  })
  assert.is(hosted.port, 0)
  assert.is(hosted.cacheTtlSeconds, 60, 'without a webhook, hosted responses refresh after a minute')
  assert.is(
    loadDeliveryConfig({ SANITY_PROJECT_ID: 'abc123', SANITY_WEBHOOK_SECRET: 'x'.repeat(20) }).cacheTtlSeconds,
    3600,
  )
  assert.is(loadDeliveryConfig({ SANITY_PROJECT_ID: 'abc123', SANITY_USE_CDN: 'false' }).source.kind === 'hosted', true)
})

config('bad settings fail with the variable name and the fix', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ DELIVERY_PORT: 'eighty' }, /DELIVERY_PORT="eighty".*0 to 65535/],
    [{ DELIVERY_PORT: '70000' }, /DELIVERY_PORT/],
    [{ SANITY_DATASET: 'Prod Data' }, /SANITY_DATASET="Prod Data".*lowercase/],
    [{ SANITY_PROJECT_ID: 'My Project' }, /SANITY_PROJECT_ID/],
    [{ LAKE_URL: 'ftp://lake' }, /LAKE_URL.*http/],
    [{ SANITY_PROJECT_ID: 'abc', SANITY_USE_CDN: 'maybe' }, /SANITY_USE_CDN.*true or false/],
    [{ DELIVERY_SOURCE_CONCURRENCY: '0' }, /DELIVERY_SOURCE_CONCURRENCY="0".*1 to 1024/],
    [{ DELIVERY_SOURCE_CONCURRENCY: 'many' }, /DELIVERY_SOURCE_CONCURRENCY="many"/],
  ]
  for (const [env, message] of cases) {
    try {
      loadDeliveryConfig(env)
      assert.unreachable(`${JSON.stringify(env)} should be refused`)
    } catch (error) {
      assert.instance(error, ConfigError)
      assert.match((error as Error).message, message)
    }
  }
})

config('clients: pinned API version, published perspective, CDN only for hosted reads', () => {
  const local = createDeliveryClient({
    kind: 'local',
    lakeUrl: 'http://127.0.0.1:3333',
    dataset: 'production',
  }).config()
  assert.is(local.apiVersion, DELIVERY_API_VERSION)
  assert.is(local.perspective, 'published')
  assert.is(local.useCdn, false)
  assert.is(local.useProjectHostname, false)
  assert.is(local.apiHost, 'http://127.0.0.1:3333')
  const hosted = createDeliveryClient({
    kind: 'hosted',
    projectId: 'abc123',
    dataset: 'production',
    useCdn: true,
  }).config()
  assert.is(hosted.useCdn, true)
  assert.is(hosted.perspective, 'published')
  assert.match(String((hosted as { cdnUrl?: string }).cdnUrl), /abc123\.apicdn\.sanity\.io\/v2025-02-19/)
})

config('on the wire: every query is tagged, published, pinned and parameterized', async () => {
  const seen: URL[] = []
  const fake = http.createServer((request, response) => {
    seen.push(new URL(request.url ?? '/', 'http://fake'))
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end(JSON.stringify({ query: '', result: null, ms: 1 }))
  })
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve))
  try {
    const port = (fake.address() as AddressInfo).port
    const client = createDeliveryClient({ kind: 'local', lakeUrl: `http://127.0.0.1:${port}`, dataset: 'production' })
    const result = await getArticleBySlug(client, 'x"] || true || ["')
      .then(() => 'no error')
      .catch((e: Error) => e.name)
    assert.is(result, 'InvalidInputError', 'a slug with GROQ syntax never reaches the lake')
    assert.equal(await getArticleBySlug(client, 'some-slug'), { found: false, resource: 'article', key: 'some-slug' })
    const url = seen.at(-1)!
    assert.is(url.pathname, `/v${DELIVERY_API_VERSION}/data/query/production`)
    assert.is(url.searchParams.get('tag'), 'clinic.delivery.article-by-slug')
    assert.is(url.searchParams.get('perspective'), 'published')
    assert.is(url.searchParams.get('$slug'), '"some-slug"', 'the value travels as a $param')
    assert.not.ok(url.searchParams.get('query')?.includes('some-slug'), 'never spliced into the query text')
  } finally {
    fake.close()
  }
})

config('source errors: network failures and 5xx count as an outage; 4xx and bugs do not', () => {
  assert.ok(
    isSourceUnavailable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', request: {} })),
  )
  assert.ok(isSourceUnavailable({ statusCode: 503 }))
  assert.ok(isSourceUnavailable({ statusCode: 429 }))
  assert.not.ok(isSourceUnavailable({ statusCode: 400 }))
  assert.not.ok(isSourceUnavailable(new TypeError('x is undefined')))
})

config.run()

const cache = suite('delivery: response cache')
const response = (body: string) => ({ status: 200, contentType: 'application/json', body, etag: `"${body}"` })

cache('bounded: least recently used entries are evicted', () => {
  const c = new ResponseCache({ maxEntries: 3, ttlMs: 60_000 })
  c.set('a', response('1'))
  c.set('b', response('2'))
  c.set('c', response('3'))
  c.get('a')
  c.set('d', response('4'))
  assert.is(c.size, 3)
  assert.is(c.get('b'), undefined, 'b was the least recently used')
  assert.ok(c.get('a')?.fresh)
  const bytes = new ResponseCache({ maxEntries: 100, ttlMs: 60_000, maxBytes: 10_000 })
  for (let i = 0; i < 10; i++) bytes.set(`k${i}`, response('x'.repeat(2_000)))
  assert.ok(bytes.size < 10 && bytes.stats().bytes <= 10_000, 'the byte budget holds')
})

cache('invalidation keeps copies but marks them stale; a fetch that raced a publish is stored stale', () => {
  let now = 1_000
  const c = new ResponseCache({ maxEntries: 10, ttlMs: 5_000, now: () => now })
  c.set('a', response('1'))
  const generation = c.generation
  c.invalidateAll()
  assert.equal(c.get('a')?.fresh, false)
  assert.is(c.get('a')?.response.body, '1', 'kept for outages')
  c.set('b', response('2'), generation)
  assert.equal(c.get('b')?.fresh, false, 'produced before the invalidation')
  c.set('c', response('3'))
  assert.ok(c.get('c')?.fresh)
  now += 5_001
  assert.equal(c.get('c')?.fresh, false, 'older than the TTL')
})

cache('freshHit: only fresh entries, counted as hits; stale or missing ones count nothing', () => {
  let now = 1_000
  const c = new ResponseCache({ maxEntries: 10, ttlMs: 5_000, now: () => now })
  assert.is(c.freshHit('a'), undefined)
  c.set('a', response('1'))
  assert.is(c.freshHit('a')?.body, '1')
  assert.equal([c.stats().hits, c.stats().misses], [1, 0])
  c.invalidateAll()
  assert.is(c.freshHit('a'), undefined, 'stale after an invalidation')
  c.set('b', response('2'))
  now += 5_001
  assert.is(c.freshHit('b'), undefined, 'stale after the TTL')
  assert.equal([c.stats().hits, c.stats().misses], [1, 0])
})

cache('cache keys: plain paths skip URL parsing but give the key URL parsing gives', () => {
  const parsed = (u: string) => {
    const url = new URL(u, 'http://delivery.invalid')
    url.searchParams.sort()
    return `${url.pathname}?${url.searchParams.toString()}`
  }
  const urls = [
    '/',
    '/api/v1/articles/a-b.c',
    '/sitemaps/articles-1.xml',
    '/a/b/',
    '/a/./b',
    '/a/../b',
    '/a//b',
    '/x/%2e%2e/y',
    '/x%20y',
    '/a b',
    '/c?b=2&a=1',
    '/c?',
    '/.x',
    '/~a_b',
  ]
  for (const u of urls) assert.is(cacheKeyOfUrl(u), parsed(u), u)
  assert.is(etagOfBytes(Buffer.from('héllo')), etagOf('héllo'), 'one ETag for the string and its UTF-8 bytes')
})

cache.run()

const inputs = suite('delivery: webhook replay window and input normalizers')

inputs('webhook: the replay memory covers the whole tolerance window, then forgets', async () => {
  let now = Date.now()
  const verifier = new WebhookVerifier({ secret: 's'.repeat(32), toleranceMs: 60_000, now: () => now })
  const body = '{"_id":"x"}'
  const signed = { [SIGNATURE_HEADER_NAME]: await encodeSignatureHeader(body, now, 's'.repeat(32)) }
  assert.ok((await verifier.verify(body, signed)).accepted)
  now += 30_000
  const replay = await verifier.verify(body, signed)
  assert.ok(!replay.accepted && replay.status === 409)
  now += 60_000
  const late = await verifier.verify(body, signed)
  assert.ok(!late.accepted && late.status === 401, 'after the window the timestamp itself is refused')
  assert.throws(() => new WebhookVerifier({ secret: 'short' }), /at least 16 characters/)
})

inputs('search terms: words only, lowercase, prefix wildcards, at most eight', () => {
  assert.equal(searchTerms('Dry  NEEDLING!'), ['dry*', 'needling*'])
  assert.equal(
    searchTerms('*[_type == "x"] || true'),
    ['type*', 'x*', 'true*'],
    'GROQ syntax in a search is just words',
  )
  for (const term of searchTerms('a* b? "c" (d) -e')) assert.match(term, /^[\p{L}\p{N}]+\*$/u)
  assert.is(searchTerms('one two three four five six seven eight nine ten').length, 8)
  assert.equal(searchTerms('golfer’s elbow'), ['golfer*', 's*', 'elbow*'])
})

inputs('cursors round-trip; ICD-10 codes are normalized', () => {
  const position = { publishedAt: '2026-11-27T12:00:00Z', id: 'article-dry-needling' }
  assert.equal(decodeCursor(encodeCursor(position)), position)
  assert.throws(
    () => decodeCursor(Buffer.from('["yesterday","x"]').toString('base64url')),
    /not a cursor this API issued/,
  )
  assert.is(normalizeIcd10Code('m7710'), 'M77.10')
  assert.is(normalizeIcd10Code(' s76.319a '), 'S76.319A')
  assert.is(normalizeIcd10Code('R51.9'), 'R51.9')
  assert.throws(() => normalizeIcd10Code('elbow'), /not an ICD-10-CM code/)
})

inputs.run()
