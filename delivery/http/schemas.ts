// JSON schemas shared by the routes: request validation (Fastify/Ajv) and, from the same objects,
// the OpenAPI document. Kept as plain `as const` objects so they are both data and documentation.
import { MAX_PAGE_SIZE } from '../content/articles.js'
import { LOOKUP_SLUG_PATTERN } from '../../model/slug.js'
import { BODY_REGION_VALUES, CARE_PHASE_VALUES } from '../../model/values.js'
import { CONDITION_PAGE_SIZE, MAX_CONDITION_PAGE_SIZE } from '../content/conditions.js'
import { MAX_SEARCH_RESULTS } from '../content/search.js'
import { MAX_TREATMENT_PAGE_SIZE, TREATMENT_PAGE_SIZE } from '../content/treatments.js'
import { PROBLEM_SCHEMA } from './problem.js'

export const slugSchema = {
  type: 'string',
  minLength: 1,
  maxLength: 200,
  pattern: LOOKUP_SLUG_PATTERN,
  description: 'A slug: letters, digits and "-", e.g. "tennis-elbow"',
} as const

export const slugParams = {
  type: 'object',
  required: ['slug'],
  additionalProperties: false,
  properties: { slug: slugSchema },
} as const

export const bodyRegionSchema = {
  type: 'string',
  enum: [...BODY_REGION_VALUES],
  description: 'A body region of the content model',
} as const
export const carePhaseSchema = {
  type: 'string',
  enum: [...CARE_PHASE_VALUES],
  description: 'before or after treatment',
} as const
export const pageSizeSchema = {
  type: 'integer',
  minimum: 1,
  maximum: MAX_PAGE_SIZE,
  description: `Page size (1-${MAX_PAGE_SIZE}, default 10)`,
} as const
export const conditionPageSizeSchema = {
  type: 'integer',
  minimum: 1,
  maximum: MAX_CONDITION_PAGE_SIZE,
  description: `Page size (1-${MAX_CONDITION_PAGE_SIZE}, default ${CONDITION_PAGE_SIZE})`,
} as const
export const treatmentPageSizeSchema = {
  type: 'integer',
  minimum: 1,
  maximum: MAX_TREATMENT_PAGE_SIZE,
  description: `Page size (1-${MAX_TREATMENT_PAGE_SIZE}, default ${TREATMENT_PAGE_SIZE})`,
} as const
export const searchLimitSchema = {
  type: 'integer',
  minimum: 1,
  maximum: MAX_SEARCH_RESULTS,
  description: `Most results to return (1-${MAX_SEARCH_RESULTS}, default 20)`,
} as const
export const cursorSchema = {
  type: 'string',
  minLength: 1,
  maxLength: 700,
  pattern: '^[A-Za-z0-9_-]+$',
  description: 'The nextCursor of the previous page',
} as const

/** A JSON body of the API: documented loosely (content shapes come from the content model). */
function envelope(description: string, properties: Record<string, unknown>) {
  return { description, type: 'object', properties } as const
}

export const problemResponse = (description: string) => ({ description, ...PROBLEM_SCHEMA })

/** The error responses every content route can give. */
export const errorResponses = {
  400: problemResponse('Invalid parameters: `errors` lists each bad parameter and how to fix it'),
  503: problemResponse('The content source is unreachable and nothing is cached for this resource'),
} as const

const anyJson = {} as const

export function documentResponse(description: string) {
  return envelope(description, {
    data: { type: 'object', description: 'The content, as queried (TypeGen-typed)' },
    html: { description: 'Rendered, sanitized HTML' },
    portableText: { description: 'The raw Portable Text' },
    jsonLd: { description: 'schema.org JSON-LD, or null when the clinic settings are incomplete' },
    links: { type: 'object', description: 'API, page and canonical URLs' },
    warnings: { type: 'array', items: { type: 'string' } },
    readability: anyJson,
    readingLevel: {
      type: 'object',
      description:
        "Articles: Flesch-Kincaid `grade`, the clinic's `targetGrade`, `aboveTarget` and the `hardestSentences` with why",
    },
    medicalReview: {
      type: 'object',
      description:
        'Articles: `reviewed` (a medical reviewer is set) and `independent` (the reviewer is not the author)',
    },
  })
}

export function listResponse(description: string) {
  return envelope(description, {
    data: { type: 'array', items: { type: 'object' } },
    jsonLd: anyJson,
    portableText: anyJson,
    nextCursor: { type: ['string', 'null'] },
    query: { type: 'string' },
    links: { type: 'object' },
    warnings: { type: 'array', items: { type: 'string' } },
  })
}
