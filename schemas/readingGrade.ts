// The article body's reading grade against the clinic's target (clinic settings: "Target reading
// grade", default 8): a warning above it, or an error that blocks publishing when the clinic turned
// "Block publishing above the target grade" on. The message names the hardest sentence and why,
// and the reading-grade panel above the body (studio/readability/) highlights every such sentence.
import type { CustomValidatorResult, ValidationContext } from 'sanity'
import { analyseReadingLevel, DEFAULT_TARGET_GRADE } from '../model/readingLevel.js'
import { CLINIC_ID } from '../model/values.js'
import { languageOf, type Language } from '../model/languages.js'
import { analyseSpanishReadability, INFLESZ_TARGET } from '../model/readability-es.js'

export { DEFAULT_TARGET_GRADE }

export interface ReadingGradeSettings {
  targetGrade: number
  blocksPublish: boolean
}

/** The clinic's settings from its published singleton (defaults when it has none). */
export function readingGradeSettings(clinic: unknown): ReadingGradeSettings {
  const c = typeof clinic === 'object' && clinic !== null ? (clinic as Record<string, unknown>) : {}
  const target = c.targetReadingGrade
  return {
    targetGrade: typeof target === 'number' && target >= 1 && target <= 18 ? target : DEFAULT_TARGET_GRADE,
    blocksPublish: c.readingGradeBlocksPublish === true,
  }
}

export const READING_GRADE_SETTINGS_QUERY = '*[_id == $id][0]{targetReadingGrade, readingGradeBlocksPublish}'

// Validation runs on every edit: the settings are read at most every 10 s per dataset.
const cache = new Map<string, { at: number; settings: Promise<ReadingGradeSettings> }>()
const CACHE_MS = 10_000

async function settingsFor(context: ValidationContext): Promise<ReadingGradeSettings> {
  const client = context.getClient({ apiVersion: '2025-02-19' })
  const { apiHost, projectId, dataset } = client.config()
  const key = `${apiHost}|${projectId}|${dataset}`
  const known = cache.get(key)
  if (known && Date.now() - known.at < CACHE_MS) return known.settings
  const settings = client
    .fetch<unknown>(READING_GRADE_SETTINGS_QUERY, { id: CLINIC_ID })
    .then(readingGradeSettings)
    // Unreachable settings must not stop an editor: check against the default target.
    .catch(() => readingGradeSettings(null))
  cache.set(key, { at: Date.now(), settings })
  return settings
}

/**
 * The message for a body harder than the clinic's target, or null when it is not. English is held
 * to `targetGrade` (Flesch-Kincaid); Spanish to INFLESZ "normal" (model/readability-es.ts), since a
 * US grade formula says nothing about Spanish text.
 */
export function readingGradeProblem(body: unknown, targetGrade: number, language: Language = 'en'): string | null {
  if (language === 'es') {
    const r = analyseSpanishReadability(body)
    if (!r.belowTarget) return null
    return (
      `INFLESZ readability ${r.inflesz.toFixed(1)} ("${r.band}", ${r.bandEn}) is below ${INFLESZ_TARGET}, the "normal" ` +
      'level Spanish patient education aims at. Use shorter sentences and everyday words; the panel above the body shows the score as you write.'
    )
  }
  const level = analyseReadingLevel(body, targetGrade, 1)
  if (!level.aboveTarget) return null
  const hardest = level.hardest[0]
  const quote = hardest ? (hardest.text.length > 80 ? `${hardest.text.slice(0, 79)}…` : hardest.text) : ''
  const why = hardest?.reasons.map((r) =>
    r.kind === 'long-sentence' ? `${r.words} words` : `long words such as ${r.words.slice(0, 2).join(', ')}`,
  )
  return (
    `Reading grade ${level.grade.toFixed(1)} is above the clinic's target of ${level.targetGrade}. ` +
    (hardest
      ? `Hardest sentence (grade ${hardest.grade.toFixed(1)}${why?.length ? `: ${why.join(', ')}` : ''}): "${quote}". `
      : '') +
    'The reading-grade panel above the body highlights each sentence to simplify.'
  )
}

/**
 * Custom rule of the article body, used twice: once with `.warning()` (level 'warning'), once with
 * `.error()` (level 'error'); each speaks only when the clinic's choice is its level.
 */
export function checkReadingGrade(level: 'warning' | 'error') {
  return async (value: unknown, context: ValidationContext): Promise<CustomValidatorResult> => {
    if (!Array.isArray(value) || value.length === 0) return true
    const settings = await settingsFor(context)
    if (settings.blocksPublish !== (level === 'error')) return true
    return readingGradeProblem(value, settings.targetGrade, languageOf(context.document)) ?? true
  }
}
