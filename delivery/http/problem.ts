// Errors in one shape for the whole delivery server (content API, pages, syndication, feeds):
// RFC 9457 problem details (`application/problem+json`) with type, title, status, detail and
// instance, plus `errors` (one per bad parameter) on validation failures. Every `type` is a link
// to its section of the docs page, `/api/docs#problem-<type>`.

export { PROBLEM_CONTENT_TYPE } from './content-types.js'

/** Where problem types are described (the docs page has a section per type). */
export const PROBLEM_TYPE_BASE = '/api/docs#problem-'

/** Every problem type, with what it means (the docs page lists these). */
export const PROBLEM_TYPES = {
  'invalid-parameters':
    'A path or query parameter is missing, unknown or malformed; `errors` lists each one with what to fix.',
  'not-found': 'No published document has this slug or code, or the path names no resource.',
  'method-not-allowed': 'The resource exists but not for this HTTP method (the API is read-only except the webhook).',
  'unsupported-media-type': 'The request body has a content type this endpoint does not take.',
  'payload-too-large': 'The request body is larger than this endpoint accepts.',
  unauthorized:
    'Syndication: the API key or feed token is missing, malformed, unknown or revoked, or the partner is suspended.',
  'preview-unauthorized':
    'Reviewing unpublished content (`perspective`) needs `Authorization: Bearer <Sanity token>`; the token was missing, malformed or refused by the content source. Preview mode (`/api/draft-mode/enable`): the preview secret was missing, unknown, expired or deleted.',
  'preview-not-configured':
    'Preview mode (`/api/draft-mode/enable`) needs a server-side read token (SANITY_API_TOKEN) the content source accepts.',
  'preview-forbidden': 'The token is valid but may not read drafts and releases: use a viewer token or above.',
  'release-not-found': 'The `perspective` names a release that does not exist (or the token may not read it).',
  'rate-limited': 'Too many requests from this key, feed token or address: wait the Retry-After seconds.',
  'not-implemented': 'A format this API does not produce (oEmbed answers format=json only).',
  'clinic-not-configured': 'The clinic settings are incomplete (name, site URL): syndication cannot build payloads.',
  'content-source-unavailable':
    'The Content Lake cannot be reached and nothing is cached for this resource yet; retry shortly.',
  'webhook-refused': 'A webhook call was unsigned, badly signed, too old or a replay.',
  'webhook-not-configured': 'The server has no webhook secret (SANITY_WEBHOOK_SECRET).',
  'preview-script-unavailable':
    'The click-to-edit script of preview pages (/preview/visual-editing.js) is not built on this server; preview pages still show drafts.',
  'internal-error':
    'Something failed on the server. The body never carries the error itself: it is logged on the server with the request id given in the detail.',
} as const

export type ProblemType = keyof typeof PROBLEM_TYPES

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

/**
 * A request that cannot be answered, thrown by a route: the server's error handler answers it as a
 * problem (with `headers`, e.g. Retry-After or WWW-Authenticate).
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly type: ProblemType,
    readonly title: string,
    readonly detail: string,
    readonly options: { errors?: ParameterProblem[]; headers?: Record<string, string> } = {},
  ) {
    super(detail)
    this.name = 'HttpProblem'
  }
}

/** A 400 naming one bad parameter (`query.limit`, `path.slug`) and what to do about it. */
export function invalidParameter(parameter: string, message: string): HttpProblem {
  return new HttpProblem(400, 'invalid-parameters', 'Invalid parameters', `${parameter} ${message}`, {
    errors: [{ parameter, message }],
  })
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
