// The seed dataset (content/production.ndjson) against the Studio's own validation rules and
// against the post it reproduces (content/source/first-post.txt), plus a deliberately broken document
// that must fail with the editor-facing messages. One process: importing `sanity` is slow.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  createDocumentValidator,
  formatProblem,
  parseNdjson,
  type DocumentProblem,
  type DocumentValidator,
} from '../../scripts/lib/validate-documents.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const seedText = readFileSync(`${repo}content/production.ndjson`, 'utf8')
const parsed = parseNdjson(seedText)
type Doc = Record<string, unknown> & { _id: string; _type: string }
const docs = parsed.documents.map((d) => d.document as Doc)
const byId = new Map(docs.map((d) => [d._id, d]))
const get = (id: string): Doc => {
  const doc = byId.get(id)
  assert.ok(doc, `seed has no document "${id}"`)
  return doc
}

type Span = { text: string; marks?: string[] }
type Block = {
  _type: string
  _key: string
  style?: string
  listItem?: string
  children?: Span[]
  markDefs?: Array<Record<string, unknown>>
}
const blockText = (b: Block) => (b.children ?? []).map((c) => c.text).join('')
const refs = (value: unknown) => (value as Array<{ _ref: string }> | undefined)?.map((r) => r._ref) ?? []

/** The post, as printed: paragraphs and list items, without the Wix page chrome. */
function readPost(): { title: string; author: string; paragraphs: string[]; footnote: string } {
  // The post as the clinic published it, kept beside the seed so the test needs nothing outside the repository.
  const file = `${repo}content/source/first-post.txt`
  const chrome = new Set(['top of page', '30 views0 comments', 'Recent Posts', 'See All', 'bottom of page'])
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !chrome.has(l))
  const author = lines.shift()?.replace(/^•\s*/, '') ?? ''
  const title = lines.shift() ?? ''
  const footnote = lines.pop() ?? ''
  return { title, author, paragraphs: lines.map((l) => l.replace(/^•\s*/, '')), footnote }
}

let validator: DocumentValidator
let seedProblems: DocumentProblem[]

const validation = suite("seed validates with the Studio's rules")
validation.before(async () => {
  validator = await createDocumentValidator({ documents: docs })
  seedProblems = await validator.validate(parsed.documents)
})
validation.after(async () => {
  await validator.close()
})
validation('every line parses', () => {
  assert.equal(parsed.problems, [])
  // 27 English documents, 9 Spanish drafts and the 9 translation.metadata documents linking them.
  assert.is(docs.length, 45)
})
validation(
  "no errors; the only warnings are the verbatim post's reading grade, its self-review and the unreviewed translations",
  () => {
    // The seed keeps the clinic's post verbatim: it reads at grade 10.5 against the target of 8, and
    // its author is also its reviewer. Its Spanish drafts await a clinician's review. All are advice
    // (warnings), never errors.
    const spanishDrafts = docs.filter((d) => d.language === 'es').map((d) => d._id)
    assert.is(spanishDrafts.length, 9)
    assert.equal(
      seedProblems.map((p) => [p.level, p.id, p.path]),
      [
        ['warning', 'article-dry-needling', 'medicalReviewer'],
        ['warning', 'article-dry-needling', 'body'],
        ['warning', 'drafts.article-dry-needling-es', 'translationReview'],
        ['warning', 'drafts.article-dry-needling-es', 'medicalReviewer'],
        ...spanishDrafts.slice(1).map((id) => ['warning', id, 'translationReview']),
      ],
      seedProblems.map(formatProblem).join('\n'),
    )
    const [review, grade] = seedProblems.map((p) => p.message)
    assert.match(review!, 'The author is also the medical reviewer')
    assert.match(grade!, "Reading grade 10.5 is above the clinic's target of 8.")
    assert.match(seedProblems[2]!.message, 'This translation awaits clinical review')
  },
)
validation("above the clinic's target grade is an error when the clinic blocks publishing", async () => {
  const strict = docs.map((d) =>
    d._id === 'clinic' ? { ...d, targetReadingGrade: 11, readingGradeBlocksPublish: true } : d,
  )
  const stricter = docs.map((d) =>
    d._id === 'clinic' ? { ...d, targetReadingGrade: 9, readingGradeBlocksPublish: true } : d,
  )
  for (const [dataset, expected] of [
    [strict, []],
    [stricter, [['error', 'body']]],
  ] as const) {
    const v = await createDocumentValidator({ documents: dataset })
    try {
      const found = (await v.validate(dataset.filter((d) => d._type === 'article')))
        .filter((p) => p.path === 'body')
        .map((p) => [p.level, p.path])
      assert.equal(found, expected)
    } finally {
      await v.close()
    }
  }
})

validation('a broken document fails with the expected messages', async () => {
  const broken = {
    _id: 'article.broken',
    _type: 'article',
    title: 'Broken',
    slug: { _type: 'slug', current: 'broken' },
    excerpt: 'x'.repeat(250),
    author: { _type: 'reference', _ref: 'clinician-kelliegomia' },
    medicalReviewer: { _type: 'reference', _ref: 'clinician-kelliegomia' },
    publishedAt: '2026-01-01T00:00:00Z',
    lastReviewed: '2026-06-01',
    nextReviewDue: '2026-01-01',
    heroImage: { _type: 'accessibleImage', asset: { _type: 'reference', _ref: 'image-abc-10x10-png' } },
    citations: [{ _key: 'c1', _type: 'citation', authors: ['Doe J'], title: 'T', doi: '10.2519' }],
    body: [
      {
        _key: 'b1',
        _type: 'block',
        style: 'normal',
        markDefs: [{ _key: 'l1', _type: 'link', href: 'javascript:alert(1)' }],
        children: [{ _key: 's1', _type: 'span', text: 'Click', marks: ['l1'] }],
      },
    ],
  }
  const badCondition = {
    _id: 'condition.broken',
    _type: 'condition',
    name: 'Broken',
    slug: { _type: 'slug', current: 'tennis-elbow' },
    bodyRegion: 'elbow',
    icd10Codes: ['M7710', 'not-a-code'],
  }
  const clinicCopy = { ...get('clinic'), _id: 'clinic.copy' }
  const problems = await validator.validate([
    broken,
    badCondition,
    { _id: 'article.untitled', _type: 'article' },
    clinicCopy,
  ])
  const find = (id: string, path: string, text: string) =>
    problems.find((p) => p.id === id && p.path === path && p.level === 'error' && p.message.includes(text))
  const expected: Array<[string, string, string]> = [
    ['article.broken', 'citations[_key=="c1"].doi', 'only the start of a DOI'],
    ['article.broken', 'heroImage.alt', 'alternative text'],
    ['article.broken', 'excerpt', 'is 250 characters; the limit is 200'],
    ['article.broken', 'nextReviewDue', 'must be after the last review (2026-06-01)'],
    [
      'article.broken',
      'body[_key=="b1"].markDefs[_key=="l1"].href',
      'Links starting with "javascript:" are not allowed',
    ],
    ['condition.broken', 'icd10Codes[0]', 'Put the dot after the third character: M77.10'],
    ['condition.broken', 'icd10Codes[1]', 'is not an ICD-10-CM code'],
    ['condition.broken', 'bodyRegion', '"elbow" is not one of the allowed values'],
    ['condition.broken', 'slug', 'Slug is already in use'],
    ['article.untitled', 'title', 'Give the article a title'],
    ['article.untitled', 'slug', 'needs a slug'],
    ['article.untitled', 'body', 'Write the article body'],
    ['article.untitled', 'author', 'Choose the clinician who wrote the article'],
    ['article.untitled', 'medicalReviewer', 'Choose the clinician who reviewed the article'],
    ['article.untitled', 'lastReviewed', 'date of the last medical review'],
    ['clinic.copy', '', 'There is one clinic settings document, with the id "clinic"'],
  ]
  for (const [id, path, text] of expected) {
    assert.ok(
      find(id, path, text),
      `expected error at ${id} ${path} containing "${text}"; got:\n${problems.map(formatProblem).join('\n')}`,
    )
  }
  // Advice stays advice: a past review date and an FAQ without a topic are warnings, not errors.
  const orphan = await validator.validate([
    { _id: 'faq.orphan', _type: 'faq', question: 'Q?', answer: get('faq-dry-needling-sterile-needles').answer },
  ])
  assert.equal(
    orphan.map((p) => [p.level, p.path]),
    [['warning', '']],
  )
  assert.match(orphan[0].message, 'not linked to a treatment or a condition')
  assert.ok(
    problems.some(
      (p) =>
        p.id === 'article.broken' &&
        p.path === 'nextReviewDue' &&
        p.level === 'warning' &&
        p.message.includes('was due on 2026-01-01'),
    ),
  )
})
validation(
  'structural problems are named: bad ids, unknown types and fields, missing keys, dangling references',
  async () => {
    const problems = await validator.validate([
      { _id: 'has space', _type: 'category', title: 'A', slug: { _type: 'slug', current: 'a' } },
      { _id: 'x.unknown', _type: 'post' },
      {
        _id: 'category.typo',
        _type: 'category',
        title: 'B',
        slug: { _type: 'slug', current: 'b' },
        descripton: 'typo',
      },
      {
        _id: 'faq.nokeys',
        _type: 'faq',
        question: 'Q?',
        answer: [{ _type: 'block', children: [{ _type: 'span', text: 'A' }] }],
        treatments: [{ _type: 'reference', _ref: 'treatment.missing', _key: 'm' }],
      },
    ])
    const messages = problems.map(formatProblem).join('\n')
    assert.match(messages, 'has space  _id: "has space" is not a valid document id')
    assert.match(messages, 'x.unknown  _type: Unknown document type "post"')
    assert.match(messages, 'category.typo  descripton: Field "descripton" does not exist on type "category"')
    assert.match(messages, 'faq.nokeys  answer[0]: Objects in arrays need a unique string `_key`')
    assert.match(messages, 'faq.nokeys  treatments[0]: References "treatment.missing", which is not in this dataset')
  },
)
validation.run()

const post = suite('seed reproduces the post')
post("the article has the post's title and author", () => {
  const { title, author } = readPost()
  const article = get('article-dry-needling')
  assert.is(article.title, title)
  const authorDoc = get((article.author as { _ref: string })._ref)
  assert.is(authorDoc.handle, author)
  assert.is(author, 'kelliegomia')
})
post('every paragraph and list item of the post is a body block, verbatim and in order', () => {
  const { paragraphs } = readPost()
  const body = get('article-dry-needling').body as Block[]
  const texts = body.map(blockText)
  assert.equal(texts, paragraphs)
})
post('questions are h2 headings and the care lists are bullet lists', () => {
  const body = get('article-dry-needling').body as Block[]
  const headings = body.filter((b) => b.style === 'h2').map(blockText)
  assert.equal(headings, [
    'What conditions can be treated?',
    'Are the needles sterile?',
    'Is the procedure painful?',
    'Are other treatments received in conjunction with Integrative Dry Needling?',
    'What should I do after treatment?',
    'What should I do to prepare for the treatment?',
  ])
  const bullets = body.filter((b) => b.listItem === 'bullet').map(blockText)
  assert.is(bullets.length, 7)
  assert.ok(bullets.includes('Heat application can help to decrease compliant of soreness'), "the post's typo is kept")
})
post('"(1)" carries a citationRef mark pointing at the citation, which has the full DOI', () => {
  const article = get('article-dry-needling')
  const evidence = (article.body as Block[]).find((b) => blockText(b).startsWith('Evidence suggests'))
  assert.ok(evidence)
  const marked = evidence.children?.find((c) => c.text === '(1)')
  assert.ok(marked?.marks?.length === 1, '"(1)" is its own span with one mark')
  const def = evidence.markDefs?.find((d) => d._key === marked.marks?.[0])
  assert.equal(def && { type: def._type, key: def.citationKey }, { type: 'citationRef', key: 'gattie2017' })
  const citations = article.citations as Array<Record<string, unknown>>
  assert.is(citations[0]._key, 'gattie2017')
  const { footnote } = readPost()
  assert.match(
    footnote,
    `${citations[0].journal as string} ${citations[0].year as number};${citations[0].volume as string}(${citations[0].issue as string}):${citations[0].pages as string}`,
  )
  assert.is(citations[0].doi, '10.2519/jospt.2017.7096')
  assert.ok(footnote.endsWith('doi:10.2519'), 'the post prints the DOI cut short; the seed has it in full')
})
post.run()

const links = suite('seed documents link up')
links('the article links every condition, the treatment, FAQs in order, care before then after', () => {
  const article = get('article-dry-needling')
  assert.is(refs(article.conditions).length, 14)
  assert.equal(refs(article.treatments), ['treatment-integrative-dry-needling'])
  assert.equal(
    refs(article.faqs).map((id) => get(id).question as string),
    readPost().paragraphs.filter((p) => p.endsWith('?')),
  )
  assert.equal(
    refs(article.careInstructions).map((id) => get(id).phase),
    ['before', 'after'],
  )
  assert.equal(refs(article.categories), ['category-treatments'])
  assert.is((article.syndication as { allowed?: boolean }).allowed, true)
  assert.ok(article.callToAction, 'call to action to book')
})
links('FAQs are ordered 1-6 and linked to the treatment', () => {
  const faqs = refs(get('article-dry-needling').faqs).map(get)
  assert.equal(
    faqs.map((f) => f.order),
    [1, 2, 3, 4, 5, 6],
  )
  for (const f of faqs) assert.equal(refs(f.treatments), ['treatment-integrative-dry-needling'])
})
links("care steps carry the post's timings", () => {
  const steps = (id: string) => get(id).steps as Array<{ instruction: string; timing?: string }>
  const before = steps('careInstruction-dry-needling-before')
  const after = steps('careInstruction-dry-needling-after')
  assert.is(before.length, 3)
  assert.is(after.length, 4)
  assert.is(before.find((s) => s.instruction.includes('Do not eat'))?.timing, '30 minutes before')
  assert.is(after.find((s) => s.instruction.includes('water intake'))?.timing, 'for 24 hours')
})
links("conditions: the post's list, each with a body region, tennis elbow coded M77.1x", () => {
  const conditions = docs.filter((d) => d._type === 'condition')
  assert.equal(
    conditions.map((c) => c.name),
    [
      'Neck pain',
      'Back pain',
      'Shoulder pain',
      'Arm pain',
      'Tennis elbow',
      'Carpal tunnel syndrome',
      'Golfer’s elbow',
      'Headache',
      'Jaw pain',
      'Buttock pain',
      'Leg pain',
      'Sciatica',
      'Hamstring strain',
      'Calf tightness or spasm',
    ],
  )
  for (const c of conditions) {
    assert.ok(c.bodyRegion, `${c._id} has a body region`)
    assert.is(c._id, `condition-${(c.slug as { current: string }).current}`, 'readable, deterministic ids')
  }
  assert.match((get('condition-tennis-elbow').icd10Codes as string[])[0], /^M77\.1/)
})
links('the clinic singleton has _id "clinic" and only .example placeholder addresses', () => {
  const clinic = get('clinic')
  assert.is(clinic._type, 'clinic')
  assert.is(clinic.name, 'Dynamic Physical Therapy & Wellness')
  for (const field of ['siteUrl', 'bookingUrl', 'email']) {
    assert.match(String(clinic[field]), /\.example(\/|$)/, `${field} is a .example placeholder`)
  }
})
links.run()
