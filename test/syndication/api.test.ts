// The syndication API through HTTP against a real local lake: authentication (unknown, revoked,
// suspended -> 401), scope (out-of-scope, embargoed, de-licensed and draft articles invisible),
// the licensed payload, oEmbed/embed and rate limiting.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { revoke, rotateApiKey, setStatus, type CreatedPartner } from '../../delivery/syndication/admin.js'
import { articleDocument, SEED_ARTICLE_SLUG, startBed, type Bed } from './fixture.js'

const test = suite('syndication API')
let bed: Bed
let partner: CreatedPartner
let other: CreatedPartner

test.before(async () => {
  bed = await startBed({ rateLimit: { perMinute: 1000, burst: 1000 } })
  partner = await bed.partner({ name: 'Partner A' })
  other = await bed.partner({ name: 'Partner B', categories: ['category-other'] })
  await bed.article('article-in-scope', { slug: 'in-scope', body: 'Visible to partner A.' })
  await bed.article('article-other-category', { slug: 'other-category', categories: ['category-other'] })
  await bed.article('article-embargoed', { slug: 'embargoed', embargoUntil: '2099-01-01T00:00:00Z' })
  await bed.article('article-not-licensed', { slug: 'not-licensed', allowed: false })
  // A draft that was never published, and a draft edit of a published article.
  await bed.client.create({ ...articleDocument('drafts.article-draft-only', { slug: 'draft-only' }) })
  await bed.client.create({
    ...articleDocument('drafts.article-in-scope', { slug: 'in-scope', body: 'UNPUBLISHED DRAFT TEXT' }),
  })
})
test.after(async () => bed?.close())

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>
}

test('no key, a malformed key and an unknown key get 401 problem+json', async () => {
  const attempts: Array<Record<string, string>> = [
    {},
    { authorization: 'Bearer nonsense' },
    { authorization: `Bearer dptk_0123456789abcdef_${'A'.repeat(43)}` },
    { 'x-api-key': partner.apiKey.slice(0, -1) + (partner.apiKey.endsWith('A') ? 'B' : 'A') },
  ]
  for (const headers of attempts) {
    const response = await bed.get('/syndication/v1/articles', headers)
    assert.is(response.status, 401, JSON.stringify(headers))
    assert.match(response.headers.get('content-type') ?? '', /application\/problem\+json/)
    assert.match(response.headers.get('www-authenticate') ?? '', /Bearer/)
    const body = await json(response)
    assert.is(body.status, 401)
    assert.type(body.detail, 'string')
  }
  assert.is((await bed.get('/syndication/v1/articles', bed.key(partner))).status, 200)
  assert.is((await bed.get('/syndication/v1/articles', { 'x-api-key': partner.apiKey })).status, 200)
})

test('a partner sees exactly its scope: published, licensed, past embargo, allowed category; never drafts', async () => {
  const list = await json(await bed.get('/syndication/v1/articles', bed.key(partner)))
  const slugs = (list.items as Array<{ slug: string }>).map((a) => a.slug).sort()
  assert.equal(slugs, ['in-scope', SEED_ARTICLE_SLUG].sort())
  assert.is(list.total, 2)
  const b = await json(await bed.get('/syndication/v1/articles', bed.key(other)))
  assert.equal(
    (b.items as Array<{ slug: string }>).map((a) => a.slug),
    ['other-category'],
  )
  for (const slug of ['other-category', 'embargoed', 'not-licensed', 'draft-only', 'does-not-exist']) {
    const response = await bed.get(`/syndication/v1/articles/${slug}`, bed.key(partner))
    assert.is(response.status, 404, slug)
    const body = await json(response)
    // Same answer whether the article exists or not.
    assert.is(
      body.detail,
      `No article "${slug}" is available to you. Use GET /syndication/v1/articles for the articles you may republish.`,
    )
  }
  const inScope = await json(await bed.get('/syndication/v1/articles/in-scope', bed.key(partner)))
  assert.match(String(inScope.html), /Visible to partner A\./)
  assert.not.match(JSON.stringify(inScope), /UNPUBLISHED DRAFT TEXT/)
})

test('the payload: embed-ready HTML with attribution and disclaimer, Portable Text, JSON-LD, canonical URL, dates, licence', async () => {
  const a = await json(await bed.get(`/syndication/v1/articles/${SEED_ARTICLE_SLUG}`, bed.key(partner)))
  assert.is(a.canonicalUrl, `https://dynamic-pt-wellness.example/articles/${SEED_ARTICLE_SLUG}`)
  const html = String(a.html)
  assert.match(html, /<footer class="syndication-attribution">/)
  assert.match(
    html,
    /Originally published by <a href="https:\/\/dynamic-pt-wellness\.example\/">Dynamic Physical Therapy &amp; Wellness<\/a>/,
  )
  assert.match(html, /class="syndication-disclaimer"/)
  assert.match(html, /not medical advice/)
  assert.match(html, /fine filament needle/)
  assert.not.match(html, /<script/i)
  assert.ok(Array.isArray(a.portableText) && (a.portableText as unknown[]).length > 5)
  const jsonLd = a.jsonLd as Record<string, unknown>
  assert.is(jsonLd['@type'], 'MedicalWebPage')
  assert.is(jsonLd.url, a.canonicalUrl)
  assert.is(a.lastReviewed, '2026-11-27')
  assert.is(a.nextReviewDue, '2027-11-27')
  assert.type(a.dateModified, 'string')
  const licence = a.licence as { text: string; attributionText: string; requirements: string[] }
  assert.match(licence.text, /may republish this article unchanged/)
  assert.is(licence.attributionText, 'Originally published by Dynamic Physical Therapy & Wellness.')
  assert.ok(licence.requirements.length >= 3)
  assert.match(String(a.headHtml), /^<link rel="canonical" href="https:\/\/dynamic-pt-wellness\.example\/articles\//)
  const embed = a.embed as { snippet: string; iframeUrl: string }
  assert.match(
    embed.snippet,
    /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/syndication\/v1\/embed\/why-you-shouldnt-be-afraid-of-needles"/,
  )
  assert.not.match(embed.snippet, /dptk_|dptf_/)
})

test('ETag and 304 on the API', async () => {
  const first = await bed.get('/syndication/v1/articles/in-scope', bed.key(partner))
  const etag = first.headers.get('etag')
  assert.ok(etag)
  const second = await bed.get('/syndication/v1/articles/in-scope', { ...bed.key(partner), 'if-none-match': etag! })
  assert.is(second.status, 304)
})

test('bad parameters are 400 problems naming the parameter', async () => {
  const response = await bed.get('/syndication/v1/articles?limit=0', bed.key(partner))
  assert.is(response.status, 400)
  const body = await json(response)
  assert.equal(body.errors, [{ parameter: 'query.limit', message: 'must be a whole number from 1 to 100, got "0"' }])
  const bogus = await json(await bed.get('/syndication/v1/articles?colour=red', bed.key(partner)))
  assert.match(String(bogus.detail), /query\.colour is not a parameter/)
  const cursor = await json(await bed.get('/syndication/v1/changes?since=yesterday', bed.key(partner)))
  assert.is(cursor.status, 400)
  assert.match(String(cursor.detail), /must be a cursor returned by an earlier response/)
})

test('oEmbed and the embed page: rich type with the snippet; out-of-scope articles 404', async () => {
  const url = encodeURIComponent(`https://dynamic-pt-wellness.example/articles/${SEED_ARTICLE_SLUG}`)
  const o = await json(await bed.get(`/syndication/v1/oembed?url=${url}&format=json&maxwidth=600`))
  assert.is(o.version, '1.0')
  assert.is(o.type, 'rich')
  assert.is(o.provider_name, 'Dynamic Physical Therapy & Wellness')
  assert.is(o.width, 600)
  assert.match(
    String(o.html),
    /<iframe src="[^"]+\/syndication\/v1\/embed\/why-you-shouldnt-be-afraid-of-needles" [^>]*width="600"/,
  )
  assert.is((await bed.get(`/syndication/v1/oembed?url=${url}&format=xml`)).status, 501)
  assert.is(
    (
      await bed.get(
        `/syndication/v1/oembed?url=${encodeURIComponent('https://dynamic-pt-wellness.example/articles/embargoed')}`,
      )
    ).status,
    404,
  )
  assert.is(
    (await bed.get(`/syndication/v1/oembed?url=${encodeURIComponent('https://elsewhere.example/articles/in-scope')}`))
      .status,
    404,
  )
  assert.is((await bed.get('/syndication/v1/oembed')).status, 400)
  const page = await bed.get(`/syndication/v1/embed/${SEED_ARTICLE_SLUG}`)
  assert.is(page.status, 200)
  const html = await page.text()
  assert.match(
    html,
    /<link rel="canonical" href="https:\/\/dynamic-pt-wellness\.example\/articles\/why-you-shouldnt-be-afraid-of-needles">/,
  )
  assert.match(html, /<meta name="robots" content="noindex">/)
  assert.match(html, /syndication-attribution/)
  assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/)
  for (const slug of ['embargoed', 'not-licensed', 'draft-only'])
    assert.is((await bed.get(`/syndication/v1/embed/${slug}`)).status, 404, slug)
})

test('a revoked key is refused on the next request; rotation issues a working key', async () => {
  const rotated = await rotateApiKey(bed.client, partner.id, { keepOld: true })
  assert.is((await bed.get('/syndication/v1/articles', bed.key(partner))).status, 200)
  await revoke(bed.client, partner.apiKeyId)
  const refused = await bed.get('/syndication/v1/articles', bed.key(partner))
  assert.is(refused.status, 401)
  assert.match(String((await json(refused)).detail), /revoked/)
  assert.is((await bed.get('/syndication/v1/articles', { authorization: `Bearer ${rotated.apiKey}` })).status, 200)
  partner = { ...partner, apiKey: rotated.apiKey, apiKeyId: rotated.apiKeyId }
})

test('a suspended partner is refused at once (API and feeds), and readmitted when reactivated', async () => {
  await setStatus(bed.client, partner.id, 'suspended')
  const refused = await bed.get('/syndication/v1/articles', bed.key(partner))
  assert.is(refused.status, 401)
  assert.match(String((await json(refused)).detail), /suspended/)
  assert.is((await bed.get(`/feeds/partners/${partner.feedToken}/rss.xml`)).status, 401)
  await setStatus(bed.client, partner.id, 'active')
  assert.is((await bed.get('/syndication/v1/articles', bed.key(partner))).status, 200)
  assert.is((await bed.get(`/feeds/partners/${partner.feedToken}/rss.xml`)).status, 200)
})

test('usage is counted per partner per day', async () => {
  const usage = await json(await bed.get('/syndication/v1/usage', bed.key(other)))
  const days = usage.days as Array<{ requests: number; byRoute: Record<string, number> }>
  assert.is(days.length, 1)
  assert.ok(days[0]!.requests >= 1)
  assert.ok((days[0]!.byRoute.articles ?? 0) >= 1)
})

test('syndication state documents are not readable anonymously', async () => {
  const leaked = await bed.lake.anonymousClient.fetch(
    '*[_type match "syndication.*" || _id in path("syndication.**")]{_id}',
  )
  // Hosted Sanity lets anonymous readers see root-path ids only (no dot). The local lake must do the
  // same (lake/ids.ts isPrivateId covers drafts/versions only), or these documents are public there.
  assert.equal(
    leaked,
    [],
    'anonymous readers must not see API key hashes, feed tokens or webhook secrets: the local lake must hide every dotted id from anonymous reads, as hosted Sanity does',
  )
})

test.run()
