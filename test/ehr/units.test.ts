// The EHR modules' pure parts: code systems and ICD-10-CM hierarchy, the SNOMED CT field's
// validation, infobutton request parsing, and ranking.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { icd10Ancestors, icd10Match, normalizeIcd10 } from '../../delivery/ehr/codes.js'
import { type EhrCondition, rankIcd10Matches } from '../../delivery/ehr/lookup.js'
import { rankEntries } from '../../delivery/ehr/infobutton/rank.js'
import { KnowledgeRequestError, parseKnowledgeRequest, queryPairs } from '../../delivery/ehr/infobutton/request.js'
import { checkSnomedCode } from '../../schemas/documents/condition.js'
import { fhirIdOf } from '../../delivery/ehr/fhir/documentReference.js'

const codes = suite('ehr: codes')

codes('ICD-10-CM ancestors and match levels', () => {
  assert.equal(icd10Ancestors('M54.21'), ['M54.21', 'M54.2', 'M54'])
  assert.equal(icd10Ancestors('S76.319A'), ['S76.319A', 'S76.319', 'S76.31', 'S76.3', 'S76'])
  assert.equal(icd10Ancestors('M54'), ['M54'])
  assert.is(icd10Match('M54.2', ['M54.2']), 'exact')
  assert.is(icd10Match('M54', ['M54.2']), 'descendant')
  assert.is(icd10Match('M54.21', ['M54.2']), 'ancestor')
  assert.is(icd10Match('M54.2', ['M54.9']), null)
  assert.is(icd10Match('M5', ['M54.2']), 'descendant', 'callers normalise first; the matcher itself is textual')
  assert.is(normalizeIcd10(' m5421 ', 'x'), 'M54.21')
  assert.throws(() => normalizeIcd10('54.2', 'mainSearchCriteria.v.c'), /mainSearchCriteria\.v\.c/)
})

function condition(id: string, name: string, icd10Codes: string[]): EhrCondition {
  return {
    _id: id,
    _type: 'condition',
    language: 'en',
    _updatedAt: '2026-01-01T00:00:00Z',
    name,
    slug: id.replace(/^condition-/, ''),
    alsoCalled: null,
    summary: null,
    icd10Codes,
    snomedCodes: null,
    articles: [],
    treatments: [],
  }
}

codes('ranking: direct matches win; a fallback keeps only the nearest ancestor', () => {
  const neck = condition('condition-neck-pain', 'Neck pain', ['M54.2'])
  const dorsalgia = condition('condition-dorsalgia', 'Dorsalgia', ['M54'])
  const radic = condition('condition-radiculopathy', 'Radiculopathy', ['M54.1'])
  assert.equal(
    rankIcd10Matches('M54.21', [dorsalgia, neck]).map((m) => [m.condition._id, m.level, m.distance]),
    [['condition-neck-pain', 'ancestor', 1]],
    'M54.21 falls back to M54.2, not further up to M54',
  )
  assert.equal(
    rankIcd10Matches('M54', [radic, neck, dorsalgia]).map((m) => m.condition._id),
    ['condition-dorsalgia', 'condition-neck-pain', 'condition-radiculopathy'],
    'the exact M54 first, then its children by name',
  )
  assert.equal(
    rankIcd10Matches('M54.2', [neck, dorsalgia]).map((m) => m.level),
    ['exact'],
  )
})

codes('SNOMED CT field: concept ids with a valid check digit only', () => {
  for (const ok of ['81680005', '25064002', '57406009', '23056005', '161891005', '202855006'])
    assert.is(checkSnomedCode(ok), true, ok)
  assert.match(String(checkSnomedCode('81680006')), /check digit/)
  assert.match(String(checkSnomedCode('Neck pain')), /not a SNOMED CT concept id/)
  assert.match(String(checkSnomedCode('0081680005')), /not a SNOMED CT concept id/)
  assert.match(String(checkSnomedCode('123456')), /description or relationship id/)
  assert.match(String(checkSnomedCode(' 81680005')), /spaces/)
  assert.match(String(checkSnomedCode('')), /Empty/)
})

const requests = suite('ehr: infobutton request parsing')

const ICD = '2.16.840.1.113883.6.90'

requests('defaults, case-insensitive names, indexed and repeated criteria', () => {
  const parsed = parseKnowledgeRequest(
    queryPairs(
      `/x?MAINSEARCHCRITERIA.V.C=m542&mainSearchCriteria.v.cs=urn:oid:${ICD}&mainsearchcriteria.v.c1=25064002&mainSearchCriteria.v.cs1=2.16.840.1.113883.6.96`,
    ),
  )
  assert.equal(
    parsed.criteria.map((c) => [c.index, c.code, c.system?.name]),
    [
      ['', 'M54.2', 'ICD-10-CM'],
      ['1', '25064002', 'SNOMED CT'],
    ],
  )
  assert.is(parsed.recipient, 'PAT')
  assert.is(parsed.requestedLanguage, 'en')
  assert.is(parsed.responseType, 'text/xml')
  const repeated = parseKnowledgeRequest(
    queryPairs(
      `/x?mainSearchCriteria.v.c=M54.2&mainSearchCriteria.v.cs=${ICD}&mainSearchCriteria.v.c=R51.9&mainSearchCriteria.v.cs=${ICD}&informationRecipient=prov`,
    ),
  )
  assert.equal(
    repeated.criteria.map((c) => c.code),
    ['M54.2', 'R51.9'],
  )
  assert.is(repeated.recipient, 'PROV')
  // The deprecated `.c.` form of the guide's first release.
  assert.is(
    parseKnowledgeRequest(queryPairs(`/x?mainSearchCriteria.c.c=M54.2&mainSearchCriteria.c.cs=${ICD}`)).criteria[0]!
      .code,
    'M54.2',
  )
})

requests('errors name every bad parameter', () => {
  try {
    parseKnowledgeRequest(queryPairs(`/x?mainSearchCriteria.v.c=M54.2&knowledgeResponseType=a&knowledgeResponseType=b`))
    assert.unreachable()
  } catch (error) {
    assert.instance(error, KnowledgeRequestError)
    const names = (error as KnowledgeRequestError).errors.map((e) => e.parameter).sort()
    assert.equal(names, ['knowledgeResponseType', 'knowledgeResponseType', 'mainSearchCriteria.v.cs'])
  }
  const eleven = Array.from(
    { length: 11 },
    (_, i) => `mainSearchCriteria.v.c${i}=M54.2&mainSearchCriteria.v.cs${i}=${ICD}`,
  ).join('&')
  assert.throws(() => parseKnowledgeRequest(queryPairs(`/x?${eleven}`)), /at most 10/)
})

requests('ranking: one entry per document, conditions before related content, codes merged', () => {
  const neck = { ...condition('condition-neck-pain', 'Neck pain', ['M54.2']) }
  const article = {
    _id: 'article-a',
    _type: 'article' as const,
    _updatedAt: '2026-02-01T00:00:00Z',
    title: 'A',
    slug: 'a',
    excerpt: 'x < y',
    publishedAt: '2026-01-15T00:00:00Z',
    lastReviewed: null,
  }
  neck.articles = [article]
  const headache = { ...condition('condition-headache', 'Headache', ['R51.9']), articles: [article] }
  const criteria = parseKnowledgeRequest(
    queryPairs(
      `/x?mainSearchCriteria.v.c=R51.9&mainSearchCriteria.v.cs=${ICD}&mainSearchCriteria.v.c1=M54.21&mainSearchCriteria.v.cs1=${ICD}`,
    ),
  ).criteria
  const entries = rankEntries({
    criteria,
    matches: [
      [{ condition: headache, level: 'exact', distance: 0 }],
      [{ condition: neck, level: 'ancestor', distance: 1 }],
    ],
    clinic: null,
    publicUrl: 'http://127.0.0.1:1',
    language: 'en',
  })
  assert.equal(
    entries.map((e) => [e.kind, e.id, e.codes]),
    [
      ['condition', 'condition-headache', ['R51.9']],
      ['condition', 'condition-neck-pain', ['M54.21']],
      ['article', 'article-a', ['R51.9', 'M54.21']],
    ],
  )
  assert.is(
    entries[0]!.url,
    'http://127.0.0.1:1/conditions/headache',
    'this server\u2019s page before the site URL is set',
  )
  assert.match(entries[2]!.summaryHtml, /x &lt; y/, 'text is escaped')
})

codes('FHIR ids: a Sanity id when valid, else a stable hash', () => {
  assert.is(fhirIdOf('article-dry-needling'), 'article-dry-needling')
  assert.match(fhirIdOf('article_with_underscores'), /^h-[0-9a-f]{40}$/)
  assert.is(fhirIdOf('article_with_underscores'), fhirIdOf('article_with_underscores'))
})

codes.run()
requests.run()
