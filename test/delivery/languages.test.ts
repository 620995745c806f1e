// English and Spanish through HTTP: the seed's Spanish drafts (awaiting clinical review) are served
// nowhere; once reviewed and published, the Spanish article is served at /es/articles/<slug> and
// /api/v1/articles/<slug>?lang=es with its Spanish FAQs and care (reached through the English
// documents' translation metadata), hreflang links both ways, inLanguage es-US, sitemap alternates;
// English stands in only with ?fallback=en, flagged.
import * as assert from 'uvu/assert'
import { deliverySuite } from '../helpers/delivery-suite.js'
import { waitFor } from '../helpers/wait.js'
import fs from 'node:fs'
import { SEED_PATH, type SeedDoc, slugOf } from './_seed.js'

const { test, t } = deliverySuite('delivery: Spanish translations (?lang=es, /es/...)')

// Every seed document, the Spanish drafts awaiting review included (loadSeed has the published ones).
const seed = fs
  .readFileSync(SEED_PATH, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as SeedDoc)
const byId = (id: string): SeedDoc => {
  const doc = seed.find((d) => d._id === id)
  if (!doc) throw new Error(`the seed has no ${id}`)
  return doc
}
const english = byId('article-dry-needling')
const spanish = byId('drafts.article-dry-needling-es')
const enSlug = slugOf(english)
const esSlug = slugOf(spanish)
const spanishDrafts = seed.filter((d) => d._id.startsWith('drafts.') && d.language === 'es')
const reviewer = seed.find((d) => d._type === 'clinician')

interface Answer {
  status: number
  headers: Headers
  text: string
  json: () => Record<string, unknown>
}

async function get(path: string): Promise<Answer> {
  const response = await fetch(t.server.url + path)
  const text = await response.text()
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) }
}

type Item = { _id: string; language?: string; fallback?: boolean; slug?: string; question?: string }

test('the unpublished Spanish drafts appear in no public output', async () => {
  assert.ok(spanishDrafts.length >= 9, 'the seed has the Spanish drafts')
  assert.is((await get(`/es/articles/${esSlug}`)).status, 404)
  assert.is((await get(`/api/v1/articles/${esSlug}?lang=es`)).status, 404)
  assert.is((await get(`/api/v1/articles/${esSlug}`)).status, 404)
  const list = (await get('/api/v1/articles?lang=es')).json()
  assert.equal(list.data, [])
  const search = (await get('/api/v1/search?q=agujas&lang=es')).json()
  assert.equal(search.data, [])
  const en = (await get(`/api/v1/articles/${enSlug}`)).json()
  assert.is(en.language, 'en')
  assert.equal(
    (en.links as { alternates: Array<{ language: string }> }).alternates.map((a) => a.language),
    ['en'],
    'no hreflang to an unpublished translation',
  )
  const html = (await get(`/articles/${enSlug}`)).text
  assert.not.match(html, esSlug)
  assert.match(html, '<html lang="en-US">')
})

test('no delivery query looks translation metadata up per document or per related item', async () => {
  // Only TRANSLATION_VERSIONS_QUERY reads translation.metadata (once per request, by a list of
  // ids); a `*[...]` of it inside another query runs per list item or per relation.
  const queries = (await import('../../delivery/queries.js')) as unknown as Record<string, unknown>
  const readers = Object.entries(queries)
    .filter(([name, q]) => name.endsWith('_QUERY') && typeof q === 'string' && q.includes('translation.metadata'))
    .map(([name]) => name)
  assert.equal(readers, ['TRANSLATION_VERSIONS_QUERY'])
  assert.match(String(queries.TRANSLATION_VERSIONS_QUERY), /references\(\$ids\)/)
  for (const [name, q] of Object.entries(queries)) {
    // (A `select()` on one dereferenced document is not a filter: it costs nothing per dataset.)
    if (typeof q === 'string')
      assert.not.match(q, /(?<!select\()coalesce\(language, "en"\) (==|in) /, `${name} filters on coalesce()`)
  }
})

test('lang and fallback are validated: a 400 naming the parameter and the allowed values', async () => {
  const bad = await get(`/api/v1/articles/${enSlug}?lang=fr`)
  assert.is(bad.status, 400)
  const body = bad.json()
  assert.match(JSON.stringify(body), 'lang')
  assert.match(JSON.stringify(body), 'en, es')
  const badList = await get('/api/v1/articles?lang=xx')
  assert.is(badList.status, 400)
  assert.is((await get('/api/v1/articles?lang=es&fallback=es')).status, 400)
})

test('a reviewed, published Spanish article is served at /es/... and ?lang=es, hreflang both ways', async () => {
  const client = t.lake.client
  const reviewedAt = new Date().toISOString()
  for (const draft of spanishDrafts) {
    await client
      .patch(draft._id)
      .set({
        // The seed's translation leaves publishedAt to whoever publishes it.
        ...(draft._type === 'article' ? { publishedAt: reviewedAt } : {}),
        translationReview: {
          status: 'reviewed',
          reviewedAt,
          ...(reviewer ? { reviewer: { _type: 'reference', _ref: reviewer._id } } : {}),
        },
      })
      .commit()
    await client.action({
      actionType: 'sanity.action.document.publish',
      draftId: draft._id,
      publishedId: draft._id.slice('drafts.'.length),
    })
  }
  const waited = await waitFor(async () => (await get(`/api/v1/articles/${esSlug}?lang=es`)).status === 200, 10_000)
  assert.ok(waited >= 0, 'the published Spanish article is served')

  const api = await get(`/api/v1/articles/${esSlug}?lang=es`)
  const body = api.json()
  assert.is(body.language, 'es')
  assert.is(body.fallback, undefined)
  assert.is(api.headers.get('content-language'), 'es-US')
  const data = body.data as { title: string; faqs: Item[]; careInstructions: Item[] }
  assert.is(data.title, spanish.title)
  // Relations stay on the English documents; delivery serves their Spanish versions.
  assert.ok(data.faqs.length > 0)
  for (const faq of data.faqs) assert.is(faq.language, 'es', `FAQ ${faq._id} in Spanish`)
  assert.ok(data.faqs.every((f) => f._id.endsWith('-es')))
  assert.is(data.careInstructions.length, 2)
  for (const care of data.careInstructions) assert.is(care.language, 'es')
  assert.is((body.jsonLd as { inLanguage?: string }).inLanguage, 'es-US')
  const links = body.links as { self: string; page: string; alternates: Array<{ hreflang: string; page: string }> }
  assert.is(links.page, `/es/articles/${esSlug}`)
  assert.is(links.self, `/api/v1/articles/${esSlug}?lang=es`)
  assert.equal(
    links.alternates.map((a) => [a.hreflang, a.page]),
    [
      ['en-US', `/articles/${enSlug}`],
      ['es-US', `/es/articles/${esSlug}`],
    ],
  )

  // The Spanish slug is not an English article.
  assert.is((await get(`/api/v1/articles/${esSlug}`)).status, 404)

  const esPage = await get(`/es/articles/${esSlug}`)
  assert.is(esPage.status, 200)
  assert.match(esPage.text, '<html lang="es-US">')
  assert.is(esPage.headers.get('content-language'), 'es-US')
  assert.match(esPage.text, new RegExp(`<link rel="alternate" hreflang="en-US" href="[^"]*/articles/${enSlug}">`))
  assert.match(esPage.text, new RegExp(`<link rel="alternate" hreflang="es-US" href="[^"]*/es/articles/${esSlug}">`))
  assert.match(esPage.text, /"inLanguage":"es-US"/)
  const enPage = await get(`/articles/${enSlug}`)
  assert.match(enPage.text, '<html lang="en-US">')
  assert.match(enPage.text, new RegExp(`<link rel="alternate" hreflang="es-US" href="[^"]*/es/articles/${esSlug}">`))
  assert.match(enPage.text, /"inLanguage":"en-US"/)
  // An English page is not served under the Spanish prefix, nor the Spanish one without it.
  assert.is((await get(`/es/articles/${enSlug}`)).status, 404)
  assert.is((await get(`/articles/${esSlug}`)).status, 404)

  const list = (await get('/api/v1/articles?lang=es')).json()
  assert.equal(
    (list.data as Item[]).map((i) => [i.slug, i.language]),
    [[esSlug, 'es']],
  )
  const search = (await get('/api/v1/search?q=agujas&lang=es')).json()
  assert.equal(
    (search.data as Item[]).map((i) => i.slug),
    [esSlug],
  )
  const faqs = (await get('/api/v1/faqs?treatment=integrative-dry-needling&lang=es')).json()
  assert.ok((faqs.data as Item[]).length > 0)
  assert.ok((faqs.data as Item[]).every((f) => f.language === 'es'))
})

test('English stands in only with ?fallback=en, flagged', async () => {
  assert.is((await get(`/api/v1/articles/${enSlug}?lang=es`)).status, 404)
  const fellBack = await get(`/api/v1/articles/${enSlug}?lang=es&fallback=en`)
  // The English article has a Spanish version: asking by its English slug still finds the English one.
  assert.is(fellBack.status, 200)
  const body = fellBack.json()
  assert.is(body.language, 'en')
  assert.is(body.fallback, true)
  assert.is(fellBack.headers.get('content-language'), 'en-US')
  const mixed = (await get('/api/v1/articles?lang=es&fallback=en&limit=50')).json()
  const items = mixed.data as Item[]
  assert.ok(items.some((i) => i.slug === esSlug && i.language === 'es' && i.fallback === undefined))
  assert.not.ok(
    items.some((i) => i.slug === enSlug),
    'an English article with a Spanish version does not stand in for it',
  )
  for (const item of items.filter((i) => i.language === 'en')) assert.is(item.fallback, true)
})

test('sitemaps list both versions with xhtml:link alternates', async () => {
  const index = (await get('/sitemap.xml')).text
  const child = /<loc>[^<]*(\/sitemaps\/articles-1\.xml)<\/loc>/.exec(index)
  assert.ok(child, 'the index names the article sitemap')
  const xml = (await get(child![1]!)).text
  assert.match(xml, 'xmlns:xhtml="http://www.w3.org/1999/xhtml"')
  assert.match(xml, new RegExp(`<loc>[^<]*/es/articles/${esSlug}</loc>`))
  assert.match(xml, new RegExp(`<xhtml:link rel="alternate" hreflang="es-US" href="[^"]*/es/articles/${esSlug}"/>`))
  assert.match(xml, new RegExp(`<xhtml:link rel="alternate" hreflang="en-US" href="[^"]*/articles/${enSlug}"/>`))
})

test('a Spanish treatment page lists the Spanish FAQs and care that reference the English one', async () => {
  // Relations stay on the English treatment: the Spanish FAQs and care reference it, and a Spanish
  // treatment page finds them through its translation metadata (all versions' ids at once).
  const client = t.lake.client
  const source = byId('treatment-integrative-dry-needling')
  const esTreatmentSlug = 'puncion-seca-integrativa'
  await client.createOrReplace({
    ...source,
    _id: 'treatment-integrative-dry-needling-es',
    language: 'es',
    name: 'Punción seca integrativa',
    slug: { _type: 'slug', current: esTreatmentSlug },
  })
  await client.createOrReplace({
    _id: 'translations-treatment-integrative-dry-needling',
    _type: 'translation.metadata',
    schemaTypes: ['treatment'],
    translations: [
      {
        _key: 'en',
        _type: 'internationalizedArrayReferenceValue',
        language: 'en',
        value: { _type: 'reference', _ref: source._id },
      },
      {
        _key: 'es',
        _type: 'internationalizedArrayReferenceValue',
        language: 'es',
        value: { _type: 'reference', _ref: 'treatment-integrative-dry-needling-es', _weak: true },
      },
    ],
  })
  const path = `/api/v1/treatments/${esTreatmentSlug}?lang=es`
  const waited = await waitFor(async () => (await get(path)).status === 200, 10_000)
  assert.ok(waited >= 0, 'the Spanish treatment is served')
  const body = (await get(path)).json()
  assert.is(body.language, 'es')
  const data = body.data as { name: string; faqs: Item[]; careInstructions: Item[]; articles: Item[] }
  assert.is(data.name, 'Punción seca integrativa')
  const spanishFaqs = spanishDrafts.filter((d) => d._type === 'faq').map((d) => d._id.slice('drafts.'.length))
  assert.equal(data.faqs.map((f) => f._id).sort(), [...spanishFaqs].sort())
  for (const faq of data.faqs as Array<Item & { treatments: Item[] }>) {
    // Each FAQ's own relation (to the English treatment) comes in Spanish too.
    assert.equal(
      faq.treatments.map((tr) => tr.slug),
      [esTreatmentSlug],
    )
  }
  assert.equal(
    data.careInstructions.map((c) => c.language),
    ['es', 'es'],
  )
  assert.equal(
    data.articles.map((a) => a.slug),
    [esSlug],
  )
  const links = body.links as { alternates: Array<{ hreflang: string; page: string }> }
  assert.equal(
    links.alternates.map((a) => [a.hreflang, a.page]),
    [
      ['en-US', `/treatments/${slugOf(source)}`],
      ['es-US', `/treatments/${esTreatmentSlug}`.replace('/treatments', '/es/treatments')],
    ],
  )
  // Its care and FAQ links (listed by the English treatment, in Spanish) answer in Spanish.
  const treatmentLinks = body.links as { careInstructions: string; faqs: string }
  const care = (await get(treatmentLinks.careInstructions)).json()
  assert.equal(
    (care.data as Item[]).map((c) => c.language),
    ['es', 'es'],
    treatmentLinks.careInstructions,
  )
  const linkedFaqs = (await get(treatmentLinks.faqs)).json()
  assert.is((linkedFaqs.data as Item[]).length, spanishFaqs.length, treatmentLinks.faqs)
  // And the Spanish FAQ list names the Spanish treatment.
  const faqs = (await get('/api/v1/faqs?treatment=integrative-dry-needling&lang=es')).json()
  for (const faq of faqs.data as Array<Item & { treatments: Item[] }>) {
    assert.equal(
      faq.treatments.map((tr) => tr.slug),
      [esTreatmentSlug],
    )
  }
  // The English page links to the Spanish one.
  const en = (await get(`/api/v1/treatments/${slugOf(source)}`)).json()
  assert.equal(
    (en.links as { alternates: Array<{ language: string }> }).alternates.map((a) => a.language),
    ['en', 'es'],
  )
})

test('OpenAPI documents lang and fallback on the content routes', async () => {
  const doc = (await get('/api/v1/openapi.json')).json() as {
    paths: Record<
      string,
      Record<string, { parameters?: Array<{ name: string; in: string; schema: { enum?: string[] } }> }>
    >
  }
  for (const path of [
    '/api/v1/articles',
    '/api/v1/articles/{slug}',
    '/api/v1/conditions',
    '/api/v1/conditions/{slug}',
    '/api/v1/treatments',
    '/api/v1/treatments/{slug}',
    '/api/v1/faqs',
    '/api/v1/search',
    '/api/v1/icd10/{code}',
  ]) {
    const params = doc.paths[path]?.get?.parameters ?? []
    const lang = params.find((p) => p.name === 'lang' && p.in === 'query')
    assert.ok(lang, `${path} documents lang`)
    assert.equal(lang!.schema.enum, ['en', 'es'])
    assert.ok(
      params.some((p) => p.name === 'fallback'),
      `${path} documents fallback`,
    )
  }
})

test('a hostile Spanish document is escaped on its /es/ page and in the API', async () => {
  const payload = '<script>alert(1)</script><img src=x onerror=alert(2)>'
  const { _id, ...rest } = spanish
  void _id
  await t.lake.client.createOrReplace({
    ...rest,
    _id: 'article-hostile-es',
    title: `Título ${payload}`,
    excerpt: payload,
    slug: { _type: 'slug', current: 'articulo-hostil' },
    publishedAt: '2026-01-01T00:00:00Z',
  })
  const waited = await waitFor(async () => (await get('/es/articles/articulo-hostil')).status === 200, 10_000)
  assert.ok(waited >= 0)
  const html = (await get('/es/articles/articulo-hostil')).text
  assert.not.match(html, '<script>alert(1)')
  assert.not.match(html, '<img src=x')
  assert.match(html, '&lt;script&gt;')
  const api = await get('/api/v1/articles/articulo-hostil?lang=es')
  assert.is(api.headers.get('content-type')?.split(';')[0], 'application/json')
  assert.not.match(JSON.stringify(api.json().html), '<script>alert(1)')
})

test.run()
