// FHIR R4 Bundle (searchset), OperationOutcome and CapabilityStatement for the clinic's
// DocumentReference server. Pure: the routes hand in documents and URLs.
import { ICD10CM, SNOMEDCT } from '../codes.js'
import { definitionUrl, type FhirDocumentReference } from './documentReference.js'

export const FHIR_VERSION = '4.0.1'

export interface OutcomeIssue {
  severity: 'fatal' | 'error' | 'warning' | 'information'
  code: 'invalid' | 'not-found' | 'not-supported' | 'security' | 'login' | 'informational' | 'exception' | 'transient'
  diagnostics: string
  /** FHIRPath-ish location of the problem, e.g. the search parameter's name. */
  expression?: string[]
}

export interface OperationOutcome {
  resourceType: 'OperationOutcome'
  issue: OutcomeIssue[]
}

export function operationOutcome(issues: OutcomeIssue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues }
}

export interface SearchsetInput {
  /** Absolute base of the FHIR server (`https://api.clinic/fhir/r4`). */
  base: string
  /** The search's parameters as understood (for the self/next/previous links). */
  params: URLSearchParams
  total: number
  offset: number
  count: number
  resources: FhirDocumentReference[]
  /** An informational outcome to include (search.mode = outcome), e.g. a language without content. */
  outcome?: OperationOutcome | null
  now: Date
}

function pageLink(base: string, params: URLSearchParams, offset: number, count: number): string {
  const copy = new URLSearchParams(params)
  copy.set('_count', String(count))
  copy.set('_offset', String(offset))
  copy.sort()
  return `${base}/DocumentReference?${copy.toString()}`
}

export function searchsetBundle(input: SearchsetInput) {
  const { base, params, total, offset, count } = input
  const link = [{ relation: 'self', url: pageLink(base, params, offset, count) }]
  if (offset + count < total) link.push({ relation: 'next', url: pageLink(base, params, offset + count, count) })
  if (offset > 0) link.push({ relation: 'previous', url: pageLink(base, params, Math.max(0, offset - count), count) })
  const entry = [
    ...input.resources.map((resource) => ({
      fullUrl: `${base}/DocumentReference/${resource.id}`,
      resource,
      search: { mode: 'match' as const },
    })),
    ...(input.outcome ? [{ resource: input.outcome, search: { mode: 'outcome' as const } }] : []),
  ]
  return {
    resourceType: 'Bundle' as const,
    meta: { lastUpdated: input.now.toISOString() },
    type: 'searchset' as const,
    total,
    link,
    // FHIR JSON has no empty arrays: an empty page has no `entry` at all.
    ...(entry.length > 0 ? { entry } : {}),
  }
}

export const SEARCH_PARAMETERS = [
  {
    name: 'code',
    type: 'token',
    documentation: `The condition the document is about: [system|]code, comma-separated for any of several. ICD-10-CM (${ICD10CM.uri}) matches hierarchically: a more specific code falls back to its parent's content (M54.21 -> M54.2) and a parent finds its children's (M54 -> M54.2). SNOMED CT (${SNOMEDCT.uri}) matches exactly. Without a system, the code's shape decides (digits: SNOMED CT; a letter first: ICD-10-CM).`,
  },
  {
    name: 'language',
    type: 'token',
    documentation:
      'The attachment language (BCP 47): en. Spanish (es) content does not exist yet; such a search matches nothing and says so in an OperationOutcome entry.',
  },
  { name: 'category', type: 'token', documentation: 'The kind of content: article, condition or careInstruction.' },
  { name: '_count', type: 'number', documentation: 'Page size: 1-100, default 20.' },
  {
    name: '_offset',
    type: 'number',
    documentation: 'Index of the first match on the page (follow the Bundle\u2019s next link).',
  },
] as const

export interface CapabilityInput {
  base: string
  publicUrl: string
  clinicName: string | null
  /** When the server was started or the content last changed (CapabilityStatement.date). */
  date: Date
  software: { name: string; version: string }
  partnerKeyRequired: boolean
}

export function capabilityStatement(input: CapabilityInput) {
  return {
    resourceType: 'CapabilityStatement' as const,
    status: 'active' as const,
    date: input.date.toISOString(),
    publisher: input.clinicName ?? undefined,
    kind: 'instance' as const,
    software: input.software,
    implementation: {
      description: `${input.clinicName ?? 'The clinic'}'s patient education as FHIR R4 DocumentReferences`,
      url: input.base,
    },
    fhirVersion: FHIR_VERSION,
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server' as const,
        documentation: input.partnerKeyRequired
          ? 'Send the partner key the clinic issued as Authorization: Bearer <key> (or X-Api-Key).'
          : 'Open: no key needed.',
        ...(input.partnerKeyRequired
          ? {
              security: {
                cors: true,
                description: 'A partner API key (dptk_...) as a Bearer token; 401 without one.',
              },
            }
          : { security: { cors: true, description: 'Open access (public patient education).' } }),
        resource: [
          {
            type: 'DocumentReference',
            profile: 'http://hl7.org/fhir/StructureDefinition/DocumentReference',
            interaction: [{ code: 'read' as const }, { code: 'search-type' as const }],
            versioning: 'no-version' as const,
            readHistory: false,
            updateCreate: false,
            searchParam: SEARCH_PARAMETERS.map((p) => ({
              name: p.name,
              ...(p.name.startsWith('_')
                ? {}
                : { definition: definitionUrl(input.publicUrl, `SearchParameter/DocumentReference-${p.name}`) }),
              type: p.type,
              documentation: p.documentation,
            })),
          },
        ],
      },
    ],
  }
}
