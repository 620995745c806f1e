/**
 * Content Source Maps (`resultSourceMap=true|withKeyArraySelector`) through `@sanity/client`,
 * unchanged: the map's shape, what the tracer follows (attributes, `->`, array projections,
 * renames, `coalesce`, nested objects), what it must not map (computed values), drafts, stega
 * round trips and edit URLs, and the property the issue asks for: over generated datasets, every
 * mapping of every delivery query points at a document value equal to the result value it maps.
 */
import type { ContentSourceMap, SanityClient } from '@sanity/client'
import { parseJsonPath, resolveEditUrl } from '@sanity/client/csm'
import { createClient as createStegaClient, stegaClean } from '@sanity/client/stega'
import { vercelStegaDecode } from '@vercel/stega'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as deliveryModule from '../../delivery/queries.js'
import { ARTICLE_BY_SLUG_QUERY, FAQS_BY_TOPIC_QUERY } from '../../delivery/queries.js'
import { generateDataset } from '../../scripts/bench/dataset.js'
import { deliveryQueries, pickParams } from '../../scripts/bench/queries.js'
import { startTestLake, type TestLake } from '../helpers/lake.js'

type Segment = ReturnType<typeof parseJsonPath>[number]

/** A value at a parsed JSON path, key selectors by `_key` (as the Studio resolves them). */
function at(value: unknown, segments: readonly Segment[]): unknown {
  let v = value
  for (const seg of segments) {
    if (typeof seg === 'string') {
      v = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[seg] : undefined
    } else if (!Array.isArray(v)) return undefined
    else if (typeof seg === 'number') v = v[seg]
    else v = v.find((x) => (x as { _key?: unknown } | null)?._key === seg._key)
  }
  return v
}

/**
 * Checks every mapping against the documents it names (read by id with the editor's token):
 * returns how many were checked, throws at the first that points at a different value.
 */
async function checkMappings(
  client: SanityClient,
  result: unknown,
  csm: ContentSourceMap,
  label: string,
  cache = new Map<string, unknown>(),
): Promise<number> {
  let n = 0
  const missing = [...new Set(csm.documents.map((d) => d._id))].filter((id) => !cache.has(id))
  if (missing.length > 0) {
    const found = await client.getDocuments(missing)
    missing.forEach((id, i) => cache.set(id, found[i] ?? undefined))
  }
  for (const [resultPath, mapping] of Object.entries(csm.mappings)) {
    assert.is(mapping.type, 'value')
    assert.is(mapping.source.type, 'documentValue')
    const source = mapping.source as { document: number; path: number }
    const doc = csm.documents[source.document]
    const sourcePath = csm.paths[source.path]
    assert.ok(doc && sourcePath, `${label}: ${resultPath} names a document and path that exist`)
    const stored = cache.get(doc._id) as { _type?: string } | undefined
    assert.ok(stored, `${label}: ${resultPath}: document ${doc._id} exists`)
    assert.is(stored?._type, doc._type)
    const expected = at(result, parseJsonPath(resultPath))
    const actual = at(stored, parseJsonPath(sourcePath))
    if (!isDeepStrictEqual(actual, expected)) {
      assert.unreachable(
        `${label}: ${resultPath} -> ${doc._id} ${sourcePath}: document has ${JSON.stringify(actual)}, result ${JSON.stringify(expected)}`,
      )
    }
    n++
  }
  return n
}

/** String leaves of a result, by JSON path (numeric indices), for coverage counts. */
function stringLeaves(value: unknown, p = '$', out: string[] = []): string[] {
  if (typeof value === 'string') out.push(p)
  else if (Array.isArray(value)) value.forEach((v, i) => stringLeaves(v, `${p}[${i}]`, out))
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) stringLeaves(v, `${p}['${k.replace(/['\\]/g, '\\$&')}']`, out)
  }
  return out
}

type Doc = { _id: string; _type: string; [field: string]: unknown }

/**
 * Parameters for the delivery queries the bench does not run (partner EHR queries), so that the
 * property covers every query delivery runs. PUBLISHED_CHANGES_LISTEN_QUERY is a listen filter,
 * never run as a query (it would return the whole dataset).
 */
function otherDeliveryQueries(
  docs: readonly Doc[],
): Array<{ name: string; query: string; params: Record<string, unknown> }> {
  const published = docs.filter((d) => !d._id.startsWith('drafts.'))
  const conditions = published.filter((d) => d._type === 'condition')
  const withCodes = conditions.find((d) => Array.isArray(d.icd10Codes) && d.icd10Codes.length > 0)
  const code = String((withCodes?.icd10Codes as string[] | undefined)?.[0] ?? 'M54.5')
  const snomed = conditions.find((d) => Array.isArray(d.snomedCodes) && d.snomedCodes.length > 0)
  const treatments = published.filter((d) => d._type === 'treatment').slice(0, 5)
  const q = deliveryModule as unknown as Record<string, string>
  const item = (name: string, params: Record<string, unknown>) => ({ name, query: q[name] as string, params })
  return [
    item('EHR_CONDITIONS_BY_ICD10_QUERY', { codes: [code, code.split('.')[0]], prefix: code, limit: 10 }),
    item('EHR_CONDITIONS_BY_SNOMED_QUERY', {
      code: String((snomed?.snomedCodes as string[] | undefined)?.[0] ?? '279039007'),
      limit: 10,
    }),
    item('EHR_CODE_SEARCH_QUERY', { conditionIds: conditions.slice(0, 3).map((d) => d._id) }),
    item('EHR_TREATMENT_CARE_QUERY', { treatmentIds: treatments.map((d) => d._id) }),
    item('EHR_DOCUMENTS_QUERY', { ids: null, kinds: null, start: 0, end: 30 }),
    item('EHR_DOCUMENTS_QUERY', { ids: null, kinds: ['condition', 'careInstruction'], start: 0, end: 30 }),
  ]
}

/** The language parameters every delivery query takes: English, no fallback, no translation versions read. */
const ENGLISH = { lang: 'en', fallback: false, versions: [], versionIds: [] }

type Answer = { result: unknown; resultSourceMap: ContentSourceMap; ms: number }

const seeded = suite('lake: content source maps (seed content)')
let t: TestLake
let slug: string
let articleId: string

seeded.before(async () => {
  t = await startTestLake({ seed: 'content/production.ndjson' })
  const first = await t.client.fetch<{ _id: string; slug: string }>(
    '*[_type == "article" && defined(slug.current) && count(faqs) > 0 && defined(author)] | order(_id asc)[0]{_id, "slug": slug.current}',
  )
  slug = first.slug
  articleId = first._id
})
seeded.after(async () => {
  await t.close()
})

seeded('withKeyArraySelector: documents, paths with _key selectors, joins and array projections', async () => {
  const res = (await t.client.fetch(
    ARTICLE_BY_SLUG_QUERY,
    { slug, ...ENGLISH },
    { resultSourceMap: 'withKeyArraySelector', filterResponse: false },
  )) as unknown as Answer
  const csm = res.resultSourceMap
  const result = res.result as {
    title: string
    author: { name: string; _id: string }
    faqs: Array<{ _id: string; question: string }>
    body: Array<{ _key: string; _type: string; children?: Array<{ _key: string; text: string }> }>
  }
  const source = (resultPath: string) => {
    const m = csm.mappings[resultPath]
    if (m?.source.type !== 'documentValue') return undefined
    return { id: csm.documents[m.source.document]?._id, path: csm.paths[m.source.path] }
  }
  assert.equal(source("$['title']"), { id: articleId, path: "$['title']" })
  // A rename: "slug": slug.current
  assert.equal(source("$['slug']"), { id: articleId, path: "$['slug']['current']" })
  // A join: "author": author->{...}
  assert.equal(source("$['author']['name']"), { id: result.author._id, path: "$['name']" })
  // An array projection of joins: faqs[]->{...}
  assert.equal(source("$['faqs'][0]['question']"), { id: result.faqs[0]?._id, path: "$['question']" })
  // Portable Text spans: keyed array items by _key.
  const block = result.body.findIndex((b) => b._type === 'block' && b.children?.length)
  const blockKey = result.body[block]?._key
  const spanKey = result.body[block]?.children?.[0]?._key
  assert.equal(source(`$['body'][${block}]['children'][0]['text']`), {
    id: articleId,
    path: `$['body'][?(@._key=='${blockKey}')]['children'][?(@._key=='${spanKey}')]['text']`,
  })
  assert.ok(csm.documents.every((d) => typeof d._id === 'string' && typeof d._type === 'string'))
  assert.ok((await checkMappings(t.client, res.result, csm, 'article')) > 50)
})

seeded('resultSourceMap=true: array items by index', async () => {
  const res = (await t.client.fetch(
    ARTICLE_BY_SLUG_QUERY,
    { slug, ...ENGLISH },
    { resultSourceMap: true, filterResponse: false },
  )) as unknown as Answer
  const csm = res.resultSourceMap
  assert.ok(csm.paths.length > 0)
  assert.ok(
    csm.paths.every((p) => !p.includes('?(@._key')),
    'no key selectors',
  )
  assert.ok(csm.paths.some((p) => /^\$\['body'\]\[\d+\]\['children'\]\[\d+\]\['text'\]$/.test(p)))
  await checkMappings(t.client, res.result, csm, 'article by index')
})

seeded('computed values get no mapping; coalesce maps to the branch that gave the value', async () => {
  const res = (await t.client.fetch(
    `*[_id == $id][0]{
      title,
      "n": count(body),
      "text": pt::text(body),
      "exclaimed": title + "!",
      "sum": 1 + count(faqs),
      "first": coalesce(noSuchField, title),
      "second": coalesce(excerpt, title),
      "none": coalesce(noSuchField, alsoMissing),
      "nested": {"inner": {"heading": title, "lit": "constant"}},
      "authorName": author->name,
      "questions": faqs[]->question
    }`,
    { id: articleId },
    { resultSourceMap: true, filterResponse: false },
  )) as unknown as Answer
  const csm = res.resultSourceMap
  const pathOf = (p: string) => {
    const m = csm.mappings[p]
    return m && m.source.type === 'documentValue' ? csm.paths[m.source.path] : undefined
  }
  for (const computed of [
    "$['n']",
    "$['text']",
    "$['exclaimed']",
    "$['sum']",
    "$['none']",
    "$['nested']['inner']['lit']",
  ]) {
    assert.is(csm.mappings[computed], undefined, `${computed} is computed: no mapping`)
  }
  assert.is(pathOf("$['first']"), "$['title']")
  assert.is(pathOf("$['second']"), "$['excerpt']")
  assert.is(pathOf("$['nested']['inner']['heading']"), "$['title']")
  assert.is(pathOf("$['authorName']"), "$['name']")
  assert.is(pathOf("$['questions'][0]"), "$['question']")
  await checkMappings(t.client, res.result, csm, 'computed')
})

seeded('stega: @sanity/client encodes edit links from the map and stegaClean gives the plain result', async () => {
  const plain = await t.client.fetch(ARTICLE_BY_SLUG_QUERY, { slug, ...ENGLISH })
  const stega = createStegaClient({
    ...t.client.config(),
    stega: { enabled: true, studioUrl: '/studio' },
  })
  const encoded = await stega.fetch(ARTICLE_BY_SLUG_QUERY, { slug, ...ENGLISH })
  assert.ok(encoded && plain)
  assert.is.not(encoded.title, plain.title, 'the title carries stega characters')
  assert.equal(stegaClean(encoded), plain)
  const decoded = vercelStegaDecode<{ origin: string; href: string }>(encoded.title as string)
  assert.is(decoded?.origin, 'sanity.io')
  assert.match(decoded?.href ?? '', `id=${articleId}`)
  assert.match(decoded?.href ?? '', 'path=title')
  const question = encoded.faqs?.[0]?.question as string
  const faqHref = vercelStegaDecode<{ href: string }>(question)?.href ?? ''
  assert.match(faqHref, `id=${plain.faqs?.[0]?._id}`)
  assert.match(faqHref, 'path=question')

  const res = (await t.client.fetch(
    ARTICLE_BY_SLUG_QUERY,
    { slug, ...ENGLISH },
    { resultSourceMap: 'withKeyArraySelector', filterResponse: false },
  )) as unknown as Answer
  const url = resolveEditUrl({
    studioUrl: '/studio',
    resultSourceMap: res.resultSourceMap,
    resultPath: 'faqs[0].question',
  })
  assert.ok(url?.includes(`id=${plain.faqs?.[0]?._id}`), String(url))
  assert.ok(url?.includes('path=question'), String(url))
})

seeded('drafts perspective: a value from a draft names the draft document', async () => {
  const draftTitle = 'Draft title for source maps'
  const published = await t.client.getDocument(articleId)
  assert.ok(published)
  await t.client.createOrReplace({ ...published, _id: `drafts.${articleId}`, title: draftTitle })
  const drafts = t.makeClient({ perspective: 'drafts' })
  const res = (await drafts.fetch(
    '*[_id == $id][0]{_id, title, excerpt}',
    { id: articleId },
    { resultSourceMap: true, filterResponse: false },
  )) as unknown as Answer
  assert.equal(res.result, { _id: articleId, title: draftTitle, excerpt: published.excerpt })
  const m = res.resultSourceMap.mappings["$['title']"]
  assert.ok(m && m.source.type === 'documentValue')
  assert.is(res.resultSourceMap.documents[(m.source as { document: number }).document]?._id, `drafts.${articleId}`)
  // The view renames `_id` to the published id: not the draft's stored value, so not mapped.
  assert.is(res.resultSourceMap.mappings["$['_id']"], undefined)
  await checkMappings(t.client, res.result, res.resultSourceMap, 'drafts')
  await t.client.delete(`drafts.${articleId}`)
})

seeded('a release perspective: a value from a release version names that version', async () => {
  const published = await t.client.getDocument(articleId)
  assert.ok(published)
  const versionId = `versions.rsourcemap.${articleId}`
  await t.client.createOrReplace({ ...published, _id: versionId, excerpt: 'Excerpt in a release' })
  const inRelease = t.makeClient({ perspective: ['rsourcemap', 'drafts'] })
  const res = (await inRelease.fetch(
    '*[_id == $id][0]{title, excerpt}',
    { id: articleId },
    { resultSourceMap: true, filterResponse: false },
  )) as unknown as Answer
  assert.is((res.result as { excerpt: string }).excerpt, 'Excerpt in a release')
  const m = res.resultSourceMap.mappings["$['excerpt']"]
  assert.ok(m && m.source.type === 'documentValue')
  assert.is(res.resultSourceMap.documents[(m.source as { document: number }).document]?._id, versionId)
  await checkMappings(t.client, res.result, res.resultSourceMap, 'release')
  await t.client.delete(versionId)
})

seeded('the same map without the planner (plain groq-js over the view, as release stacks are read)', async () => {
  const ask = async () =>
    (
      (await t.client.fetch(
        ARTICLE_BY_SLUG_QUERY,
        { slug, ...ENGLISH },
        { resultSourceMap: 'withKeyArraySelector', filterResponse: false },
      )) as unknown as Answer
    ).resultSourceMap
  const planned = await ask()
  const before = process.env.LAKE_QUERY_PLANNER
  process.env.LAKE_QUERY_PLANNER = 'off'
  try {
    assert.equal(await ask(), planned)
  } finally {
    if (before === undefined) delete process.env.LAKE_QUERY_PLANNER
    else process.env.LAKE_QUERY_PLANNER = before
  }
})

seeded('no resultSourceMap unless asked for; a bad value is a 400 that says what to send', async () => {
  const plain = (await t.client.fetch(
    '*[_id == $id][0]{title}',
    { id: articleId },
    { filterResponse: false },
  )) as unknown as Record<string, unknown>
  assert.not.ok('resultSourceMap' in plain)
  const url = `${t.httpUrl}/v2025-02-19/data/query/${t.dataset}?query=${encodeURIComponent('*[0]')}&resultSourceMap=yes`
  const bad = await fetch(url)
  assert.is(bad.status, 400)
  const body = (await bad.json()) as { error: { description: string } }
  assert.match(body.error.description, 'withKeyArraySelector')
  // POST carries it in the query string, as @sanity/client sends it.
  const post = await fetch(`${t.httpUrl}/v2025-02-19/data/query/${t.dataset}?resultSourceMap=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '*[_id == $id][0]{title}', params: { id: articleId } }),
  })
  const posted = (await post.json()) as Answer
  assert.ok(posted.resultSourceMap.mappings["$['title']"])
})

seeded.run()

// ---------------------------------------------------------------------------------------------
// The property: every delivery query over generated datasets, both path modes, published and drafts.

const property = suite('lake: content source maps (property over generated datasets)')
const lakes: TestLake[] = []
property.after(async () => {
  for (const l of lakes) await l.close()
})

for (const [size, seed] of [
  [300, 'csm-a'],
  [450, 'csm-b'],
] as const) {
  property(
    `every mapping of every delivery query points at an equal document value (size ${size}, seed ${seed})`,
    async () => {
      const docs: Doc[] = [...generateDataset({ size, seed })]
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-'))
      const file = path.join(dir, 'dataset.ndjson')
      fs.writeFileSync(file, `${docs.map((d) => JSON.stringify(d)).join('\n')}\n`)
      const lake = await startTestLake({ seed: file })
      lakes.push(lake)
      fs.rmSync(dir, { recursive: true, force: true })
      const bench = await deliveryQueries(pickParams(docs))
      const queries = [...bench.queries, ...otherDeliveryQueries(docs)]
      const covered = new Set(queries.map((q) => q.query))
      for (const [name, text] of Object.entries(deliveryModule)) {
        if (name.endsWith('_QUERY') && name !== 'PUBLISHED_CHANGES_LISTEN_QUERY') {
          assert.ok(covered.has(text as string), `${name} is in the property test`)
        }
      }
      let checked = 0
      const coverage: string[] = []
      for (const perspective of ['published', 'drafts'] as const) {
        const client = lake.makeClient({ perspective })
        const cache = new Map<string, unknown>()
        for (const q of queries) {
          for (const mode of [true, 'withKeyArraySelector'] as const) {
            const res = (await client.fetch(q.query, q.params, {
              resultSourceMap: mode,
              filterResponse: false,
            })) as unknown as Answer
            const label = `${q.name} (${perspective}, ${String(mode)})`
            checked += await checkMappings(lake.client, res.result, res.resultSourceMap, label, cache)
            if (mode === true && perspective === 'published') {
              const leaves = stringLeaves(res.result)
              const mapped = leaves.filter((p) => res.resultSourceMap.mappings[p]).length
              coverage.push(`${q.name}: ${mapped}/${leaves.length}`)
            }
          }
        }
      }
      assert.ok(checked > 1000, `mappings checked: ${checked}`)
      if (process.env.CSM_COVERAGE) console.log(`string leaves mapped (published):\n  ${coverage.join('\n  ')}`)
    },
  )
}

property('FAQS_BY_TOPIC: every question and answer span is mapped (nothing silently lost)', async () => {
  const lake = lakes[0]
  assert.ok(lake)
  const res = (await lake.client.fetch(
    FAQS_BY_TOPIC_QUERY,
    { treatment: null, condition: null, ...ENGLISH },
    { resultSourceMap: 'withKeyArraySelector', filterResponse: false },
  )) as unknown as Answer
  const faqs = res.result as Array<{ question?: string; answer?: Array<{ children?: Array<{ text?: string }> }> }>
  assert.ok(faqs.length > 0)
  faqs.forEach((faq, i) => {
    if (typeof faq.question === 'string')
      assert.ok(res.resultSourceMap.mappings[`$[${i}]['question']`], `faq ${i} question`)
    faq.answer?.forEach((block, b) =>
      block.children?.forEach((span, s) => {
        if (typeof span.text === 'string') {
          assert.ok(res.resultSourceMap.mappings[`$[${i}]['answer'][${b}]['children'][${s}]['text']`], `faq ${i} span`)
        }
      }),
    )
  })
})

property.run()
