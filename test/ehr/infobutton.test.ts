// The HL7 Infobutton endpoint over real HTTP against a lake seeded with content/production.ndjson,
// with the requests EHRs send: full infobutton URLs (as Epic/athena/Cerner configure them), ICD-10-CM
// and SNOMED CT, several codes, Spanish, unknown codes, malformed parameters. The Atom answer is
// parsed by python3-feedparser; the JSON read the way MedlinePlus Connect clients read it.
import * as assert from 'uvu/assert'
import { deliverySuite } from '../helpers/delivery-suite.js'
import { loadSeed, slugOf } from '../delivery/_seed.js'
import { feedparserAvailable, parseWithFeedparser } from '../syndication/feedTools.js'

const ICD10 = '2.16.840.1.113883.6.90'
const SNOMED = '2.16.840.1.113883.6.96'
const seed = loadSeed()
const neckPain = seed.find((d) => d._type === 'condition' && d.name === 'Neck pain')!
const clinic = seed.find((d) => d._id === 'clinic')!
const siteUrl = String(clinic.siteUrl)
const neckPainUrl = `${siteUrl}/conditions/${slugOf(neckPain)}`
const articlesAboutNeckPain = seed.filter(
  (d) =>
    d._type === 'article' &&
    ((d.conditions as Array<{ _ref: string }> | undefined) ?? []).some((r) => r._ref === neckPain._id),
)

const { test, t } = deliverySuite('ehr: HL7 Infobutton knowledge requests', { ehr: { mode: 'open' } })

interface Got {
  status: number
  headers: Headers
  text: string
}

async function get(path: string, init: RequestInit = {}): Promise<Got> {
  const response = await fetch(t.server.url + path, { redirect: 'manual', ...init })
  return { status: response.status, headers: response.headers, text: await response.text() }
}

interface MedlinePlusJson {
  feed: {
    lang: string
    title: { _value: string }
    subtitle: { _value: string }
    category: Array<{ scheme: string; term: string }>
    rights?: { _value: string }
    entry: Array<{
      lang: string
      title: { _value: string; type: string }
      link: Array<{ href: string; rel: string; title: string }>
      id: { _value: string }
      updated: { _value: string }
      summary: { _value: string; type: string }
    }>
  }
}

function json(got: Got): MedlinePlusJson {
  assert.is(got.status, 200, got.text.slice(0, 400))
  assert.match(got.headers.get('content-type') ?? '', /^application\/json/)
  return JSON.parse(got.text) as MedlinePlusJson
}

/** What a client written for MedlinePlus Connect does with an answer (the usual `feed.entry[i]` reads). */
function readLikeMedlinePlusClient(body: MedlinePlusJson) {
  return body.feed.entry.map((e) => ({ title: e.title._value, url: e.link[0]!.href, summary: e.summary._value }))
}

function problemOf(got: Got) {
  assert.is(got.status, 400, got.text.slice(0, 300))
  assert.match(got.headers.get('content-type') ?? '', /^application\/problem\+json/)
  return JSON.parse(got.text) as { detail: string; errors: Array<{ parameter: string; message: string }> }
}

test('Epic-style full URL for M54.2 (neck pain): Atom that feedparser reads, condition page first', async () => {
  const path =
    '/infobutton?knowledgeRequestNotification.effectiveTime.v=20261206101500' +
    '&holder.assignedEntity.n=EpicHosp&patientPerson.administrativeGenderCode.c=F&age.v.v=44&age.v.u=a' +
    '&taskContext.c.c=PROBLISTREV&mainSearchCriteria.v.c=M54.2' +
    `&mainSearchCriteria.v.cs=${ICD10}&mainSearchCriteria.v.dn=Cervicalgia` +
    '&informationRecipient=PAT&performer=PROV&informationRecipient.languageCode.c=en&knowledgeResponseType=text/xml'
  const got = await get(path)
  assert.is(got.status, 200, got.text.slice(0, 300))
  assert.match(got.headers.get('content-type') ?? '', /^text\/xml/)
  assert.is(got.headers.get('content-language'), 'en')
  if (!feedparserAvailable()) throw new Error('python3-feedparser is needed: apt-get install -y python3-feedparser')
  const parsed = parseWithFeedparser(got.text)
  assert.is(parsed.bozo, 0, `feedparser bozo: ${parsed.bozo_exception}`)
  assert.is(parsed.version, 'atom10')
  assert.ok(parsed.entries.length >= 1 + articlesAboutNeckPain.length, 'the condition and its articles')
  assert.is(parsed.entries[0]!.title, 'Neck pain')
  assert.is(parsed.entries[0]!.link, neckPainUrl)
  assert.match(parsed.entries[0]!.summary ?? '', /Cervicalgia/, 'also-called names in the summary')
  assert.match(parsed.entries[0]!.summary ?? '', /Originally published by/, 'attribution in the summary')
  for (const article of articlesAboutNeckPain)
    assert.ok(
      parsed.entries.some((e) => e.title === article.title),
      `article "${String(article.title)}" is listed`,
    )
  const ids = parsed.entries.map((e) => e.id)
  assert.is(new Set(ids).size, ids.length, 'entry ids are unique')
  assert.match(got.text, /<rights type="text">[^<]*Partner clinics/, 'the licence as rights')
  assert.match(got.text, /<category scheme="mainSearchCriteria.v.c" term="M54.2"\/>/, 'the request echoed')
})

test('JSON (MedlinePlus Connect shape): a MedlinePlus client reads title, link and summary', async () => {
  const body = json(
    await get(
      `/infobutton?mainSearchCriteria.v.c=M54.2&mainSearchCriteria.v.cs=${ICD10}&knowledgeResponseType=application/json`,
    ),
  )
  const read = readLikeMedlinePlusClient(body)
  assert.is(read[0]!.title, 'Neck pain')
  assert.is(read[0]!.url, neckPainUrl)
  assert.match(read[0]!.summary, /<p/)
  const first = body.feed.entry[0]!
  assert.is(first.title.type, 'text')
  assert.is(first.summary.type, 'html')
  assert.is(first.link[0]!.rel, 'alternate')
  assert.is(first.lang, 'en')
  assert.match(first.updated._value, /^\d{4}-\d{2}-\d{2}T/)
  assert.ok(first.id._value.length > 0)
  assert.equal(
    body.feed.category.filter((c) => c.scheme.startsWith('mainSearchCriteria')),
    [
      { scheme: 'mainSearchCriteria.v.c', term: 'M54.2' },
      { scheme: 'mainSearchCriteria.v.cs', term: ICD10 },
      { scheme: 'mainSearchCriteria.v.dn', term: '' },
    ],
  )
  assert.match(body.feed.subtitle._value, /ICD-10-CM M54\.2/)
  assert.ok(body.feed.rights?._value.includes('Originally published by'), 'attribution and licence')
  // Ranked: the condition page, then articles, then treatments, then care instructions.
  const kinds = body.feed.entry.map((e) => (e as unknown as { category: Array<{ term: string }> }).category[0]!.term)
  const order = ['condition', 'article', 'treatment', 'careInstruction']
  assert.equal(
    [...kinds].sort((a, b) => order.indexOf(a) - order.indexOf(b)),
    kinds,
    `ranked: ${kinds.join(', ')}`,
  )
  assert.ok(kinds.includes('treatment') && kinds.includes('careInstruction'))
})

test('hierarchy: M54.21 falls back to M54.2; M54 finds its children; a missing dot and case are forgiven', async () => {
  const url = (code: string) =>
    `/infobutton?mainSearchCriteria.v.c=${code}&mainSearchCriteria.v.cs=${ICD10}&knowledgeResponseType=application/json`
  const specific = readLikeMedlinePlusClient(json(await get(url('M54.21'))))
  assert.is(specific[0]!.title, 'Neck pain', 'the more specific code falls back to its parent')
  const parent = readLikeMedlinePlusClient(json(await get(url('M54'))))
  const m54Children = seed
    .filter(
      (d) => d._type === 'condition' && ((d.icd10Codes as string[] | undefined) ?? []).some((c) => c.startsWith('M54')),
    )
    .map((d) => String(d.name))
  assert.ok(m54Children.length >= 3, 'the seed has several M54 children')
  for (const name of m54Children)
    assert.ok(
      parent.some((e) => e.title === name),
      `M54 finds ${name}`,
    )
  const typed = readLikeMedlinePlusClient(json(await get(url('m542'))))
  assert.is(typed[0]!.title, 'Neck pain')
})

test('SNOMED CT: the neck-pain concept finds the neck-pain condition; several codes in one request', async () => {
  const snomedCode = (neckPain.snomedCodes as string[])[0]!
  const bySnomed = readLikeMedlinePlusClient(
    json(
      await get(
        `/infobutton?mainSearchCriteria.v.c=${snomedCode}&mainSearchCriteria.v.cs=${SNOMED}&knowledgeResponseType=application/json`,
      ),
    ),
  )
  assert.is(bySnomed[0]!.title, 'Neck pain')
  // The guide's indexed form: a SNOMED CT and an ICD-10-CM problem, plus an RxNorm medication.
  const several = json(
    await get(
      `/infobutton?mainSearchCriteria.v.c=${snomedCode}&mainSearchCriteria.v.cs=${SNOMED}` +
        `&mainSearchCriteria.v.c1=G56.00&mainSearchCriteria.v.cs1=${ICD10}&mainSearchCriteria.v.dn1=Carpal%20tunnel` +
        '&mainSearchCriteria.v.c2=197361&mainSearchCriteria.v.cs2=2.16.840.1.113883.6.88&knowledgeResponseType=application/json',
    ),
  )
  const titles = readLikeMedlinePlusClient(several).map((e) => e.title)
  assert.ok(titles.includes('Neck pain') && titles.includes('Carpal tunnel syndrome'), titles.join(' | '))
  assert.ok(titles.indexOf('Neck pain') < titles.indexOf('Carpal tunnel syndrome'), 'conditions in request order')
  assert.is(new Set(titles).size, titles.length, 'the shared article is listed once')
  assert.ok(several.feed.category.some((c) => c.scheme === 'mainSearchCriteria.v.c2' && c.term === '197361'))
  // Repeated unindexed parameters pair up in order too.
  const repeated = readLikeMedlinePlusClient(
    json(
      await get(
        `/infobutton?mainSearchCriteria.v.c=M54.2&mainSearchCriteria.v.cs=${ICD10}&mainSearchCriteria.v.c=R51.9&mainSearchCriteria.v.cs=${ICD10}&knowledgeResponseType=application/json`,
      ),
    ),
  ).map((e) => e.title)
  assert.ok(repeated.includes('Neck pain') && repeated.includes('Headache'), repeated.join(' | '))
})

test('Spanish: no Spanish content yet, so English is served and flagged (entry lang, Content-Language, echo)', async () => {
  const got = await get(
    `/infobutton?mainSearchCriteria.v.c=M54.2&mainSearchCriteria.v.cs=${ICD10}&informationRecipient.languageCode.c=es&knowledgeResponseType=application/json`,
  )
  const body = json(got)
  assert.is(body.feed.entry[0]!.title._value, 'Neck pain')
  assert.is(body.feed.lang, 'en')
  for (const entry of body.feed.entry) assert.is(entry.lang, 'en')
  assert.is(got.headers.get('content-language'), 'en')
  assert.match(got.headers.get('warning') ?? '', /No content in es/)
  assert.ok(body.feed.category.some((c) => c.scheme === 'informationRecipient.languageCode.c' && c.term === 'es'))
  const atom = await get(
    `/infobutton?mainSearchCriteria.v.c=M54.2&mainSearchCriteria.v.cs=${ICD10}&informationRecipient.languageCode.c=es`,
  )
  assert.match(atom.text, /<entry xml:lang="en">/)
  assert.is(parseWithFeedparser(atom.text).bozo, 0)
})

test('unknown codes and systems: an empty feed (200), a 404 page for text/html', async () => {
  const unknown = json(
    await get(
      `/infobutton?mainSearchCriteria.v.c=Z99.89&mainSearchCriteria.v.cs=${ICD10}&knowledgeResponseType=application/json`,
    ),
  )
  assert.equal(unknown.feed.entry, [])
  const loinc = json(
    await get(
      '/infobutton?mainSearchCriteria.v.c=2345-7&mainSearchCriteria.v.cs=2.16.840.1.113883.6.1&knowledgeResponseType=application/json',
    ),
  )
  assert.equal(loinc.feed.entry, [])
  const emptyAtom = await get(`/infobutton?mainSearchCriteria.v.c=Z99.89&mainSearchCriteria.v.cs=${ICD10}`)
  assert.is(parseWithFeedparser(emptyAtom.text).bozo, 0)
  const page = await get(
    `/infobutton?mainSearchCriteria.v.c=Z99.89&mainSearchCriteria.v.cs=${ICD10}&knowledgeResponseType=text/html`,
  )
  assert.is(page.status, 404)
  assert.match(page.text, /has no page for ICD-10-CM Z99\.89/)
})

test('text/html redirects to the best page; JSONP wraps the JSON', async () => {
  const redirect = await get(
    `/infobutton?mainSearchCriteria.v.c=M54.2&mainSearchCriteria.v.cs=${ICD10}&knowledgeResponseType=text/html`,
  )
  assert.is(redirect.status, 302)
  assert.is(redirect.headers.get('location'), neckPainUrl)
  const jsonp = await get(
    `/infobutton?mainSearchCriteria.v.c=M54.2&mainSearchCriteria.v.cs=${ICD10}&knowledgeResponseType=application/javascript&callback=app.show`,
  )
  assert.is(jsonp.status, 200)
  assert.match(jsonp.headers.get('content-type') ?? '', /^application\/javascript/)
  const match = /^\/\*\*\/app\.show\(([\s\S]*)\);$/.exec(jsonp.text)
  assert.ok(match, jsonp.text.slice(0, 100))
  assert.is((JSON.parse(match![1]!) as MedlinePlusJson).feed.entry[0]!.title._value, 'Neck pain')
})

test('malformed parameters: 400 problem naming each parameter', async () => {
  const cases: Array<[string, string, RegExp]> = [
    ['/infobutton', 'mainSearchCriteria.v.c', /is required/],
    ['/infobutton?mainSearchCriteria.v.c=M54.2', 'mainSearchCriteria.v.cs', /OID/],
    [`/infobutton?mainSearchCriteria.v.c=M54.2&mainSearchCriteria.v.cs=icd10`, 'mainSearchCriteria.v.cs', /not an OID/],
    [
      `/infobutton?mainSearchCriteria.v.c=54.2!&mainSearchCriteria.v.cs=${ICD10}`,
      'mainSearchCriteria.v.c',
      /not an ICD-10-CM code/,
    ],
    [
      `/infobutton?mainSearchCriteria.v.c=neck&mainSearchCriteria.v.cs=${SNOMED}`,
      'mainSearchCriteria.v.c',
      /SNOMED CT/,
    ],
    [`/infobutton?mainSearchCriteria.v.c1=X&mainSearchCriteria.v.cs1=${ICD10}`, 'mainSearchCriteria.v.c1', /ICD-10-CM/],
    [`/infobutton?mainSearchCriteria.v.cs2=${ICD10}`, 'mainSearchCriteria.v.c2', /missing/],
    [
      `/infobutton?mainSearchCriteria.v.c=M54.2&mainSearchCriteria.v.cs=${ICD10}&knowledgeResponseType=application/pdf`,
      'knowledgeResponseType',
      /text\/xml/,
    ],
    [
      `/infobutton?mainSearchCriteria.v.c=M54.2&mainSearchCriteria.v.cs=${ICD10}&informationRecipient=DOG`,
      'informationRecipient',
      /PAT/,
    ],
    [
      `/infobutton?mainSearchCriteria.v.c=M54.2&mainSearchCriteria.v.cs=${ICD10}&informationRecipient.languageCode.c=espa%C3%B1ol!`,
      'informationRecipient.languageCode.c',
      /language code/,
    ],
    [
      `/infobutton?mainSearchCriteria.v.c=M54.2&mainSearchCriteria.v.cs=${ICD10}&knowledgeResponseType=application/javascript`,
      'callback',
      /required/,
    ],
    [
      `/infobutton?mainSearchCriteria.v.c=M54.2&mainSearchCriteria.v.cs=${ICD10}&knowledgeResponseType=application/javascript&callback=alert(1)`,
      'callback',
      /function name/,
    ],
  ]
  for (const [path, parameter, message] of cases) {
    const body = problemOf(await get(path))
    const error = body.errors.find((e) => e.parameter === parameter)
    assert.ok(error, `${path}: names ${parameter} (got ${JSON.stringify(body.errors)})`)
    assert.match(error!.message, message, `${path}: ${error!.message}`)
    assert.ok(body.detail.includes(parameter), 'the detail names the parameter too')
  }
  // Every bad parameter at once, not only the first.
  const many = problemOf(
    await get(
      '/infobutton?mainSearchCriteria.v.c=M54.2&mainSearchCriteria.v.cs=x&informationRecipient=DOG&knowledgeResponseType=pdf',
    ),
  )
  assert.is(many.errors.length, 3)
})

test('the OpenAPI document lists the infobutton and FHIR routes', async () => {
  const doc = JSON.parse((await get('/api/v1/openapi.json')).text) as { paths: Record<string, unknown> }
  for (const path of [
    '/infobutton',
    '/fhir/r4/metadata',
    '/fhir/r4/DocumentReference',
    '/fhir/r4/DocumentReference/{id}',
  ])
    assert.ok(doc.paths[path], `${path} in ${Object.keys(doc.paths).join(', ')}`)
})

test.run()
