// Treatments: by slug (FAQs, before/after care, conditions, articles) and all.
import type { SanityClient } from '@sanity/client'
import { runQuery, type QueryResult } from '../client.js'
import { TREATMENT_BY_SLUG_QUERY, TREATMENT_LIST_QUERY } from '../queries.js'
import { type LanguageOptions, languageParams } from './language.js'
import { readPage, type Translation, withoutTranslated } from './versions.js'
import { conformDocument, conformList } from './conform.js'
import { TREATMENT, TREATMENT_SUMMARY } from './shapes.js'
import { nameOrderedPage, type Page, type PageOptions } from './pagination.js'
import { found, notFound, requireSlug, type Lookup } from './result.js'

type TreatmentQueryResult = NonNullable<QueryResult<typeof TREATMENT_BY_SLUG_QUERY>>
type TreatmentCareInstruction = TreatmentQueryResult['careInstructions'][number]

/** A treatment; `careInstructions` is before-care first, also split by phase for convenience. */
export type Treatment = TreatmentQueryResult & {
  /** Its published language versions (for `hreflang`). */
  translations: Translation[]
  beforeCare: TreatmentCareInstruction[]
  afterCare: TreatmentCareInstruction[]
}
export type TreatmentSummary = QueryResult<typeof TREATMENT_LIST_QUERY>[number]

/** A treatment with its FAQs (in order), before- and after-care, conditions and articles. */
export async function getTreatmentBySlug(
  client: SanityClient,
  slug: string,
  language?: LanguageOptions,
): Promise<Lookup<Treatment>> {
  requireSlug('slug', slug)
  const lang = languageParams(language)
  const result = await readPage(client, 'treatment', slug, lang, (versions) =>
    runQuery(client, TREATMENT_BY_SLUG_QUERY, { slug, ...lang, ...versions }, 'treatment-by-slug'),
  )
  if (!result) return notFound('treatment', slug)
  const treatment = conformDocument(result, TREATMENT, 'treatment', 'treatment page')
  if (!treatment.slug) return notFound('treatment', slug)
  return found({
    ...treatment,
    translations: result.translations,
    beforeCare: treatment.careInstructions.filter((care) => care.phase === 'before'),
    afterCare: treatment.careInstructions.filter((care) => care.phase === 'after'),
  })
}

export const TREATMENT_PAGE_SIZE = 50
export const MAX_TREATMENT_PAGE_SIZE = 200

/** A page of treatments by name (ties by _id); pass `nextCursor` as `cursor` for the next page. */
export async function listTreatments(client: SanityClient, options: PageOptions = {}): Promise<Page<TreatmentSummary>> {
  const language = languageParams(options)
  const page = await nameOrderedPage(
    options,
    { fallback: TREATMENT_PAGE_SIZE, max: MAX_TREATMENT_PAGE_SIZE },
    (params) => runQuery(client, TREATMENT_LIST_QUERY, { ...language, ...params }, 'treatment-list'),
  )
  const items = await withoutTranslated(client, page.items, language)
  return { ...page, items: conformList(items, TREATMENT_SUMMARY, 'treatment', 'treatment list') }
}
