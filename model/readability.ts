// Plain text, reading time and reading grade of Portable Text or a string.
//
// The Studio imports this same module in the browser to show editors the grade while they write,
// and delivery uses it for reading time: pure, browser-safe, no dependencies and no Node imports.
//
// Reading grade: Flesch-Kincaid grade level,
//   grade = 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59
// (Kincaid et al. 1975). It can be below 0 for very simple text; it is not clamped.
//
// Syllables are estimated, not looked up (no dictionary in the browser). The heuristic, per word:
//   1. Lowercase, keep letters only. A token with no letters (a number such as "2017") counts 1.
//   2. Words of 1-3 letters count 1 ("the", "pain", "of").
//   3. Drop endings that add no syllable: a final silent "e" ("make", but not consonant+"le" as in
//      "needle", nor "ee"/"ie"/"oe"/"ye"); "-es" after a consonant other than s/x/z/c/g/h or l
//      ("makes" but not "boxes", "pieces", "muscles"); "-ed" unless after t/d ("used" but not
//      "treated", "needed").
//   4. A leading "y" before a vowel is a consonant ("you", "yes").
//   5. Count groups of consecutive vowels (a, e, i, o, u, y): each is one syllable.
//   6. Adjust: minus one for a silent "e" before -ly/-ness/-ment/-ful/-less ("likely"); plus one
//      for vowel pairs that are usually two syllables ("ia" in "media", "io" in "radio", "iu",
//      "ie" before "t"/"nt" as in "diet" and "sci-en-tif-ic", "ua"/"uo" except after q/g, "ii"), except where the "i"
//      glides (-tion, -sion, -cial, -cian, -tious, -cient, -gion: "tra-di-tion-al"); plus one for a
//      final consonant+"ea(s)" ("i-de-a", "ar-e-as") and for a final "-sm" ("spa-sm",
//      "rheu-ma-tism"); minus one for "-que(s)" ("tech-nique"). At least 1.
// On common English words it agrees with a dictionary about 9 times in 10 (see the tests), which
// is what Flesch-Kincaid tools generally achieve; the grade is a guide for editors, not a verdict.

/** Editors are warned when a text's grade is above this (patient education aims at grade 8 or lower). */
export const GRADE_WARNING_THRESHOLD = 8
/** Reading speed used for reading time (adult silent reading of non-fiction, words per minute). */
export const WORDS_PER_MINUTE = 200

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

function spanText(block: Obj): string {
  return Array.isArray(block.children)
    ? (block.children as unknown[]).map((c) => (isObj(c) && typeof c.text === 'string' ? c.text : '')).join('')
    : ''
}

/**
 * The text segments of Portable Text: one per text block, list item, callout title; callout bodies
 * recursively. Images, unknown objects and non-block junk contribute nothing.
 */
export function textSegments(blocks: unknown): string[] {
  if (!Array.isArray(blocks)) return []
  const out: string[] = []
  for (const block of blocks as unknown[]) {
    if (!isObj(block)) continue
    if (block._type === 'block') {
      const text = spanText(block).trim()
      if (text !== '') out.push(text)
    } else if (block._type === 'callout') {
      if (typeof block.title === 'string' && block.title.trim() !== '') out.push(block.title.trim())
      out.push(...textSegments(block.body))
    }
  }
  return out
}

/** Plain text of Portable Text: blocks separated by a blank line. */
export function toPlainText(blocks: unknown): string {
  return textSegments(blocks).join('\n\n')
}

const WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu
const ABBREVIATIONS = /\b(?:e\.g|i\.e|etc|vs|dr|mr|mrs|ms|st|no|approx|fig|al|jr|sr|prof|dept|inc|ltd)\.$/i

/** Words of a text (letters/digits, with inner apostrophes and hyphens: "don't", "24-48", "well-being"). */
export function words(text: string): string[] {
  return text.match(WORD) ?? []
}

/**
 * Sentences in one segment: runs ending in . ! or ? followed by a space or the end, not counting
 * periods of common abbreviations ("e.g.", "Dr."); a segment without a final stop (a heading, a
 * list item) is one sentence when it has words.
 */
export function countSentences(segment: string): number {
  let count = 0
  let start = 0
  const stops = /[.!?]+(?=\s|$|["”’)\]])/g
  for (let m = stops.exec(segment); m !== null; m = stops.exec(segment)) {
    const candidate = segment.slice(start, m.index + m[0].length)
    if (m[0] === '.' && ABBREVIATIONS.test(candidate)) continue
    if (words(candidate).length > 0) count += 1
    start = m.index + m[0].length
  }
  if (words(segment.slice(start)).length > 0) count += 1
  return count
}

/** "i" + vowel that is one syllable: -tion, -sion, -cial, -cian, -tious, -cient, -gion ... */
const GLIDE_I = /[tcsg]i(?:on|al|an|ou|en)/

/** Estimated syllables of one word; see the heuristic at the top of this file. */
export function countSyllables(word: string): number {
  let w = word.toLowerCase().replace(/[^a-z]/g, '')
  if (w === '') return 1
  if (w.length <= 3) return 1
  const original = w
  if (/[^aeiouy]le$/.test(w) || /(?:ee|ie|oe|ye)$/.test(w)) {
    // consonant + "le" is a syllable ("nee-dle"); "-ee" etc. are vowel groups already
  } else if (/[^aeiouy]e$/.test(w)) {
    w = w.slice(0, -1)
  } else if (/[^aeiouysxzcghl]es$/.test(w)) {
    w = w.slice(0, -2)
  } else if (/[^aeiouytd]ed$/.test(w)) {
    w = w.slice(0, -2)
  }
  w = w.replace(/^y(?=[aeiou])/, '')
  let count = (w.match(/[aeiouy]+/g) ?? []).length
  // Silent "e" before a suffix: "like-ly", "sore-ness", "move-ment", "care-ful".
  if (/[^aeiouy]e(?:ly|ness|ment|ful|less)s?$/.test(w)) count -= 1
  // Vowel pairs that are two syllables: "me-di-a", "ra-di-o", "man-u-al", "sci-en-tif-ic".
  for (let i = 0; i < w.length - 1; i++) {
    const pair = w.slice(i, i + 2)
    const before = i > 0 ? w[i - 1]! : ''
    if ((pair === 'ia' || pair === 'io' || pair === 'iu') && !(i > 0 && GLIDE_I.test(w.slice(i - 1, i + 4)))) count += 1
    else if (
      pair === 'ie' &&
      /^ien?t/.test(w.slice(i)) &&
      (w.slice(i - 2, i) === 'sc' || !(i > 0 && GLIDE_I.test(w.slice(i - 1, i + 4))))
    )
      count += 1
    else if ((pair === 'ua' || pair === 'uo') && before !== 'q' && before !== 'g') count += 1
    else if (pair === 'ii') count += 1
  }
  if (/[^aeiouy]eas?$/.test(original)) count += 1 // "i-de-a", "ar-e-as"
  if (/[aeiouy]sms?$/.test(original)) count += 1 // "spa-sm", "rheu-ma-tism"
  if (/ques?$/.test(original)) count -= 1 // "tech-nique"
  return Math.max(1, count)
}

export interface Readability {
  words: number
  sentences: number
  syllables: number
  /** Flesch-Kincaid grade level, one decimal; 0 for an empty text. */
  grade: number
  /** Reading time in whole minutes at {@link WORDS_PER_MINUTE} (at least 1 for any text, 0 for none). */
  readingTimeMinutes: number
  /** True when `grade` is above {@link GRADE_WARNING_THRESHOLD}: the Studio shows a warning. */
  aboveGradeTarget: boolean
}

/** Flesch-Kincaid grade from counts (0 when there are no words). */
export function fleschKincaidGrade(counts: TextCounts): number {
  if (counts.words <= 0 || counts.sentences <= 0) return 0
  return 0.39 * (counts.words / counts.sentences) + 11.8 * (counts.syllables / counts.words) - 15.59
}

/** Reading time in minutes for a number of words. */
export function readingTimeMinutes(wordCount: number, wordsPerMinute: number = WORDS_PER_MINUTE): number {
  if (wordCount <= 0) return 0
  return Math.max(1, Math.ceil(wordCount / wordsPerMinute))
}

/** What a readability formula reads of a text. */
export interface TextCounts {
  words: number
  sentences: number
  syllables: number
}

/** How a language counts: sentences of a segment and syllables of one word part (no hyphens). */
export interface LanguageCounters {
  sentences: (segment: string) => number
  syllables: (wordPart: string) => number
}

/**
 * Words, sentences and syllables of a string (paragraphs separated by line breaks) or of Portable
 * Text. Each block, list item and heading is its own segment, so a heading without a period still
 * ends a sentence; hyphenated words count each part ("well-being" = well + being).
 */
export function countText(input: unknown, counters: LanguageCounters): TextCounts {
  const segments = typeof input === 'string' ? input.split(/\n+/) : textSegments(input)
  let wordCount = 0
  let sentenceCount = 0
  let syllableCount = 0
  for (const segment of segments) {
    const ws = words(segment)
    if (ws.length === 0) continue
    wordCount += ws.length
    sentenceCount += counters.sentences(segment)
    for (const w of ws) {
      for (const part of w.split('-')) if (part !== '') syllableCount += counters.syllables(part)
    }
  }
  return { words: wordCount, sentences: sentenceCount, syllables: syllableCount }
}

/** The counts of `input` ({@link countText}) and `formula`'s score over them, to one decimal. */
export function scoreText(
  input: unknown,
  counters: LanguageCounters,
  formula: (counts: TextCounts) => number,
): { counts: TextCounts; score: number } {
  const counts = countText(input, counters)
  return { counts, score: Math.round(formula(counts) * 10) / 10 }
}

/** Readability of a string or of Portable Text, counted as {@link countText} does, in English. */
export function analyseReadability(input: unknown): Readability {
  const { counts, score: grade } = scoreText(
    input,
    { sentences: countSentences, syllables: countSyllables },
    fleschKincaidGrade,
  )
  return {
    ...counts,
    grade,
    readingTimeMinutes: readingTimeMinutes(counts.words),
    aboveGradeTarget: counts.words > 0 && grade > GRADE_WARNING_THRESHOLD,
  }
}
