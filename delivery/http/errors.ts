// The delivery server's one error handler, for every route it serves (content API, pages,
// syndication, feeds): validation failures, HttpProblems thrown by routes, bad input to content
// functions, an unreachable content source, and everything else. An unexpected error is logged
// on the server with the request id and answered with a 500 that says only that id: error text
// can hold queries, file paths or document content, and a caller has no use for it.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { isSourceUnavailable, type SourceHealth } from '../cache/source-health.js'
import { InvalidInputError } from '../content/index.js'
import { PROBLEM_CONTENT_TYPE } from './content-types.js'
import { HttpProblem, type ParameterProblem, type Problem, type ProblemType, problem } from './problem.js'

interface ValidationIssue {
  instancePath?: string
  message?: string
  keyword?: string
  params?: Record<string, unknown>
  /** With Ajv's `verbose`: the schema holding the failed keyword, and the value that failed. */
  parentSchema?: Record<string, unknown>
  data?: unknown
}

/** The value a caller sent, quoted and shortened for a message. */
function quoted(value: unknown): string {
  const text = Array.isArray(value) ? value.map(String).join(',') : String(value)
  return JSON.stringify(text.slice(0, 40))
}

/** Ajv errors -> one entry per bad parameter, in words: `query.limit: must be a whole number from 1 to 50`. */
export function parameterProblems(issues: readonly ValidationIssue[], where: string | undefined): ParameterProblem[] {
  const location = where === 'querystring' ? 'query' : where === 'params' ? 'path' : (where ?? 'request')
  // `anyOf: [{required: [a]}, {required: [b]}]` (at least one of a, b) reports each `required`
  // and then the anyOf: say it once, in words.
  const anyOf = issues.find((issue) => issue.keyword === 'anyOf')
  if (anyOf) {
    const alternatives = issues.filter((i) => i.keyword === 'required' && typeof i.params?.missingProperty === 'string')
    const names = alternatives.map((i) => String(i.params?.missingProperty))
    const rest = issues.filter((i) => i !== anyOf && !alternatives.includes(i))
    return [
      { parameter: location, message: `needs at least one of: ${names.join(', ')}` },
      ...parameterProblems(rest, where),
    ]
  }
  const seen = new Set<string>()
  const problems: ParameterProblem[] = []
  for (const issue of issues) {
    const path = (issue.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.')
    const params = issue.params ?? {}
    const schema = issue.parentSchema ?? {}
    let entry: ParameterProblem
    if (issue.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
      entry = {
        parameter: `${location}.${params.additionalProperty}`,
        message: 'is not a parameter of this resource: remove it (see /api/docs)',
      }
    } else if (issue.keyword === 'required' && typeof params.missingProperty === 'string') {
      entry = { parameter: `${location}.${params.missingProperty}`, message: 'is required' }
    } else if (issue.keyword === 'enum' && Array.isArray(params.allowedValues)) {
      entry = { parameter: `${location}.${path}`, message: `must be one of: ${params.allowedValues.join(', ')}` }
    } else if (issue.keyword === 'pattern') {
      entry = {
        parameter: `${location}.${path}`,
        message: 'has characters that are not allowed (letters, digits and "-" only)',
      }
    } else if (
      schema.type === 'integer' &&
      typeof schema.minimum === 'number' &&
      typeof schema.maximum === 'number' &&
      ['type', 'minimum', 'maximum'].includes(issue.keyword ?? '')
    ) {
      // A bounded whole number (page sizes, limits): the whole rule, not only the bound it broke.
      entry = {
        parameter: `${location}.${path}`,
        message: `must be a whole number from ${schema.minimum} to ${schema.maximum}, got ${quoted(issue.data)}`,
      }
    } else {
      entry = { parameter: path ? `${location}.${path}` : location, message: issue.message ?? 'is not valid' }
    }
    // One value can break several keywords (type and minimum): one entry per parameter and message.
    const key = `${entry.parameter}\u0000${entry.message}`
    if (!seen.has(key)) problems.push(entry)
    seen.add(key)
  }
  return problems
}

const STATUS_PROBLEMS: Record<number, [ProblemType, string]> = {
  404: ['not-found', 'Not found'],
  405: ['method-not-allowed', 'Method not allowed'],
  413: ['payload-too-large', 'Payload too large'],
  415: ['unsupported-media-type', 'Unsupported media type'],
}

export function sendProblem(reply: FastifyReply, body: Problem, headers: Record<string, string> = {}): FastifyReply {
  // An error answer describes this request only: no cache may keep it.
  return reply
    .code(body.status)
    .headers({ 'cache-control': 'no-store', ...headers })
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(body))
}

/** Errors the content source raised about our request (a 4xx from the lake): ours to fix, not the caller's. */
function isSourceAnswer(error: unknown): boolean {
  return typeof error === 'object' && error !== null && ('response' in error || 'responseBody' in error)
}

export interface ErrorHandlerOptions {
  health: SourceHealth
  /** Where an unexpected error is reported (default: the request's logger when logging is on, else stderr). */
  logError?: (error: unknown, request: FastifyRequest) => void
}

function defaultLogError(error: unknown, request: FastifyRequest): void {
  // Without a logger Fastify's request.log is a no-op with no level: the error must still be seen.
  const level: unknown = request.log.level
  if (typeof level === 'string' && level !== '' && level !== 'silent') {
    request.log.error({ err: error, reqId: request.id }, 'request failed')
    return
  }
  console.error(`[delivery] ${request.method} ${request.url} failed (request ${request.id}):`, error)
}

/** The delivery server's error handler (set once, on the root instance). */
export function problemErrorHandler(options: ErrorHandlerOptions) {
  const logError = options.logError ?? defaultLogError
  return (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const fastifyError = error as FastifyError
    if (error instanceof HttpProblem) {
      const extensions = error.options.errors ? { errors: error.options.errors } : {}
      return sendProblem(
        reply,
        problem(error.type, error.status, error.title, error.detail, request.url, extensions),
        error.options.headers,
      )
    }
    if (fastifyError.validation) {
      const errors = parameterProblems(
        fastifyError.validation as readonly ValidationIssue[],
        fastifyError.validationContext,
      )
      const detail = errors.map((e) => `${e.parameter} ${e.message}`).join('; ')
      return sendProblem(
        reply,
        problem('invalid-parameters', 400, 'Invalid parameters', detail, request.url, { errors }),
      )
    }
    if (error instanceof InvalidInputError) {
      const errors = [{ parameter: error.parameter, message: `${error.problem}. ${error.fix}` }]
      return sendProblem(
        reply,
        problem('invalid-parameters', 400, 'Invalid parameters', error.message, request.url, { errors }),
      )
    }
    if (isSourceUnavailable(error)) {
      options.health.recordFailure(error)
      return sendProblem(
        reply,
        problem(
          'content-source-unavailable',
          503,
          'Content source unavailable',
          'The Content Lake cannot be reached; retry shortly.',
          request.url,
        ),
        { 'retry-after': '5' },
      )
    }
    const status = typeof fastifyError.statusCode === 'number' ? fastifyError.statusCode : 500
    if (status >= 400 && status < 500 && !isSourceAnswer(error)) {
      // Fastify's own answers about the request (unknown method, body too large, bad JSON...).
      const [type, title] = STATUS_PROBLEMS[status] ?? ['invalid-parameters', 'Bad request']
      return sendProblem(reply, problem(type, status, title, error.message, request.url))
    }
    logError(error, request)
    return sendProblem(
      reply,
      problem(
        'internal-error',
        500,
        'Internal error',
        `The server failed to answer this request; the error is logged as request ${request.id}. Retry later, and tell the clinic if it persists.`,
        request.url,
        { requestId: request.id },
      ),
    )
  }
}

/** The answer for a path nothing is served at. */
export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendProblem(
    reply,
    problem(
      'not-found',
      404,
      'Not found',
      `Nothing is served at ${request.method} ${request.url.split('?')[0]}. The API is described at /api/docs.`,
      request.url,
    ),
  )
}
