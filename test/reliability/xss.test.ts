// Unsafe content end to end: the render tests' XSS corpus (test/render/xss-corpus.ts) is written
// through the lake into every text field, mark and URL of every document type (article,
// condition, treatment, FAQ, care instruction, clinician, category and the clinic singleton),
// published, and then every output is fetched: delivery JSON (its html and JSON-LD fields), HTML
// pages, the sitemap, public and partner RSS/Atom/JSON feeds, the syndication API, its embed page
// and changes, and the partner's webhooks. Each is parsed (parse5 for HTML, feed elements decoded
// and parsed as HTML) and must hold no executable content: no script but JSON-LD, no event
// handlers, no javascript:/data:/vbscript: URLs, no active elements, no JSON-LD break-out.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { report, sizeFromEnv } from './helpers/figures.js'
import { hostileCitation, TEXT_PAYLOADS, URL_PAYLOADS } from '../render/xss-corpus.js'
import { SEED_CATEGORY, startPlatform, type Output, type Platform, type Slugs } from './_platform.js'
import { scanOutput, type Finding } from './_scan.js'

// Every URL payload goes into every document. Text payloads: a spread of 9 by default (each
// document set is rendered by ~10 outputs, slow on a busy machine); XSS_TEXT_PAYLOADS=25 (what
// `npm run test:soak` uses) runs the whole corpus.
const DEFAULT_PAYLOADS = [0, 1, 2, 3, 6, 8, 11, 21, 23]
const PAYLOAD_COUNT = sizeFromEnv('XSS_TEXT_PAYLOADS', DEFAULT_PAYLOADS.length)
const PAYLOAD_INDEXES =
  PAYLOAD_COUNT >= TEXT_PAYLOADS.length ? TEXT_PAYLOADS.map((_, i) => i) : DEFAULT_PAYLOADS.slice(0, PAYLOAD_COUNT)

const test = suite('reliability: XSS corpus across outputs')
let platform: Platform

test.before(async () => {
  platform = await startPlatform({ syndication: { webhooks: { enabled: true, intervalMs: 200, timeoutMs: 2000 } } })
})
test.after(async () => platform?.close())

let key = 0
const k = () => `k${++key}`
const span = (text: string, marks: string[] = []) => ({ _type: 'span', _key: k(), text, marks })

/** A paragraph per URL payload, each linked; plus heading, list, quote, callout: every mark and style. */
function hostileBlocks(payload: string, simple = false): Array<Record<string, unknown>> {
  const blocks: Array<Record<string, unknown>> = []
  if (!simple) blocks.push({ _type: 'block', _key: k(), style: 'h2', markDefs: [], children: [span(payload)] })
  URL_PAYLOADS.forEach((url, i) => {
    const link = k()
    const internal = k()
    const cite = k()
    blocks.push({
      _type: 'block',
      _key: k(),
      style: i % 5 === 0 && !simple ? 'blockquote' : 'normal',
      ...(i % 3 === 0 ? { listItem: i % 2 === 0 ? 'bullet' : 'number', level: 1 } : {}),
      markDefs: [
        { _type: 'link', _key: link, href: url },
        { _type: 'internalLink', _key: internal, reference: { _type: 'reference', _ref: 'article-xss-0' } },
        ...(simple ? [] : [{ _type: 'citationRef', _key: cite, citationKey: 'cit1' }]),
      ],
      children: [
        span(payload, [link]),
        span(payload, ['strong', internal]),
        span(payload, ['em', ...(simple ? [] : [cite])]),
      ],
    })
  })
  if (!simple) {
    blocks.push({
      _type: 'callout',
      _key: k(),
      tone: 'warning',
      title: payload,
      body: [
        {
          _type: 'block',
          _key: k(),
          style: 'normal',
          markDefs: [{ _type: 'link', _key: 'cl', href: URL_PAYLOADS[0] }],
          children: [span(payload, ['cl'])],
        },
      ],
    })
  }
  return blocks
}

const ref = (id: string) => ({ _type: 'reference', _ref: id })
const refs = (ids: string[]) => ids.map((id) => ({ ...ref(id), _key: k() }))

function documentsFor(i: number, payload: string): Array<Record<string, unknown> & { _id: string; _type: string }> {
  const url = URL_PAYLOADS[i % URL_PAYLOADS.length] as string
  // What the English article and its Spanish translation both carry (fresh blocks for each).
  const hostileArticleFields = () => ({
    excerpt: payload,
    body: hostileBlocks(payload),
    author: ref(`clinician-xss-${i}`),
    medicalReviewer: ref(`clinician-xss-${i}`),
    lastReviewed: '2026-01-01',
    nextReviewDue: '2027-01-01',
    publishedAt: '2026-01-02T10:00:00Z',
  })
  return [
    {
      _id: `clinician-xss-${i}`,
      _type: 'clinician',
      name: payload,
      handle: payload,
      slug: { _type: 'slug', current: `xss-clinician-${i}` },
      role: payload,
      credentials: [payload],
      certifications: [payload],
      bio: payload,
    },
    {
      _id: `category-xss-${i}`,
      _type: 'category',
      title: payload,
      slug: { _type: 'slug', current: `xss-category-${i}` },
      description: payload,
    },
    {
      _id: `condition-xss-${i}`,
      _type: 'condition',
      name: payload,
      slug: { _type: 'slug', current: `xss-condition-${i}` },
      alsoCalled: [payload],
      bodyRegion: i % 2 ? 'knee' : payload,
      summary: payload,
      symptoms: [payload],
      icd10Codes: [payload, 'M25.561'],
      treatments: refs([`treatment-xss-${i}`]),
      sections: [{ _type: 'conditionSection', _key: k(), aspect: 'overview', body: hostileBlocks(payload) }],
    },
    {
      _id: `treatment-xss-${i}`,
      _type: 'treatment',
      name: payload,
      slug: { _type: 'slug', current: `xss-treatment-${i}` },
      summary: payload,
      howItWorks: hostileBlocks(payload),
      differsFrom: [{ _type: 'treatmentComparison', _key: k(), comparedTo: payload, difference: payload }],
      whoMayPerform: payload,
      conditions: refs([`condition-xss-${i}`]),
      whatToExpect: hostileBlocks(payload),
      sideEffects: [payload],
      complementaryTreatments: [payload],
      faqs: refs([`faq-xss-${i}`]),
      careInstructions: refs([`careInstruction-xss-${i}`]),
    },
    {
      _id: `faq-xss-${i}`,
      _type: 'faq',
      question: payload,
      answer: hostileBlocks(payload, true),
      treatments: refs([`treatment-xss-${i}`]),
      conditions: refs([`condition-xss-${i}`]),
      order: 1,
    },
    {
      _id: `careInstruction-xss-${i}`,
      _type: 'careInstruction',
      title: payload,
      slug: { _type: 'slug', current: `xss-care-${i}` },
      treatment: ref(`treatment-xss-${i}`),
      phase: 'after',
      steps: [{ _type: 'careStep', _key: k(), instruction: payload, timing: payload }],
      contactTherapistWhen: payload,
    },
    {
      _id: `article-xss-${i}`,
      _type: 'article',
      title: payload,
      slug: { _type: 'slug', current: `xss-${i}` },
      ...hostileArticleFields(),
      categories: refs([SEED_CATEGORY, `category-xss-${i}`]),
      conditions: refs([`condition-xss-${i}`]),
      treatments: refs([`treatment-xss-${i}`]),
      faqs: refs([`faq-xss-${i}`]),
      careInstructions: refs([`careInstruction-xss-${i}`]),
      citations: [hostileCitation('cit1', payload, url)],
      callToAction: { _type: 'callToAction', heading: payload, text: payload, buttonLabel: payload, url },
      seo: { _type: 'seo', metaTitle: payload, metaDescription: payload },
      syndication: { _type: 'syndicationSettings', allowed: true, ...(i % 2 ? { canonicalUrl: url } : {}) },
    },
    // Its Spanish translation (its own FAQ, the metadata linking the two): the /es/ pages, ?lang=es
    // answers, Spanish feeds and hreflang links render the same payloads.
    {
      _id: `faq-xss-${i}-es`,
      _type: 'faq',
      language: 'es',
      question: payload,
      answer: hostileBlocks(payload, true),
      treatments: refs([`treatment-xss-${i}`]),
      order: 2,
    },
    {
      _id: `article-xss-${i}-es`,
      _type: 'article',
      language: 'es',
      translationReview: {
        status: 'reviewed',
        reviewer: ref(`clinician-xss-${i}`),
        reviewedAt: '2026-01-02T09:00:00Z',
      },
      title: payload,
      slug: { _type: 'slug', current: `xss-${i}-es` },
      ...hostileArticleFields(),
      categories: refs([SEED_CATEGORY]),
      faqs: refs([`faq-xss-${i}-es`]),
      citations: [hostileCitation('cit1', payload, url)],
      seo: { _type: 'seo', metaTitle: payload, metaDescription: payload },
      syndication: { _type: 'syndicationSettings', allowed: true },
    },
    {
      _id: `translations-article-xss-${i}`,
      _type: 'translation.metadata',
      schemaTypes: ['article'],
      translations: [
        { _key: 'en', _type: 'internationalizedArrayReferenceValue', language: 'en', value: ref(`article-xss-${i}`) },
        {
          _key: 'es',
          _type: 'internationalizedArrayReferenceValue',
          language: 'es',
          value: ref(`article-xss-${i}-es`),
        },
      ],
    },
  ]
}

test(`${PAYLOAD_INDEXES.length} text payloads x ${URL_PAYLOADS.length} URL payloads in every field of every type: no executable content in any output`, async () => {
  const editor = platform.editor
  let written = 0
  for (const i of PAYLOAD_INDEXES) {
    const tx = editor.transaction()
    const docs = documentsFor(i, TEXT_PAYLOADS[i] as string)
    for (const doc of docs) tx.createOrReplace(doc)
    await tx.commit({ visibility: 'sync' })
    written += docs.length
  }
  // The clinic singleton (on every page, in every feed and syndicated article).
  await editor
    .patch('clinic')
    .set({
      name: TEXT_PAYLOADS[3],
      bookingUrl: URL_PAYLOADS[0],
      phone: TEXT_PAYLOADS[1],
      email: TEXT_PAYLOADS[4],
      medicalDisclaimer: TEXT_PAYLOADS[8],
      syndicationLicence: TEXT_PAYLOADS[0],
      attributionText: TEXT_PAYLOADS[9],
      address: {
        _type: 'postalAddress',
        street: TEXT_PAYLOADS[2],
        city: TEXT_PAYLOADS[5],
        region: TEXT_PAYLOADS[6],
        postalCode: TEXT_PAYLOADS[7],
        country: TEXT_PAYLOADS[10],
      },
    })
    .commit()
  written += 2

  const tWritten = Date.now()
  await platform.syndication.reconcile()
  if (process.env.RELIABILITY_DEBUG) console.log(`xss: reconcile ${Date.now() - tWritten} ms`)
  // Let the webhook dispatcher send the partner its change notifications.
  const until = Date.now() + 10_000
  while (platform.receiver.calls.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100))

  const slugs: Slugs = {
    article: PAYLOAD_INDEXES.flatMap((i) => [`xss-${i}`, `xss-${i}-es`]),
    condition: PAYLOAD_INDEXES.map((i) => `xss-condition-${i}`),
    treatment: PAYLOAD_INDEXES.map((i) => `xss-treatment-${i}`),
  }
  const tCrawl = Date.now()
  const outputs: Output[] = await platform.crawl(slugs)
  if (process.env.RELIABILITY_DEBUG) console.log(`xss: crawl ${Date.now() - tCrawl} ms`)
  // Reflected input: hostile search terms, slugs and oEmbed URLs.
  for (const payload of PAYLOAD_INDEXES.map((i) => TEXT_PAYLOADS[i] as string)) {
    const q = encodeURIComponent(payload)
    outputs.push(await platform.get(`${platform.delivery.url}/api/v1/search?q=${q}`))
    outputs.push(await platform.get(`${platform.delivery.url}/articles/${q}`))
    outputs.push(await platform.get(`${platform.syndicationUrl}/syndication/v1/embed/${q}`))
    outputs.push(
      await platform.get(
        `${platform.syndicationUrl}/syndication/v1/oembed?url=${encodeURIComponent(`https://dynamic-pt-wellness.example/articles/${payload}`)}&format=json`,
      ),
    )
  }
  outputs.push(
    await platform.get(
      `${platform.syndicationUrl}/syndication/v1/oembed?url=${encodeURIComponent('https://dynamic-pt-wellness.example/articles/xss-3')}&format=json`,
    ),
  )

  const serverErrors = outputs.filter((o) => o.status >= 500)
  assert.equal(
    serverErrors.map((o) => `${o.status} ${o.url}: ${o.body.slice(0, 200)}`),
    [],
    'hostile content must not crash any output',
  )
  // The hostile articles are really served (the scan is not looking at error pages).
  for (const slug of slugs.article) {
    const spanish = slug.endsWith('-es')
    assert.is(
      outputs.find((o) => o.url === `${platform.delivery.url}${spanish ? '/es' : ''}/articles/${slug}`)?.status,
      200,
      `page of ${slug}`,
    )
    // The partner is licensed for English only: its Spanish articles are not syndicated to it.
    if (spanish) continue
    assert.is(
      outputs.find((o) => o.url.endsWith(`/syndication/v1/articles/${slug}`))?.status,
      200,
      `syndicated ${slug}`,
    )
  }
  const trustedFrames = [`${platform.syndicationUrl}/syndication/v1/embed/`]
  const findings: Finding[] = outputs.flatMap((o) => scanOutput(o, { trustedFrames }))
  const summary = findings.slice(0, 8).map((f) => `${f.url} ${f.where}: ${f.problem} ${f.detail}`)
  report('xss', {
    textPayloads: PAYLOAD_INDEXES.length,
    urlPayloads: URL_PAYLOADS.length,
    documents: written,
    outputs: outputs.length,
    html: outputs.filter((o) => o.contentType.includes('html')).length,
    feeds: outputs.filter((o) => /xml|feed/.test(o.contentType) || o.url.includes('/feeds/')).length,
    webhookCalls: platform.receiver.calls.length,
    findings: findings.length,
  })
  assert.equal(summary, [], `${findings.length} findings of executable content`)
})

// One published, licensed article whose slug is not a valid slug (possible through the API or an
// import; the Studio's validation prevents it) must not take the partner lists, /changes and feeds
// down for everyone: it has no canonical URL, so it is simply not syndicated.
test('an article whose slug is hostile does not take syndication lists and feeds down', async () => {
  const article = documentsFor(0, TEXT_PAYLOADS[3] as string).find((d) => d._type === 'article')!
  await platform.editor.createOrReplace({
    ...article,
    _id: 'article-xss-slug',
    slug: { _type: 'slug', current: TEXT_PAYLOADS[3] },
  })
  await platform.syndication.reconcile()
  const outputs = await platform.crawl({ article: [], condition: [], treatment: [] })
  const serverErrors = outputs
    .filter((o) => o.status >= 500)
    .map((o) => `${o.status} ${o.url}: ${o.body.slice(0, 160)}`)
  assert.equal(serverErrors, [])
  assert.equal(
    outputs.flatMap((o) => scanOutput(o, { trustedFrames: [`${platform.syndicationUrl}/syndication/v1/embed/`] })),
    [],
  )
})

test.run()
