// Content functions against a local lake seeded with content/production.ndjson, through the
// public client only (the anonymous client, as a public website would read).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { asDeliveryClient } from '../../delivery/client.js'
import { createContentApi, InvalidInputError, type ContentApi } from '../../delivery/content/index.js'
import { startTestLake, type TestLake } from '../helpers/lake.js'
import { SEED_PATH, seedFacts, slugOf, refs } from './_seed.js'

const seed = seedFacts()
const test = suite('delivery: content functions on the seed')
let lake: TestLake
let content: ContentApi

test.before(async () => {
  lake = await startTestLake({ seed: SEED_PATH })
  content = createContentApi(asDeliveryClient(lake.anonymousClient))
})
test.after(async () => {
  await lake.close()
})

async function rejectsWith(promise: Promise<unknown>, parameter: string): Promise<InvalidInputError> {
  try {
    await promise
  } catch (error) {
    assert.instance(error, InvalidInputError)
    const e = error as InvalidInputError
    assert.is(e.parameter, parameter)
    assert.ok(e.fix.length > 0, 'the error says how to fix it')
    return e
  }
  throw new Error(`expected an InvalidInputError for ${parameter}`)
}

test('article by slug: author, reviewer, all six FAQs in order, both care instructions, the citation', async () => {
  const result = await content.articleBySlug(slugOf(seed.article))
  if (!result.found) throw new Error('article not found')
  const article = result.value
  assert.is(article._id, seed.article._id)
  assert.is(article.title, seed.article.title)
  assert.is(article.author?.handle, 'kelliegomia')
  assert.ok(article.medicalReviewer?.name, 'the medical reviewer is resolved')
  assert.equal(
    article.faqs?.map((f) => f._id),
    seed.faqIds,
    'FAQs in the article order',
  )
  assert.is(article.faqs?.length, 6)
  assert.equal(
    article.faqs?.map((f) => f.order),
    [1, 2, 3, 4, 5, 6],
  )
  for (const faq of article.faqs ?? []) {
    assert.ok(faq.question && faq.answer && faq.answer.length > 0, `FAQ ${faq._id} has a question and an answer`)
  }
  assert.equal(
    article.careInstructions?.map((c) => c._id),
    seed.careIds,
  )
  assert.equal(article.careInstructions?.map((c) => c.phase).sort(), ['after', 'before'])
  for (const care of article.careInstructions ?? []) {
    assert.ok((care.steps?.length ?? 0) > 0, `${care._id} has steps`)
    assert.is(care.treatment?.slug, slugOf(seed.treatment))
  }
  assert.is(article.citations?.length, 1)
  assert.is(article.citations?.[0]?.doi, '10.2519/jospt.2017.7096')
  assert.ok(
    article.conditions?.some((c) => c._id === seed.tennisElbow._id),
    'tennis elbow is among the conditions',
  )
  assert.equal(
    article.conditions?.map((c) => c._id),
    refs(seed.article, 'conditions'),
  )
  assert.equal(
    article.treatments?.map((t) => t.slug),
    [slugOf(seed.treatment)],
  )
  assert.ok(article.categories && article.categories.length > 0 && article.categories[0]?.slug)
})

test('article body: every internal link carries its target type and slug; citation marks keep their key', async () => {
  const result = await content.articleBySlug(slugOf(seed.article))
  if (!result.found) throw new Error('article not found')
  const markDefs = (result.value.body ?? []).flatMap((block) => (block._type === 'block' ? (block.markDefs ?? []) : []))
  const citationRefs = markDefs.filter((m) => m._type === 'citationRef')
  assert.ok(citationRefs.length > 0, 'the "(1)" citation mark is there')
  for (const mark of citationRefs) assert.is(mark._type === 'citationRef' && mark.citationKey, seed.citations[0]?._key)
  for (const mark of markDefs) {
    if (mark._type !== 'internalLink') continue
    assert.ok(mark.target?._type && mark.target.slug, 'internal link target resolved')
  }
})

test('a missing slug is a typed not-found; a malformed one is an InvalidInputError', async () => {
  const missing = await content.articleBySlug('no-such-article')
  assert.equal(missing, { found: false, resource: 'article', key: 'no-such-article' })
  const missingCondition = await content.conditionBySlug('no-such-condition')
  assert.equal(missingCondition, { found: false, resource: 'condition', key: 'no-such-condition' })
  const missingTreatment = await content.treatmentBySlug('no-such-treatment')
  assert.is(missingTreatment.found, false)
  await rejectsWith(content.articleBySlug('has spaces/and"quotes'), 'slug')
  await rejectsWith(content.articleBySlug(''), 'slug')
})

test('a draft never shows: the published perspective ignores drafts even when they exist', async () => {
  await lake.client.createOrReplace({ ...seed.article, _id: `drafts.${seed.article._id}`, title: 'DRAFT TITLE' })
  const result = await content.articleBySlug(slugOf(seed.article))
  assert.ok(result.found)
  if (result.found) assert.is(result.value.title, seed.article.title)
  await lake.client.delete(`drafts.${seed.article._id}`)
})

test('condition "tennis elbow": lists the article, its treatments and FAQs in order', async () => {
  const result = await content.conditionBySlug(slugOf(seed.tennisElbow))
  if (!result.found) throw new Error('tennis elbow not found')
  const condition = result.value
  assert.is(condition.name, seed.tennisElbow.name)
  assert.equal(condition.icd10Codes, seed.tennisElbow.icd10Codes)
  assert.is(condition.bodyRegion, 'arm-elbow')
  assert.equal(
    condition.articles.map((a) => a._id),
    [seed.article._id],
  )
  assert.ok(
    condition.treatments.some((t) => t._id === seed.treatment._id),
    'dry needling treats it',
  )
  const orders = condition.faqs.map((f) => f.order ?? 0)
  assert.equal(
    orders,
    [...orders].sort((a, b) => a - b),
    'FAQs in display order',
  )
})

test('conditions by body region, sorted by name; an unknown region is refused with the valid list', async () => {
  const expected = seed.docs
    .filter((d) => d._type === 'condition' && d.bodyRegion === 'arm-elbow')
    .map((d) => String(d.name))
    .sort()
  const conditions = await content.conditionsByBodyRegion('arm-elbow')
  assert.equal(
    conditions.map((c) => c.name),
    expected,
  )
  assert.ok(conditions.some((c) => c._id === seed.tennisElbow._id))
  assert.equal(await content.conditionsByBodyRegion('knee'), [])
  const error = await rejectsWith(content.conditionsByBodyRegion('elbow'), 'bodyRegion')
  assert.match(error.fix, /arm-elbow/)
  const all = await content.conditions()
  assert.is(all.items.length, seed.docs.filter((d) => d._type === 'condition').length)
  assert.is(all.nextCursor, null, 'the seed fits in one page')
  const names = all.items.map((c) => c.name ?? '')
  assert.equal(
    names,
    [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    'by name',
  )
  const armElbow = await content.conditions({ bodyRegion: 'arm-elbow' })
  assert.equal(
    armElbow.items.map((c) => c.name),
    expected,
    'the list filters by body region too',
  )
  await rejectsWith(content.conditions({ bodyRegion: 'elbow' }), 'bodyRegion')
})

test('condition by ICD-10-CM code: exact, lowercase and without the dot; unknown -> not found; malformed -> refused', async () => {
  const code = (seed.tennisElbow.icd10Codes as string[])[0]!
  for (const typed of [code, code.toLowerCase(), code.replace('.', '')]) {
    const result = await content.conditionsByIcd10Code(typed)
    if (!result.found) throw new Error(`${typed} not found`)
    assert.is(result.value.code, code)
    assert.equal(
      result.value.conditions.map((c) => c._id),
      [seed.tennisElbow._id],
    )
  }
  assert.equal(await content.conditionsByIcd10Code('Z99.89'), { found: false, resource: 'icd10Code', key: 'Z99.89' })
  await rejectsWith(content.conditionsByIcd10Code('tennis'), 'code')
})

test('treatment by slug: FAQs in order, before- and after-care with their steps, conditions', async () => {
  const result = await content.treatmentBySlug(slugOf(seed.treatment))
  if (!result.found) throw new Error('treatment not found')
  const treatment = result.value
  // The FAQs that point at the treatment, in their display order: the FAQ holds the relation.
  const pointing = seed.docs
    .filter(
      (d) =>
        !d._id.startsWith('drafts.') &&
        d._type === 'faq' &&
        (d.treatments as Array<{ _ref: string }>).some((r) => r._ref === seed.treatment._id),
    )
    .sort((a, b) => (a.order as number) - (b.order as number))
  assert.ok(pointing.length > 0)
  assert.equal(
    treatment.faqs?.map((f) => f._id),
    pointing.map((d) => d._id),
  )
  const before = seed.docs.find((d) => d._type === 'careInstruction' && d.phase === 'before')!
  const after = seed.docs.find((d) => d._type === 'careInstruction' && d.phase === 'after')!
  assert.equal(
    treatment.beforeCare.map((c) => c._id),
    [before._id],
  )
  assert.equal(
    treatment.afterCare.map((c) => c._id),
    [after._id],
  )
  assert.is(treatment.beforeCare[0]?.steps?.length, (before.steps as unknown[]).length)
  assert.is(treatment.afterCare[0]?.steps?.length, (after.steps as unknown[]).length)
  assert.equal(
    treatment.careInstructions.map((c) => c.phase),
    ['before', 'after'],
  )
  assert.ok(treatment.articles.some((a) => a._id === seed.article._id))
  assert.ok((treatment.conditions?.length ?? 0) > 0)
  const all = await content.treatments()
  assert.equal(
    all.items.map((t) => t._id),
    [seed.treatment._id],
  )
  assert.is(all.nextCursor, null)
})

test('FAQs by topic (treatment / condition) in display order; no topic is refused', async () => {
  const byTreatment = await content.faqsByTopic({ treatment: slugOf(seed.treatment) })
  const expected = seed.docs
    .filter(
      (d) => !d._id.startsWith('drafts.') && d._type === 'faq' && refs(d, 'treatments').includes(seed.treatment._id),
    )
    .sort((a, b) => Number(a.order) - Number(b.order))
    .map((d) => d._id)
  assert.equal(
    byTreatment.map((f) => f._id),
    expected,
  )
  assert.is(byTreatment.length, 6)
  const byBoth = await content.faqsByTopic({ treatment: slugOf(seed.treatment), condition: 'no-such-condition' })
  assert.equal(byBoth, [])
  await rejectsWith(content.faqsByTopic({}), 'topic')
})

test('care instructions by treatment and phase (before first); a bad phase is refused', async () => {
  const both = await content.careInstructions({ treatment: slugOf(seed.treatment) })
  assert.equal(
    both.map((c) => c.phase),
    ['before', 'after'],
  )
  const after = await content.careInstructions({ treatment: slugOf(seed.treatment), phase: 'after' })
  assert.is(after.length, 1)
  assert.is(after[0]?.phase, 'after')
  assert.ok(
    after[0]?.steps?.some((s) => /water/i.test(s.instruction ?? '')),
    'the water-intake step is there',
  )
  await rejectsWith(content.careInstructions({ treatment: slugOf(seed.treatment), phase: 'during' }), 'phase')
})

test('search finds the article by title, excerpt and body words (prefixes too); nothing for unknown words', async () => {
  for (const q of ['needles', 'Needl', 'filament', 'sterile disposable', 'acupuncture']) {
    const hits = await content.search({ q })
    assert.equal(
      hits.map((h) => h._id),
      [seed.article._id],
      `search "${q}"`,
    )
    assert.type(hits[0]?.score, 'number')
  }
  assert.equal(await content.search({ q: 'xylophone' }), [])
  assert.equal(await content.search({ q: 'needles xylophone' }), [], 'every word must match')
  await rejectsWith(content.search({ q: ' !!! ' }), 'q')
  await rejectsWith(content.search({ q: 'needles', limit: 500 }), 'limit')
})

test('sitemap: an index of one page per type on the seed, each page the entries in slug order; clinic settings', async () => {
  const index = await content.sitemapIndex()
  const types = ['article', 'condition', 'treatment'] as const
  assert.equal(
    index.map((p) => [p.type, p.page]),
    types.map((t) => [t, 1]),
  )
  for (const ref of index) {
    // Published documents only: the seed's Spanish drafts await review.
    const docs = seed.docs.filter((d) => d._type === ref.type && !d._id.startsWith('drafts.'))
    assert.is(ref.count, docs.length, `${ref.type} count`)
    const newest = docs
      .map((d) => String(d._updatedAt ?? ''))
      .sort()
      .pop()
    if (newest) assert.ok(ref.lastmod, `${ref.type} has a lastmod`)
    const page = await content.sitemapPage(ref.type, 1)
    if (!page.found) throw new Error(`${ref.type} page 1 not found`)
    assert.is(page.value.length, docs.length)
    const slugs = page.value.map((e) => e.slug ?? '')
    assert.equal(
      slugs,
      [...slugs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
      'slug order',
    )
    for (const entry of page.value) assert.ok(!Number.isNaN(Date.parse(entry._updatedAt)))
    assert.ok(page.value.some((e) => e._type === ref.type))
  }
  const article = await content.sitemapPage('article', 1)
  assert.ok(article.found && article.value.some((e) => e.slug === slugOf(seed.article)))
  assert.equal(await content.sitemapPage('article', 2), { found: false, resource: 'sitemap', key: 'article-2' })
  await rejectsWith(content.sitemapPage('faq', 1), 'type')
  await rejectsWith(content.sitemapPage('article', 0), 'page')
  const clinic = await content.clinicSettings()
  if (!clinic.found) throw new Error('clinic not found')
  assert.is(clinic.value.name, seed.byId.get('clinic')?.name)
})

test('article pagination: (publishedAt, _id) order, stable cursors across ties and new publishes', async () => {
  // Eight more articles; several share a publication time, so only _id breaks the tie.
  const extra = Array.from({ length: 8 }, (_, i) => ({
    _id: `article-page-${i}`,
    _type: 'article',
    title: `Paging article ${i}`,
    slug: { _type: 'slug', current: `paging-article-${i}` },
    publishedAt: i < 4 ? '2025-01-01T00:00:00Z' : `2025-0${i - 2}-01T00:00:00Z`,
    conditions: i % 2 === 0 ? [{ _type: 'reference', _ref: seed.tennisElbow._id, _key: `c${i}` }] : [],
  }))
  const tx = lake.client.transaction()
  for (const doc of extra) tx.createOrReplace(doc)
  await tx.commit()

  const all = [seed.article, ...extra].map((d) => ({ id: d._id, publishedAt: String(d.publishedAt) }))
  all.sort((a, b) =>
    a.publishedAt === b.publishedAt ? (a.id < b.id ? 1 : -1) : a.publishedAt < b.publishedAt ? 1 : -1,
  )

  const seen: string[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const page = await content.articles({ limit: 2, cursor })
    seen.push(...page.items.map((a) => a._id))
    cursor = page.nextCursor
    pages++
    if (pages === 2) {
      // A newer article published mid-way does not shift the pages after the cursor.
      await lake.client.createOrReplace({
        _id: 'article-page-new',
        _type: 'article',
        title: 'Brand new',
        slug: { _type: 'slug', current: 'paging-article-new' },
        publishedAt: '2030-01-01T00:00:00Z',
      })
    }
  } while (cursor && pages < 20)
  assert.equal(
    seen,
    all.map((a) => a.id),
    'every article once, in order, with no skips or repeats',
  )
  assert.is(pages, Math.ceil(all.length / 2))

  const firstPage = await content.articles({ limit: 3 })
  assert.is(firstPage.items[0]?._id, 'article-page-new')

  const byCondition = await content.articles({ condition: slugOf(seed.tennisElbow), limit: 50 })
  assert.equal(
    byCondition.items.map((a) => a._id).sort(),
    [seed.article._id, ...extra.filter((_, i) => i % 2 === 0).map((d) => d._id)].sort(),
  )
  assert.is(byCondition.nextCursor, null)
  const byCategory = await content.articles({ category: 'no-such-category' })
  assert.equal(byCategory.items, [])

  await rejectsWith(content.articles({ cursor: 'not-a-cursor' }), 'cursor')
  await rejectsWith(content.articles({ limit: 0 }), 'limit')
})

test('condition and treatment pagination: (name, _id) order, ties by _id, stable cursors, page sizes checked', async () => {
  // Seven more conditions, three sharing one name (only _id orders them) and one without a name.
  const names = ['Aaa shared', 'Aaa shared', 'Aaa shared', 'Mmm middle', 'Zzz last', 'Bbb second']
  const extra = names.map((name, i) => ({
    _id: `condition-page-${i}`,
    _type: 'condition',
    name,
    slug: { _type: 'slug', current: `paging-condition-${i}` },
    bodyRegion: i % 2 === 0 ? 'knee' : 'arm-elbow',
  }))
  const tx = lake.client.transaction()
  for (const doc of extra) tx.createOrReplace(doc)
  tx.createOrReplace({
    _id: 'condition-page-unnamed',
    _type: 'condition',
    slug: { _type: 'slug', current: 'paging-condition-unnamed' },
  })
  await tx.commit()

  const named = [...seed.docs.filter((d) => d._type === 'condition'), ...extra].map((d) => ({
    id: d._id,
    name: String(d.name),
  }))
  named.sort((a, b) => (a.name === b.name ? (a.id < b.id ? -1 : 1) : a.name < b.name ? -1 : 1))
  const seen: string[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const page = await content.conditions({ limit: 2, cursor })
    assert.ok(page.items.length <= 2)
    seen.push(...page.items.map((c) => c._id))
    cursor = page.nextCursor
    pages++
    if (pages === 2) {
      // A condition added before the cursor does not shift the pages after it.
      await lake.client.createOrReplace({
        _id: 'condition-page-new',
        _type: 'condition',
        name: 'Aaa added',
        slug: { _type: 'slug', current: 'paging-condition-new' },
      })
    }
  } while (cursor && pages < 50)
  assert.equal(
    seen,
    named.map((c) => c.id),
    'every named condition once, in (name, _id) order',
  )
  assert.not.ok(seen.includes('condition-page-unnamed'), 'unnamed conditions are not listed')

  const knee = await content.conditions({ bodyRegion: 'knee', limit: 200 })
  assert.equal(
    knee.items.map((c) => c._id).sort(),
    extra
      .filter((_, i) => i % 2 === 0)
      .map((d) => d._id)
      .sort(),
  )

  const treatments = lake.client.transaction()
  for (const [i, name] of ['Alpha', 'Alpha', 'Omega'].entries()) {
    treatments.createOrReplace({
      _id: `treatment-page-${i}`,
      _type: 'treatment',
      name,
      slug: { _type: 'slug', current: `paging-treatment-${i}` },
    })
  }
  await treatments.commit()
  const treatmentIds: string[] = []
  cursor = null
  do {
    const page = await content.treatments({ limit: 1, cursor })
    treatmentIds.push(...page.items.map((t) => t._id))
    cursor = page.nextCursor
  } while (cursor && treatmentIds.length < 20)
  const seedTreatment = { id: seed.treatment._id, name: String(seed.treatment.name) }
  const expectedTreatments = [
    seedTreatment,
    { id: 'treatment-page-0', name: 'Alpha' },
    { id: 'treatment-page-1', name: 'Alpha' },
    { id: 'treatment-page-2', name: 'Omega' },
  ]
  expectedTreatments.sort((a, b) => (a.name === b.name ? (a.id < b.id ? -1 : 1) : a.name < b.name ? -1 : 1))
  assert.equal(
    treatmentIds,
    expectedTreatments.map((t) => t.id),
  )

  await rejectsWith(content.conditions({ cursor: 'not-a-cursor!' }), 'cursor')
  // An article cursor is not a condition cursor (and the other way round).
  const articleCursor = (await content.articles({ limit: 1 })).nextCursor
  if (articleCursor) await rejectsWith(content.conditions({ cursor: articleCursor }), 'cursor')
  await rejectsWith(content.conditions({ limit: 0 }), 'limit')
  await rejectsWith(content.conditions({ limit: 201 }), 'limit')
  await rejectsWith(content.treatments({ limit: 2.5 }), 'limit')
})

test.run()
