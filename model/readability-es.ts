// Readability of Spanish text: the INFLESZ scale (Barrio-Cantalejo et al., 2008), which is the
// Szigriszt-Pazos perspicuity formula read against bands validated on Spanish health texts:
//
//   P = 206.835 - 62.3 * (syllables / words) - (words / sentences)
//
// Flesch-Kincaid counts English syllables and its coefficients were fitted on English readers, so it
// says nothing useful about Spanish: Spanish words are longer in syllables at the same difficulty.
// INFLESZ is what Spanish patient-education guides use; its bands (higher is easier):
//   < 40 muy difícil, 40-55 algo difícil, 55-65 normal, 65-80 bastante fácil, >= 80 muy fácil.
// Patient education aims at "normal" or easier (>= 55).
//
// Spanish syllables are counted by rule, not estimated: spelling marks them. In each run of vowels
// (a e i o u, accented á é í ó ú, ü; "y" only at the end of a word or alone, as in "muy", "hoy",
// "y"), every strong vowel (a, e, o, any accented vowel, including í and ú which break a diphthong)
// is its own nucleus, and a run with no strong vowel ("ui", "iu", "u") is one: so diphthongs and
// triphthongs count one ("tra-ta-mien-to", "buey"), hiatuses two ("i-de-a", "dí-a", "le-er").
// A silent "u" in "que/qui/gue/gui" joins its vowel's run and adds nothing, as it should.
// Pure and dependency-free like readability.ts: the Studio runs it in the browser.
import { countSentences, readingTimeMinutes, scoreText, type TextCounts } from './readability.js'

/** INFLESZ band boundaries, lowest score first. */
export const INFLESZ_BANDS = [
  { min: -Infinity, label: 'muy difícil', labelEn: 'very difficult' },
  { min: 40, label: 'algo difícil', labelEn: 'somewhat difficult' },
  { min: 55, label: 'normal', labelEn: 'normal' },
  { min: 65, label: 'bastante fácil', labelEn: 'fairly easy' },
  { min: 80, label: 'muy fácil', labelEn: 'very easy' },
] as const

export type InfleszBand = (typeof INFLESZ_BANDS)[number]['label']

/** Editors are warned when a Spanish text scores below this ("normal" starts here). */
export const INFLESZ_TARGET = 55

const STRONG = /[aeoáéíóú]/
const VOWEL_RUN = /[aeiouáéíóúü]+/g

/** Syllables of one Spanish word (at least 1; a token without letters, such as "2024", counts 1). */
export function countSpanishSyllables(word: string): number {
  let w = word.toLowerCase().replace(/[^a-záéíóúüñ]/g, '')
  if (w === '') return 1
  // A final "y" ("muy", "hoy", "ley") or "y" alone is a vowel; elsewhere it is a consonant.
  if (w === 'y') return 1
  if (w.endsWith('y')) w = `${w.slice(0, -1)}i`
  let count = 0
  for (const run of w.match(VOWEL_RUN) ?? []) {
    let strong = 0
    for (const ch of run) if (STRONG.test(ch)) strong += 1
    count += Math.max(1, strong)
  }
  return Math.max(1, count)
}

/** Spanish abbreviations whose period does not end a sentence ("p. ej.", "Dra.", "aprox."). */
const ABBREVIATIONS_ES = /\b(?:ej|p|dr|dra|sr|sra|srta|ud|uds|etc|aprox|núm|pág|pp|vol|cap|fig|art|av)\.$/i

/** Sentences of one Spanish segment: like English, with Spanish abbreviations and "¿…?" "¡…!". */
export function countSpanishSentences(segment: string): number {
  // Opening marks carry no stop; the closing ones are . ? ! which countSentences already sees.
  // Abbreviation periods are joined to the next word so they do not end a sentence.
  const joined = segment
    .replace(/[¿¡]/g, '')
    .replace(/\S+/g, (token) => (ABBREVIATIONS_ES.test(token) ? token.slice(0, -1) : token))
  return countSentences(joined)
}

/** INFLESZ (Szigriszt-Pazos) score from counts; 0 words gives 0. */
export function szigrisztPazos(counts: TextCounts): number {
  if (counts.words <= 0 || counts.sentences <= 0) return 0
  return 206.835 - 62.3 * (counts.syllables / counts.words) - counts.words / counts.sentences
}

/** The INFLESZ band a score falls in. */
export function infleszBand(score: number): (typeof INFLESZ_BANDS)[number] {
  let band: (typeof INFLESZ_BANDS)[number] = INFLESZ_BANDS[0]
  for (const b of INFLESZ_BANDS) if (score >= b.min) band = b
  return band
}

export interface SpanishReadability {
  words: number
  sentences: number
  syllables: number
  /** INFLESZ score, one decimal (higher is easier); 0 for an empty text. */
  inflesz: number
  band: InfleszBand
  /** The band in English, for an English-speaking editor or reviewer. */
  bandEn: string
  readingTimeMinutes: number
  /** True when the text has words and scores below {@link INFLESZ_TARGET}: the Studio warns. */
  belowTarget: boolean
}

/** Readability of a Spanish string (paragraphs by line) or Portable Text, per block like English. */
export function analyseSpanishReadability(input: unknown): SpanishReadability {
  const { counts, score } = scoreText(
    input,
    { sentences: countSpanishSentences, syllables: countSpanishSyllables },
    szigrisztPazos,
  )
  const band = infleszBand(score)
  return {
    ...counts,
    inflesz: score,
    band: band.label,
    bandEn: band.labelEn,
    readingTimeMinutes: readingTimeMinutes(counts.words),
    belowTarget: counts.words > 0 && score < INFLESZ_TARGET,
  }
}
