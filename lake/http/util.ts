import type { FastifyReply, FastifyRequest } from 'fastify'
import { badRequest, isRecord } from '../errors.js'

/** `v2025-02-19` -> `2025-02-19`, `vX` -> `X`, `v1` -> `1`; anything else is a 404-worthy path. */
export function parseApiVersion(segment: string): string | undefined {
  const m = /^v(X|1|\d{4}-\d{2}-\d{2})$/.exec(segment)
  return m ? m[1] : undefined
}

export function apiVersionOf(request: FastifyRequest): string {
  const params = request.params as Record<string, string | undefined>
  return parseApiVersion(params.apiVersion ?? '') ?? 'X'
}

export function queryString(request: FastifyRequest): Record<string, unknown> {
  return isRecord(request.query) ? request.query : {}
}

/** A single string query parameter (the first when repeated). */
export function stringParam(q: Record<string, unknown>, name: string): string | undefined {
  const v = q[name]
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined
  return typeof v === 'string' ? v : undefined
}

export function boolParam(q: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const v = stringParam(q, name)
  if (v === undefined || v === '') return fallback
  if (v === 'true' || v === '1') return true
  if (v === 'false' || v === '0') return false
  throw badRequest(`query parameter ${name}="${v}" must be true or false`)
}

/** GROQ params from `?$name=<JSON>`; a value that is not JSON is a 400 naming the parameter. */
export function groqParamsFromQuery(q: Record<string, unknown>): Record<string, unknown> {
  const params: Record<string, unknown> = {}
  for (const [key, raw] of Object.entries(q)) {
    if (!key.startsWith('$')) continue
    const text = Array.isArray(raw) ? raw[0] : raw
    if (typeof text !== 'string') continue
    try {
      params[key.slice(1)] = JSON.parse(text)
    } catch {
      throw badRequest(
        `query parameter ${key} must be JSON-encoded (a string needs quotes: ${key}="value"), got ${text.slice(0, 60)}`,
        'queryParseError',
      )
    }
  }
  return params
}

/**
 * Takes the response over as a server-sent event stream (listen, live events): the headers Fastify
 * already set (CORS) are kept, then the event-stream ones; nothing may buffer or transform it.
 */
export function startEventStream(request: FastifyRequest, reply: FastifyReply): FastifyReply['raw'] {
  reply.hijack()
  const raw = reply.raw
  const headers: Record<string, string | number | string[]> = {}
  for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = v
  headers['content-type'] = 'text/event-stream; charset=utf-8'
  headers['cache-control'] = 'no-cache, no-transform'
  headers['x-accel-buffering'] = 'no'
  if (request.raw.httpVersionMajor < 2) headers.connection = 'keep-alive'
  raw.writeHead(200, headers)
  return raw
}
