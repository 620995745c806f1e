// The languages the clinic publishes in, and the rules of a translation, shared by every layer: the
// schemas offer the list, the Studio's translation plugin creates documents per language, delivery
// validates `?lang=` and `/es/...` against it and writes `inLanguage`/`hreflang` from `locale`.
//
// Translations are documents of their own (Sanity's document-internationalization model): each
// carries a `language` field and its own medical review and reading grade; a `translation.metadata`
// document links the versions of one piece of content.
//
// Pure and browser-safe: no Node imports, no I/O.
import type { ValueOption } from './values.js'

export const LANGUAGES = [
  { id: 'en', title: 'English', locale: 'en-US', readability: 'flesch-kincaid' },
  { id: 'es', title: 'Español', locale: 'es-US', readability: 'inflesz' },
] as const

export type Language = (typeof LANGUAGES)[number]['id']

/** The clinic's source language: content is written in it first and translated from it. */
export const DEFAULT_LANGUAGE: Language = 'en'

export const LANGUAGE_IDS: readonly Language[] = LANGUAGES.map((l) => l.id)

/** The document types editors translate (the plugin's `schemaTypes`). */
export const TRANSLATABLE_TYPES = ['article', 'condition', 'treatment', 'faq', 'careInstruction'] as const
export type TranslatableType = (typeof TRANSLATABLE_TYPES)[number]

/** The type of the document that links the language versions of one piece of content. */
export const TRANSLATION_METADATA_TYPE = 'translation.metadata'

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGE_IDS as readonly string[]).includes(value)
}

/** The language of a document: its `language` field, or the source language when it has none. */
export function languageOf(doc: object | null | undefined): Language {
  const language = (doc as { language?: unknown } | null | undefined)?.language
  return isLanguage(language) ? language : DEFAULT_LANGUAGE
}

/** BCP 47 locale of a language (`es` -> `es-US`), for `inLanguage`, `hreflang` and `<html lang>`. */
export function localeOf(language: Language): string {
  return LANGUAGES.find((l) => l.id === language)?.locale ?? 'en-US'
}

export function isTranslatableType(type: unknown): type is TranslatableType {
  return typeof type === 'string' && (TRANSLATABLE_TYPES as readonly string[]).includes(type)
}

/**
 * Where a translation stands clinically. A translation is medical content in its own right: it is
 * published only after a clinician who reads the language has checked it against the source.
 */
export const TRANSLATION_REVIEW_STATUSES = [
  { title: 'Awaiting clinical review', value: 'awaiting-clinical-review' },
  { title: 'Clinically reviewed', value: 'reviewed' },
] as const satisfies readonly ValueOption[]

export type TranslationReviewStatus = (typeof TRANSLATION_REVIEW_STATUSES)[number]['value']

/**
 * Whether a translation may be out of date: its source changed after the translation's last
 * clinical review (or it was never reviewed and the source changed after it was made).
 */
export function translationMayBeStale(
  source: { _updatedAt?: string } | null | undefined,
  translation: { _createdAt?: string; translationReview?: { reviewedAt?: string } | null } | null | undefined,
): boolean {
  const sourceChanged = source?._updatedAt
  const since = translation?.translationReview?.reviewedAt ?? translation?._createdAt
  if (!sourceChanged || !since) return false
  return Date.parse(sourceChanged) > Date.parse(since)
}
