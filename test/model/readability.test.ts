import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  GRADE_WARNING_THRESHOLD,
  analyseReadability,
  countSentences,
  countSyllables,
  fleschKincaidGrade,
  readingTimeMinutes,
  toPlainText,
  words,
} from '../../model/readability.js'
import { bullet, heading, paragraph, span } from '../render/fixtures.js'

const r = suite('readability')

// Syllable counts from a dictionary (Merriam-Webster), common words and the clinic's vocabulary.
const DICTIONARY: Record<string, number> = {
  the: 1,
  cat: 1,
  needle: 2,
  needles: 2,
  therapy: 3,
  physical: 3,
  treatment: 2,
  muscle: 2,
  muscles: 2,
  pain: 1,
  evidence: 3,
  suggests: 2,
  performed: 2,
  therapists: 3,
  reduce: 2,
  pressure: 2,
  threshold: 2,
  immediately: 5,
  following: 3,
  conditions: 3,
  benefit: 3,
  include: 2,
  shoulder: 2,
  headache: 2,
  sciatica: 4,
  hamstring: 2,
  strain: 1,
  tightness: 2,
  spasm: 2,
  sterile: 2,
  disposable: 4,
  procedure: 3,
  painful: 2,
  discomfort: 3,
  filament: 3,
  flexible: 3,
  inserted: 3,
  tissue: 2,
  response: 2,
  normal: 2,
  momentarily: 5,
  symptoms: 2,
  temporary: 4,
  electric: 3,
  individuals: 5,
  relief: 2,
  increased: 2,
  motion: 2,
  soreness: 2,
  uncommon: 3,
  described: 2,
  bruising: 2,
  possible: 3,
  program: 2,
  optimize: 3,
  beneficial: 4,
  traditional: 4,
  methods: 2,
  manual: 3,
  exercise: 3,
  stabilization: 5,
  recommended: 4,
  water: 2,
  hydrated: 3,
  bladder: 2,
  clothing: 2,
  areas: 3,
  professionals: 4,
  certified: 3,
  techniques: 2,
  appointment: 3,
  acupuncture: 4,
  integrative: 4,
  scientific: 4,
  healing: 2,
  make: 1,
  makes: 1,
  boxes: 2,
  used: 1,
  treated: 2,
  needed: 2,
  you: 1,
  media: 3,
  radio: 3,
  social: 2,
  physician: 3,
  rheumatism: 4,
  table: 2,
  free: 1,
  every: 3,
  different: 3,
  area: 3,
  idea: 3,
  people: 2,
  little: 2,
  likely: 2,
  patient: 2,
  quality: 3,
  language: 2,
  usual: 3,
  diet: 2,
  education: 4,
  musculoskeletal: 6,
  neuromuscular: 5,
  anatomy: 4,
  stretches: 2,
  massage: 2,
  elbow: 2,
  flexibility: 5,
  inflammation: 4,
  ligament: 3,
  tendon: 2,
  posture: 2,
  recovery: 4,
  surgery: 3,
  injury: 3,
  strength: 1,
  balance: 2,
  mobility: 4,
  chronic: 2,
  acute: 2,
}

r('the syllable heuristic agrees with a dictionary on at least 9 in 10 words', () => {
  const entries = Object.entries(DICTIONARY)
  const wrong = entries.filter(([w, n]) => countSyllables(w) !== n)
  assert.ok(
    wrong.length / entries.length <= 0.1,
    `wrong: ${wrong.map(([w, n]) => `${w} ${countSyllables(w)}/${n}`).join(', ')}`,
  )
})

r('syllable rules documented in the module hold', () => {
  assert.is(countSyllables('the'), 1) // short words
  assert.is(countSyllables('make'), 1) // silent e
  assert.is(countSyllables('needle'), 2) // consonant + le
  assert.is(countSyllables('makes'), 1) // -es after consonant
  assert.is(countSyllables('boxes'), 2) // -es after x
  assert.is(countSyllables('used'), 1) // -ed
  assert.is(countSyllables('treated'), 2) // -ted
  assert.is(countSyllables('you'), 1) // leading y
  assert.is(countSyllables('media'), 3) // hiatus
  assert.is(countSyllables('traditional'), 4) // -tion glide
  assert.is(countSyllables('likely'), 2) // silent e before suffix
  assert.is(countSyllables('technique'), 2) // -que
  assert.is(countSyllables('2017'), 1) // numbers
  assert.is(countSyllables("don't"), 1)
})

r('words and sentences', () => {
  assert.equal(words("Don't stop: 24-48 hours, well-being."), ["Don't", 'stop', '24-48', 'hours', 'well-being'])
  assert.is(countSentences('One. Two! Three? Four'), 4)
  assert.is(countSentences('See Dr. Smith, e.g. on Monday. Then rest.'), 2)
  assert.is(countSentences('It costs 1.5 dollars.'), 1)
  assert.is(countSentences('"Really?" she asked.'), 2)
  assert.is(countSentences(''), 0)
})

r('Flesch-Kincaid grade on known texts', () => {
  // 6 words, 1 sentence, 6 syllables: 0.39*6 + 11.8*1 - 15.59 = -1.45
  const cat = analyseReadability('The cat sat on the mat.')
  assert.equal([cat.words, cat.sentences, cat.syllables], [6, 1, 6])
  assert.is(cat.grade, -1.4)
  assert.is(cat.aboveGradeTarget, false)
  // 13 words, 1 sentence, 26 syllables: 0.39*13 + 11.8*2 - 15.59 = 13.08
  const platypus = analyseReadability(
    'The Australian platypus is seemingly a hybrid of a mammal and reptilian creature.',
  )
  assert.equal([platypus.words, platypus.sentences, platypus.syllables], [13, 1, 26])
  assert.is(platypus.grade, 13.1)
  assert.is(platypus.aboveGradeTarget, true)
  assert.ok(
    Math.abs(fleschKincaidGrade({ words: 100, sentences: 5, syllables: 150 }) - (0.39 * 20 + 11.8 * 1.5 - 15.59)) <
      1e-9,
  )
  assert.is(fleschKincaidGrade({ words: 0, sentences: 0, syllables: 0 }), 0)
  assert.is(GRADE_WARNING_THRESHOLD, 8)
})

r('reading time at 200 words per minute, rounded up', () => {
  assert.is(readingTimeMinutes(0), 0)
  assert.is(readingTimeMinutes(1), 1)
  assert.is(readingTimeMinutes(200), 1)
  assert.is(readingTimeMinutes(201), 2)
  assert.is(readingTimeMinutes(1000), 5)
  assert.is(analyseReadability(`${Array.from({ length: 450 }, () => 'word').join(' ')}.`).readingTimeMinutes, 3)
})

r('Portable Text: plain text and readability per block; headings and list items end sentences', () => {
  const body = [
    heading('Why it helps'),
    paragraph('Needles ease pain. They are thin.'),
    bullet('Drink water'),
    bullet('Rest'),
    { _type: 'callout', _key: 'c', tone: 'tip', title: 'Tip', body: [paragraph('Ice helps.')] },
    { _type: 'accessibleImage', _key: 'i', alt: 'not counted', caption: 'not counted' },
    { _type: 'block', _key: 'm', children: [span('Mixed '), span('marks', ['strong']), span('.')] },
    null,
    'junk',
  ]
  assert.is(
    toPlainText(body),
    'Why it helps\n\nNeedles ease pain. They are thin.\n\nDrink water\n\nRest\n\nTip\n\nIce helps.\n\nMixed marks.',
  )
  const result = analyseReadability(body)
  assert.is(result.words, 17)
  assert.is(result.sentences, 8)
  assert.is(toPlainText(undefined), '')
  assert.equal(analyseReadability([]), {
    words: 0,
    sentences: 0,
    syllables: 0,
    grade: 0,
    readingTimeMinutes: 0,
    aboveGradeTarget: false,
  })
})

r.run()
