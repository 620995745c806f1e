// The delivery HTTP server (Fastify): the /api/v1 resources, the reference HTML pages,
// /sitemap.xml, /health, the OpenAPI document and docs page, and the webhook that invalidates the
// cache. Each route group is a plugin; all share one DeliveryContext.
//
//   const server = await startDeliveryServer({client, port: 0})
//   await fetch(`${server.url}/api/v1/articles`)
//   await server.close()
import http from 'node:http'
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify'
import type { SanityClient } from '@sanity/client'
import { asDeliveryClient } from '../client.js'
import { startPublishListener, type PublishListener } from '../cache/listener.js'
import { ResponseCache } from '../cache/response-cache.js'
import { isSourceUnavailable, SourceHealth } from '../cache/source-health.js'
import { WebhookVerifier } from '../cache/webhook.js'
import { createContentApi, InvalidInputError } from '../content/index.js'
import type { ImageConfig } from '../render/types.js'
import type { DeliveryContext } from './context.js'
import { ALWAYS_HEADERS, PUBLIC_READ_HEADERS, serveFreshHit } from './fast-path.js'
import { buildOpenApiDocument, renderDocsPage, type RouteRecord, type RouteSchema } from './openapi.js'
import { API_PREFIX } from './present.js'
import { securityHeadersHook } from './security-headers.js'
import { problem, PROBLEM_CONTENT_TYPE, type ParameterProblem, type ProblemType } from './problem.js'
import { DEFAULT_CACHE_CONTROL, HTML_CONTENT_TYPE, JSON_CONTENT_TYPE } from './respond.js'
import { articleRoutes } from './routes/articles.js'
import { conditionRoutes } from './routes/conditions.js'
import { healthRoutes } from './routes/health.js'
import { pageRoutes } from './routes/pages.js'
import { searchRoutes } from './routes/search.js'
import { siteRoutes } from './routes/site.js'
import { treatmentRoutes } from './routes/treatments.js'
import { webhookRoutes } from './routes/webhook.js'

export const API_VERSION = '1.0.0'

export interface DeliveryServerOptions {
  /** A client pointed at the lake or hosted project; delivery's settings are applied to a copy. */
  client: SanityClient
  host?: string
  /** Default 3000; 0 picks a free port. */
  port?: number
  /** Public base URL (for absolute links when the clinic has no site URL); default the listen address. */
  publicUrl?: string
  /** Invalidate through the listen stream (default: on unless the client reads hosted Sanity). */
  listen?: boolean
  /** Accept signed Sanity webhooks at /api/v1/webhooks/sanity with this secret. */
  webhookSecret?: string
  /** How far a webhook signature's timestamp may be off (default 5 minutes). */
  webhookToleranceMs?: number
  cacheEntries?: number
  cacheTtlSeconds?: number
  cacheControl?: string
  /** Image source for renderers; default derived from the client (the lake serves images itself). */
  images?: ImageConfig | null
  /** With a cached copy, how long to wait for a slow source before serving the copy stale (default 2000 ms). */
  staleAfterMs?: number
  /** Timeout of the /health probe (default 2000 ms). */
  probeTimeoutMs?: number
  /** Fastify request logging (default off). With logging on, cache hits go through Fastify too (and are logged). */
  logger?: boolean
  /**
   * Answer fresh cache hits from node:http before Fastify (delivery/http/fast-path.ts); default on
   * unless `logger` is on. Only for comparisons: the answers are the same.
   */
  fastHits?: boolean
  /**
   * Origins that may frame the HTML pages (CSP frame-ancestors), e.g. the Studio for its Preview
   * pane; default none. A function is read per answer (the Studio's port may be known later).
   */
  frameAncestors?: readonly string[] | (() => readonly string[])
  /**
   * Registers more route groups on the app (after the built-in ones), e.g. partner syndication's
   * `syndicationRoutes(...).register`; they share the server's CORS and not-found handling.
   */
  extraRoutes?: (app: FastifyInstance) => Promise<void>
}

export interface DeliveryServer {
  url: string
  app: FastifyInstance
  cache: ResponseCache
  health: SourceHealth
  close(): Promise<void>
}

function isHostedSanity(client: SanityClient): boolean {
  const apiHost = client.config().apiHost ?? 'https://api.sanity.io'
  try {
    return /(^|\.)sanity\.io$/.test(new URL(apiHost).hostname)
  } catch {
    return false
  }
}

/** Images: hosted Sanity serves them from its CDN; the local lake at its own address. */
function defaultImages(client: SanityClient): ImageConfig | null {
  const { projectId, dataset, apiHost } = client.config()
  if (!projectId || !dataset) return null
  return isHostedSanity(client) ? { projectId, dataset } : { projectId, dataset, baseUrl: apiHost }
}

interface ValidationIssue {
  instancePath?: string
  message?: string
  keyword?: string
  params?: Record<string, unknown>
}

/** Ajv errors -> one entry per bad parameter, in words: `query.limit: must be <= 50`. */
function parameterProblems(issues: readonly ValidationIssue[], where: string | undefined): ParameterProblem[] {
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
  return issues.map((issue) => {
    const path = (issue.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.')
    const params = issue.params ?? {}
    if (issue.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
      return {
        parameter: `${location}.${params.additionalProperty}`,
        message: 'is not a parameter of this resource: remove it (see /api/docs)',
      }
    }
    if (issue.keyword === 'required' && typeof params.missingProperty === 'string') {
      return { parameter: `${location}.${params.missingProperty}`, message: 'is required' }
    }
    if (issue.keyword === 'enum' && Array.isArray(params.allowedValues)) {
      return { parameter: `${location}.${path}`, message: `must be one of: ${params.allowedValues.join(', ')}` }
    }
    if (issue.keyword === 'pattern') {
      return {
        parameter: `${location}.${path}`,
        message: 'has characters that are not allowed (letters, digits and "-" only)',
      }
    }
    return { parameter: path ? `${location}.${path}` : location, message: issue.message ?? 'is not valid' }
  })
}

const STATUS_PROBLEMS: Record<number, [ProblemType, string]> = {
  404: ['not-found', 'Not found'],
  405: ['method-not-allowed', 'Method not allowed'],
  413: ['payload-too-large', 'Payload too large'],
  415: ['unsupported-media-type', 'Unsupported media type'],
}

/** Builds the Fastify app (not listening). Used by startDeliveryServer and by tests via `inject`. */
export async function buildDeliveryApp(
  options: Omit<DeliveryServerOptions, 'publicUrl'> & { publicUrl: () => string },
) {
  const client = asDeliveryClient(options.client)
  const cacheTtlSeconds = options.cacheTtlSeconds ?? 3600
  const cache = new ResponseCache({ maxEntries: options.cacheEntries ?? 1000, ttlMs: cacheTtlSeconds * 1000 })
  const health = new SourceHealth()
  // Publishes during an outage were not seen: when the source answers again, refetch everything.
  health.onRecovered(() => cache.invalidateAll())
  const context: DeliveryContext = {
    content: createContentApi(client),
    cache,
    health,
    cacheControl: options.cacheControl ?? DEFAULT_CACHE_CONTROL,
    inflight: new Map(),
    staleAfterMs: options.staleAfterMs,
    images: options.images === undefined ? defaultImages(client) : options.images,
    publicUrl: options.publicUrl,
  }

  const frameAncestors = (): readonly string[] =>
    typeof options.frameAncestors === 'function' ? options.frameAncestors() : (options.frameAncestors ?? [])
  const fastHits = options.fastHits ?? !options.logger
  const app = Fastify({
    logger: options.logger ?? false,
    // Cache hits skip Fastify: the server answers them before handing the request over. The
    // server gets the timeouts Fastify would give its own.
    ...(fastHits
      ? {
          serverFactory: (
            handler: http.RequestListener,
            fastifyOptions: { keepAliveTimeout?: number; requestTimeout?: number; connectionTimeout?: number },
          ) => {
            const server = http.createServer((req, res) => {
              if (!serveFreshHit(cache, context.cacheControl, req, res, frameAncestors())) handler(req, res)
            })
            if (typeof fastifyOptions.keepAliveTimeout === 'number')
              server.keepAliveTimeout = fastifyOptions.keepAliveTimeout
            if (typeof fastifyOptions.requestTimeout === 'number') server.requestTimeout = fastifyOptions.requestTimeout
            if (typeof fastifyOptions.connectionTimeout === 'number')
              server.setTimeout(fastifyOptions.connectionTimeout)
            return server
          },
        }
      : {}),
    ajv: { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: true } },
    // Slugs and codes are case-sensitive; trailing slashes are forgiven.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 300 },
  })

  const routes: RouteRecord[] = []
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    for (const method of methods)
      routes.push({ method: String(method), url: route.url, schema: route.schema as RouteSchema | undefined })
  })

  // CORS: the read API is public; any origin may GET it (no credentials).
  // (delivery/http/fast-path.ts sends the same headers on cache hits.)
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS')
      reply.headers(PUBLIC_READ_HEADERS)
    reply.headers(ALWAYS_HEADERS)
    return payload
  })
  // CSP with frame-ancestors, Referrer-Policy, Permissions-Policy on every HTML answer (pages, docs,
  // syndication's embed page, error pages), whichever plugin sent it.
  app.addHook('onSend', securityHeadersHook(frameAncestors))
  app.options('/*', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .code(204)
      .header('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS')
      .header('Access-Control-Allow-Headers', 'If-None-Match, Content-Type')
      .header('Access-Control-Max-Age', '86400')
      .send(),
  )

  app.setErrorHandler((error: FastifyError | InvalidInputError | Error, request, reply) => {
    const send = (status: number, body: ReturnType<typeof problem>) =>
      reply.code(status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body))
    const fastifyError = error as FastifyError
    if (fastifyError.validation) {
      const errors = parameterProblems(
        fastifyError.validation as readonly ValidationIssue[],
        fastifyError.validationContext,
      )
      return send(
        400,
        problem(
          'invalid-parameters',
          400,
          'Invalid parameters',
          errors.map((e) => `${e.parameter} ${e.message}`).join('; '),
          request.url,
          { errors },
        ),
      )
    }
    if (error instanceof InvalidInputError) {
      const errors = [{ parameter: error.parameter, message: `${error.problem}. ${error.fix}` }]
      return send(400, problem('invalid-parameters', 400, 'Invalid parameters', error.message, request.url, { errors }))
    }
    if (isSourceUnavailable(error)) {
      health.recordFailure(error)
      reply.header('Retry-After', '5')
      return send(
        503,
        problem(
          'content-source-unavailable',
          503,
          'Content source unavailable',
          'The Content Lake cannot be reached; retry shortly.',
          request.url,
        ),
      )
    }
    const status = typeof fastifyError.statusCode === 'number' ? fastifyError.statusCode : 500
    if (status >= 400 && status < 500) {
      const [type, title] = STATUS_PROBLEMS[status] ?? ['invalid-parameters', 'Bad request']
      return send(status, problem(type, status, title, error.message, request.url))
    }
    request.log.error(error)
    return send(
      500,
      problem('internal-error', 500, 'Internal error', `The server failed to answer: ${error.message}`, request.url),
    )
  })

  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .type(PROBLEM_CONTENT_TYPE)
      .send(
        JSON.stringify(
          problem(
            'not-found',
            404,
            'Not found',
            `Nothing is served at ${request.method} ${request.url.split('?')[0]}. The API is described at /api/docs.`,
            request.url,
          ),
        ),
      )
  })

  let verifier: WebhookVerifier | null = null
  if (options.webhookSecret)
    verifier = new WebhookVerifier({ secret: options.webhookSecret, toleranceMs: options.webhookToleranceMs })

  await app.register(healthRoutes, { ...context, probeTimeoutMs: options.probeTimeoutMs })
  await app.register(articleRoutes, context)
  await app.register(conditionRoutes, context)
  await app.register(treatmentRoutes, context)
  await app.register(searchRoutes, context)
  await app.register(siteRoutes, context)
  await app.register(pageRoutes, context)
  await app.register(webhookRoutes, { ...context, verifier })
  if (options.extraRoutes) await options.extraRoutes(app)

  let openApi: string | null = null
  const openApiDocument = () =>
    buildOpenApiDocument(routes, {
      title: 'Dynamic Physical Therapy & Wellness content API',
      version: API_VERSION,
      serverUrl: options.publicUrl(),
    })
  app.get(
    `${API_PREFIX}/openapi.json`,
    { schema: { summary: 'This OpenAPI 3.1 document', tags: ['operations'] } },
    async (_request, reply) => {
      openApi ??= JSON.stringify(openApiDocument())
      return reply.type(JSON_CONTENT_TYPE).header('Cache-Control', 'public, max-age=300').send(openApi)
    },
  )
  app.get(
    '/api/docs',
    { schema: { summary: 'API documentation (HTML)', tags: ['operations'] } },
    async (_request, reply) =>
      reply
        .type(HTML_CONTENT_TYPE)
        .header('Cache-Control', 'public, max-age=300')
        .send(renderDocsPage(openApiDocument())),
  )

  return { app, context, client }
}

/** Starts the delivery server; resolves once it listens (and the listen stream is open, when used). */
export async function startDeliveryServer(options: DeliveryServerOptions): Promise<DeliveryServer> {
  let base = options.publicUrl?.replace(/\/+$/, '') ?? ''
  const { app, context, client } = await buildDeliveryApp({ ...options, publicUrl: () => base })
  const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 3000 })
  const url = address.replace('[::1]', 'localhost')
  if (!base) base = url

  let listener: PublishListener | null = null
  if (options.listen ?? !isHostedSanity(client)) {
    listener = startPublishListener({ client, cache: context.cache, health: context.health })
    try {
      await listener.ready(5000)
    } catch (error) {
      // The source may be down at start: serve what can be served; the listener keeps retrying.
      app.log.warn(error)
    }
  }

  return {
    url,
    app,
    cache: context.cache,
    health: context.health,
    async close() {
      listener?.close()
      await app.close()
    },
  }
}
