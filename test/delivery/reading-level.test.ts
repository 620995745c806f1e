// The reading grade and the medical-review flag in what delivery and syndication send: article
// JSON (`readingLevel`, `medicalReview`), its JSON-LD (`educationalLevel`), the article page's
// JSON-LD and the partner payload; the target follows the clinic's "Target reading grade".
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startStack, type Stack } from '../a11y/_stack.js'

const test = suite('reading level and review independence in the API')
let stack: Stack
const SEED_SLUG = 'why-you-shouldnt-be-afraid-of-needles'

test.before(async () => {
  stack = await startStack()
})
test.after(async () => stack?.close())

interface ArticleResponse {
  readingLevel: {
    grade: number
    targetGrade: number
    aboveTarget: boolean
    hardestSentences: Array<{ text: string; why: string[] }>
  }
  medicalReview: { reviewed: boolean; independent: boolean }
  jsonLd: { educationalLevel?: { '@type': string; termCode: string } }
  warnings: string[]
}

const getJson = async <T>(path: string, headers: Record<string, string> = {}) => {
  const response = await fetch(`${stack.server.url}${path}`, { headers })
  assert.is(response.status, 200, path)
  return (await response.json()) as T
}

test('article JSON: the grade against the target, the hardest sentences with why, the review flag', async () => {
  const seed = await getJson<ArticleResponse>(`/api/v1/articles/${SEED_SLUG}`)
  assert.is(seed.readingLevel.grade, 10.5)
  assert.is(seed.readingLevel.targetGrade, 8)
  assert.ok(seed.readingLevel.aboveTarget)
  assert.match(seed.readingLevel.hardestSentences[0]!.text, /^Yes, Integrative Dry Needling works best/)
  assert.match(seed.readingLevel.hardestSentences[0]!.why.join(' '), /Long sentence/)
  // The seed's author reviewed her own article.
  assert.equal(seed.medicalReview, { reviewed: true, independent: false })
  assert.ok(seed.warnings.some((w) => /not independent/.test(w)))
  assert.equal(seed.jsonLd.educationalLevel?.['@type'], 'DefinedTerm')
  assert.is(seed.jsonLd.educationalLevel?.termCode, '10.5')

  const generated = await getJson<ArticleResponse>(`/api/v1/articles/${stack.generated.article}`)
  assert.equal(generated.medicalReview, { reviewed: true, independent: true })
  assert.not.ok(generated.warnings.some((w) => /not independent/.test(w)))
  const minimal = await getJson<ArticleResponse>('/api/v1/articles/short-article')
  assert.equal(minimal.medicalReview, { reviewed: false, independent: false })
})

test('the article page carries educationalLevel in its JSON-LD', async () => {
  const html = await (await fetch(`${stack.server.url}/articles/${SEED_SLUG}`)).text()
  const json = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? ''
  assert.match(json, /"educationalLevel":\{"@type":"DefinedTerm"[^}]*"termCode":"10.5"/)
})

test('the partner payload carries readingLevel, medicalReview and educationalLevel', async () => {
  const list = await getJson<{ items: Array<ArticleResponse & { slug: string }> }>(
    '/syndication/v1/articles?limit=100',
    stack.partnerKey,
  )
  const seed = list.items.find((i) => i.slug === SEED_SLUG)!
  assert.is(seed.readingLevel.grade, 10.5)
  assert.equal(seed.medicalReview, { reviewed: true, independent: false })
  assert.is(seed.jsonLd.educationalLevel?.termCode, '10.5')
  // What a partner filter on grade looks like.
  const easy = list.items.filter((i) => i.readingLevel.grade <= 8).map((i) => i.slug)
  assert.ok(easy.includes('short-article') && !easy.includes(SEED_SLUG), easy.join(', '))
})

test("the target is the clinic's setting: at grade 12 the seed article is within it", async () => {
  const editor = stack.lake.makeClient({ perspective: 'raw' })
  await editor.patch('clinic').set({ targetReadingGrade: 12 }).commit()
  const started = Date.now()
  let level: ArticleResponse['readingLevel'] | null = null
  // A publish reaches the delivery cache through the lake's listen stream within a second or so.
  while (Date.now() - started < 15_000) {
    level = (await getJson<ArticleResponse>(`/api/v1/articles/${SEED_SLUG}`)).readingLevel
    if (level.targetGrade === 12) break
    await new Promise((r) => setTimeout(r, 200))
  }
  assert.is(level?.targetGrade, 12)
  assert.is(level?.aboveTarget, false)
  assert.equal(level?.hardestSentences.length, 3, 'sentences above grade 12 are still listed')
})

test.run()
