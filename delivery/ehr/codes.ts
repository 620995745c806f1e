// Code systems partner EHRs send, and how a code is matched against the conditions' codes.
//
// HL7 Infobutton names code systems by OID (`mainSearchCriteria.v.cs`), FHIR by URI (`system|code`
// tokens). The clinic's conditions carry ICD-10-CM and, optionally, SNOMED CT codes; the other
// systems EHRs commonly send (RxNorm, LOINC, ICD-9-CM...) are recognised so the answer can say
// "no content for this system" instead of refusing a valid request.
import { toIcd10Code } from '../../model/icd10.js'
import { InvalidInputError } from '../content/result.js'

export interface CodeSystem {
  key: string
  name: string
  oid: string
  uri: string
  /** Whether conditions carry codes of this system (else a request for it matches nothing). */
  searchable: boolean
}

export const ICD10CM: CodeSystem = {
  key: 'icd10cm',
  name: 'ICD-10-CM',
  oid: '2.16.840.1.113883.6.90',
  uri: 'http://hl7.org/fhir/sid/icd-10-cm',
  searchable: true,
}
export const SNOMEDCT: CodeSystem = {
  key: 'snomedct',
  name: 'SNOMED CT',
  oid: '2.16.840.1.113883.6.96',
  uri: 'http://snomed.info/sct',
  searchable: true,
}

export const CODE_SYSTEMS: readonly CodeSystem[] = [
  ICD10CM,
  SNOMEDCT,
  {
    key: 'icd9cm',
    name: 'ICD-9-CM',
    oid: '2.16.840.1.113883.6.103',
    uri: 'http://hl7.org/fhir/sid/icd-9-cm',
    searchable: false,
  },
  {
    key: 'rxnorm',
    name: 'RxNorm',
    oid: '2.16.840.1.113883.6.88',
    uri: 'http://www.nlm.nih.gov/research/umls/rxnorm',
    searchable: false,
  },
  { key: 'loinc', name: 'LOINC', oid: '2.16.840.1.113883.6.1', uri: 'http://loinc.org', searchable: false },
  { key: 'ndc', name: 'NDC', oid: '2.16.840.1.113883.6.69', uri: 'http://hl7.org/fhir/sid/ndc', searchable: false },
  { key: 'cpt', name: 'CPT', oid: '2.16.840.1.113883.6.12', uri: 'http://www.ama-assn.org/go/cpt', searchable: false },
  {
    key: 'mesh',
    name: 'MeSH',
    oid: '2.16.840.1.113883.6.177',
    uri: 'urn:oid:2.16.840.1.113883.6.177',
    searchable: false,
  },
]

/** An ISO OID: digits separated by dots, no leading zeros in a component (`urn:oid:` allowed). */
const OID = /^(?:urn:oid:)?[0-2](?:\.(?:0|[1-9][0-9]*))+$/

export function isOid(value: string): boolean {
  return OID.test(value)
}

export function codeSystemByOid(oid: string): CodeSystem | null {
  const bare = oid.replace(/^urn:oid:/, '')
  return CODE_SYSTEMS.find((system) => system.oid === bare) ?? null
}

export function codeSystemByUri(uri: string): CodeSystem | null {
  const bare = uri.replace(/\/+$/, '')
  return CODE_SYSTEMS.find((system) => system.uri === bare || `urn:oid:${system.oid}` === bare) ?? null
}

/**
 * An ICD-10-CM code as EHRs send it: case, spaces and a missing dot forgiven ("m5421" -> "M54.21",
 * model/icd10.ts). Throws InvalidInputError naming `parameter` when it cannot be a code.
 */
export function normalizeIcd10(input: string, parameter: string): string {
  const code = toIcd10Code(input)
  if (code === null) {
    throw new InvalidInputError(
      parameter,
      `"${input.slice(0, 40)}" is not an ICD-10-CM code`,
      'Send a letter, two characters, and optionally a dot and 1-4 more, e.g. M54.2',
    )
  }
  return code
}

/**
 * The code and its ancestors, most specific first: M54.21 -> [M54.21, M54.2, M54]. ICD-10-CM's
 * hierarchy is in the code's characters: each character after the category narrows the parent.
 */
export function icd10Ancestors(code: string): string[] {
  const chain = [code]
  let current = code
  while (current.length > 3) {
    current = current.slice(0, -1)
    if (current.endsWith('.')) current = current.slice(0, -1)
    chain.push(current)
  }
  return chain
}

/** A SNOMED CT concept id as sent: 6-18 digits, no leading zero. Throws naming `parameter`. */
export function normalizeSnomed(input: string, parameter: string): string {
  const code = input.trim()
  if (!/^[1-9][0-9]{5,17}$/.test(code)) {
    throw new InvalidInputError(
      parameter,
      `"${input.slice(0, 40)}" is not a SNOMED CT concept id`,
      'Send the concept id: 6 to 18 digits, e.g. 81680005 (Neck pain)',
    )
  }
  return code
}

/** How a condition's code relates to the requested one (the rank: lower is better). */
export type MatchLevel = 'exact' | 'descendant' | 'ancestor'
export const MATCH_RANK: Record<MatchLevel, number> = { exact: 0, descendant: 1, ancestor: 2 }

/**
 * How well a condition with `codes` answers a request for ICD-10-CM `requested`, or null: exact;
 * a descendant (the request is a parent: M54 finds M54.2); or an ancestor (the request is more
 * specific than any content: M54.21 falls back to M54.2), the nearest ancestor counting.
 */
export function icd10Match(requested: string, codes: readonly string[] | null | undefined): MatchLevel | null {
  const list = codes ?? []
  if (list.includes(requested)) return 'exact'
  if (list.some((code) => code.startsWith(requested))) return 'descendant'
  if (icd10Ancestors(requested).some((ancestor) => list.includes(ancestor))) return 'ancestor'
  return null
}

/** Distance from `requested` up to the nearest ancestor in `codes` (1 = parent), for ordering fallbacks. */
export function ancestorDistance(requested: string, codes: readonly string[] | null | undefined): number {
  const chain = icd10Ancestors(requested)
  const index = chain.findIndex((ancestor) => (codes ?? []).includes(ancestor))
  return index < 0 ? Number.POSITIVE_INFINITY : index
}
