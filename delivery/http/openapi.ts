// The OpenAPI 3.1 document of the delivery API, generated from the route schemas Fastify was given
// (collected with an onRoute hook), so every route is listed and the documented parameters are
// exactly the validated ones. Also the human-readable docs page rendered from that document.
import { escapeHtml } from '../render/escape.js'
import { JSON_CONTENT_TYPE, mediaType, PROBLEM_CONTENT_TYPE } from './content-types.js'
import { PROBLEM_TYPES } from './problem.js'

// Route schemas carry their documentation (as @fastify/swagger's do): Fastify ignores these keys
// when validating, the OpenAPI builder reads them.
declare module 'fastify' {
  interface FastifySchema {
    summary?: string
    description?: string
    tags?: readonly string[]
    /** Leave the route out of the OpenAPI document (CORS preflight). */
    hide?: boolean
    /** The Content-Type of a successful answer (from content-types.ts); JSON when not given. */
    produces?: string
    /** The Content-Type of error answers, when they are not problem+json (FHIR's OperationOutcome). */
    producesErrors?: string
  }
}

/** What the onRoute hook records of each route. */
export interface RouteRecord {
  method: string
  url: string
  schema?: RouteSchema
}

export interface RouteSchema {
  summary?: string
  description?: string
  tags?: readonly string[]
  params?: ObjectSchema
  querystring?: ObjectSchema
  response?: Record<string | number, JsonSchema & { description?: string }>
  hide?: boolean
  produces?: string
  producesErrors?: string
}

type JsonSchema = { [keyword: string]: unknown }
interface ObjectSchema extends JsonSchema {
  properties?: Record<string, JsonSchema>
  required?: readonly string[]
}

export interface OpenApiParameter {
  name: string
  in: 'path' | 'query'
  required: boolean
  description?: string
  schema: JsonSchema
}

export interface OpenApiOperation {
  operationId: string
  summary: string
  description?: string
  tags: string[]
  parameters: OpenApiParameter[]
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> }
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>
}

export interface OpenApiDocument {
  openapi: '3.1.0'
  info: { title: string; version: string; description: string }
  servers: Array<{ url: string }>
  paths: Record<string, Record<string, OpenApiOperation>>
  tags: Array<{ name: string }>
}

/** `/api/v1/articles/:slug` -> `/api/v1/articles/{slug}`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')
}

function operationId(method: string, url: string): string {
  // Every word of the path, so ids are unique as paths are (`getApiV1ArticlesSlug`, `getArticlesSlug`).
  const words = url
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
  return `${method.toLowerCase()}${words.join('') || 'Root'}`
}

function withoutDescription(schema: JsonSchema & { description?: string }): JsonSchema {
  const { description: _description, ...rest } = schema
  return rest
}

function contentTypeFor(status: string, produces: string | undefined, producesErrors?: string): string {
  if (Number(status) >= 400) return mediaType(producesErrors ?? PROBLEM_CONTENT_TYPE)
  return mediaType(produces ?? JSON_CONTENT_TYPE)
}

export function buildOpenApiDocument(
  routes: readonly RouteRecord[],
  info: { title: string; version: string; serverUrl: string },
): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {}
  const tags = new Set<string>()
  for (const route of routes) {
    const method = route.method.toLowerCase()
    if (method === 'head' || method === 'options' || route.url.includes('*') || route.schema?.hide) continue
    const schema = route.schema ?? {}
    const parameters: OpenApiParameter[] = []
    for (const [where, object] of [
      ['path', schema.params],
      ['query', schema.querystring],
    ] as const) {
      for (const [name, property] of Object.entries(object?.properties ?? {})) {
        const description = typeof property.description === 'string' ? property.description : undefined
        parameters.push({
          name,
          in: where,
          required: where === 'path' || (object?.required ?? []).includes(name),
          ...(description ? { description } : {}),
          schema: withoutDescription(property),
        })
      }
    }
    const responses: OpenApiOperation['responses'] = {}
    for (const [status, response] of Object.entries(schema.response ?? {})) {
      responses[status] = {
        description: response.description ?? `HTTP ${status}`,
        content: {
          [contentTypeFor(status, schema.produces, schema.producesErrors)]: { schema: withoutDescription(response) },
        },
      }
    }
    if (!responses['200']) {
      responses['200'] = {
        description: 'OK',
        content: { [contentTypeFor('200', schema.produces, schema.producesErrors)]: { schema: {} } },
      }
    }
    if (method === 'get') responses['304'] = { description: 'Not modified (the If-None-Match ETag matches)' }
    const operation: OpenApiOperation = {
      operationId: operationId(method, route.url),
      summary: schema.summary ?? `${route.method} ${route.url}`,
      ...(schema.description ? { description: schema.description } : {}),
      tags: [...(schema.tags ?? ['other'])],
      parameters,
      responses,
    }
    if (method === 'post') {
      operation.requestBody = { required: true, content: { 'application/json': { schema: { type: 'object' } } } }
    }
    for (const tag of operation.tags) tags.add(tag)
    const path = openApiPath(route.url)
    paths[path] = { ...paths[path], [method]: operation }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      description:
        'Patient-education content of Dynamic Physical Therapy & Wellness. Every GET answers with an ETag (If-None-Match -> 304) and Cache-Control with stale-while-revalidate; errors are application/problem+json.',
    },
    servers: [{ url: info.serverUrl }],
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    tags: [...tags].sort().map((name) => ({ name })),
  }
}

/** The human-readable docs page: every operation, its parameters and responses, and the problem types. */
export function renderDocsPage(document: OpenApiDocument): string {
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const params = op.parameters.length
        ? `<table><thead><tr><th>Parameter</th><th>In</th><th>Required</th><th>Description</th></tr></thead><tbody>${op.parameters
            .map((p) => {
              const enumValues = Array.isArray(p.schema.enum)
                ? ` One of: ${p.schema.enum.map((v) => `<code>${escapeHtml(v)}</code>`).join(', ')}.`
                : ''
              return `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${p.in}</td><td>${p.required ? 'yes' : 'no'}</td><td>${escapeHtml(p.description ?? '')}${enumValues}</td></tr>`
            })
            .join('')}</tbody></table>`
        : ''
      const responses = Object.entries(op.responses)
        .map(([status, r]) => `<li><strong>${escapeHtml(status)}</strong> ${escapeHtml(r.description)}</li>`)
        .join('')
      const id = escapeHtml(op.operationId)
      return `<section class="op" id="${id}"><h3><span class="method">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h3><p>${escapeHtml(op.summary)}</p>${op.description ? `<p>${escapeHtml(op.description)}</p>` : ''}${params}<ul>${responses}</ul></section>`
    }),
  )
  const problems = Object.entries(PROBLEM_TYPES)
    .map(([type, text]) => `<dt id="problem-${type}"><code>${type}</code></dt><dd>${escapeHtml(text)}</dd>`)
    .join('')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.info.title)} — API documentation</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1d2733}code{background:#f1f3f5;padding:0 .25em;border-radius:3px}.op{border-top:1px solid #dde;padding:.5rem 0}.method{display:inline-block;min-width:3.5rem;font-size:.8em;background:#0b5394;color:#fff;padding:.1em .4em;border-radius:3px;text-align:center}table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #dde;padding:.25rem .5rem;text-align:left;vertical-align:top}</style>
</head><body>
<main>
<h1>${escapeHtml(document.info.title)} <small>v${escapeHtml(document.info.version)}</small></h1>
<p>${escapeHtml(document.info.description)}</p>
<p>Machine-readable: <a href="/api/v1/openapi.json">OpenAPI 3.1 document</a>.</p>
<h2>Operations</h2>
${operations.join('\n')}
<h2>Problem types</h2>
<p>Errors are <code>application/problem+json</code> with <code>type</code>, <code>title</code>, <code>status</code>, <code>detail</code> and <code>instance</code>.</p>
<dl>${problems}</dl>
</main>
</body></html>
`
}
