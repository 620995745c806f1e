// Syndication by language: a partner licensed for Spanish only sees Spanish articles (API, feed,
// payload `language`); the public feeds are per language (`/feeds/rss.xml` English,
// `/feeds/es/rss.xml` Spanish) and declare it (RSS <language>, Atom xml:lang, JSON Feed language),
// parsed by python3-feedparser with bozo 0.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { type CreatedPartner, createPartner } from '../../delivery/syndication/admin.js'
import { feedparserAvailable, jsonFeedProblems, parseWithFeedparser } from './feedTools.js'
import { articleDocument, SEED_CATEGORY, startBed, type Bed } from './fixture.js'

const test = suite('syndication: languages (partner scope, per-language feeds)')
let bed: Bed
let spanishOnly: CreatedPartner
let englishOnly: CreatedPartner
let both: CreatedPartner

const partnerOf = (name: string, languages?: string[]) =>
  createPartner(bed.client, {
    name,
    siteUrl: 'https://partner.example',
    allowedCategories: [SEED_CATEGORY],
    ...(languages ? { languages } : {}),
  })

test.before(async () => {
  bed = await startBed({ feedRateLimit: { perMinute: 1000 } })
  await bed.client.createOrReplace({
    ...articleDocument('article-lang-es', { slug: 'articulo-en-espanol', title: 'Artículo en español' }),
    language: 'es',
  })
  await bed.client.createOrReplace({
    ...articleDocument('article-lang-en', { slug: 'english-article', title: 'English article' }),
    language: 'en',
  })
  // An unpublished Spanish draft: never syndicated.
  await bed.client.createOrReplace({
    ...articleDocument('drafts.article-lang-es-draft', { slug: 'borrador', title: 'Borrador zqdraftq' }),
    language: 'es',
  })
  spanishOnly = await partnerOf('Clínica Hispana', ['es'])
  englishOnly = await partnerOf('English Clinic')
  both = await partnerOf('Bilingual Clinic', ['en', 'es'])
})
test.after(async () => bed?.close())

type Listed = { items: Array<{ slug: string; language: string; inLanguage: string }> }

async function listFor(partner: CreatedPartner): Promise<Listed['items']> {
  const response = await bed.get('/syndication/v1/articles?limit=50', bed.key(partner))
  assert.is(response.status, 200)
  return ((await response.json()) as Listed).items
}

test('a partner licensed for Spanish only sees Spanish', async () => {
  const spanish = await listFor(spanishOnly)
  assert.equal(
    spanish.map((a) => [a.slug, a.language, a.inLanguage]),
    [['articulo-en-espanol', 'es', 'es-US']],
  )
  assert.is((await bed.get('/syndication/v1/articles/english-article', bed.key(spanishOnly))).status, 404)
  const one = await bed.get('/syndication/v1/articles/articulo-en-espanol', bed.key(spanishOnly))
  assert.is(one.status, 200)
  const body = JSON.stringify(await one.json())
  assert.match(body, 'lang=\\"es-US\\"')
})

test('a partner without languages is English-only; a bilingual one sees both', async () => {
  const english = await listFor(englishOnly)
  assert.ok(english.length > 0)
  assert.ok(english.every((a) => a.language === 'en'))
  assert.not.ok(english.some((a) => a.slug === 'articulo-en-espanol'))
  const bilingual = await listFor(both)
  assert.ok(bilingual.some((a) => a.language === 'es'))
  assert.ok(bilingual.some((a) => a.language === 'en'))
  assert.not.ok(JSON.stringify(bilingual).includes('zqdraftq'), 'no draft')
})

test('per-language public feeds parse with feedparser (bozo 0) and declare their language', async () => {
  assert.ok(feedparserAvailable(), 'python3-feedparser is required')
  for (const [prefix, locale, slug, other] of [
    ['', 'en-US', 'english-article', 'articulo-en-espanol'],
    ['/es', 'es-US', 'articulo-en-espanol', 'english-article'],
  ] as const) {
    const json = await bed.get(`/feeds${prefix}/feed.json`)
    assert.is(json.status, 200)
    const feed = (await json.json()) as { language?: string; items: Array<{ url: string }> }
    assert.equal(jsonFeedProblems(feed), [])
    assert.is(feed.language, locale, `${prefix}/feed.json declares ${locale}`)
    assert.ok(feed.items.some((i) => i.url.endsWith(`/${slug}`)))
    assert.not.ok(feed.items.some((i) => i.url.endsWith(`/${other}`)))
    for (const format of ['rss.xml', 'atom.xml']) {
      const response = await bed.get(`/feeds${prefix}/${format}`)
      assert.is(response.status, 200, `${prefix}/${format}`)
      const text = await response.text()
      const parsed = parseWithFeedparser(text)
      assert.is(parsed.bozo, 0, `${prefix}/${format}: ${parsed.bozo_exception}`)
      assert.is(parsed.language, locale, `${prefix}/${format} declares ${locale}`)
      assert.ok(
        parsed.entries.some((e) => e.link.endsWith(`/${slug}`)),
        `${prefix}/${format} has ${slug}`,
      )
      assert.not.ok(
        parsed.entries.some((e) => e.link.endsWith(`/${other}`)),
        `${prefix}/${format} has no ${other}`,
      )
      assert.not.match(text, 'zqdraftq')
    }
  }
  const partnerFeed = parseWithFeedparser(
    await (await bed.get(`/feeds/partners/${spanishOnly.feedToken}/rss.xml`)).text(),
  )
  assert.is(partnerFeed.bozo, 0)
  assert.is(partnerFeed.language, 'es-US')
  assert.ok(partnerFeed.entries.length > 0)
  assert.ok(
    partnerFeed.entries.every((e) => e.link.includes('/es/articles/')),
    JSON.stringify(partnerFeed.entries.map((e) => e.link)),
  )
})

test.run()
