// The reference pages, fed the seed exactly as the delivery queries return it.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  CONDITION_LIST_QUERY,
  TREATMENT_LIST_QUERY,
  ARTICLE_BY_SLUG_QUERY,
  CLINIC_SETTINGS_QUERY,
  CONDITION_BY_SLUG_QUERY,
  TREATMENT_BY_SLUG_QUERY,
} from '../../delivery/queries.js'
import {
  renderArticlePage,
  renderConditionPage,
  renderIndexPage,
  renderNotFoundPage,
  renderTreatmentPage,
  type ArticleInput,
  type ArticleSummaryInput,
  type ClinicInput,
  type ConditionInput,
  type ConditionSummaryInput,
  type RenderWarning,
  type TreatmentInput,
  type TreatmentSummaryInput,
} from '../../delivery/render/index.js'
import * as fixtures from './fixtures.js'
import { attr, byTag, elementText, jsonLdScripts, normaliseText, parseDocument, safetyProblems } from './html.js'
import { loadSeedDataset, readSeedPost, runGroq } from './seed.js'

const images = { projectId: 'local', dataset: 'production', baseUrl: 'http://127.0.0.1:3333' }
const SLUG = 'why-you-shouldnt-be-afraid-of-needles'
const DOI_URL = 'https://doi.org/10.2519/jospt.2017.7096'

interface Seed {
  source: string
  article: ArticleInput
  clinic: ClinicInput
  condition: ConditionInput
  treatment: TreatmentInput
  articles: ArticleSummaryInput[]
  conditions: ConditionSummaryInput[]
  treatments: TreatmentSummaryInput[]
}

async function loadSeed(): Promise<Seed> {
  const docs = loadSeedDataset()
  if (!docs) {
    // content/ not there yet: the fixture built to the same contract.
    return {
      source: 'test/render/fixtures.ts',
      article: fixtures.article,
      clinic: fixtures.clinic,
      condition: fixtures.condition,
      treatment: fixtures.treatment,
      articles: fixtures.condition.articles ?? [],
      conditions: fixtures.article.conditions ?? [],
      treatments: fixtures.article.treatments ?? [],
    }
  }
  const q = <T>(query: string, params: Record<string, unknown> = {}) => runGroq(docs, query, params) as Promise<T>
  return {
    source: 'content/production.ndjson',
    article: (await q<ArticleInput | null>(ARTICLE_BY_SLUG_QUERY, { slug: SLUG }))!,
    clinic: (await q<ClinicInput | null>(CLINIC_SETTINGS_QUERY))!,
    condition: (await q<ConditionInput | null>(CONDITION_BY_SLUG_QUERY, { slug: 'tennis-elbow' }))!,
    treatment: (await q<TreatmentInput | null>(TREATMENT_BY_SLUG_QUERY, { slug: 'integrative-dry-needling' }))!,
    // (The seed has one article: its page stands for the list.)
    articles: [(await q<ArticleInput | null>(ARTICLE_BY_SLUG_QUERY, { slug: SLUG }))!],
    // First pages of the paginated lists, as the home page asks for them (the seed fits in one).
    conditions: await q<ConditionSummaryInput[]>(CONDITION_LIST_QUERY, {
      bodyRegion: null,
      afterName: null,
      afterId: null,
      limit: 201,
    }),
    treatments: await q<TreatmentSummaryInput[]>(TREATMENT_LIST_QUERY, { afterName: null, afterId: null, limit: 201 }),
  }
}

const seed = await loadSeed()
const post = readSeedPost()

type JsonObject = Record<string, unknown>
const obj = (v: unknown): JsonObject => v as JsonObject
const list = (v: unknown): JsonObject[] =>
  Array.isArray(v) ? (v as JsonObject[]) : v === undefined ? [] : [v as JsonObject]

const article = suite(`article page (${seed.source})`)

article('shows every paragraph, heading and list item of the post as a block of its own', () => {
  const warnings: RenderWarning[] = []
  const html = renderArticlePage(seed.article, seed.clinic, { images, onWarning: (w) => warnings.push(w) })
  const parsed = parseDocument(html)
  const main = byTag(parsed, 'main')[0]!
  const blocks = new Set(parsed.elements.filter((e) => /^(p|h1|h2|h3|li)$/.test(e.tagName)).map((e) => elementText(e)))
  const missing = post.paragraphs.filter((p) => !blocks.has(normaliseText(p)))
  assert.equal(missing, [], `missing from the page: ${JSON.stringify(missing)}`)
  assert.is(elementText(byTag(parsed, 'h1')[0]!), post.title)
  assert.is(byTag(parsed, 'h1').length, 1)
  assert.ok(elementText(main).includes(post.title))
  assert.equal(safetyProblems(parsed), [])
  assert.equal(warnings, [], 'the seed renders without content warnings')
})

article('shows each FAQ and care step once, even when the body already has them', () => {
  const html = renderArticlePage(seed.article, seed.clinic, { images })
  const text = parseDocument(html).text
  for (const faq of seed.article.faqs ?? []) {
    const q = normaliseText(faq.question ?? '')
    assert.is(text.split(q).length - 1, 1, `"${q}" appears once`)
  }
  for (const care of seed.article.careInstructions ?? []) {
    for (const step of care.steps ?? []) {
      const s = normaliseText(step.instruction ?? '')
      assert.is(text.split(s).length - 1, 1, `care step "${s}" appears once`)
    }
  }
})

article('its footnote links to the DOI, and the text links to the footnote', () => {
  const parsed = parseDocument(renderArticlePage(seed.article, seed.clinic, { images }))
  const footnote = parsed.elements.find((e) => e.tagName === 'li' && attr(e, 'id') === 'cite-1')
  assert.ok(footnote, 'footnote 1 exists')
  const footnoteLinks = byTag({ elements: parsed.elements.filter((e) => isInside(e, footnote!)), text: '' }, 'a').map(
    (a) => attr(a, 'href'),
  )
  assert.ok(footnoteLinks.includes(DOI_URL), `footnote links: ${footnoteLinks.join(', ')}`)
  const footnoteText = elementText(footnote!)
  // what the post printed: "J Orthop Sports Phys Ther 2017;47(3):133-149 ... doi:10.2519"
  assert.ok(footnoteText.includes('J Orthop Sports Phys Ther. 2017;47(3):133-149.'), footnoteText)
  assert.ok(footnoteText.includes('doi:10.2519/'), footnoteText)
  assert.ok(post.footnotes[0]!.includes('2017;47(3):133-149'))
  const refs = byTag(parsed, 'a').filter((a) => attr(a, 'href') === '#cite-1')
  assert.is(refs.length, 1)
  assert.is(refs[0]!.parentNode && 'tagName' in refs[0]!.parentNode ? refs[0]!.parentNode.tagName : '', 'sup')
  assert.is(elementText(refs[0]!), '(1)')
  assert.is(attr(refs[0]!, 'id'), 'cite-ref-1')
})

function isInside(
  el: ReturnType<typeof parseDocument>['elements'][number],
  ancestor: ReturnType<typeof parseDocument>['elements'][number],
): boolean {
  for (let n: unknown = el; n && typeof n === 'object'; n = (n as { parentNode?: unknown }).parentNode)
    if (n === ancestor) return true
  return false
}

article('head: title, meta description from SEO, canonical URL, language, inline CSS, no external resources', () => {
  const html = renderArticlePage(seed.article, seed.clinic, { images })
  const parsed = parseDocument(html)
  assert.is(elementText(byTag(parsed, 'title')[0]!), seed.article.seo!.metaTitle!)
  const description = byTag(parsed, 'meta').find((m) => attr(m, 'name') === 'description')
  assert.is(attr(description!, 'content'), seed.article.seo!.metaDescription!)
  const canonical = byTag(parsed, 'link').find((l) => attr(l, 'rel') === 'canonical')
  assert.is(attr(canonical!, 'href'), `${seed.clinic.siteUrl!.replace(/\/$/, '')}/articles/${SLUG}`)
  assert.is(attr(byTag(parsed, 'html')[0]!, 'lang'), 'en-US', 'the locale of the page language (model/languages.ts)')
  assert.is(byTag(parsed, 'style').length, 1)
  assert.is(byTag(parsed, 'link').length, 1, 'no stylesheet links: CSS is inline')
  assert.not.ok(byTag(parsed, 'meta').some((m) => attr(m, 'name') === 'robots'))
})

article('reviewed-by line with dates, call to action to book, medical disclaimer', () => {
  const parsed = parseDocument(renderArticlePage(seed.article, seed.clinic, { images }))
  const reviewed = parsed.elements.find((e) => e.tagName === 'p' && attr(e, 'class') === 'reviewed')!
  assert.match(elementText(reviewed), /^Medically reviewed by .+ on [A-Z][a-z]+ \d{1,2}, \d{4}/)
  const times = byTag({ elements: parsed.elements.filter((e) => isInside(e, reviewed)), text: '' }, 'time').map((t) =>
    attr(t, 'datetime'),
  )
  assert.ok(
    times.includes(seed.article.lastReviewed!),
    `review date ${seed.article.lastReviewed} in ${times.join(', ')}`,
  )
  const cta = parsed.elements.find((e) => e.tagName === 'a' && attr(e, 'class') === 'button')!
  assert.is(attr(cta, 'href'), seed.article.callToAction?.url || seed.clinic.bookingUrl!)
  const disclaimer = parsed.elements.find((e) => attr(e, 'id') === 'medical-disclaimer')!
  assert.ok(elementText(disclaimer).includes(seed.clinic.medicalDisclaimer!))
})

article('embedded JSON-LD parses and carries the review dates, reviewer, citation DOI and FAQs', () => {
  const scripts = jsonLdScripts(renderArticlePage(seed.article, seed.clinic, { images }))
  assert.is(scripts.length, 1)
  const page = obj(scripts[0]!.data)
  assert.is(page['@context'], 'https://schema.org')
  assert.is(page['@type'], 'MedicalWebPage')
  assert.is(page.lastReviewed, seed.article.lastReviewed)
  assert.is(page.datePublished, seed.article.publishedAt)
  assert.is(page.dateModified, seed.article._updatedAt ?? seed.article.publishedAt)
  assert.is(obj(page.reviewedBy)['@type'], 'Person')
  assert.is(obj(page.reviewedBy).name, seed.article.medicalReviewer!.name)
  assert.is(obj(page.author).name, seed.article.author!.name)
  assert.is(page.headline, post.title)
  assert.is(page.url, `${seed.clinic.siteUrl!.replace(/\/$/, '')}/articles/${SLUG}`)
  const citation = list(page.citation)[0]!
  assert.is(citation['@type'], 'ScholarlyArticle')
  assert.is(citation.sameAs, DOI_URL)
  assert.ok(list(citation.identifier).some((i) => i.propertyID === 'DOI' && i.value === '10.2519/jospt.2017.7096'))
  const publisher = obj(page.publisher)
  assert.ok((publisher['@type'] as string[]).includes('MedicalClinic'))
  assert.is(publisher.name, seed.clinic.name)
  const about = list(page.about)
  assert.ok(
    about.some(
      (a) =>
        a['@type'] === 'MedicalCondition' &&
        a.name === 'Tennis elbow' &&
        list(a.code).every((c) => c.codingSystem === 'ICD-10-CM'),
    ),
  )
  assert.ok(about.some((a) => a['@type'] === 'MedicalTherapy' && a.name === 'Integrative Dry Needling'))
  const parts = list(page.hasPart)
  const faqPage = parts.find((p) => p['@type'] === 'FAQPage')!
  assert.equal(
    list(faqPage.mainEntity).map((q) => q.name),
    (seed.article.faqs ?? []).map((f) => f.question),
  )
  assert.is(parts.filter((p) => p['@type'] === 'HowTo').length, (seed.article.careInstructions ?? []).length)
})

article('a noIndex article says so to robots', () => {
  const html = renderArticlePage({ ...seed.article, seo: { _type: 'seo', noIndex: true } }, seed.clinic)
  assert.ok(
    byTag(parseDocument(html), 'meta').some((m) => attr(m, 'name') === 'robots' && attr(m, 'content') === 'noindex'),
  )
})

article('bad input gets a clear error', () => {
  assert.throws(
    () => renderArticlePage(null as unknown as ArticleInput, seed.clinic),
    /expected a document object, got null \(handle a not-found result/,
  )
  // A missing title is a content problem, not a programming error: the page renders, headed by its
  // slug in words, and a warning says what to fix.
  const warnings: string[] = []
  const untitled = renderArticlePage({ ...seed.article, title: ' ' }, seed.clinic, {
    onWarning: (w) => warnings.push(`${w.code}: ${w.message}`),
  })
  assert.match(untitled, /<h1[^>]*>Why you shouldnt be afraid of needles<\/h1>/)
  assert.match(warnings.join('\n'), /missing-title: article .* has no title/)
  assert.throws(
    () => renderArticlePage({ ...seed.article, slug: 'Not a slug' }, seed.clinic),
    /has no valid slug \("Not a slug"\)/,
  )
  assert.throws(
    () => renderArticlePage(seed.article, { ...seed.clinic, siteUrl: null }),
    /clinic\.siteUrl is missing: set "Site URL" in the Clinic settings/,
  )
  assert.throws(
    () => renderArticlePage(seed.article, { ...seed.clinic, siteUrl: 'dynamic-pt.example' }),
    /is not an absolute URL/,
  )
})

article.run()

const others = suite(`condition, treatment, index and not-found pages (${seed.source})`)

others(
  'condition page: name, the article that treats it, treatments, MedicalCondition JSON-LD with ICD-10-CM codes',
  () => {
    const html = renderConditionPage(seed.condition, seed.clinic, { images })
    const parsed = parseDocument(html)
    assert.equal(safetyProblems(parsed), [])
    assert.is(elementText(byTag(parsed, 'h1')[0]!), 'Tennis elbow')
    const hrefs = byTag(parsed, 'a').map((a) => attr(a, 'href'))
    assert.ok(hrefs.includes(`/articles/${SLUG}`), 'lists the article')
    assert.ok(hrefs.includes('/treatments/integrative-dry-needling'), 'lists the treatment')
    const page = obj(jsonLdScripts(html)[0]!.data)
    assert.is(page['@type'], 'MedicalWebPage')
    const condition = obj(page.mainEntity)
    assert.is(condition['@type'], 'MedicalCondition')
    assert.is(condition.name, 'Tennis elbow')
    assert.equal(
      list(condition.code).map((c) => [c['@type'], c.codingSystem, c.code]),
      (seed.condition.icd10Codes ?? []).map((code) => ['MedicalCode', 'ICD-10-CM', code]),
    )
    assert.ok(list(condition.possibleTreatment).some((t) => t.name === 'Integrative Dry Needling'))
  },
)

others('treatment page: care before then after, FAQs in order, MedicalTherapy JSON-LD with HowTo steps', () => {
  const html = renderTreatmentPage(seed.treatment, seed.clinic, { images })
  const parsed = parseDocument(html)
  assert.equal(safetyProblems(parsed), [])
  assert.is(elementText(byTag(parsed, 'h1')[0]!), 'Integrative Dry Needling')
  const care = parsed.elements
    .filter((e) => e.tagName === 'div' && /care-instruction--/.test(attr(e, 'class') ?? ''))
    .map((e) => attr(e, 'class'))
  assert.equal(care, ['care-instruction care-instruction--before', 'care-instruction care-instruction--after'])
  const faqs = parsed.elements
    .filter((e) => e.tagName === 'div' && attr(e, 'class') === 'faq')
    .map((e) => elementText(byTag({ elements: parsed.elements.filter((x) => isInside(x, e)), text: '' }, 'h3')[0]!))
  assert.equal(
    faqs,
    (seed.treatment.faqs ?? []).map((f) => f.question),
  )
  assert.ok(parsed.text.includes('Do not eat 30 minutes before treatment (30 minutes before)'))
  const page = obj(jsonLdScripts(html)[0]!.data)
  assert.is(obj(page.mainEntity)['@type'], 'MedicalTherapy')
  const howTos = list(page.hasPart).filter((p) => p['@type'] === 'HowTo')
  assert.is(howTos.length, 2)
  const before = howTos[0]!
  assert.equal(
    list(before.step).map((s) => s.position),
    [1, 2, 3],
  )
  assert.is(list(before.step)[0]!.text, 'Do not eat 30 minutes before treatment (30 minutes before)')
})

others('index page lists every article, condition (by body region) and treatment', () => {
  const html = renderIndexPage(
    { articles: seed.articles, conditions: seed.conditions, treatments: seed.treatments },
    seed.clinic,
  )
  const parsed = parseDocument(html)
  assert.equal(safetyProblems(parsed), [])
  const hrefs = new Set(byTag(parsed, 'a').map((a) => attr(a, 'href')))
  for (const a of seed.articles) assert.ok(hrefs.has(`/articles/${a.slug}`), `article ${a.slug}`)
  for (const c of seed.conditions) assert.ok(hrefs.has(`/conditions/${c.slug}`), `condition ${c.slug}`)
  for (const t of seed.treatments) assert.ok(hrefs.has(`/treatments/${t.slug}`), `treatment ${t.slug}`)
  for (const id of ['articles', 'conditions', 'treatments'])
    assert.ok(
      parsed.elements.some((e) => attr(e, 'id') === id),
      `#${id} exists for the navigation`,
    )
  assert.is(obj(jsonLdScripts(html)[0]!.data)['@type'], 'WebSite')
  assert.not.ok(html.includes('class="more"'), 'no "More ..." link when the lists are complete')
})

others('index page: a list that is only its first page ends with a link to the next page (escaped)', () => {
  const next = '/api/v1/conditions?limit=200&cursor=abc"<'
  const html = renderIndexPage(
    { conditions: seed.conditions, more: { conditions: next, treatments: null } },
    seed.clinic,
  )
  const parsed = parseDocument(html)
  assert.equal(safetyProblems(parsed), [])
  const more = byTag(parsed, 'a').filter((a) => attr(a, 'rel') === 'next')
  assert.equal(
    more.map((a) => attr(a, 'href')),
    [next],
  )
  assert.ok(parsed.text.includes('More conditions'))
  assert.not.ok(parsed.text.includes('More treatments'))
})

others('not-found page is not indexed and has no canonical link', () => {
  const parsed = parseDocument(renderNotFoundPage(seed.clinic, 'No article "<x>"'))
  assert.ok(byTag(parsed, 'meta').some((m) => attr(m, 'name') === 'robots'))
  assert.not.ok(byTag(parsed, 'link').some((l) => attr(l, 'rel') === 'canonical'))
  assert.ok(parsed.text.includes('No article "<x>"'))
})

others.run()
