// Reading level per paragraph and sentence (delivery/render/readingLevel.ts), the Studio's rules
// built on it (schemas/readingGrade.ts, checkIndependentReview) and the review facts
// (delivery/render/review.ts), on the seed article's verbatim text.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { ValidationContext } from 'sanity'
import { analyseReadability, countSentences } from '../../model/readability.js'
import {
  analyseReadingLevel,
  DEFAULT_TARGET_GRADE,
  LONG_SENTENCE_WORDS,
  paragraphsOf,
  readingLevelSummary,
  splitSentences,
  targetGradeOf,
} from '../../model/readingLevel.js'
import { medicalReviewOf } from '../../delivery/render/review.js'
import { readingGradeProblem, readingGradeSettings } from '../../schemas/readingGrade.js'
import { checkIndependentReview } from '../../schemas/validation.js'
import { seedFacts } from '../delivery/_seed.js'

const { article } = seedFacts()
const test = suite('reading level per paragraph and sentence')

test('the document grade is exactly the readability grade (the seed article: 10.5, above 8)', () => {
  const level = analyseReadingLevel(article.body)
  assert.is(level.grade, analyseReadability(article.body).grade)
  assert.is(level.grade, 10.5)
  assert.is(level.targetGrade, DEFAULT_TARGET_GRADE)
  assert.ok(level.aboveTarget)
})

test('sentences are split where countSentences counts them, with offsets into the paragraph', () => {
  const paragraphs = paragraphsOf(article.body)
  assert.ok(paragraphs.length > 10)
  for (const p of paragraphs) {
    const sentences = splitSentences(p.text)
    assert.is(sentences.length, countSentences(p.text), p.text)
    for (const s of sentences) assert.is(p.text.slice(s.start, s.end), s.text)
  }
  assert.equal(
    splitSentences('Ask Dr. Lee, e.g. by phone. Then rest!').map((s) => s.text),
    ['Ask Dr. Lee, e.g. by phone.', 'Then rest!'],
  )
})

test('the hardest sentence of the seed article, and why', () => {
  const level = analyseReadingLevel(article.body, 8)
  const hardest = level.hardest[0]!
  assert.match(hardest.text, /^Yes, Integrative Dry Needling works best when incorporated with traditional/)
  assert.ok(hardest.grade > 20, `grade ${hardest.grade}`)
  const kinds = hardest.reasons.map((r) => r.kind)
  assert.equal(kinds, ['long-sentence', 'long-words'])
  assert.match(hardest.why[0]!, `Long sentence: ${hardest.words} words (aim for ${LONG_SENTENCE_WORDS} or fewer)`)
  assert.match(hardest.why[1]!, /Long words: .*stabilization/)
  // The path leads to the block, so the Studio can highlight it.
  const block = (article.body as Array<{ _key: string }>).find((b) => b._key === hardest.path[0])
  assert.ok(block, 'the path names a block of the body')
  // Hardest first; only sentences above the target.
  for (let i = 1; i < level.hardest.length; i++) assert.ok(level.hardest[i - 1]!.grade >= level.hardest[i]!.grade)
  assert.ok(level.hardest.every((s) => s.grade > 8))
})

test('plain text below the target has no hard sentences; the target decides', () => {
  const plain = analyseReadingLevel('Move a little each day. Drink water. Call us if it hurts more.')
  assert.not.ok(plain.aboveTarget)
  assert.equal(plain.hardest, [])
  const lenient = analyseReadingLevel(article.body, 30)
  assert.not.ok(lenient.aboveTarget)
  assert.equal(lenient.hardest, [])
  assert.is(analyseReadingLevel([], 8).grade, 0)
  assert.is(analyseReadingLevel(article.body, Number.NaN).targetGrade, DEFAULT_TARGET_GRADE)
})

test('callout titles and bodies are paragraphs with their key paths', () => {
  const body = [
    {
      _type: 'callout',
      _key: 'c1',
      title: 'Heads up',
      body: [{ _type: 'block', _key: 'b1', children: [{ _type: 'span', text: 'Rest.' }] }],
    },
  ]
  assert.equal(
    paragraphsOf(body).map((p) => p.path),
    [
      ['c1', 'title'],
      ['c1', 'b1'],
    ],
  )
})

test('the summary for delivery and syndication; the target from the clinic settings', () => {
  const summary = readingLevelSummary(article.body, 8)
  assert.is(summary.grade, 10.5)
  assert.ok(summary.aboveTarget)
  assert.is(summary.hardestSentences.length, 3)
  assert.is(targetGradeOf({ targetReadingGrade: 6 }), 6)
  assert.is(targetGradeOf({ targetReadingGrade: 99 }), DEFAULT_TARGET_GRADE)
  assert.is(targetGradeOf(null), DEFAULT_TARGET_GRADE)
})

test('the Studio rule: the message names the grade, the target and the hardest sentence', () => {
  const message = readingGradeProblem(article.body, 8)!
  assert.match(message, "Reading grade 10.5 is above the clinic's target of 8.")
  assert.match(message, 'Hardest sentence (grade')
  assert.match(message, '"Yes, Integrative Dry Needling works best')
  assert.is(readingGradeProblem(article.body, 12), null)
  assert.equal(readingGradeSettings(null), { targetGrade: 8, blocksPublish: false })
  assert.equal(readingGradeSettings({ targetReadingGrade: 6, readingGradeBlocksPublish: true }), {
    targetGrade: 6,
    blocksPublish: true,
  })
})

test('medical review independence: the rule and the facts', () => {
  const ctx = (document: Record<string, unknown>) => ({ document }) as unknown as ValidationContext
  const same = { _type: 'reference', _ref: 'clinician-a' }
  assert.match(
    String(checkIndependentReview(same, ctx({ author: { _ref: 'clinician-a' } }))),
    'The author is also the medical reviewer',
  )
  assert.is(checkIndependentReview(same, ctx({ author: { _ref: 'clinician-b' } })), true)
  assert.is(checkIndependentReview(undefined, ctx({ author: { _ref: 'clinician-a' } })), true)
  assert.equal(medicalReviewOf({ author: { _id: 'a' }, medicalReviewer: { _id: 'a' } }), {
    reviewed: true,
    independent: false,
  })
  assert.equal(medicalReviewOf({ author: { _id: 'a' }, medicalReviewer: { _id: 'b' } }), {
    reviewed: true,
    independent: true,
  })
  assert.equal(medicalReviewOf({ author: { _id: 'a' }, medicalReviewer: null }), {
    reviewed: false,
    independent: false,
  })
})

test.run()
