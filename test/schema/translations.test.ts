// The seed's Spanish translation: drafts awaiting clinical review, faithful to the English (the same
// structure, keys and marks, every text from the reviewed table content/source/first-post.es.json),
// linked to their sources by translation.metadata documents as Sanity's plugin links them. Plus the
// translation rules the Studio applies (publish gate, stale badge, Spanish readability).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { translationMayBeStale } from '../../model/languages.js'
import { analyseSpanishReadability } from '../../model/readability-es.js'
import { readingGradeProblem } from '../../schemas/readingGrade.js'
import {
  buildSpanishSeed,
  metadataId,
  TRANSLATED_SEED_IDS,
  translatedId,
  type SeedTranslation,
} from '../../scripts/lib/seed-translations.js'
import { translationPublishBlocker } from '../../studio/translation/ReviewedPublishAction.js'
import { describeTranslation } from '../../studio/translation/TranslationBadge.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
type Doc = Record<string, unknown> & { _id: string; _type: string }
const seed = readFileSync(`${repo}content/production.ndjson`, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Doc)
const table = JSON.parse(readFileSync(`${repo}content/source/first-post.es.json`, 'utf8')) as SeedTranslation
const byId = new Map(seed.map((d) => [d._id, d]))

/** Every string of a value with its path, skipping the keys that hold ids, styles and codes. */
function shape(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => shape(v, `${path}[${i}]`))
  if (typeof value !== 'object' || value === null) return [`${path}:${typeof value}`]
  return Object.entries(value).flatMap(([k, v]) => shape(v, `${path}.${k}`))
}

const seedTest = suite('seed: Spanish translation')

seedTest('the committed seed is exactly what scripts/translate-seed.ts makes (run npm run seed:translate)', () => {
  const { documents, missing } = buildSpanishSeed(seed, table)
  assert.equal(missing, [], 'every English text has its Spanish in the table')
  assert.equal(documents, seed)
})

seedTest('each translated document has a Spanish draft, never a published one, awaiting clinical review', () => {
  for (const id of TRANSLATED_SEED_IDS) {
    const spanish = byId.get(`drafts.${translatedId(id)}`)
    assert.ok(spanish, `a Spanish draft of ${id}`)
    assert.not.ok(byId.has(translatedId(id)), `${id}: the seed never publishes a translation`)
    assert.is(spanish.language, 'es')
    assert.equal(spanish.translationReview, { status: 'awaiting-clinical-review' })
    assert.is(byId.get(id)?.language, 'en')
  }
})

seedTest('faithful to the English: same structure and keys, every text translated', () => {
  const allowedSame = new Set(['(1)', '.'])
  for (const id of TRANSLATED_SEED_IDS) {
    const english = byId.get(id)!
    const { publishedAt: _p, ...englishRest } = english
    const spanish = byId.get(`drafts.${translatedId(id)}`)!
    const { _id: _a, language: _b, translationReview: _c, ...spanishRest } = spanish
    const { _id: _d, language: _e, ...englishComparable } = englishRest
    assert.equal(shape(spanishRest), shape(englishComparable), `${id}: the same fields, blocks, spans and marks`)
    const texts = (doc: Record<string, unknown>) =>
      JSON.stringify(doc, (key, value) => (key === 'citations' ? undefined : value))
    for (const [en, es] of Object.entries(table.strings)) {
      if (allowedSame.has(en)) continue
      assert.is.not(en, es, `"${en}" is translated`)
      if (texts(englishComparable).includes(JSON.stringify(en))) {
        assert.ok(texts(spanishRest).includes(JSON.stringify(es)), `${id}: "${es.slice(0, 40)}…" in the draft`)
      }
    }
  }
})

seedTest('translation.metadata links each pair: the source strong, the draft weak until published', () => {
  for (const id of TRANSLATED_SEED_IDS) {
    const metadata = byId.get(metadataId(id))
    assert.ok(metadata, `metadata of ${id}`)
    assert.is(metadata._type, 'translation.metadata')
    const translations = metadata.translations as Array<{ language: string; value: Record<string, unknown> }>
    assert.equal(
      translations.map((t) => [t.language, t.value._ref, t.value._weak === true]),
      [
        ['en', id, false],
        ['es', translatedId(id), true],
      ],
    )
    assert.equal(translations[1]!.value._strengthenOnPublish, { type: byId.get(id)!._type })
  }
})

seedTest('the Spanish article reads "normal" or easier on the INFLESZ scale', () => {
  const body = byId.get('drafts.article-dry-needling-es')!.body
  const r = analyseSpanishReadability(body)
  assert.ok(r.inflesz >= 55, `INFLESZ ${r.inflesz}`)
  assert.is(readingGradeProblem(body, 8, 'es'), null)
  // The same text judged by the English formula would be meaningless; the English one is not spared.
  assert.match(readingGradeProblem(byId.get('article-dry-needling')!.body, 8, 'en') ?? '', 'Reading grade 10.5')
})

const rules = suite('translation rules in the Studio')

rules('publishing waits for a recorded clinical review, translations only', () => {
  assert.is(translationPublishBlocker({ language: 'en' }), null)
  assert.is(translationPublishBlocker({}), null, 'documents from before languages are the source language')
  assert.match(translationPublishBlocker({ language: 'es' }) ?? '', 'awaits clinical review')
  assert.match(
    translationPublishBlocker({ language: 'es', translationReview: { status: 'reviewed' } }) ?? '',
    'awaits clinical review',
    'a review needs who and when',
  )
  assert.is(
    translationPublishBlocker({
      language: 'es',
      translationReview: { status: 'reviewed', reviewer: { _ref: 'clinician-x' }, reviewedAt: '2026-12-01T10:00:00Z' },
    }),
    null,
  )
})

rules('"may be out of date" when the source changed after the last review (or after the translation was made)', () => {
  const reviewed = { _createdAt: '2026-11-01T00:00:00Z', translationReview: { reviewedAt: '2026-12-01T00:00:00Z' } }
  assert.is(translationMayBeStale({ _updatedAt: '2026-11-30T00:00:00Z' }, reviewed), false)
  assert.is(translationMayBeStale({ _updatedAt: '2026-12-02T00:00:00Z' }, reviewed), true)
  assert.is(translationMayBeStale({ _updatedAt: '2026-11-02T00:00:00Z' }, { _createdAt: '2026-11-01T00:00:00Z' }), true)
  assert.is(translationMayBeStale(null, reviewed), false)

  const stale = describeTranslation(
    { language: 'es', ...reviewed, translationReview: { status: 'reviewed', reviewedAt: '2026-12-01T00:00:00Z' } },
    '2026-12-05T09:00:00Z',
  )
  assert.is(stale?.label, 'Translation may be out of date')
  assert.match(stale?.title ?? '', 'changed on 2026-12-05, after this translation was last reviewed (2026-12-01)')
  const awaiting = describeTranslation({ language: 'es', _createdAt: '2026-12-06T00:00:00Z' }, '2026-12-05T00:00:00Z')
  assert.is(awaiting?.label, 'Awaiting clinical review')
  const fine = describeTranslation(
    { language: 'es', translationReview: { status: 'reviewed', reviewedAt: '2026-12-06T00:00:00Z' } },
    '2026-12-05T00:00:00Z',
  )
  assert.is(fine, null)
})

seedTest.run()
rules.run()
