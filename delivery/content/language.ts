// The language a content function reads in: `lang` (model/languages.ts; English when absent) and
// whether English may stand in where that language has no version (`fallback`, only when the
// caller asks for it). Every query of delivery/queries.ts takes them as `$lang` and `$fallback`.
import { DEFAULT_LANGUAGE, isLanguage, LANGUAGE_IDS, type Language } from '../../model/languages.js'
import { InvalidInputError } from './result.js'

export interface LanguageOptions {
  /** A language id of model/languages.ts (`en`, `es`); the source language when absent. */
  lang?: string | null
  /** `en` (the source language): serve English where `lang` has no published version. */
  fallback?: string | null
}

/** What the queries get: a checked language and whether English may stand in for it. */
export interface LanguageParams {
  lang: Language
  fallback: boolean
}

const ALLOWED = LANGUAGE_IDS.join(', ')

/** Checks `lang` and `fallback`; a bad value is an InvalidInputError naming the parameter. */
export function languageParams(options: LanguageOptions | undefined = {}): LanguageParams {
  const { lang, fallback } = options ?? {}
  if (lang !== undefined && lang !== null && lang !== '' && !isLanguage(lang)) {
    throw new InvalidInputError(
      'lang',
      `"${String(lang).slice(0, 40)}" is not a language of this clinic`,
      `Use one of: ${ALLOWED} (or leave it out for ${DEFAULT_LANGUAGE})`,
    )
  }
  if (fallback !== undefined && fallback !== null && fallback !== '' && fallback !== DEFAULT_LANGUAGE) {
    throw new InvalidInputError(
      'fallback',
      `"${String(fallback).slice(0, 40)}" cannot stand in for a missing translation`,
      `Use fallback=${DEFAULT_LANGUAGE} (the source language) or leave it out`,
    )
  }
  const language: Language = isLanguage(lang) ? lang : DEFAULT_LANGUAGE
  return { lang: language, fallback: fallback === DEFAULT_LANGUAGE && language !== DEFAULT_LANGUAGE }
}
