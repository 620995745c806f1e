// Treatments: by slug (FAQs, before/after care, conditions, articles) and all.
import type { SanityClient } from '@sanity/client'
import { runQuery, type QueryResult } from '../client.js'
import { ALL_TREATMENTS_QUERY, TREATMENT_BY_SLUG_QUERY } from '../queries.js'
import { found, notFound, requireSlug, type Lookup } from './result.js'

type TreatmentQueryResult = NonNullable<QueryResult<typeof TREATMENT_BY_SLUG_QUERY>>
type TreatmentCareInstruction = TreatmentQueryResult['careInstructions'][number]

/** A treatment; `careInstructions` is before-care first, also split by phase for convenience. */
export type Treatment = TreatmentQueryResult & {
  beforeCare: TreatmentCareInstruction[]
  afterCare: TreatmentCareInstruction[]
}
export type TreatmentSummary = QueryResult<typeof ALL_TREATMENTS_QUERY>[number]

/** A treatment with its FAQs (in order), before- and after-care, conditions and articles. */
export async function getTreatmentBySlug(client: SanityClient, slug: string): Promise<Lookup<Treatment>> {
  requireSlug('slug', slug)
  const treatment = await runQuery(client, TREATMENT_BY_SLUG_QUERY, { slug }, 'treatment-by-slug')
  if (!treatment) return notFound('treatment', slug)
  return found({
    ...treatment,
    beforeCare: treatment.careInstructions.filter((care) => care.phase === 'before'),
    afterCare: treatment.careInstructions.filter((care) => care.phase === 'after'),
  })
}

/** Every treatment, by name. */
export async function listTreatments(client: SanityClient): Promise<TreatmentSummary[]> {
  return runQuery(client, ALL_TREATMENTS_QUERY, {}, 'treatments')
}
