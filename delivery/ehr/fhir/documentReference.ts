// Published articles, condition pages and care instructions as FHIR R4 DocumentReference
// resources: subject-free patient education with the rendered HTML as the attachment (its
// language, size and SHA-1 as R4 asks), the author, the conditions it is about as
// `context.related` (ICD-10-CM and SNOMED CT identifiers), and the review dates as extensions
// modelled on Library.lastReviewDate / Library.effectivePeriod (DocumentReference has neither).
import { createHash } from 'node:crypto'
import type { QueryResult } from '../../client.js'
import type { ClinicSettings } from '../../content/site.js'
import type { EHR_DOCUMENTS_QUERY } from '../../queries.js'
import { renderFootnotesHtml } from '../../render/citations.js'
import { escapeHtml } from '../../render/escape.js'
import { renderPortableTextWithInfo } from '../../render/portableText.js'
import type { ImageConfig } from '../../render/types.js'
import { ICD10CM, SNOMEDCT } from '../codes.js'
import { pageUrl } from '../infobutton/rank.js'

export type EhrDocument = QueryResult<typeof EHR_DOCUMENTS_QUERY>['items'][number]

export const FHIR_JSON = 'application/fhir+json'

/** The content language of every document today (Spanish content does not exist yet). */
export const DOCUMENT_LANGUAGE = 'en'

/** LOINC's document type for patient education: every DocumentReference here is one. */
export const EDUCATION_NOTE = { system: 'http://loinc.org', code: '34895-3', display: 'Education note' }

/** A FHIR id: [A-Za-z0-9-.]{1,64}. Sanity ids usually are; others are not served by id. */
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/

export function isFhirId(value: string): boolean {
  return FHIR_ID.test(value)
}

/**
 * The resource id of a document: its Sanity id when that is a valid FHIR id (the seed's all are),
 * else a stable hash of it (Sanity allows `_` and longer ids; such documents are found by search,
 * not by read).
 */
export function fhirIdOf(documentId: string): string {
  return isFhirId(documentId) ? documentId : `h-${createHash('sha1').update(documentId).digest('hex')}`
}

/** The clinic's own definitions (extensions, code system) live under its FHIR base. */
export function definitionUrl(publicUrl: string, path: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/fhir/r4/${path}`
}

export const KIND_LABELS: Record<EhrDocument['_type'], string> = {
  article: 'Article',
  condition: 'Condition page',
  careInstruction: 'Care instruction',
}

export interface DocumentContext {
  clinic: ClinicSettings | null
  publicUrl: string
  images: ImageConfig | null
}

export interface FhirCoding {
  system: string
  code: string
  display?: string
}
export interface FhirReference {
  reference?: string
  type?: string
  identifier?: { system: string; value: string }
  display?: string
}
export interface FhirExtension {
  url: string
  valueDate?: string
  valuePeriod?: { start?: string; end?: string }
}
export interface FhirDocumentReference {
  resourceType: 'DocumentReference'
  id: string
  meta: { lastUpdated: string }
  extension?: FhirExtension[]
  identifier: Array<{ system: string; value: string }>
  status: 'current'
  docStatus: 'final'
  type: { coding: FhirCoding[]; text: string }
  category: Array<{ coding: FhirCoding[]; text: string }>
  date: string
  author?: FhirReference[]
  custodian?: FhirReference
  description?: string
  content: Array<{
    attachment: {
      contentType: string
      language: string
      data: string
      url?: string
      size: number
      hash: string
      title?: string
      creation?: string
    }
  }>
  context?: { related: FhirReference[] }
}

function titleOf(doc: EhrDocument): string {
  return (doc._type === 'condition' ? doc.name : doc.title) ?? ''
}

/** The document's HTML as a patient reads it: heading, body, and the clinic's attribution. */
export function documentHtml(doc: EhrDocument, context: DocumentContext): string {
  const options = { images: context.images, siteUrl: context.clinic?.siteUrl ?? null }
  const parts: string[] = [`<h1>${escapeHtml(titleOf(doc))}</h1>`]
  if (doc._type === 'article') {
    const body = renderPortableTextWithInfo(doc.body, { ...options, citations: doc.citations })
    parts.push(body.html, renderFootnotesHtml(doc.citations, { referenced: body.citedNumbers }))
  } else if (doc._type === 'condition') {
    if (doc.alsoCalled?.length) parts.push(`<p>Also called: ${escapeHtml(doc.alsoCalled.join(', '))}</p>`)
    if (doc.summary) parts.push(`<p>${escapeHtml(doc.summary)}</p>`)
    for (const section of doc.sections ?? []) parts.push(renderPortableTextWithInfo(section.body, options).html)
  } else {
    const steps = (doc.steps ?? []).map(
      (step) =>
        `<li>${escapeHtml(step.instruction ?? '')}${step.timing ? ` <em>(${escapeHtml(step.timing)})</em>` : ''}</li>`,
    )
    if (steps.length > 0) parts.push(`<ol>${steps.join('')}</ol>`)
    if (doc.contactTherapistWhen)
      parts.push(`<p><strong>Contact your therapist:</strong> ${escapeHtml(doc.contactTherapistWhen)}</p>`)
  }
  const attribution = context.clinic?.attributionText
  if (attribution) parts.push(`<p class="attribution">${escapeHtml(attribution)}</p>`)
  return parts.filter((p) => p !== '').join('\n')
}

/** The page a document is shown on: its own, or (care instructions) its treatment's. */
function documentPage(doc: EhrDocument, context: DocumentContext): string | null {
  if (doc._type === 'careInstruction') {
    return doc.treatment?.slug
      ? pageUrl({ _type: 'treatment', slug: doc.treatment.slug }, context.clinic, context.publicUrl)
      : null
  }
  return pageUrl({ _type: doc._type, slug: doc.slug }, context.clinic, context.publicUrl)
}

/** Each condition the document is about, as identifiers of its ICD-10-CM and SNOMED CT codes. */
function relatedConditions(doc: EhrDocument): FhirReference[] {
  const related: FhirReference[] = []
  const seen = new Set<string>()
  for (const condition of doc.conditions ?? []) {
    if (!condition) continue
    for (const [system, codes] of [
      [ICD10CM.uri, condition.icd10Codes],
      [SNOMEDCT.uri, condition.snomedCodes],
    ] as const) {
      for (const code of codes ?? []) {
        const key = `${system}|${code}`
        if (seen.has(key)) continue
        seen.add(key)
        related.push({
          type: 'Condition',
          identifier: { system, value: code },
          ...(condition.name ? { display: condition.name } : {}),
        })
      }
    }
  }
  return related
}

/** The ICD-10-CM and SNOMED CT codes a document is about (for `code` searches). */
export function documentCodes(doc: EhrDocument): Array<{ system: string; code: string }> {
  return relatedConditions(doc).map((r) => ({ system: r.identifier!.system, code: r.identifier!.value }))
}

/** A FHIR `instant` from a Sanity datetime (always with seconds and a zone). */
function instant(value: string): string {
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? value : date.toISOString()
}

export function toDocumentReference(doc: EhrDocument, context: DocumentContext): FhirDocumentReference {
  const html = documentHtml(doc, context)
  const bytes = Buffer.from(html, 'utf8')
  const page = documentPage(doc, context)
  const clinicName = context.clinic?.name ?? null
  const extension: FhirExtension[] = []
  const authors: FhirReference[] = []
  let description: string | null = null
  let created: string | null = null
  if (doc._type === 'article') {
    if (doc.lastReviewed) {
      extension.push({
        url: definitionUrl(context.publicUrl, 'StructureDefinition/last-review-date'),
        valueDate: doc.lastReviewed,
      })
    }
    if (doc.lastReviewed || doc.nextReviewDue) {
      extension.push({
        url: definitionUrl(context.publicUrl, 'StructureDefinition/effective-period'),
        valuePeriod: {
          ...(doc.lastReviewed ? { start: doc.lastReviewed } : {}),
          ...(doc.nextReviewDue ? { end: doc.nextReviewDue } : {}),
        },
      })
    }
    if (doc.author?.name) authors.push({ type: 'Practitioner', display: doc.author.name })
    description = doc.excerpt ?? null
    created = doc.publishedAt ?? null
  } else if (doc._type === 'condition') {
    description = doc.summary ?? null
  } else {
    description = doc.treatment?.name ? `${doc.phase === 'before' ? 'Before' : 'After'} ${doc.treatment.name}` : null
  }
  if (authors.length === 0 && clinicName) authors.push({ type: 'Organization', display: clinicName })
  const related = relatedConditions(doc)
  const identifierSystem = context.clinic?.siteUrl ?? context.publicUrl
  return {
    resourceType: 'DocumentReference',
    id: fhirIdOf(doc._id),
    meta: { lastUpdated: instant(doc._updatedAt) },
    ...(extension.length > 0 ? { extension } : {}),
    identifier: [{ system: identifierSystem.replace(/\/+$/, ''), value: doc._id }],
    status: 'current',
    docStatus: 'final',
    type: { coding: [EDUCATION_NOTE], text: 'Patient education' },
    category: [
      {
        coding: [
          {
            system: definitionUrl(context.publicUrl, 'CodeSystem/content-type'),
            code: doc._type,
            display: KIND_LABELS[doc._type],
          },
        ],
        text: KIND_LABELS[doc._type],
      },
    ],
    date: instant(doc._updatedAt),
    ...(authors.length > 0 ? { author: authors } : {}),
    ...(clinicName ? { custodian: { type: 'Organization', display: clinicName } } : {}),
    ...(description ? { description } : {}),
    content: [
      {
        attachment: {
          contentType: 'text/html; charset=utf-8',
          language: DOCUMENT_LANGUAGE,
          data: bytes.toString('base64'),
          ...(page ? { url: page } : {}),
          size: bytes.length,
          hash: createHash('sha1').update(bytes).digest('base64'),
          ...(titleOf(doc).trim() ? { title: titleOf(doc) } : {}),
          ...(created ? { creation: created } : {}),
        },
      },
    ],
    ...(related.length > 0 ? { context: { related } } : {}),
  }
}
