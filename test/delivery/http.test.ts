// The delivery HTTP API over real HTTP against a lake seeded with content/production.ndjson:
// 200/304/400/404 paths, problem+json bodies, caching headers, CORS, pages, sitemap, OpenAPI.
import * as assert from 'uvu/assert'
import { parse } from 'parse5'
import { startDeliveryServer } from '../../delivery/http/server.js'
import { deliverySuite } from '../helpers/delivery-suite.js'
import { seedFacts, slugOf } from './_seed.js'

const seed = seedFacts()
const articlePath = `/api/v1/articles/${slugOf(seed.article)}`
const { test, t } = deliverySuite('delivery: HTTP API')

interface Got {
  status: number
  headers: Headers
  text: string
  json: () => Record<string, unknown>
}

async function get(path: string, init: RequestInit = {}): Promise<Got> {
  const response = await fetch(t.server.url + path, init)
  const text = await response.text()
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: () => JSON.parse(text) as Record<string, unknown>,
  }
}

function assertProblem(got: Got, status: number, path: string): Record<string, unknown> {
  assert.is(got.status, status, `${path}: status (body ${got.text.slice(0, 300)})`)
  assert.match(got.headers.get('content-type') ?? '', /^application\/problem\+json/)
  const body = got.json()
  for (const field of ['type', 'title', 'detail', 'instance'])
    assert.type(body[field], 'string', `${path}: problem.${field}`)
  assert.is(body.status, status)
  assert.ok(String(body.detail).length > 10, 'the detail says what was wrong')
  return body
}

test('article: 200 JSON with data, html (every paragraph, DOI footnote), Portable Text, JSON-LD and links', async () => {
  const got = await get(articlePath)
  assert.is(got.status, 200)
  assert.match(got.headers.get('content-type') ?? '', /^application\/json/)
  assert.match(got.headers.get('etag') ?? '', /^"[A-Za-z0-9_-]+"$/)
  assert.match(got.headers.get('cache-control') ?? '', /stale-while-revalidate=\d+/)
  assert.is(got.headers.get('access-control-allow-origin'), '*')
  const body = got.json() as {
    data: { _id: string; faqs: Array<{ _id: string; html: string }> }
    html: string
    portableText: unknown[]
    jsonLd: Record<string, unknown>
    links: { self: string; page: string; canonical: string }
  }
  assert.is(body.data._id, seed.article._id)
  assert.is(body.data.faqs.length, 6)
  for (const faq of body.data.faqs) assert.match(faq.html, /^<(p|ul|ol)>/, 'each FAQ answer rendered')
  const text = body.html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&')
  const blocks = (seed.article.body as Array<{ _type: string; children?: Array<{ text: string }> }>).filter(
    (b) => b._type === 'block',
  )
  assert.ok(blocks.length > 10)
  for (const block of blocks) {
    const paragraph = (block.children ?? []).map((c) => c.text).join('')
    assert.ok(text.includes(paragraph), `html has the paragraph "${paragraph.slice(0, 60)}..."`)
  }
  assert.ok(body.html.includes('https://doi.org/10.2519/jospt.2017.7096'), 'footnote links to the DOI')
  assert.not.match(body.html, /<script/i)
  assert.ok(Array.isArray(body.portableText) && body.portableText.length > 5)
  const types = ([] as unknown[]).concat(body.jsonLd['@type'])
  assert.ok(types.includes('MedicalWebPage'), 'MedicalWebPage JSON-LD')
  assert.is(body.jsonLd.lastReviewed, seed.article.lastReviewed)
  assert.is(body.links.self, articlePath)
  assert.is(body.links.page, `/articles/${slugOf(seed.article)}`)
  assert.match(body.links.canonical, /^https?:\/\/.+\/articles\//)
})

test('ETag + If-None-Match -> 304 (also a weak or listed tag); a second request is a cache hit; HEAD works', async () => {
  const first = await get(articlePath)
  const etag = first.headers.get('etag')!
  const again = await get(articlePath)
  assert.is(again.headers.get('x-cache'), 'HIT')
  assert.is(again.headers.get('etag'), etag)
  for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
    const notModified = await get(articlePath, { headers: { 'if-none-match': header } })
    assert.is(notModified.status, 304, `If-None-Match: ${header}`)
    assert.is(notModified.text, '')
    assert.is(notModified.headers.get('etag'), etag)
  }
  const changed = await get(articlePath, { headers: { 'if-none-match': '"something-else"' } })
  assert.is(changed.status, 200)
  const head = await fetch(t.server.url + articlePath, { method: 'HEAD' })
  assert.is(head.status, 200)
  assert.is(head.headers.get('etag'), etag)
})

test('cache hits answered before Fastify (fast path) are the same answers as through Fastify: 200, 404, HEAD, 304', async () => {
  const viaFastify = await startDeliveryServer({ client: t.lake.anonymousClient, port: 0, fastHits: false })
  try {
    const answer = async (base: string, path: string, init: RequestInit = {}) => {
      const response = await fetch(base + path, init)
      const headers = [...response.headers.entries()].filter(([name]) => name !== 'date').sort()
      return { status: response.status, headers, body: await response.text() }
    }
    const paths = [
      articlePath,
      '/api/v1/articles/no-such-article',
      '/sitemap.xml',
      '/sitemaps/conditions-1.xml',
      '/',
      '/api/v1/conditions?limit=2',
      `/articles/${slugOf(seed.article)}`,
    ]
    for (const path of paths) {
      for (const base of [t.server.url, viaFastify.url]) await fetch(base + path) // fill both caches
      const fast = await answer(t.server.url, path)
      const slow = await answer(viaFastify.url, path)
      assert.equal(fast, slow, `GET ${path}`)
      assert.ok(
        fast.headers.some(([name, value]) => name === 'x-cache' && value === 'HIT'),
        `${path} is a hit`,
      )
      assert.equal(
        await answer(t.server.url, path, { method: 'HEAD' }),
        await answer(viaFastify.url, path, { method: 'HEAD' }),
        `HEAD ${path}`,
      )
      const etag = fast.headers.find(([name]) => name === 'etag')?.[1] ?? ''
      const conditional = { headers: { 'if-none-match': `W/${etag}` } }
      const notModified = await answer(t.server.url, path, conditional)
      assert.is(notModified.status, 304, `304 ${path}`)
      assert.equal(notModified, await answer(viaFastify.url, path, conditional), `304 ${path}`)
    }
    const stats = t.server.cache.stats()
    assert.ok(stats.hits > 0)
  } finally {
    await viaFastify.close()
  }
})

test('404s are problem+json: unknown slugs of each resource, unknown paths and methods', async () => {
  for (const path of [
    '/api/v1/articles/no-such-article',
    '/api/v1/conditions/no-such',
    '/api/v1/treatments/no-such',
    '/api/v1/treatments/no-such/care-instructions',
    '/api/v1/icd10/Z99.89',
    '/api/v1/nothing-here',
  ]) {
    const body = assertProblem(await get(path), 404, path)
    assert.match(String(body.type), /not-found/)
    assert.is(body.instance, path)
  }
  assertProblem(await get(articlePath, { method: 'DELETE' }), 404, 'DELETE article')
  const page = await get('/articles/no-such-article')
  assert.is(page.status, 404)
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/)
})

test('400s name each bad parameter and how to fix it', async () => {
  const cases: Array<[string, RegExp]> = [
    ['/api/v1/articles/Bad%20Slug!', /path\.slug/],
    ['/api/v1/articles?limit=0', /query\.limit/],
    ['/api/v1/articles?limit=many', /query\.limit/],
    ['/api/v1/articles?colour=red', /query\.colour is not a parameter/],
    ['/api/v1/articles?cursor=abc', /cursor/],
    ['/api/v1/conditions?bodyRegion=elbow', /one of: .*arm-elbow/],
    ['/api/v1/conditions?limit=0', /query\.limit/],
    ['/api/v1/conditions?limit=201', /query\.limit must be a whole number from 1 to 200, got "201"/],
    ['/api/v1/conditions?cursor=abc', /cursor: "abc" is not a cursor this API issued/],
    ['/api/v1/treatments?cursor=abc', /cursor/],
    ['/api/v1/treatments?limit=x', /query\.limit/],
    ['/api/v1/sitemap/article/0', /path\.page/],
    ['/api/v1/sitemap/faq/1', /path\.type must be one of: article, condition, treatment/],
    ['/api/v1/faqs', /at least one of: treatment, condition/],
    [
      '/api/v1/treatments/integrative-dry-needling/care-instructions?phase=during',
      /query\.phase must be one of: before, after/,
    ],
    ['/api/v1/search', /query\.q is required/],
    ['/api/v1/search?q=%21%21%21', /q: has no words/],
    ['/api/v1/icd10/tennis', /path\.code/],
  ]
  for (const [path, detail] of cases) {
    const body = assertProblem(await get(path), 400, path)
    assert.match(String(body.type), /invalid-parameters/)
    assert.match(String(body.detail), detail, `${path}: ${String(body.detail)}`)
    assert.ok(Array.isArray(body.errors) && body.errors.length > 0, `${path}: errors listed`)
  }
  const both = assertProblem(await get('/api/v1/articles?limit=0&colour=red'), 400, 'two errors')
  assert.is((both.errors as unknown[]).length, 2, 'all errors at once, not only the first')
})

test('condition list pages: links.next follows the cursor, keeps the other parameters, and ends with null', async () => {
  const expected = seed.docs.filter((d) => d._type === 'condition').length
  assert.ok(expected > 2, 'the seed has several conditions')
  const seen: string[] = []
  let path: string | null = '/api/v1/conditions?limit=2'
  while (path && seen.length <= expected) {
    const got = await get(path)
    assert.is(got.status, 200, path)
    const body = got.json() as {
      data: Array<{ _id: string }>
      nextCursor: string | null
      links: { next: string | null }
    }
    seen.push(...body.data.map((c) => c._id))
    if (body.links.next) {
      assert.match(body.links.next, /^\/api\/v1\/conditions\?limit=2&cursor=[A-Za-z0-9_-]+$/)
      assert.ok(body.nextCursor && body.links.next.endsWith(body.nextCursor))
    } else assert.is(body.nextCursor, null)
    path = body.links.next
  }
  assert.is(seen.length, expected)
  assert.is(new Set(seen).size, expected, 'no repeats')
})

test('every resource answers 200 with the seed content', async () => {
  const treatment = slugOf(seed.treatment)
  const tennis = slugOf(seed.tennisElbow)
  const code = (seed.tennisElbow.icd10Codes as string[])[0]!
  const checks: Array<[string, (body: Record<string, unknown>) => void]> = [
    [
      '/api/v1/articles',
      (b) =>
        assert.equal(
          (b.data as Array<{ _id: string }>).map((a) => a._id),
          [seed.article._id],
        ),
    ],
    [`/api/v1/articles?condition=${tennis}`, (b) => assert.is((b.data as unknown[]).length, 1)],
    [
      '/api/v1/conditions',
      (b) => {
        assert.is((b.data as unknown[]).length, seed.docs.filter((d) => d._type === 'condition').length)
        assert.is(b.nextCursor, null, 'the seed is one page')
        assert.equal(b.links, { self: '/api/v1/conditions', next: null })
      },
    ],
    [
      '/api/v1/conditions?bodyRegion=arm-elbow',
      (b) => assert.ok((b.data as Array<{ _id: string }>).some((c) => c._id === seed.tennisElbow._id)),
    ],
    [
      `/api/v1/conditions/${tennis}`,
      (b) => {
        const data = b.data as { articles: Array<{ _id: string }> }
        assert.equal(
          data.articles.map((a) => a._id),
          [seed.article._id],
        )
        assert.ok(JSON.stringify(b.jsonLd).includes(code), 'ICD-10 code in the JSON-LD')
      },
    ],
    [
      `/api/v1/icd10/${code.toLowerCase()}`,
      (b) =>
        assert.equal(
          (b.data as Array<{ _id: string }>).map((c) => c._id),
          [seed.tennisElbow._id],
        ),
    ],
    ['/api/v1/treatments', (b) => assert.is((b.data as unknown[]).length, 1)],
    ['/api/v1/treatments?limit=1', (b) => assert.is(b.nextCursor, null)],
    [
      `/api/v1/treatments/${treatment}`,
      (b) => {
        const data = b.data as { beforeCare: unknown[]; afterCare: unknown[]; faqs: unknown[] }
        assert.is(data.beforeCare.length, 1)
        assert.is(data.afterCare.length, 1)
        assert.is(data.faqs.length, 6)
        assert.match(JSON.stringify(b.jsonLd), /MedicalTherapy/)
      },
    ],
    [
      `/api/v1/treatments/${treatment}/care-instructions?phase=before`,
      (b) => {
        assert.is((b.data as unknown[]).length, 1)
        assert.match(JSON.stringify(b.jsonLd), /HowTo/)
      },
    ],
    [
      `/api/v1/faqs?treatment=${treatment}`,
      (b) => {
        assert.is((b.data as unknown[]).length, 6)
        assert.match(JSON.stringify(b.jsonLd), /FAQPage/)
      },
    ],
    [
      '/api/v1/search?q=dry+needling',
      (b) =>
        assert.equal(
          (b.data as Array<{ _id: string }>).map((a) => a._id),
          [seed.article._id],
        ),
    ],
    ['/api/v1/clinic', (b) => assert.is((b.data as { name: string }).name, seed.byId.get('clinic')?.name)],
    [
      '/api/v1/sitemap',
      (b) => {
        const index = b.data as Array<{ type: string; page: number; count: number; xml: string; json: string }>
        assert.equal(
          index.map((p) => p.xml),
          ['/sitemaps/articles-1.xml', '/sitemaps/conditions-1.xml', '/sitemaps/treatments-1.xml'],
        )
        assert.is(
          index.reduce((n, p) => n + p.count, 0),
          seed.docs.filter((d) => ['article', 'condition', 'treatment'].includes(d._type)).length,
        )
      },
    ],
    [
      '/api/v1/sitemap/condition/1',
      (b) => {
        const entries = b.data as Array<{ _type: string; loc: string | null }>
        assert.is(entries.length, seed.docs.filter((d) => d._type === 'condition').length)
        assert.ok(entries.every((e) => e._type === 'condition' && e.loc?.includes('/conditions/')))
        assert.is((b.links as { next: unknown }).next, null)
      },
    ],
  ]
  for (const [path, check] of checks) {
    const got = await get(path)
    assert.is(got.status, 200, `${path}: ${got.text.slice(0, 300)}`)
    assert.is(got.headers.get('access-control-allow-origin'), '*')
    check(got.json())
  }
})

test('/sitemap.xml is a sitemap index of one child sitemap per type (seed); children list every public page; CORS preflight; /health ok', async () => {
  const sitemap = await get('/sitemap.xml')
  assert.is(sitemap.status, 200)
  assert.match(sitemap.headers.get('content-type') ?? '', /xml/)
  assert.match(sitemap.text, /<sitemapindex xmlns="http:\/\/www\.sitemaps\.org\/schemas\/sitemap\/0\.9">/)
  const children = [
    ...sitemap.text.matchAll(/<sitemap><loc>([^<]+)<\/loc>(?:<lastmod>([^<]+)<\/lastmod>)?<\/sitemap>/g),
  ]
  assert.equal(
    children.map((m) => new URL(m[1]!).pathname),
    ['/sitemaps/articles-1.xml', '/sitemaps/conditions-1.xml', '/sitemaps/treatments-1.xml'],
  )
  for (const m of children) assert.ok(m[2] && !Number.isNaN(Date.parse(m[2])), `lastmod of ${m[1]}`)

  const locs: string[] = []
  for (const m of children) {
    const child = await get(new URL(m[1]!).pathname)
    assert.is(child.status, 200, m[1])
    assert.match(child.headers.get('content-type') ?? '', /xml/)
    assert.match(
      child.text,
      /<urlset xmlns="http:\/\/www\.sitemaps\.org\/schemas\/sitemap\/0\.9" xmlns:xhtml="http:\/\/www\.w3\.org\/1999\/xhtml">/,
    )
    const urls = [...child.text.matchAll(/<url><loc>([^<]+)<\/loc><lastmod>([^<]+)<\/lastmod><\/url>/g)]
    for (const u of urls) assert.ok(!Number.isNaN(Date.parse(u[2]!)), `lastmod of ${u[1]}`)
    locs.push(...urls.map((u) => u[1]!))
  }
  assert.ok(locs.some((l) => l.endsWith(`/articles/${slugOf(seed.article)}`)))
  assert.ok(locs.some((l) => l.endsWith(`/conditions/${slugOf(seed.tennisElbow)}`)))
  assert.is(locs.length, seed.docs.filter((d) => ['article', 'condition', 'treatment'].includes(d._type)).length)
  for (const missing of [
    '/sitemaps/articles-2.xml',
    '/sitemaps/faqs-1.xml',
    '/sitemaps/articles-0.xml',
    '/sitemaps/articles.xml',
  ]) {
    assertProblem(await get(missing), 404, missing)
  }

  const preflight = await fetch(t.server.url + articlePath, {
    method: 'OPTIONS',
    headers: { origin: 'https://partner.example', 'access-control-request-method': 'GET' },
  })
  assert.is(preflight.status, 204)
  assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /GET/)
  assert.is(preflight.headers.get('access-control-allow-origin'), '*')

  const health = await get('/health')
  assert.is(health.status, 200)
  assert.is(health.json().status, 'ok')
})

test('reference pages: article, condition, treatment and home as HTML with their JSON-LD', async () => {
  const pages = [
    `/articles/${slugOf(seed.article)}`,
    `/conditions/${slugOf(seed.tennisElbow)}`,
    `/treatments/${slugOf(seed.treatment)}`,
    '/',
  ]
  for (const path of pages) {
    const got = await get(path)
    assert.is(got.status, 200, path)
    assert.match(got.headers.get('content-type') ?? '', /^text\/html/)
    assert.ok(got.headers.get('etag'))
    const document = parse(got.text)
    assert.ok(document.childNodes.length > 0)
    const ld = [...got.text.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)]
    assert.ok(ld.length > 0, `${path} embeds JSON-LD`)
    for (const m of ld) JSON.parse(m[1]!)
  }
  const article = await get(pages[0]!)
  assert.ok(article.text.includes('only sterile, disposable needles are used'))
})

test('OpenAPI 3.1 document: structurally valid and listing every route; docs page', async () => {
  const got = await get('/api/v1/openapi.json')
  assert.is(got.status, 200)
  const doc = got.json() as {
    openapi: string
    info: { title: string; version: string }
    paths: Record<
      string,
      Record<
        string,
        {
          operationId: string
          responses: Record<string, { description: string }>
          parameters: Array<{ name: string; in: string; required: boolean; schema: unknown }>
        }
      >
    >
  }
  assert.is(doc.openapi, '3.1.0')
  assert.type(doc.info.title, 'string')
  assert.type(doc.info.version, 'string')
  const expected = [
    'get /',
    'get /api/docs',
    'get /api/draft-mode/disable',
    'get /api/draft-mode/enable',
    'get /api/v1/articles',
    'get /api/v1/articles/{slug}',
    'get /api/v1/clinic',
    'get /api/v1/conditions',
    'get /api/v1/conditions/{slug}',
    'get /api/v1/faqs',
    'get /api/v1/icd10/{code}',
    'get /api/v1/openapi.json',
    'get /api/v1/search',
    'get /api/v1/sitemap',
    'get /api/v1/sitemap/{type}/{page}',
    'get /api/v1/treatments',
    'get /api/v1/treatments/{slug}',
    'get /api/v1/treatments/{slug}/care-instructions',
    'post /api/v1/webhooks/sanity',
    'get /fhir/r4/DocumentReference',
    'get /fhir/r4/DocumentReference/{id}',
    'get /fhir/r4/metadata',
    'get /infobutton',
    'get /articles/{slug}',
    'get /conditions/{slug}',
    'get /health',
    'get /sitemap.xml',
    'get /sitemaps/{file}',
    'get /treatments/{slug}',
    'get /es/articles/{slug}',
    'get /es/conditions/{slug}',
    'get /es/treatments/{slug}',
  ]
  const listed = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`))
  assert.equal(listed.sort(), expected.sort())
  const operationIds = new Set<string>()
  for (const [path, ops] of Object.entries(doc.paths)) {
    assert.ok(path.startsWith('/'))
    const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!)
    for (const [method, op] of Object.entries(ops)) {
      assert.ok(['get', 'post', 'put', 'delete', 'patch'].includes(method))
      assert.type(op.operationId, 'string')
      assert.not.ok(operationIds.has(op.operationId), `unique operationId ${op.operationId}`)
      operationIds.add(op.operationId)
      assert.ok(Object.keys(op.responses).length > 0, `${method} ${path} has responses`)
      for (const [status, response] of Object.entries(op.responses)) {
        assert.match(status, /^[1-5]\d\d$/)
        assert.type(response.description, 'string')
      }
      for (const name of pathParams) {
        const param = op.parameters.find((p) => p.name === name && p.in === 'path')
        assert.ok(param?.required, `${method} ${path} declares path parameter ${name}`)
      }
      for (const param of op.parameters) {
        assert.ok(['path', 'query'].includes(param.in))
        assert.type(param.schema, 'object')
        if (param.in === 'path') assert.ok(pathParams.includes(param.name))
      }
    }
  }
  const limit = doc.paths['/api/v1/articles']!.get!.parameters.find((p) => p.name === 'limit')
  assert.equal(limit?.schema, { type: 'integer', minimum: 1, maximum: 50 })
  // Every documented GET path answers (not a 404 from the router).
  for (const line of expected.filter((l) => l.startsWith('get '))) {
    const path = line
      .slice(4)
      .replace('{slug}', 'integrative-dry-needling')
      .replace('{code}', 'M77.10')
      .replace('{type}/{page}', 'article/1')
      .replace('{file}', 'articles-1.xml')
      .replace('{id}', 'article-dry-needling')
    const status = (await get(path)).status
    assert.ok(
      status !== 404 ||
        path.startsWith('/articles/') ||
        path.startsWith('/conditions/') ||
        path.startsWith('/api/v1/articles/') ||
        path.startsWith('/api/v1/conditions/') ||
        // The seed publishes nothing in Spanish: its pages answer a 404 page, not the router's.
        path.startsWith('/es/'),
      `${path}: ${status}`,
    )
  }

  const docs = await get('/api/docs')
  assert.is(docs.status, 200)
  assert.match(docs.headers.get('content-type') ?? '', /^text\/html/)
  for (const path of Object.keys(doc.paths)) assert.ok(docs.text.includes(path), `docs page mentions ${path}`)
  assert.ok(docs.text.includes('id="problem-not-found"'))
})

test.run()
