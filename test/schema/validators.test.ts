// Unit tests of the reusable validators (schemas/validation.ts): the messages editors see.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { ValidationContext } from 'sanity'
import {
  checkAltWhenImageSet,
  checkCitationKey,
  checkDoi,
  checkExcerptAdvised,
  checkExcerptMax,
  checkIcd10Code,
  checkLinkUrl,
  checkNextReviewAfterLastReview,
  checkNextReviewNotPast,
  checkNotInFuture,
  todayIsoDate,
  checkSlugFormat,
  checkWebUrl,
  requiredChoice,
} from '../../schemas/validation.js'

/** The two properties of Sanity's validation context these validators read. */
function context(document: Record<string, unknown>, parent?: unknown): ValidationContext {
  return { document, parent } as unknown as ValidationContext
}
function message(result: unknown): string {
  assert.type(result, 'string', `expected a message, got ${JSON.stringify(result)}`)
  return result as string
}

const doi = suite('DOI')
doi('accepts real DOIs', () => {
  for (const ok of ['10.2519/jospt.2017.7096', '10.1016/j.jbmt.2015.07.004', '10.1000.10/abc(1)'])
    assert.is(checkDoi(ok), true, ok)
  assert.is(checkDoi(undefined), true)
})
doi('explains a DOI cut short, as the post prints it', () => {
  assert.match(message(checkDoi('10.2519')), 'only the start of a DOI')
})
doi('asks to drop URL or doi: prefixes', () => {
  assert.match(message(checkDoi('https://doi.org/10.2519/jospt.2017.7096')), 'without "https://doi.org/"')
  assert.match(message(checkDoi('doi:10.2519/jospt.2017.7096')), 'without "doi:"')
})
doi('refuses non-DOIs', () => {
  for (const bad of ['11.2519/x', '10.25/x', 'jospt.2017.7096', '10.2519/has space'])
    assert.match(message(checkDoi(bad)), 'is not a DOI', bad)
})
doi.run()

const icd = suite('ICD-10-CM')
icd('accepts well-formed codes', () => {
  for (const ok of ['M54.2', 'M77.10', 'G56.00', 'R51.9', 'S76.319A', 'M62.831', 'M54'])
    assert.is(checkIcd10Code(ok), true, ok)
})
icd('suggests the fix for common mistakes', () => {
  assert.is(message(checkIcd10Code('m77.10')), 'Write ICD-10-CM codes in capitals: M77.10')
  assert.is(message(checkIcd10Code('M7710')), 'Put the dot after the third character: M77.10')
  assert.match(message(checkIcd10Code('M77.12345')), 'is not an ICD-10-CM code')
  assert.match(message(checkIcd10Code('7M7.1')), 'is not an ICD-10-CM code')
  assert.match(message(checkIcd10Code('')), 'Empty ICD-10-CM code')
})
icd.run()

const links = suite('links')
links('allows http, https, mailto and tel', () => {
  for (const ok of [
    'https://example.org/a?b#c',
    'http://example.org',
    'mailto:hello@clinic.example',
    'tel:+15555550100',
  ]) {
    assert.is(checkLinkUrl(ok), true, ok)
  }
})
links('refuses script and data URLs however they are written', () => {
  for (const bad of [
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    'data:text/html,<script>x</script>',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
  ]) {
    assert.match(message(checkLinkUrl(bad)), 'are not allowed', bad)
  }
  assert.match(message(checkLinkUrl(' javascript:alert(1)')), 'Remove the spaces')
  assert.match(message(checkLinkUrl('java\tscript:alert(1)')), 'Links starting with "javascript:" are not allowed')
})
links('explains relative and incomplete addresses', () => {
  assert.match(message(checkLinkUrl('www.example.org')), 'Add "https://" in front')
  assert.match(message(checkLinkUrl('/articles/x')), 'not a complete link address')
})
links('web URLs are http(s) only', () => {
  assert.is(checkWebUrl('https://clinic.example'), true)
  assert.match(message(checkWebUrl('mailto:a@b.example')), 'web page address starting with https://')
  assert.match(message(checkWebUrl('javascript:alert(1)')), 'not "javascript:"')
  assert.match(message(checkWebUrl('www.clinic.example')), 'Add "https://" in front')
})
links.run()

const text = suite('excerpt, slug, choices')
text('excerpt: error over 200, advice over 160', () => {
  assert.is(checkExcerptMax('x'.repeat(200)), true)
  assert.match(message(checkExcerptMax('x'.repeat(250))), 'is 250 characters; the limit is 200')
  assert.is(checkExcerptAdvised('x'.repeat(160)), true)
  assert.match(message(checkExcerptAdvised('x'.repeat(170))), 'too long for search results')
  assert.is(checkExcerptAdvised('x'.repeat(250)), true, 'over 200 is the error, not also the advice')
})
text('slug format', () => {
  assert.is(checkSlugFormat({ _type: 'slug', current: 'tennis-elbow' }), true)
  assert.match(message(checkSlugFormat({ _type: 'slug', current: 'Tennis Elbow' })), 'cannot be used in a web address')
})
text('list values', () => {
  const check = requiredChoice([{ title: 'Before', value: 'before' }], 'Choose a phase.')
  assert.is(check('before'), true)
  assert.is(check(undefined), 'Choose a phase.')
  assert.match(message(check('during')), '"during" is not one of the allowed values: before')
})
text.run()

const review = suite('review dates')
review('next review must come after the last review', () => {
  assert.is(checkNextReviewAfterLastReview('2027-01-01', context({ lastReviewed: '2026-01-01' })), true)
  assert.match(
    message(checkNextReviewAfterLastReview('2025-01-01', context({ lastReviewed: '2026-01-01' }))),
    'must be after the last review (2026-01-01)',
  )
  assert.match(
    message(checkNextReviewAfterLastReview('2026-01-01', context({ lastReviewed: '2026-01-01' }))),
    'must be after',
  )
})
review('advice when the next review has passed', () => {
  assert.match(message(checkNextReviewNotPast('2000-01-01')), 'was due on 2000-01-01')
  assert.is(checkNextReviewNotPast('2999-01-01'), true)
})
review.run()

const refs = suite('alt text and citation marks')
refs('alt text is required once an image is set', () => {
  const image = { _type: 'accessibleImage', asset: { _type: 'reference', _ref: 'image-a-1x1-png' } }
  assert.match(message(checkAltWhenImageSet(undefined, context({}, image))), 'alternative text')
  assert.match(message(checkAltWhenImageSet('  ', context({}, image))), 'alternative text')
  assert.is(checkAltWhenImageSet('A therapist', context({}, image)), true)
  assert.is(checkAltWhenImageSet(undefined, context({}, { _type: 'accessibleImage' })), true, 'no image, no alt needed')
})
refs('a citation mark must name a citation of the same document', () => {
  const doc = { citations: [{ _key: 'gattie2017', _type: 'citation' }] }
  assert.is(checkCitationKey('gattie2017', context(doc)), true)
  assert.match(
    message(checkCitationKey('smith2020', context(doc))),
    "not one of this document's citations (gattie2017)",
  )
  assert.match(message(checkCitationKey('x', context({}))), 'has no citations')
})
refs.run()

const future = suite('last reviewed not in the future')
future("a date after every time zone's today is refused, with the fix", () => {
  const farAhead = todayIsoDate(new Date(Date.now() + 3 * 24 * 60 * 60 * 1000))
  assert.match(message(checkNotInFuture(farAhead)), `This date (${farAhead}) is in the future`)
})
future('today and tomorrow-in-UTC are allowed (an editor east of UTC is already on the next day)', () => {
  assert.is(checkNotInFuture(todayIsoDate()), true)
  assert.is(checkNotInFuture(todayIsoDate(new Date(Date.now() + 12 * 60 * 60 * 1000))), true)
  assert.is(checkNotInFuture(undefined), true)
})
future.run()
