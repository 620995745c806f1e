// Draft isolation: randomized sequences of the Studio's document actions (create, edit, publish,
// unpublish, discard, delete, licence and embargo changes) on articles, treatments, conditions and
// FAQs. Every draft edit writes a unique marker (`zq<n>draftq`) into the title, summary, body and
// sometimes the slug. After every step every output is fetched (anonymous lake queries in every
// perspective, the delivery API, HTML pages, sitemap, public and partner feeds, the syndication
// API, its changes feed, the embed page and the partner's webhook calls) and searched for markers:
// a marker may appear only once the draft holding it was published. The partner's article list is
// also compared with the published, licensed, past-embargo articles in its category.
//
// Preview mode runs alongside: before every crawl, a preview session (opened through
// /api/draft-mode/enable with a secret created as the Studio's Presentation tool creates it) reads
// the same pages and API resources, drafts and stega included. No public output may then hold a
// marker, a stega character or a preview marker (the overlay script, the session cookie's name).
//
// Sizes: DRAFT_SEQUENCES (default 2), DRAFT_STEPS per sequence (default 8); RELIABILITY_SEED replays.
import { createPreviewSecret } from '@sanity/preview-url-secret/create-secret'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { prng, report, seedFromEnv, sizeFromEnv } from './helpers/figures.js'
import { SEED_CATEGORY, startPlatform, type Output, type Platform, type Slugs } from './_platform.js'
import { previewFindings } from './_scan.js'

const SEQUENCES = sizeFromEnv('DRAFT_SEQUENCES', 2)
const STEPS = sizeFromEnv('DRAFT_STEPS', 8)
const DOCS_PER_SEQUENCE = 6
const SEED = seedFromEnv()
const random = prng(SEED)
const MARKER = /zq\d+draftq/g

const test = suite('reliability: draft isolation')
let platform: Platform
/** The Cookie header of a preview session on the platform's delivery server. */
let previewCookie = ''

test.before(async () => {
  platform = await startPlatform()
  const { secret } = await createPreviewSecret(platform.editor, 'sanity/presentation', 'http://127.0.0.1:1/local')
  const enable = await fetch(
    `${platform.delivery.url}/api/draft-mode/enable?sanity-preview-secret=${encodeURIComponent(secret)}&sanity-preview-pathname=/`,
    { redirect: 'manual' },
  )
  assert.is(enable.status, 307, 'preview mode is enabled with a fresh secret')
  previewCookie = (enable.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
  assert.ok(previewCookie.includes('='), 'the enable route set a session cookie')
})
test.after(async () => platform?.close())

const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T
let markerCount = 0
const nextMarker = () => `zq${++markerCount}draftq`

type DocType = 'article' | 'treatment' | 'condition' | 'faq'

function block(key: string, text: string) {
  return {
    _type: 'block',
    _key: key,
    style: 'normal',
    markDefs: [],
    children: [{ _type: 'span', _key: `${key}s`, text, marks: [] }],
  }
}

/** The fields a draft edit sets: every text field of the type carries the marker. */
function fieldsFor(type: DocType, id: string, marker: string, slugChange: boolean): Record<string, unknown> {
  const base = id.replace(/^[a-zA-Z]+-/, '')
  const slug = { _type: 'slug', current: slugChange ? `${base}-${marker}` : base }
  switch (type) {
    case 'article':
      return {
        title: `Article ${marker}`,
        slug,
        excerpt: `Excerpt ${marker}`,
        body: [block('b1', `Body ${marker}`)],
        seo: { _type: 'seo', metaTitle: `Meta ${marker}` },
      }
    case 'treatment':
      return {
        name: `Treatment ${marker}`,
        slug,
        summary: `Summary ${marker}`,
        howItWorks: [block('h1', `How ${marker}`)],
        sideEffects: [`Side ${marker}`],
      }
    case 'condition':
      return {
        name: `Condition ${marker}`,
        slug,
        summary: `Summary ${marker}`,
        bodyRegion: 'knee',
        symptoms: [`Symptom ${marker}`],
        alsoCalled: [`Alias ${marker}`],
      }
    case 'faq':
      return { question: `Question ${marker}?`, answer: [block('a1', `Answer ${marker}`)], order: 1 }
  }
}

function newDocument(type: DocType, id: string, marker: string): Record<string, unknown> {
  // Half the documents are Spanish, so the Spanish outputs (/es/ pages, ?lang=es, Spanish feeds)
  // are searched for drafts as well.
  const language = random() < 0.5 ? 'es' : 'en'
  const doc: Record<string, unknown> = {
    _id: `drafts.${id}`,
    _type: type,
    language,
    ...fieldsFor(type, id, marker, false),
  }
  // FAQs are listed per treatment: attach them to the seed's treatment so its FAQ list is searched.
  if (type === 'faq') doc.treatments = [{ _key: 't0', _type: 'reference', _ref: 'treatment-integrative-dry-needling' }]
  if (type === 'article') {
    Object.assign(doc, {
      publishedAt: '2026-01-01T10:00:00Z',
      lastReviewed: '2026-01-01',
      nextReviewDue: '2027-01-01',
      author: { _type: 'reference', _ref: 'clinician-kelliegomia' },
      categories: [{ _key: 'c0', _type: 'reference', _ref: SEED_CATEGORY }],
      syndication: { _type: 'syndicationSettings', allowed: true },
    })
  }
  return doc
}

interface Figures {
  steps: number
  checks: number
  outputs: number
  markers: number
  actions: Record<string, number>
}
const figures: Figures & { previewReads: number; previewWithDrafts: number; previewFound: number } = {
  steps: 0,
  checks: 0,
  outputs: 0,
  markers: 0,
  actions: {},
  previewReads: 0,
  previewWithDrafts: 0,
  previewFound: 0,
}
const everPublished = new Set<string>()
const slugsSeen: Slugs = { article: [], condition: [], treatment: [] }

interface LakeDoc {
  _id: string
  _type: string
  slug?: { current?: string }
  syndication?: { allowed?: boolean; embargoUntil?: string }
  categories?: Array<{ _ref?: string }>
  language?: string
}

async function lakeState(): Promise<{ published: LakeDoc[]; drafts: LakeDoc[] }> {
  const all: LakeDoc[] = await platform.editor.fetch(
    '*[_type in ["article", "treatment", "condition", "faq"]]',
    {},
    { perspective: 'raw' },
  )
  return {
    published: all.filter((d) => !d._id.startsWith('drafts.')),
    drafts: all.filter((d) => d._id.startsWith('drafts.')),
  }
}

function markersIn(text: string): string[] {
  return [...new Set(text.match(MARKER) ?? [])]
}

function remember(docs: readonly LakeDoc[]): void {
  // Only this test's documents: the seed's pages hold no markers and never change here.
  for (const d of docs) {
    if (!d._id.includes('-rel-')) continue
    const slug = d.slug?.current
    const list = (slugsSeen as unknown as Record<string, string[] | undefined>)[d._type]
    if (slug && list && !list.includes(slug)) list.push(slug)
  }
}

/** Articles the partner may see: published, licensed, past embargo, in its category and language (English). */
function syndicable(published: readonly LakeDoc[], now: Date): string[] {
  return published
    .filter((d) => d._type === 'article' && d.syndication?.allowed === true)
    .filter((d) => (d.language ?? 'en') === 'en')
    .filter((d) => !d.syndication?.embargoUntil || new Date(d.syndication.embargoUntil) <= now)
    .filter((d) => (d.categories ?? []).some((c) => c._ref === SEED_CATEGORY))
    .map((d) => d.slug?.current ?? '')
    .sort()
}

async function check(where: string): Promise<void> {
  const tState = Date.now()
  const { published, drafts } = await lakeState()
  for (const m of markersIn(JSON.stringify(published))) everPublished.add(m)
  remember(published)
  remember(drafts)
  // Preview reads of the same resources first: had one reached the response cache, the public
  // crawl below would find its drafts and stega.
  const d = platform.delivery.url
  const previewUrls = [
    `${d}/`,
    `${d}/api/v1/articles?limit=50`,
    ...slugsSeen.article.flatMap((slug) => [
      `${d}/articles/${encodeURIComponent(slug)}`,
      `${d}/api/v1/articles/${encodeURIComponent(slug)}`,
    ]),
    ...slugsSeen.treatment.map((slug) => `${d}/treatments/${encodeURIComponent(slug)}`),
    ...slugsSeen.condition.map((slug) => `${d}/conditions/${encodeURIComponent(slug)}`),
  ]
  for (const url of previewUrls) {
    const seen = await platform.get(url, { cookie: previewCookie })
    assert.ok(seen.status < 500, `${where}: preview of ${url} answered ${seen.status}: ${seen.body.slice(0, 300)}`)
    figures.previewReads++
    if (markersIn(seen.body).some((m) => !everPublished.has(m))) figures.previewWithDrafts++
    if (previewFindings(seen).length > 0) figures.previewFound++
  }
  const t0 = Date.now()
  await platform.syndication.reconcile()
  const t1 = Date.now()
  const outputs: Output[] = await platform.crawl(slugsSeen)
  if (process.env.RELIABILITY_DEBUG)
    console.log(
      `check ${where}: state ${t0 - tState}ms reconcile ${t1 - t0}ms crawl ${Date.now() - t1}ms (${outputs.length} outputs)`,
    )
  figures.checks++
  figures.outputs += outputs.length
  for (const output of outputs) {
    assert.ok(output.status < 500, `${where}: ${output.url} answered ${output.status}: ${output.body.slice(0, 300)}`)
    // A 404 may repeat the requested path (a draft's slug) back: that is the request, not a leak.
    // A 200 for a path holding a draft-only slug is a leak, and is reported.
    const reflected =
      output.status >= 400 && output.url.startsWith('http')
        ? markersIn(decodeURIComponent(new URL(output.url).pathname))
        : []
    const leaked = markersIn(output.body).filter((m) => !everPublished.has(m) && !reflected.includes(m))
    assert.equal(leaked, [], `${where}: ${output.url} shows draft-only content ${leaked.join(', ')} (seed ${SEED})`)
    const previewLeaks = previewFindings(output)
    assert.equal(previewLeaks, [], `${where}: ${output.url} holds preview output (seed ${SEED})`)
  }
  const list = outputs.find((o) => o.url.includes('/syndication/v1/articles?'))
  assert.ok(list && list.status === 200, `${where}: the partner's article list answered`)
  const items = (JSON.parse(list!.body) as { items: Array<{ slug: string }> }).items.map((i) => i.slug).sort()
  assert.equal(
    items,
    syndicable(published, new Date()),
    `${where}: the partner's article list is not exactly its licensed scope (seed ${SEED})`,
  )
}

type Step = (
  id: string,
  type: DocType,
  state: { hasDraft: boolean; hasPublished: boolean },
) => { name: string; actions: Array<Record<string, unknown>> } | null

const STEP_KINDS: Step[] = [
  (id, type, s) =>
    s.hasDraft || s.hasPublished
      ? null
      : {
          name: 'create',
          actions: [
            {
              actionType: 'sanity.action.document.create',
              publishedId: id,
              attributes: newDocument(type, id, nextMarker()),
              ifExists: 'fail',
            },
          ],
        },
  (id, type, s) =>
    s.hasDraft || s.hasPublished
      ? {
          name: 'edit',
          actions: [
            {
              actionType: 'sanity.action.document.edit',
              draftId: `drafts.${id}`,
              publishedId: id,
              patch: { set: fieldsFor(type, id, nextMarker(), random() < 0.3) },
            },
          ],
        }
      : null,
  (id, _type, s) =>
    s.hasDraft
      ? {
          name: 'publish',
          actions: [{ actionType: 'sanity.action.document.publish', draftId: `drafts.${id}`, publishedId: id }],
        }
      : null,
  (id, _type, s) =>
    s.hasPublished && !s.hasDraft
      ? {
          name: 'unpublish',
          actions: [{ actionType: 'sanity.action.document.unpublish', draftId: `drafts.${id}`, publishedId: id }],
        }
      : null,
  (id, _type, s) =>
    s.hasDraft && s.hasPublished
      ? { name: 'discard', actions: [{ actionType: 'sanity.action.document.discard', draftId: `drafts.${id}` }] }
      : null,
  (id, _type, s) =>
    s.hasDraft || s.hasPublished
      ? {
          name: 'delete',
          actions: [{ actionType: 'sanity.action.document.delete', publishedId: id, includeDrafts: [`drafts.${id}`] }],
        }
      : null,
  (id, type, s) => {
    if (type !== 'article' || !(s.hasDraft || s.hasPublished)) return null
    const embargo = pick([undefined, '2099-01-01T00:00:00Z', '2020-01-01T00:00:00Z'])
    const settings: Record<string, unknown> = { _type: 'syndicationSettings', allowed: random() < 0.5 }
    if (embargo) settings.embargoUntil = embargo
    return {
      name: 'licence',
      actions: [
        {
          actionType: 'sanity.action.document.edit',
          draftId: `drafts.${id}`,
          publishedId: id,
          patch: { set: { syndication: settings, title: `Licence ${nextMarker()}` } },
        },
      ],
    }
  },
]

test(`${SEQUENCES} randomized sequences of ${STEPS} Studio actions: no draft content in any output after any step`, async () => {
  const deadline = Date.now() + Math.max(180_000, SEQUENCES * STEPS * 4000)
  await check('before any step')
  for (let seq = 0; seq < SEQUENCES && Date.now() < deadline; seq++) {
    const docs = Array.from({ length: DOCS_PER_SEQUENCE }, (_, i) => {
      const type: DocType = (['article', 'article', 'article', 'treatment', 'condition', 'faq'] as const)[i] as DocType
      return { id: `${type}-rel-${seq}-${i}`, type }
    })
    for (let step = 0; step < STEPS && Date.now() < deadline; step++) {
      const { published, drafts } = await lakeState()
      // Pick a document and an action that applies to its state (bounded tries).
      let chosen: { name: string; actions: Array<Record<string, unknown>> } | null = null
      for (let tries = 0; tries < 50 && !chosen; tries++) {
        const doc = pick(docs)
        const state = {
          hasDraft: drafts.some((d) => d._id === `drafts.${doc.id}`),
          hasPublished: published.some((d) => d._id === doc.id),
        }
        // Publish more often than the other actions, so published content (and its markers) exists.
        const kind = random() < 0.25 ? STEP_KINDS[2]! : pick(STEP_KINDS)
        chosen = kind(doc.id, doc.type, state)
      }
      if (!chosen) continue
      await platform.editor.action(chosen.actions as never)
      figures.actions[chosen.name] = (figures.actions[chosen.name] ?? 0) + 1
      figures.steps++
      await check(`sequence ${seq} step ${step} (${chosen.name})`)
    }
  }
  figures.markers = markerCount
  assert.ok(figures.steps >= SEQUENCES * STEPS * 0.8, `only ${figures.steps} steps ran`)
  // Positive control of the preview side: the session did read drafts the public never saw.
  assert.ok(figures.previewWithDrafts > 0, 'the preview session showed draft-only content at least once')
  // ... and the scan that finds nothing in public outputs finds stega and markers in preview ones.
  assert.ok(figures.previewFound > 0, 'the preview scan finds stega and preview markers in preview answers')
  // Positive control: what is published does reach delivery (the crawl is not looking at nothing).
  const { published } = await lakeState()
  const articles = published.filter((d) => d._type === 'article' && d._id.includes('-rel-'))
  for (const a of articles) {
    const slug = a.slug?.current ?? ''
    const full = await platform.editor.getDocument<{ title?: string }>(a._id)
    const deadlineShown = Date.now() + 5000
    const lang = (a.language ?? 'en') === 'en' ? '' : `?lang=${a.language}`
    const url = `${platform.delivery.url}/api/v1/articles/${encodeURIComponent(slug)}${lang}`
    let got = await platform.get(url)
    while (!got.body.includes(String(full?.title)) && Date.now() < deadlineShown) {
      await new Promise((r) => setTimeout(r, 100))
      got = await platform.get(url)
    }
    assert.ok(got.body.includes(String(full?.title)), `published article ${slug} is served with its published title`)
  }
  assert.ok(
    platform.anonymousListen.events.length > 0,
    'the anonymous listener saw published changes (it is not looking at nothing)',
  )
  report('draft isolation', {
    seed: SEED,
    sequences: SEQUENCES,
    steps: figures.steps,
    actions: Object.entries(figures.actions)
      .map(([k, v]) => `${k}:${v}`)
      .join(','),
    draftMarkers: figures.markers,
    publishedMarkers: everPublished.size,
    checks: figures.checks,
    outputsSearched: figures.outputs,
    webhookCalls: platform.receiver.calls.length,
    anonymousListenEvents: platform.anonymousListen.events.length,
    previewReads: figures.previewReads,
    previewReadsWithDrafts: figures.previewWithDrafts,
    previewReadsWithStega: figures.previewFound,
    leaks: 0,
    stegaOrPreviewMarkersInPublic: 0,
  })
})

test.run()
