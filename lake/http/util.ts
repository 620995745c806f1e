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

/** An event stream a route holds open (see `EventStreams`). */
export interface EventStream {
  readonly raw: FastifyReply['raw']
  readonly closed: boolean
  /** Sends `chunk` while the stream is open; nothing after it closed. */
  write(chunk: string): void
  /**
   * Holds the stream open, with a keep-alive comment while idle, until the client leaves, the
   * connection fails or the server closes; then runs `cleanup` once.
   */
  hold(cleanup: () => void): void
}

/** The event streams one route holds open; `closeAll` ends them (the route's onClose hook). */
export class EventStreams {
  private readonly open = new Set<() => void>()

  constructor(private readonly keepAliveMs: number) {}

  get size(): number {
    return this.open.size
  }

  /** Takes the response over as an event stream (`startEventStream`). */
  start(request: FastifyRequest, reply: FastifyReply): EventStream {
    const raw = startEventStream(request, reply)
    const open = this.open
    const keepAliveMs = this.keepAliveMs
    let closed = false
    const write = (chunk: string): void => {
      if (!closed) raw.write(chunk)
    }
    return {
      raw,
      get closed() {
        return closed
      },
      write,
      hold(cleanup) {
        const keepAlive = setInterval(() => write(': keep-alive\n\n'), keepAliveMs)
        const shutdown = (): void => {
          close()
          raw.end()
        }
        const close = (): void => {
          if (closed) return
          closed = true
          clearInterval(keepAlive)
          cleanup()
          open.delete(shutdown)
        }
        raw.on('close', close)
        raw.on('error', close)
        open.add(shutdown)
      },
    }
  }

  closeAll(): void {
    for (const shutdown of [...this.open]) shutdown()
  }
}
