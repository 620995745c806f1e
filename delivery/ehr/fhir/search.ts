// FHIR R4 DocumentReference search and read: parameters parsed strictly (a bad or unknown one is
// a 400 OperationOutcome naming it), codes resolved to conditions as the infobutton does, then one
// query for the page and the total.
import type { SanityClient } from '@sanity/client'
import { runQuery } from '../../client.js'
import { InvalidInputError } from '../../content/result.js'
import { EHR_CODE_SEARCH_QUERY, EHR_DOCUMENTS_QUERY, EHR_TREATMENT_CARE_QUERY } from '../../queries.js'
import { type CodeSystem, codeSystemByUri, ICD10CM, normalizeIcd10, normalizeSnomed, SNOMEDCT } from '../codes.js'
import { findConditions } from '../lookup.js'
import { DOCUMENT_LANGUAGE, type DocumentContext, isFhirId, toDocumentReference } from './documentReference.js'
import { operationOutcome, type OperationOutcome, type OutcomeIssue, searchsetBundle } from './resources.js'

export const DEFAULT_COUNT = 20
export const MAX_COUNT = 100
const KINDS = ['article', 'condition', 'careInstruction'] as const
type Kind = (typeof KINDS)[number]

/** Parameters a search may carry; anything else is refused (strict handling: nothing silently ignored). */
const KNOWN = new Set(['code', 'language', 'category', '_count', '_offset', '_format'])
const JSON_FORMATS = ['json', 'application/json', 'application/fhir+json']

export class FhirRequestError extends Error {
  constructor(
    readonly status: number,
    readonly outcome: OperationOutcome,
  ) {
    super(outcome.issue.map((i) => i.diagnostics).join('; '))
    this.name = 'FhirRequestError'
  }
}

function invalid(issues: OutcomeIssue[]): FhirRequestError {
  return new FhirRequestError(400, operationOutcome(issues))
}

export interface CodeToken {
  system: CodeSystem | null
  systemUri: string | null
  code: string
}

/** A `code` token: `system|code` or a bare code (its shape tells ICD-10-CM from SNOMED CT). */
export function parseCodeToken(raw: string): CodeToken {
  const bar = raw.indexOf('|')
  const systemUri = bar >= 0 ? raw.slice(0, bar).trim() : null
  const value = (bar >= 0 ? raw.slice(bar + 1) : raw).trim()
  if (value === '')
    throw new InvalidInputError(
      'code',
      `"${raw.slice(0, 60)}" has no code`,
      'Send [system|]code, e.g. http://hl7.org/fhir/sid/icd-10-cm|M54.2',
    )
  let system: CodeSystem | null
  if (systemUri === null || systemUri === '') system = /^[0-9]+$/.test(value) ? SNOMEDCT : ICD10CM
  else system = codeSystemByUri(systemUri)
  const code =
    system === ICD10CM ? normalizeIcd10(value, 'code') : system === SNOMEDCT ? normalizeSnomed(value, 'code') : value
  return { system, systemUri: systemUri || null, code }
}

export interface DocumentSearch {
  codes: CodeToken[] | null
  languages: string[] | null
  kinds: Kind[] | null
  count: number
  offset: number
  /** The parameters as understood, for the Bundle's links. */
  params: URLSearchParams
}

function integer(name: string, raw: string, min: number, max: number): number {
  if (!/^[0-9]+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw invalid([
      {
        severity: 'error',
        code: 'invalid',
        diagnostics: `Search parameter ${name}="${raw.slice(0, 40)}" is not valid: use a whole number from ${min} to ${max}.`,
        expression: [name],
      },
    ])
  }
  return Number(raw)
}

export function parseDocumentSearch(pairs: ReadonlyArray<readonly [string, string]>): DocumentSearch {
  const issues: OutcomeIssue[] = []
  const params = new URLSearchParams()
  const values = (name: string) =>
    pairs
      .filter(([k]) => k === name)
      .flatMap(([, v]) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v !== '')
  for (const [name] of pairs) {
    const bare = name.replace(/:.*$/, '')
    if (!KNOWN.has(bare) || bare !== name) {
      issues.push({
        severity: 'error',
        code: 'not-supported',
        diagnostics: `Search parameter "${name.slice(0, 60)}" is not supported: use code, language, category, _count or _offset (see /fhir/r4/metadata).`,
        expression: [name.slice(0, 60)],
      })
    }
  }
  let codes: CodeToken[] | null = null
  const codeValues = values('code')
  if (codeValues.length > 0) {
    codes = []
    for (const raw of codeValues) {
      try {
        codes.push(parseCodeToken(raw))
        params.append('code', raw)
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error
        issues.push({
          severity: 'error',
          code: 'invalid',
          diagnostics: `Search parameter code: ${error.problem}. ${error.fix}.`,
          expression: ['code'],
        })
      }
    }
  }
  let languages: string[] | null = null
  const languageValues = values('language')
  if (languageValues.length > 0) {
    languages = []
    for (const raw of languageValues) {
      if (!/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/.test(raw)) {
        issues.push({
          severity: 'error',
          code: 'invalid',
          diagnostics: `Search parameter language="${raw.slice(0, 40)}" is not a language code: use e.g. en or es.`,
          expression: ['language'],
        })
      } else {
        languages.push(raw.toLowerCase())
        params.append('language', raw)
      }
    }
  }
  let kinds: Kind[] | null = null
  const categoryValues = values('category')
  if (categoryValues.length > 0) {
    kinds = []
    for (const raw of categoryValues) {
      const code = raw.includes('|') ? raw.slice(raw.indexOf('|') + 1) : raw
      if ((KINDS as readonly string[]).includes(code)) {
        kinds.push(code as Kind)
        params.append('category', raw)
      } else
        issues.push({
          severity: 'error',
          code: 'invalid',
          diagnostics: `Search parameter category="${raw.slice(0, 40)}" is not a kind of content: use ${KINDS.join(', ')}.`,
          expression: ['category'],
        })
    }
  }
  if (issues.length > 0) throw invalid(issues)
  const format = values('_format')[0]
  if (format !== undefined && !JSON_FORMATS.includes(format.toLowerCase())) {
    // FHIR: a format the server does not produce is 406 Not Acceptable.
    throw new FhirRequestError(
      406,
      operationOutcome([
        {
          severity: 'error',
          code: 'not-supported',
          diagnostics: `_format="${format.slice(0, 40)}" is not produced here: this server answers JSON only (_format=json or application/fhir+json).`,
          expression: ['_format'],
        },
      ]),
    )
  }
  const countRaw = values('_count')[0]
  const offsetRaw = values('_offset')[0]
  const count = countRaw === undefined ? DEFAULT_COUNT : integer('_count', countRaw, 1, MAX_COUNT)
  const offset = offsetRaw === undefined ? 0 : integer('_offset', offsetRaw, 0, 1_000_000)
  return { codes, languages, kinds, count, offset, params }
}

export interface SearchContext extends DocumentContext {
  /** Absolute base of the FHIR endpoints (`https://api.clinic/fhir/r4`). */
  base: string
  now?: Date
}

/** Distinct strings (GROQ gives null for a dangling reference). */
function strings(values: ReadonlyArray<string | null | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => typeof v === 'string'))]
}

export async function searchDocuments(client: SanityClient, search: DocumentSearch, context: SearchContext) {
  // A code search narrows to the matched conditions' pages, the articles about them and their
  // treatments' care instructions; null searches everything.
  let ids: string[] | null = null
  if (search.codes) {
    const matches = await Promise.all(search.codes.map((c) => findConditions(client, c.system, c.code)))
    const conditionIds = [...new Set(matches.flat().map((m) => m.condition._id))]
    ids = conditionIds
    if (conditionIds.length > 0) {
      const found = await runQuery(client, EHR_CODE_SEARCH_QUERY, { conditionIds }, 'ehr.fhir-code-search')
      const treatmentIds = strings([...(found.listedTreatments ?? []), ...found.referencingTreatments])
      let careIds: string[] = []
      if (treatmentIds.length > 0) {
        const care = await runQuery(client, EHR_TREATMENT_CARE_QUERY, { treatmentIds }, 'ehr.fhir-care')
        careIds = strings(care)
      }
      ids = strings([...conditionIds, ...found.articles, ...careIds])
    }
  }
  const wantsContentLanguage =
    search.languages === null || search.languages.some((l) => l.split('-')[0] === DOCUMENT_LANGUAGE)
  let outcome: OperationOutcome | null = null
  let total = 0
  let resources: ReturnType<typeof toDocumentReference>[] = []
  if (!wantsContentLanguage) {
    outcome = operationOutcome([
      {
        severity: 'information',
        code: 'informational',
        diagnostics: `No content in ${search.languages!.join(', ')} yet: the clinic's patient education is written in English (language=${DOCUMENT_LANGUAGE}).`,
        expression: ['language'],
      },
    ])
  } else if (ids === null || ids.length > 0) {
    const page = await runQuery(
      client,
      EHR_DOCUMENTS_QUERY,
      {
        ids,
        kinds: search.kinds,
        start: search.offset,
        end: search.offset + search.count,
      },
      'ehr.fhir-documents',
    )
    total = page.total
    resources = page.items.map((doc) => toDocumentReference(doc, context))
  }
  return searchsetBundle({
    base: context.base,
    params: search.params,
    total,
    offset: search.offset,
    count: search.count,
    resources,
    outcome,
    now: context.now ?? new Date(),
  })
}

/** One DocumentReference by id, or null. */
export async function readDocument(client: SanityClient, id: string, context: DocumentContext) {
  if (!isFhirId(id)) return null
  const page = await runQuery(
    client,
    EHR_DOCUMENTS_QUERY,
    { ids: [id], kinds: null, start: 0, end: 1 },
    'ehr.fhir-document',
  )
  const doc = page.items[0]
  return doc ? toDocumentReference(doc, context) : null
}
