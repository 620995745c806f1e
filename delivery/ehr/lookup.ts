// Finding the conditions a coded problem is about, for both EHR interfaces (Infobutton and FHIR).
// ICD-10-CM matches hierarchically (delivery/ehr/codes.ts); SNOMED CT exactly; other systems
// match nothing (the clinic's content carries no RxNorm or LOINC codes).
import type { SanityClient } from '@sanity/client'
import { type QueryResult, runQuery } from '../client.js'
import { EHR_CONDITIONS_BY_ICD10_QUERY, EHR_CONDITIONS_BY_SNOMED_QUERY } from '../queries.js'
import {
  ancestorDistance,
  type CodeSystem,
  ICD10CM,
  icd10Ancestors,
  icd10Match,
  MATCH_RANK,
  type MatchLevel,
  SNOMEDCT,
} from './codes.js'

export type EhrCondition = QueryResult<typeof EHR_CONDITIONS_BY_ICD10_QUERY>[number]

export interface ConditionMatch {
  condition: EhrCondition
  level: MatchLevel
  /** For ancestor matches, how many levels up the content's code is (1 = parent); 0 otherwise. */
  distance: number
}

/** Candidates fetched per code: a parent code can have many children (M54 has a dozen). */
const CANDIDATES = 50

/**
 * The conditions answering one code, best first. An exact or descendant match wins; only when
 * there is none does the request fall back to the nearest ancestor's content (M54.21 -> M54.2).
 */
export async function findConditions(
  client: SanityClient,
  system: CodeSystem | null,
  code: string,
): Promise<ConditionMatch[]> {
  if (system === SNOMEDCT) {
    const found = await runQuery(
      client,
      EHR_CONDITIONS_BY_SNOMED_QUERY,
      { code, limit: CANDIDATES },
      'ehr.conditions-by-snomed',
    )
    return found.map((condition) => ({ condition, level: 'exact' as const, distance: 0 }))
  }
  if (system !== ICD10CM) return []
  const found = await runQuery(
    client,
    EHR_CONDITIONS_BY_ICD10_QUERY,
    { codes: icd10Ancestors(code), prefix: code, limit: CANDIDATES },
    'ehr.conditions-by-icd10',
  )
  return rankIcd10Matches(code, found)
}

/** Pure: which of `candidates` answer ICD-10-CM `code`, and in what order (see findConditions). */
export function rankIcd10Matches(code: string, candidates: readonly EhrCondition[]): ConditionMatch[] {
  const matches: ConditionMatch[] = []
  for (const condition of candidates) {
    const level = icd10Match(code, condition.icd10Codes)
    if (level === null) continue
    matches.push({
      condition,
      level,
      distance: level === 'ancestor' ? ancestorDistance(code, condition.icd10Codes) : 0,
    })
  }
  const direct = matches.filter((m) => m.level !== 'ancestor')
  let kept = direct
  if (direct.length === 0 && matches.length > 0) {
    const nearest = Math.min(...matches.map((m) => m.distance))
    kept = matches.filter((m) => m.distance === nearest)
  }
  return kept.sort(
    (a, b) =>
      MATCH_RANK[a.level] - MATCH_RANK[b.level] ||
      a.distance - b.distance ||
      (a.condition.name ?? '').localeCompare(b.condition.name ?? '') ||
      a.condition._id.localeCompare(b.condition._id),
  )
}
