// Conditions: by slug (with what references them), by body region, by ICD-10-CM code, all.
import type { SanityClient } from '@sanity/client'
import { toIcd10Code } from '../../model/icd10.js'
import { BODY_REGION_VALUES, isBodyRegion } from '../../model/values.js'
import { runQuery, type QueryResult } from '../client.js'
import {
  CONDITION_BY_SLUG_QUERY,
  CONDITION_LIST_QUERY,
  CONDITIONS_BY_BODY_REGION_QUERY,
  CONDITIONS_BY_ICD10_QUERY,
} from '../queries.js'
import { type LanguageOptions, languageParams } from './language.js'
import { readPage, type Translation, withoutTranslated } from './versions.js'
import { conformDocument, conformList } from './conform.js'
import { CONDITION, CONDITION_SUMMARY } from './shapes.js'
import { nameOrderedPage, type Page, type PageOptions } from './pagination.js'
import { found, InvalidInputError, notFound, requireSlug, type Lookup } from './result.js'

/** A condition page; `translations`: its published language versions (for `hreflang`). */
export type Condition = NonNullable<QueryResult<typeof CONDITION_BY_SLUG_QUERY>> & { translations: Translation[] }
export type ConditionSummary = QueryResult<typeof CONDITION_LIST_QUERY>[number]

function notABodyRegion(value: unknown): InvalidInputError {
  return new InvalidInputError(
    'bodyRegion',
    `"${String(value).slice(0, 80)}" is not a body region`,
    `Use one of: ${BODY_REGION_VALUES.join(', ')}`,
  )
}

/** A condition with its treatments, the articles that reference it and its FAQs (in order). */
export async function getConditionBySlug(
  client: SanityClient,
  slug: string,
  language?: LanguageOptions,
): Promise<Lookup<Condition>> {
  requireSlug('slug', slug)
  const lang = languageParams(language)
  const condition = await readPage(client, 'condition', slug, lang, (versions) =>
    runQuery(client, CONDITION_BY_SLUG_QUERY, { slug, ...lang, ...versions }, 'condition-by-slug'),
  )
  const clean = condition && {
    ...conformDocument(condition, CONDITION, 'condition', 'condition page'),
    translations: condition.translations,
  }
  return clean?.slug ? found(clean) : notFound('condition', slug)
}

/** Conditions of one body region, by name (an empty list when none). */
export async function listConditionsByBodyRegion(
  client: SanityClient,
  bodyRegion: string,
  language?: LanguageOptions,
): Promise<ConditionSummary[]> {
  if (!isBodyRegion(bodyRegion)) {
    throw notABodyRegion(bodyRegion)
  }
  const lang = languageParams(language)
  const rows = await runQuery(
    client,
    CONDITIONS_BY_BODY_REGION_QUERY,
    { bodyRegion, ...lang },
    'conditions-by-body-region',
  )
  return conformList(await withoutTranslated(client, rows, lang), CONDITION_SUMMARY, 'condition', 'condition list')
}

/** Page sizes of the condition list: a whole body region usually fits in the maximum. */
export const CONDITION_PAGE_SIZE = 50
export const MAX_CONDITION_PAGE_SIZE = 200

export interface ConditionListOptions extends PageOptions {
  /** Only conditions of this body region (see model/values.ts). */
  bodyRegion?: string | null
}

/**
 * A page of conditions by name (ties by _id), optionally of one body region; pass `nextCursor` as
 * `cursor` for the next page. Only conditions with a slug and a name are listed.
 */
export async function listConditions(
  client: SanityClient,
  options: ConditionListOptions = {},
): Promise<Page<ConditionSummary>> {
  const bodyRegion =
    options.bodyRegion === undefined || options.bodyRegion === null || options.bodyRegion === ''
      ? null
      : options.bodyRegion
  if (bodyRegion !== null && !isBodyRegion(bodyRegion)) {
    throw notABodyRegion(bodyRegion)
  }
  const language = languageParams(options)
  const page = await nameOrderedPage(
    options,
    { fallback: CONDITION_PAGE_SIZE, max: MAX_CONDITION_PAGE_SIZE },
    (params) => runQuery(client, CONDITION_LIST_QUERY, { bodyRegion, ...language, ...params }, 'condition-list'),
  )
  const items = await withoutTranslated(client, page.items, language)
  return { ...page, items: conformList(items, CONDITION_SUMMARY, 'condition', 'condition list') }
}

/**
 * Normalizes an ICD-10-CM code as people type it: case, spaces and a missing dot
 * ("m771" -> "M77.1"). Throws InvalidInputError when it cannot be a code.
 */
export function normalizeIcd10Code(input: string): string {
  const code = toIcd10Code(input)
  if (code === null) {
    throw new InvalidInputError(
      'code',
      `"${String(input).slice(0, 40)}" is not an ICD-10-CM code`,
      'Use a letter, two characters, and optionally a dot and 1-4 more, e.g. "M77.1"',
    )
  }
  return code
}

/** The conditions carrying an ICD-10-CM code; not found when no condition has it. */
export async function getConditionsByIcd10Code(
  client: SanityClient,
  code: string,
  language?: LanguageOptions,
): Promise<Lookup<{ code: string; conditions: ConditionSummary[] }>> {
  const normalized = normalizeIcd10Code(code)
  const lang = languageParams(language)
  const rows = await runQuery(client, CONDITIONS_BY_ICD10_QUERY, { code: normalized, ...lang }, 'conditions-by-icd10')
  const conditions = conformList(
    await withoutTranslated(client, rows, lang),
    CONDITION_SUMMARY,
    'condition',
    'ICD-10 code list',
  )
  return conditions.length > 0 ? found({ code: normalized, conditions }) : notFound('icd10Code', normalized)
}
