// Parsing an HL7 Infobutton knowledge request (URL-based implementation) into what the clinic
// can answer: the coded search criteria, the recipient, the language and the response type.
//
// Parameter names follow the HL7 Context-Aware Knowledge Retrieval (Infobutton) URL-based
// implementation guide, as MedlinePlus Connect reads them:
//
//   mainSearchCriteria.v.c    the code                 mainSearchCriteria.v.cs   its code system (OID)
//   mainSearchCriteria.v.dn   display name (optional)  mainSearchCriteria.v.ot   original text (optional)
//   informationRecipient      PAT (patient, default) or PROV (provider)
//   informationRecipient.languageCode.c   en (default) or es; others are served in English, flagged
//   knowledgeResponseType     text/xml (Atom, default), application/json, application/javascript
//                             (JSONP, with `callback`), text/html (redirect to the best page)
//   holder.assignedEntity.certificateText   the partner key, when the clinic requires one
//
// Several problems in one request: the guide's indexed form (`mainSearchCriteria.v.c1`,
// `.v.cs1`, ...; `.v.c0` too) or the same unindexed names repeated in order. Names are matched
// without regard to case (EHR configurations vary); parameters the clinic does not use (patient
// age and gender, task context, encounter...) are accepted and ignored, as the guide asks.
import type { ParameterProblem } from '../../http/problem.js'
import {
  type CodeSystem,
  codeSystemByOid,
  ICD10CM,
  isOid,
  normalizeIcd10,
  normalizeSnomed,
  SNOMEDCT,
} from '../codes.js'
import { InvalidInputError } from '../../content/result.js'

export const RESPONSE_TYPES = ['text/xml', 'application/json', 'application/javascript', 'text/html'] as const
export type ResponseType = (typeof RESPONSE_TYPES)[number]

export const RECIPIENTS = ['PAT', 'PROV'] as const
export type Recipient = (typeof RECIPIENTS)[number]

/** Languages the clinic writes in, and those requests may name (Spanish content does not exist yet). */
export const CONTENT_LANGUAGES = ['en'] as const
export const REQUESTABLE_LANGUAGES = ['en', 'es'] as const

/** At most this many search criteria in one request (an EHR sends the problem list's few codes). */
export const MAX_CRITERIA = 10

export interface SearchCriterion {
  /** The suffix of its parameter names: '' for `mainSearchCriteria.v.c`, '1' for `.v.c1`, '#2' for the 2nd repeat. */
  index: string
  /** The parameter the code came from, for messages and echoing. */
  codeParameter: string
  code: string
  systemOid: string
  /** Null for a well-formed OID the clinic does not know (nothing matches it). */
  system: CodeSystem | null
  displayName: string | null
  originalText: string | null
}

export interface KnowledgeRequest {
  criteria: SearchCriterion[]
  recipient: Recipient
  /** The language asked for (`informationRecipient.languageCode.c`, lower-cased; 'en' when absent). */
  requestedLanguage: string
  responseType: ResponseType
  callback: string | null
  /** `holder.assignedEntity.certificateText`: the partner key when sent in the URL. */
  certificateText: string | null
}

/** A request the clinic cannot answer as sent: every bad parameter, named. */
export class KnowledgeRequestError extends Error {
  constructor(readonly errors: ParameterProblem[]) {
    super(errors.map((e) => `${e.parameter} ${e.message}`).join('; '))
    this.name = 'KnowledgeRequestError'
  }
}

const CRITERION = /^mainsearchcriteria\.(?:v|c)\.(c|cs|dn|ot)([0-9]*)$/
const LANGUAGE_TAG = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/
const CALLBACK = /^[A-Za-z_$][0-9A-Za-z_$]*(?:\.[A-Za-z_$][0-9A-Za-z_$]*)*$/
const MAX_VALUE_LENGTH = 500

type Pairs = ReadonlyArray<readonly [string, string]>

/** The query string's name/value pairs in order, repeats kept (`?a=1&a=2`). */
export function queryPairs(url: string): Array<[string, string]> {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : ''
  return [...new URLSearchParams(query).entries()]
}

function single(pairs: Pairs, name: string, errors: ParameterProblem[]): string | null {
  const values = pairs.filter(([key]) => key.toLowerCase() === name.toLowerCase()).map(([, value]) => value.trim())
  const present = values.filter((v) => v !== '')
  if (present.length > 1 && new Set(present).size > 1) {
    errors.push({ parameter: name, message: `is given ${present.length} times with different values: send it once` })
  }
  return present[0] ?? null
}

interface CriterionParts {
  c: string[]
  cs: string[]
  dn: string[]
  ot: string[]
}

/** Parses and checks a knowledge request; throws KnowledgeRequestError listing every bad parameter. */
export function parseKnowledgeRequest(pairs: Pairs): KnowledgeRequest {
  const errors: ParameterProblem[] = []
  for (const [name, value] of pairs) {
    if (value.length > MAX_VALUE_LENGTH) {
      errors.push({ parameter: name, message: `is ${value.length} characters long: at most ${MAX_VALUE_LENGTH}` })
    }
  }

  // Group the criteria's parts by index suffix, keeping repeats in order.
  const groups = new Map<string, CriterionParts>()
  for (const [name, value] of pairs) {
    const match = CRITERION.exec(name.toLowerCase())
    if (!match) continue
    const [, part, index] = match as unknown as [string, keyof CriterionParts, string]
    const group = groups.get(index) ?? { c: [], cs: [], dn: [], ot: [] }
    group[part].push(value.trim())
    groups.set(index, group)
  }
  const criteria: SearchCriterion[] = []
  const indexes = [...groups.keys()].sort((a, b) => (a === '' ? -1 : b === '' ? 1 : Number(a) - Number(b)))
  for (const index of indexes) {
    const group = groups.get(index)!
    const name = (part: string) => `mainSearchCriteria.v.${part}${index}`
    if (group.c.length === 0 || group.c.every((c) => c === '')) {
      if (group.cs.length > 0 || group.dn.length > 0 || group.ot.length > 0) {
        errors.push({
          parameter: name('c'),
          message: `is missing: ${name('cs')}/${name('dn')} were sent without the code they describe`,
        })
      }
      continue
    }
    if (group.cs.length !== group.c.length) {
      errors.push({
        parameter: name('cs'),
        message:
          group.cs.length === 0
            ? `is required with ${name('c')}: the code system's OID, e.g. ${ICD10CM.oid} (ICD-10-CM) or ${SNOMEDCT.oid} (SNOMED CT)`
            : `is given ${group.cs.length} times for ${group.c.length} codes: send one code system per code`,
      })
      continue
    }
    group.c.forEach((rawCode, i) => {
      const repeat = group.c.length > 1 ? `#${i + 1}` : ''
      const codeParameter = name('c')
      const systemOid = group.cs[i]!.replace(/^urn:oid:/i, '')
      if (!isOid(systemOid)) {
        errors.push({
          parameter: name('cs'),
          message: `"${systemOid.slice(0, 60)}" is not an OID: use e.g. ${ICD10CM.oid} (ICD-10-CM) or ${SNOMEDCT.oid} (SNOMED CT)`,
        })
        return
      }
      if (rawCode === '') {
        errors.push({ parameter: codeParameter, message: 'is empty: send the code' })
        return
      }
      const system = codeSystemByOid(systemOid)
      let code = rawCode
      try {
        if (system === ICD10CM) code = normalizeIcd10(rawCode, codeParameter)
        else if (system === SNOMEDCT) code = normalizeSnomed(rawCode, codeParameter)
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error
        errors.push({ parameter: codeParameter, message: `${error.problem}. ${error.fix}` })
        return
      }
      criteria.push({
        index: `${index}${repeat}`,
        codeParameter,
        code,
        systemOid,
        system,
        displayName: group.dn[i] || null,
        originalText: group.ot[i] || null,
      })
    })
  }
  if (criteria.length === 0 && errors.length === 0) {
    errors.push({
      parameter: 'mainSearchCriteria.v.c',
      message: `is required: the problem's code, with mainSearchCriteria.v.cs its code system (e.g. mainSearchCriteria.v.c=M54.2&mainSearchCriteria.v.cs=${ICD10CM.oid})`,
    })
  }
  if (criteria.length > MAX_CRITERIA) {
    errors.push({
      parameter: 'mainSearchCriteria.v.c',
      message: `is given ${criteria.length} times: at most ${MAX_CRITERIA} codes per request`,
    })
  }

  const recipientRaw = single(pairs, 'informationRecipient', errors)
  let recipient: Recipient = 'PAT'
  if (recipientRaw !== null) {
    const upper = recipientRaw.toUpperCase()
    if ((RECIPIENTS as readonly string[]).includes(upper)) recipient = upper as Recipient
    else
      errors.push({
        parameter: 'informationRecipient',
        message: `"${recipientRaw.slice(0, 40)}" is not a recipient: use PAT (patient) or PROV (provider)`,
      })
  }

  const languageRaw = single(pairs, 'informationRecipient.languageCode.c', errors)
  let requestedLanguage = 'en'
  if (languageRaw !== null) {
    if (LANGUAGE_TAG.test(languageRaw)) requestedLanguage = languageRaw.toLowerCase()
    else
      errors.push({
        parameter: 'informationRecipient.languageCode.c',
        message: `"${languageRaw.slice(0, 40)}" is not a language code: use en (English) or es (Spanish)`,
      })
  }

  const typeRaw = single(pairs, 'knowledgeResponseType', errors)
  let responseType: ResponseType = 'text/xml'
  if (typeRaw !== null) {
    const lower = typeRaw.toLowerCase()
    if ((RESPONSE_TYPES as readonly string[]).includes(lower)) responseType = lower as ResponseType
    else
      errors.push({
        parameter: 'knowledgeResponseType',
        message: `"${typeRaw.slice(0, 60)}" is not a response type: use one of ${RESPONSE_TYPES.join(', ')}`,
      })
  }

  const callback = single(pairs, 'callback', errors)
  if (responseType === 'application/javascript') {
    if (callback === null)
      errors.push({
        parameter: 'callback',
        message: 'is required with knowledgeResponseType=application/javascript: the JavaScript function to call',
      })
    else if (!CALLBACK.test(callback) || callback.length > 100)
      errors.push({
        parameter: 'callback',
        message: 'must be a JavaScript function name (letters, digits, _, $ and dots), at most 100 characters',
      })
  }

  if (errors.length > 0) throw new KnowledgeRequestError(errors)
  return {
    criteria,
    recipient,
    requestedLanguage,
    responseType,
    callback: responseType === 'application/javascript' ? callback : null,
    certificateText: single(pairs, 'holder.assignedEntity.certificateText', []),
  }
}

/** The content language served for a requested one: the primary subtag when the clinic writes in it, else English. */
export function servedLanguage(requested: string): (typeof CONTENT_LANGUAGES)[number] {
  const primary = requested.split('-')[0]!.toLowerCase()
  return (CONTENT_LANGUAGES as readonly string[]).includes(primary)
    ? (primary as (typeof CONTENT_LANGUAGES)[number])
    : 'en'
}
