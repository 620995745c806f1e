// Reading level per paragraph and per sentence, and why a sentence is hard: what an editor needs to
// bring a text down to the clinic's target grade, where one grade for the whole document says
// nothing about which sentences to rewrite.
//
// Same counting as readability.ts (the document grade here IS analyseReadability's): each text
// block, list item and callout title is a paragraph; sentences are split where countSentences
// counts them; each sentence gets its own Flesch-Kincaid grade. A sentence is flagged when its grade
// is above the target, with the reasons that make it hard:
//   - long sentence: more than LONG_SENTENCE_WORDS words (plain-language guides: 15-20);
//   - long words: words of LONG_WORD_SYLLABLES or more syllables (the "polysyllables" of SMOG and
//     Gunning fog), listed so the editor sees which to replace.
// Pure and dependency-free like readability.ts: the Studio runs it in the browser as editors type.
import { analyseReadability, countSyllables, fleschKincaidGrade, words } from './readability.js'

/** Sentences longer than this many words are called long. */
export const LONG_SENTENCE_WORDS = 20
/** Words with at least this many syllables are called long. */
export const LONG_WORD_SYLLABLES = 3
/** The clinic's target grade when its settings do not name one (NIH: grade 8; AMA: grade 6). */
export const DEFAULT_TARGET_GRADE = 8

export type HardReason =
  | { kind: 'long-sentence'; words: number; limit: number }
  | { kind: 'long-words'; words: string[]; minSyllables: number }

export interface SentenceLevel {
  text: string
  /** Offset of the sentence in its paragraph's text (UTF-16 units), for highlighting. */
  start: number
  end: number
  words: number
  syllables: number
  /** Flesch-Kincaid grade of this sentence alone, one decimal. */
  grade: number
  /** Why it is hard (empty when it is not above the target, or nothing stands out). */
  reasons: HardReason[]
  /** Reasons in words, e.g. "Long sentence: 42 words (aim for 20 or fewer)". */
  why: string[]
  aboveTarget: boolean
}

export interface ParagraphLevel {
  /** `_key` of the block (callout titles and bodies: the callout's key, then the inner block's). */
  path: string[]
  text: string
  /** Flesch-Kincaid grade of the paragraph, one decimal. */
  grade: number
  sentences: SentenceLevel[]
}

export interface ReadingLevel {
  /** Grade of the whole text: exactly analyseReadability's. */
  grade: number
  targetGrade: number
  aboveTarget: boolean
  words: number
  paragraphs: ParagraphLevel[]
  /** Sentences above the target, hardest first (at most `hardestCount`). */
  hardest: Array<SentenceLevel & { path: string[] }>
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const round1 = (n: number) => Math.round(n * 10) / 10

function spanText(block: Obj): string {
  return Array.isArray(block.children)
    ? (block.children as unknown[]).map((c) => (isObj(c) && typeof c.text === 'string' ? c.text : '')).join('')
    : ''
}

/** Paragraphs of Portable Text with their key paths, as readability.ts's textSegments walks them. */
export function paragraphsOf(blocks: unknown, parent: string[] = []): Array<{ path: string[]; text: string }> {
  if (!Array.isArray(blocks)) return []
  const out: Array<{ path: string[]; text: string }> = []
  blocks.forEach((block: unknown, index) => {
    if (!isObj(block)) return
    const key = typeof block._key === 'string' ? block._key : String(index)
    if (block._type === 'block') {
      const text = spanText(block).trim()
      if (text !== '') out.push({ path: [...parent, key], text })
    } else if (block._type === 'callout') {
      if (typeof block.title === 'string' && block.title.trim() !== '')
        out.push({ path: [...parent, key, 'title'], text: block.title.trim() })
      out.push(...paragraphsOf(block.body, [...parent, key]))
    }
  })
  return out
}

const ABBREVIATIONS = /\b(?:e\.g|i\.e|etc|vs|dr|mr|mrs|ms|st|no|approx|fig|al|jr|sr|prof|dept|inc|ltd)\.$/i

/**
 * The sentences of one paragraph with their offsets, split where readability.ts's countSentences
 * counts a sentence (so the two always agree); runs without words join the next sentence.
 */
export function splitSentences(segment: string): Array<{ text: string; start: number; end: number }> {
  const out: Array<{ text: string; start: number; end: number }> = []
  const stops = /[.!?]+(?=\s|$|["”’)\]])/g
  let start = 0
  const push = (end: number) => {
    const raw = segment.slice(start, end)
    const lead = raw.length - raw.trimStart().length
    const text = raw.trim()
    out.push({ text, start: start + lead, end: start + lead + text.length })
  }
  for (let m = stops.exec(segment); m !== null; m = stops.exec(segment)) {
    const end = m.index + m[0].length
    const candidate = segment.slice(start, end)
    if (m[0] === '.' && ABBREVIATIONS.test(candidate)) continue
    if (words(candidate).length > 0) {
      push(end)
      start = end
    }
  }
  if (words(segment.slice(start)).length > 0) push(segment.length)
  return out
}

function syllablesOf(token: string): number {
  return token
    .split('-')
    .filter((part) => part !== '')
    .reduce((sum, part) => sum + countSyllables(part), 0)
}

/** Reasons in words, for the Studio and the API. */
export function describeReason(reason: HardReason): string {
  if (reason.kind === 'long-sentence')
    return `Long sentence: ${reason.words} words (aim for ${reason.limit} or fewer). Split it in two.`
  return `Long words: ${reason.words.join(', ')} (${reason.minSyllables}+ syllables). Use everyday words where you can.`
}

/** One sentence's level against a target grade. */
export function analyseSentence(
  sentence: { text: string; start: number; end: number },
  targetGrade: number = DEFAULT_TARGET_GRADE,
): SentenceLevel {
  const ws = words(sentence.text)
  let syllables = 0
  const longWords: string[] = []
  for (const w of ws) {
    // Hyphenated words count their parts ("24-48", "well-being"); a long word is judged whole
    // only when it is one word ("musculoskeletal", not "long-term").
    const count = syllablesOf(w)
    syllables += count
    if (!w.includes('-') && /\p{L}/u.test(w) && count >= LONG_WORD_SYLLABLES) longWords.push(w)
  }
  const grade = ws.length === 0 ? 0 : round1(fleschKincaidGrade({ words: ws.length, sentences: 1, syllables }))
  const aboveTarget = ws.length > 0 && grade > targetGrade
  const reasons: HardReason[] = []
  if (aboveTarget) {
    if (ws.length > LONG_SENTENCE_WORDS)
      reasons.push({ kind: 'long-sentence', words: ws.length, limit: LONG_SENTENCE_WORDS })
    const distinct = [...new Set(longWords.map((w) => w.toLowerCase()))]
    if (distinct.length > 0)
      reasons.push({
        kind: 'long-words',
        words: distinct.sort((a, b) => syllablesOf(b) - syllablesOf(a) || a.localeCompare(b)).slice(0, 6),
        minSyllables: LONG_WORD_SYLLABLES,
      })
  }
  return {
    ...sentence,
    words: ws.length,
    syllables,
    grade,
    reasons,
    why: reasons.map(describeReason),
    aboveTarget,
  }
}

/**
 * Reading level of Portable Text (or a string, paragraphs on separate lines) against the clinic's
 * target grade: the whole text's grade, each paragraph's and each sentence's, and the hardest
 * sentences above the target with why.
 */
export function analyseReadingLevel(
  input: unknown,
  targetGrade: number = DEFAULT_TARGET_GRADE,
  hardestCount = 5,
): ReadingLevel {
  const target = Number.isFinite(targetGrade) && targetGrade > 0 ? targetGrade : DEFAULT_TARGET_GRADE
  const whole = analyseReadability(input)
  const raw =
    typeof input === 'string'
      ? input
          .split(/\n+/)
          .map((text, i) => ({ path: [String(i)], text: text.trim() }))
          .filter((p) => p.text !== '')
      : paragraphsOf(input)
  const paragraphs: ParagraphLevel[] = raw.map(({ path, text }) => {
    const paragraph = analyseReadability(text)
    return {
      path,
      text,
      grade: paragraph.grade,
      sentences: splitSentences(text).map((s) => analyseSentence(s, target)),
    }
  })
  const hardest = paragraphs
    .flatMap((p) => p.sentences.filter((s) => s.aboveTarget).map((s) => ({ ...s, path: p.path })))
    .sort((a, b) => b.grade - a.grade || b.words - a.words)
    .slice(0, hardestCount)
  return {
    grade: whole.grade,
    targetGrade: target,
    aboveTarget: whole.words > 0 && whole.grade > target,
    words: whole.words,
    paragraphs,
    hardest,
  }
}

/** What the delivery API and syndication send about a text's level (partners filter on `grade`). */
export interface ReadingLevelSummary {
  /** Flesch-Kincaid grade of the whole text. */
  grade: number
  /** The clinic's target grade. */
  targetGrade: number
  aboveTarget: boolean
  /** The hardest sentences above the target (at most 3), with why. */
  hardestSentences: Array<{ text: string; grade: number; why: string[] }>
}

export function readingLevelSummary(body: unknown, targetGrade: number = DEFAULT_TARGET_GRADE): ReadingLevelSummary {
  const level = analyseReadingLevel(body, targetGrade, 3)
  return {
    grade: level.grade,
    targetGrade: level.targetGrade,
    aboveTarget: level.aboveTarget,
    hardestSentences: level.hardest.map((s) => ({ text: s.text, grade: s.grade, why: s.why })),
  }
}

/** The clinic's target grade from its settings (a number from 1 to 18), else the default. */
export function targetGradeOf(clinic: { targetReadingGrade?: unknown } | null | undefined): number {
  const target = clinic?.targetReadingGrade
  return typeof target === 'number' && target >= 1 && target <= 18 ? target : DEFAULT_TARGET_GRADE
}
