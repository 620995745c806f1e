// The Presentation tool's knowledge of the site (studio/presentation/routes.ts), run against a
// real lake: which document a page is about (`MAIN_DOCUMENTS`), on which pages a document is shown
// (`LOCATIONS` + `locationsOf`), and the Preview pane's preview-mode URL.
import * as assert from 'uvu/assert'
import {
  LOCATIONS,
  type LocationsResult,
  locationsOf,
  MAIN_DOCUMENTS,
  PREVIEW_MODE,
} from '../../studio/presentation/routes.js'
import { draftPreviewUrlFor } from '../../studio/preview/previewUrl.js'
import { lakeSuite } from '../helpers/lake-suite.js'

const { test, t } = lakeSuite('studio: Presentation routes and locations')

const ref = (id: string, key: string) => ({ _type: 'reference', _ref: id, _key: key })

test.before(async () => {
  await t.client
    .transaction()
    .create({ _id: 'cond-knee', _type: 'condition', name: 'Knee pain', slug: { _type: 'slug', current: 'knee-pain' } })
    .create({
      _id: 'tr-needling',
      _type: 'treatment',
      name: 'Dry needling',
      slug: { _type: 'slug', current: 'dry-needling' },
    })
    .create({
      _id: 'faq-sterile',
      _type: 'faq',
      question: 'Are the needles sterile?',
      conditions: [ref('cond-knee', 'c1')],
    })
    .create({ _id: 'faq-lonely', _type: 'faq', question: 'Is it on any page?' })
    .create({
      _id: 'care-after',
      _type: 'careInstruction',
      title: 'After needling',
      treatment: { _type: 'reference', _ref: 'tr-needling' },
    })
    .create({
      _id: 'art-needles',
      _type: 'article',
      title: 'Why needles',
      slug: { _type: 'slug', current: 'why-needles' },
      faqs: [ref('faq-sterile', 'f1')],
      careInstructions: [ref('care-after', 'k1')],
    })
    .create({ _id: 'drafts.art-new', _type: 'article', title: 'Not yet' })
    .commit()
})

async function locations(id: string, type: string) {
  const result = await t.client.fetch<LocationsResult | null>(LOCATIONS.fetch, { id }, { perspective: 'drafts' })
  return locationsOf(type, result)
}

test('a routable document is shown on its own page', async () => {
  assert.equal(await locations('art-needles', 'article'), {
    locations: [{ title: 'Why needles', href: '/articles/why-needles' }],
  })
  assert.equal(await locations('tr-needling', 'treatment'), {
    locations: [{ title: 'Dry needling', href: '/treatments/dry-needling' }],
  })
})

test('an FAQ is located on the articles listing it and the conditions it names', async () => {
  assert.equal(await locations('faq-sterile', 'faq'), {
    locations: [
      { title: 'Why needles', href: '/articles/why-needles' },
      { title: 'Knee pain', href: '/conditions/knee-pain' },
    ],
  })
})

test('a care instruction is located on its articles and its treatment', async () => {
  assert.equal(await locations('care-after', 'careInstruction'), {
    locations: [
      { title: 'Why needles', href: '/articles/why-needles' },
      { title: 'Dry needling', href: '/treatments/dry-needling' },
    ],
  })
})

test('no page: a message saying how to get one, never a wrong link', async () => {
  const lonely = await locations('faq-lonely', 'faq')
  assert.is(lonely?.locations, undefined)
  assert.match(lonely?.message ?? '', /add it to an article/)
  const unslugged = await locations('art-new', 'article')
  assert.match(unslugged?.message ?? '', /slug/)
  assert.is(locationsOf('clinician', { _type: 'clinician' }), null, 'types without pages get no banner')
})

test('the locations refetch when a page starts listing the document, or its draft changes', async () => {
  const seen: string[] = []
  let welcomed: () => void = () => undefined
  const open = new Promise<void>((resolve) => (welcomed = resolve))
  const subscription = t.client
    .listen(LOCATIONS.listen, { id: 'faq-lonely', draftId: 'drafts.faq-lonely' }, { events: ['welcome', 'mutation'] })
    .subscribe((event) => {
      if (event.type === 'welcome') welcomed()
      if (event.type === 'mutation') seen.push(event.documentId)
    })
  try {
    await open
    await t.client.patch('tr-needling').set({ name: 'Dry needling (IDN)' }).commit()
    await t.client
      .patch('art-needles')
      .append('faqs', [ref('faq-lonely', 'f2')])
      .commit()
    await t.client.createOrReplace({ _id: 'drafts.faq-lonely', _type: 'faq', question: 'Now on a page?' })
    const started = Date.now()
    while (seen.length < 2 && Date.now() - started < 10_000) await new Promise((resolve) => setTimeout(resolve, 50))
    // Events come in commit order: the unrelated treatment's would have come first.
    assert.equal(seen, ['art-needles', 'drafts.faq-lonely'], 'only the document and pages listing it')
  } finally {
    subscription.unsubscribe()
  }
  assert.equal(await locations('faq-lonely', 'faq'), {
    locations: [{ title: 'Why needles', href: '/articles/why-needles' }],
  })
})

test('every page route resolves to the document it shows', async () => {
  const cases: Array<[string, string, string]> = [
    ['/articles/:slug', 'why-needles', 'art-needles'],
    ['/conditions/:slug', 'knee-pain', 'cond-knee'],
    ['/treatments/:slug', 'dry-needling', 'tr-needling'],
  ]
  for (const [route, slug, id] of cases) {
    const resolver = MAIN_DOCUMENTS.find((entry) => entry.route === route)
    if (!resolver?.resolve) throw new Error(`no resolver for ${route}`)
    const resolved = resolver.resolve({
      origin: 'http://127.0.0.1:3000',
      params: { slug },
      path: route.replace(':slug', slug),
    })
    if (!resolved) throw new Error(`${route} resolved to nothing for ${slug}`)
    const found = await t.client.fetch<string | null>(`*[${resolved.filter}][0]._id`, resolved.params ?? {})
    assert.is(found, id, `${route} with ${slug}`)
  }
})

test('the Preview pane opens the draft through the enable route with the secret', () => {
  const url = draftPreviewUrlFor(
    { _type: 'article', slug: { current: 'why-needles' } },
    'http://127.0.0.1:3000/',
    PREVIEW_MODE.enable,
    's3cr3t',
  )
  if (!url) throw new Error('no preview URL for a routable article')
  const parsed = new URL(url)
  assert.is(parsed.origin + parsed.pathname, 'http://127.0.0.1:3000/api/draft-mode/enable')
  assert.is(parsed.searchParams.get('sanity-preview-secret'), 's3cr3t')
  assert.is(parsed.searchParams.get('sanity-preview-pathname'), '/articles/why-needles')
  assert.is(parsed.searchParams.get('sanity-preview-perspective'), 'drafts')
  assert.is(draftPreviewUrlFor({ _type: 'faq', slug: 'x' }, 'http://h', PREVIEW_MODE.enable, 's'), null)
  assert.is(draftPreviewUrlFor({ _type: 'article', slug: '../admin' }, 'http://h', PREVIEW_MODE.enable, 's'), null)
})

test.run()
