// FHIR R4 over real HTTP against the seeded lake: the CapabilityStatement, DocumentReference
// searchset Bundles (code, language, category, paging) and reads. Every resource the server
// answers, errors included, is validated as R4 (test/ehr/fhirValidate.ts: the `fhir` package's
// validator plus a strict pass over its R4 definitions).
import * as assert from 'uvu/assert'
import { createHash } from 'node:crypto'
import { deliverySuite } from '../helpers/delivery-suite.js'
import { loadSeed } from '../delivery/_seed.js'
import { r4Problems } from './fhirValidate.js'

const seed = loadSeed()
const neckPain = seed.find((d) => d._type === 'condition' && d.name === 'Neck pain')!
const publishable = seed.filter(
  (d) =>
    (d._type === 'article' && d.slug && d.publishedAt) ||
    (d._type === 'condition' && d.slug && d.name) ||
    (d._type === 'careInstruction' && d.slug && d.title),
)

const { test, t } = deliverySuite('ehr: FHIR R4 DocumentReference', { ehr: { mode: 'open' } })

interface Resource {
  resourceType: string
  [key: string]: unknown
}
interface Bundle extends Resource {
  total: number
  link: Array<{ relation: string; url: string }>
  entry?: Array<{ fullUrl?: string; resource: DocRef & Resource; search: { mode: string } }>
}
interface DocRef {
  id: string
  content: Array<{
    attachment: { data: string; size: number; hash: string; language: string; title: string; url?: string }
  }>
  context?: { related: Array<{ identifier: { system: string; value: string }; display?: string }> }
  category: Array<{ coding: Array<{ code: string }> }>
}

async function fhir(
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; headers: Headers; body: Resource }> {
  const response = await fetch(t.server.url + path, { headers: { accept: 'application/fhir+json' }, ...init })
  const text = await response.text()
  assert.match(response.headers.get('content-type') ?? '', /^application\/fhir\+json/, `${path}: ${text.slice(0, 200)}`)
  return { status: response.status, headers: response.headers, body: JSON.parse(text) as Resource }
}

function assertValid(resource: unknown, what: string) {
  const problems = r4Problems(resource)
  assert.equal(problems, [], `${what} is valid R4`)
}

function matches(bundle: Bundle) {
  return (bundle.entry ?? []).filter((e) => e.search.mode === 'match').map((e) => e.resource)
}

test('the validator catches what is not R4 (so a pass means something)', () => {
  const problems = r4Problems({
    resourceType: 'DocumentReference',
    id: 'bad_id!',
    status: 'bogus',
    date: '2026-12-06',
    description: 5,
    content: [{ attachment: { size: '12', language: 'en' } }],
    author: { display: 'x' },
    unknownElement: true,
  })
  for (const expected of [
    /DocumentReference\.id: .* not a valid id/,
    /status.*not found in value set/,
    /DocumentReference\.date: "2026-12-06" is not a valid instant/,
    /description: string must be a JSON string/,
    /size: unsignedInt must be a JSON number/,
    /DocumentReference\.author: must be a non-empty array/,
    /unknownElement/,
  ])
    assert.ok(
      problems.some((p) => expected.test(p)),
      `${expected} in ${JSON.stringify(problems)}`,
    )
  assert.ok(
    r4Problems({ resourceType: 'DocumentReference', content: [{ attachment: {} }] }).some((p) =>
      /status: required/.test(p),
    ),
  )
})

test('metadata: an R4 CapabilityStatement listing DocumentReference read and search', async () => {
  const got = await fhir('/fhir/r4/metadata')
  assert.is(got.status, 200)
  const cs = got.body as Resource & {
    fhirVersion: string
    rest: Array<{
      resource: Array<{ type: string; interaction: Array<{ code: string }>; searchParam: Array<{ name: string }> }>
    }>
  }
  assert.is(cs.resourceType, 'CapabilityStatement')
  assert.is(cs.fhirVersion, '4.0.1')
  const docRef = cs.rest[0]!.resource.find((r) => r.type === 'DocumentReference')!
  assert.equal(docRef.interaction.map((i) => i.code).sort(), ['read', 'search-type'])
  assert.ok(['code', 'language', 'category', '_count'].every((n) => docRef.searchParam.some((p) => p.name === n)))
  assertValid(cs, 'CapabilityStatement')
})

test('search everything: every published article, condition page and care instruction, paged, each valid R4', async () => {
  const seen: string[] = []
  let next: string | null = '/fhir/r4/DocumentReference?_count=5'
  let pages = 0
  while (next) {
    const got = await fhir(next.replace(t.server.url, ''))
    assert.is(got.status, 200)
    const bundle = got.body as Bundle
    assert.is(bundle.resourceType, 'Bundle')
    assert.is(bundle.type, 'searchset')
    assert.is(bundle.total, publishable.length)
    assertValid(bundle, `Bundle page ${pages + 1}`)
    for (const resource of matches(bundle)) seen.push(resource.id)
    next = bundle.link.find((l) => l.relation === 'next')?.url ?? null
    pages++
    assert.ok(pages < 20, 'paging ends')
  }
  assert.equal([...seen].sort(), publishable.map((d) => d._id).sort(), 'every document once')
})

test('code=M54.2 (and its forms): the neck-pain page, the articles about it, the care instructions', async () => {
  const codes = [
    'M54.2',
    'http://hl7.org/fhir/sid/icd-10-cm|M54.2',
    'M54.21', // more specific: falls back to M54.2
    `http://snomed.info/sct|${(neckPain.snomedCodes as string[])[0]}`,
  ]
  for (const code of codes) {
    const got = await fhir(`/fhir/r4/DocumentReference?code=${encodeURIComponent(code)}`)
    assert.is(got.status, 200)
    const bundle = got.body as Bundle
    assertValid(bundle, `Bundle for ${code}`)
    const docs = matches(bundle)
    const ids = docs.map((d) => d.id)
    assert.ok(ids.includes(neckPain._id), `${code}: the condition page (${ids.join(', ')})`)
    assert.ok(ids.includes('article-dry-needling'), `${code}: the article about it`)
    assert.ok(
      ids.some((id) => id.startsWith('careInstruction-')),
      `${code}: the care instructions of its treatment`,
    )
    assert.ok(!ids.includes('condition-tennis-elbow'), `${code}: not other conditions' pages`)
    const page = docs.find((d) => d.id === neckPain._id)!
    assert.ok(
      page.context!.related.some(
        (r) => r.identifier.system === 'http://hl7.org/fhir/sid/icd-10-cm' && r.identifier.value === 'M54.2',
      ),
    )
  }
  const parent = matches((await fhir('/fhir/r4/DocumentReference?code=M54&category=condition')).body as Bundle).map(
    (d) => d.id,
  )
  assert.ok(
    parent.includes(neckPain._id) && parent.includes('condition-back-pain') && parent.includes('condition-sciatica'),
    parent.join(', '),
  )
  const none = (await fhir('/fhir/r4/DocumentReference?code=Z99.89')).body as Bundle
  assert.is(none.total, 0)
  assertValid(none, 'empty Bundle')
})

test('language: en finds everything; es finds nothing yet and says so in an OperationOutcome entry', async () => {
  const en = (await fhir('/fhir/r4/DocumentReference?language=en&_count=100')).body as Bundle
  assert.is(en.total, publishable.length)
  const es = (await fhir('/fhir/r4/DocumentReference?code=M54.2&language=es')).body as Bundle
  assert.is(es.total, 0)
  const outcome = es.entry!.find((e) => e.search.mode === 'outcome')!
  assert.is(outcome.resource.resourceType, 'OperationOutcome')
  assert.match(JSON.stringify(outcome.resource), /No content in es yet/)
  assertValid(es, 'Bundle with an outcome')
})

test('read: the attachment is the rendered HTML, with its language, size and SHA-1', async () => {
  const got = await fhir('/fhir/r4/DocumentReference/article-dry-needling')
  assert.is(got.status, 200)
  const doc = got.body as unknown as DocRef & Resource
  assertValid(doc, 'DocumentReference')
  const attachment = doc.content[0]!.attachment
  const html = Buffer.from(attachment.data, 'base64')
  assert.is(attachment.size, html.length)
  assert.is(attachment.hash, createHash('sha1').update(html).digest('base64'))
  assert.is(attachment.language, 'en')
  const text = html.toString('utf8')
  assert.match(text, /<h1>Why you shouldn’t be afraid of needles<\/h1>/)
  assert.match(text, /<p>/)
  assert.match(text, /Originally published by/)
  assert.match(String(attachment.url), /^https:\/\/dynamic-pt-wellness\.example\/articles\//)
  assert.match(JSON.stringify(doc), /last-review-date.*"valueDate":"2026-11-27"/)
  const care = (await fhir('/fhir/r4/DocumentReference/careInstruction-dry-needling-after')).body
  assertValid(care, 'care instruction')
  const missing = await fhir('/fhir/r4/DocumentReference/no-such-document')
  assert.is(missing.status, 404)
  assert.is(missing.body.resourceType, 'OperationOutcome')
  assertValid(missing.body, '404 OperationOutcome')
})

test('bad parameters: 400 OperationOutcome naming the parameter', async () => {
  const cases: Array<[string, string]> = [
    ['_count=0', '_count'],
    ['_count=abc', '_count'],
    ['_offset=-1', '_offset'],
    ['foo=1', 'foo'],
    ['code:text=neck', 'code:text'],
    ['code=http://hl7.org/fhir/sid/icd-10-cm|!!', 'code'],
    ['code=http://snomed.info/sct|neck', 'code'],
    ['language=english!', 'language'],
    ['category=video', 'category'],
  ]
  for (const [query, parameter] of cases) {
    const got = await fhir(`/fhir/r4/DocumentReference?${query}`)
    assert.is(got.status, 400, query)
    assert.is(got.body.resourceType, 'OperationOutcome')
    assertValid(got.body, `OperationOutcome for ${query}`)
    const issue = (got.body.issue as Array<{ expression?: string[]; diagnostics: string }>)[0]!
    assert.equal(issue.expression, [parameter], `${query}: ${issue.diagnostics}`)
    assert.ok(issue.diagnostics.includes(parameter), issue.diagnostics)
  }
  const xml = await fhir('/fhir/r4/DocumentReference?_format=xml')
  assert.is(xml.status, 406)
  assertValid(xml.body, '406 OperationOutcome')
  assert.is((await fhir('/fhir/r4/DocumentReference?_format=json&_count=1')).status, 200)
  const unknownPath = await fhir('/fhir/r4/Patient')
  assert.is(unknownPath.status, 404)
  assert.is(unknownPath.body.resourceType, 'OperationOutcome')
})

test.run()
