// The JSON schemas of the routes, written once in TypeBox: Fastify (Ajv) validates requests with
// them, the TypeBox type provider derives each handler's request types from them, and the OpenAPI
// document is built from the same objects. Enumerations are `Type.Unsafe` over a plain `enum` so
// the documented schema stays `{type: 'string', enum: [...]}`.
import { DEFAULT_LANGUAGE, LANGUAGE_IDS, LANGUAGES, type Language } from '../../model/languages.js'
import { type TSchema, Type } from '@sinclair/typebox'
import { MAX_PAGE_SIZE } from '../content/articles.js'
import { LOOKUP_SLUG_PATTERN } from '../../model/slug.js'
import { BODY_REGION_VALUES, type BodyRegion, CARE_PHASE_VALUES, type CarePhase } from '../../model/values.js'
import { CONDITION_PAGE_SIZE, MAX_CONDITION_PAGE_SIZE } from '../content/conditions.js'
import { MAX_SEARCH_RESULTS } from '../content/search.js'
import { MAX_TREATMENT_PAGE_SIZE, TREATMENT_PAGE_SIZE } from '../content/treatments.js'
import { PROBLEM_SCHEMA } from './problem.js'

export const slugSchema = Type.String({
  minLength: 1,
  maxLength: 200,
  pattern: LOOKUP_SLUG_PATTERN,
  description: 'A slug: letters, digits and "-", e.g. "tennis-elbow"',
})

export const slugParams = Type.Object({ slug: slugSchema }, { additionalProperties: false })

/** A query string with these parameters and no others (an unknown parameter is a 400 naming it). */
export function queryOf<P extends Record<string, TSchema>>(properties: P) {
  return Type.Object(properties, { additionalProperties: false })
}

/** The `perspective` query parameter, as the content routes document it. */
export const perspectiveSchema = Type.String({
  minLength: 1,
  maxLength: 400,
  description:
    'Review a release before it publishes: a release id (the stack [release, drafts, published]), ' +
    'a comma-separated list of release ids (first wins), optionally ending with `drafts` or `published`, ' +
    'or `drafts` alone. Needs `Authorization: Bearer <Sanity token>` (a token that may read drafts); ' +
    'the answer is never cached (`Cache-Control: private, no-store`). `published` (or no parameter) is the public answer.',
})

/** `?lang=`: a language of model/languages.ts; a bad one is a 400 naming `query.lang` and the allowed values. */
export const langSchema = Type.Unsafe<Language>({
  type: 'string',
  enum: [...LANGUAGE_IDS],
  description: `The language to read in: ${LANGUAGES.map((l) => `\`${l.id}\` (${l.title})`).join(', ')}; default \`${DEFAULT_LANGUAGE}\`. Related documents (FAQs, care, conditions) come in the same language.`,
})

/** `?fallback=en`: English may stand in where the requested language has no version (flagged `fallback: true`). */
export const fallbackSchema = Type.Unsafe<typeof DEFAULT_LANGUAGE>({
  type: 'string',
  enum: [DEFAULT_LANGUAGE],
  description: `Serve the \`${DEFAULT_LANGUAGE}\` version where \`lang\` has none; such items carry \`fallback: true\`. Without it, a missing translation is simply not served.`,
})

/** The language parameters every content route takes (spread into its query object). */
export function languageQuery() {
  return { lang: Type.Optional(langSchema), fallback: Type.Optional(fallbackSchema) }
}

/**
 * The query of a one-document route: `perspective` (a review, see preview.ts); other parameters
 * are ignored, as they always were on these routes.
 */
export const reviewQuery = Type.Object({ perspective: Type.Optional(perspectiveSchema), ...languageQuery() })

/** No query parameters at all. */
export const noQuery = queryOf({})

/** A whole number from `minimum` to `maximum` (query strings are coerced). */
export function wholeNumber(minimum: number, maximum: number, description: string) {
  return Type.Integer({ minimum, maximum, description })
}

export const bodyRegionSchema = Type.Unsafe<BodyRegion>({
  type: 'string',
  enum: [...BODY_REGION_VALUES],
  description: 'A body region of the content model',
})
export const carePhaseSchema = Type.Unsafe<CarePhase>({
  type: 'string',
  enum: [...CARE_PHASE_VALUES],
  description: 'before or after treatment',
})
export const pageSizeSchema = wholeNumber(1, MAX_PAGE_SIZE, `Page size (1-${MAX_PAGE_SIZE}, default 10)`)
export const conditionPageSizeSchema = wholeNumber(
  1,
  MAX_CONDITION_PAGE_SIZE,
  `Page size (1-${MAX_CONDITION_PAGE_SIZE}, default ${CONDITION_PAGE_SIZE})`,
)
export const treatmentPageSizeSchema = wholeNumber(
  1,
  MAX_TREATMENT_PAGE_SIZE,
  `Page size (1-${MAX_TREATMENT_PAGE_SIZE}, default ${TREATMENT_PAGE_SIZE})`,
)
export const searchLimitSchema = wholeNumber(
  1,
  MAX_SEARCH_RESULTS,
  `Most results to return (1-${MAX_SEARCH_RESULTS}, default 20)`,
)
export const cursorSchema = Type.String({
  minLength: 1,
  maxLength: 700,
  pattern: '^[A-Za-z0-9_-]+$',
  description: 'The nextCursor of the previous page',
})

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
