// Errors in one shape: RFC 9457 problem details (`application/problem+json`) with type, title,
// status, detail and instance, plus `errors` (one per bad parameter) on validation failures.

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8'

/** Where problem types are described (the docs page has a section per type). */
export const PROBLEM_TYPE_BASE = '/api/docs#problem-'

export type ProblemType =
  | 'invalid-parameters'
  | 'not-found'
  | 'method-not-allowed'
  | 'unsupported-media-type'
  | 'payload-too-large'
  | 'content-source-unavailable'
  | 'webhook-refused'
  | 'webhook-not-configured'
  | 'internal-error'

export interface ParameterProblem {
  /** Where the bad value was: `path.slug`, `query.limit`, ... */
  parameter: string
  message: string
}

export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  instance: string
  errors?: ParameterProblem[]
  [extension: string]: unknown
}

export function problem(
  type: ProblemType,
  status: number,
  title: string,
  detail: string,
  instance: string,
  extensions: Record<string, unknown> = {},
): Problem {
  return { type: `${PROBLEM_TYPE_BASE}${type}`, title, status, detail, instance, ...extensions }
}

/** The JSON schema of a problem body (used in the OpenAPI document for error responses). */
export const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'instance'],
  properties: {
    type: { type: 'string', description: 'A URI reference identifying the problem type' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string', description: 'What was wrong and how to fix it' },
    instance: { type: 'string', description: 'The request path' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['parameter', 'message'],
        properties: { parameter: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
} as const
