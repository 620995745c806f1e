// The delivery HTTP server (Fastify): the /api/v1 resources, the reference HTML pages,
// /sitemap.xml, /health, the OpenAPI document and docs page, and the webhook that invalidates the
// cache. Each route group is a plugin; all share one DeliveryContext.
//
//   const server = await startDeliveryServer({client, port: 0})
//   await fetch(`${server.url}/api/v1/articles`)
//   await server.close()
import http from 'node:http'
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import type { SanityClient } from '@sanity/client'
import { asDeliveryClient } from '../client.js'
import { applyToCache, ChangeFeed } from '../cache/changes.js'
import { startLiveInvalidation } from '../cache/live-events.js'
import { startPublishListener, type PublishListener } from '../cache/listener.js'
import { ResponseCache } from '../cache/response-cache.js'
import { SourceHealth } from '../cache/source-health.js'
import { WebhookVerifier } from '../cache/webhook.js'
import { createContentApi } from '../content/index.js'
import type { ImageConfig } from '../render/types.js'
import type { DeliveryContext } from './context.js'
import { ALWAYS_HEADERS, PUBLIC_READ_HEADERS, serveFreshHit } from './fast-path.js'
import type { RouteRecord, RouteSchema } from './openapi.js'
import { API_PREFIX } from './present.js'
import { notFoundHandler, problemErrorHandler } from './errors.js'
import { DEFAULT_CACHE_CONTROL } from './respond.js'
import { articleRoutes } from './routes/articles/index.js'
import { clinicRoutes } from './routes/clinic/index.js'
import { conditionRoutes } from './routes/conditions/index.js'
import { docsRoutes } from './routes/docs/index.js'
import { faqRoutes } from './routes/faqs/index.js'
import { healthRoutes } from './routes/health/index.js'
import { icd10Routes } from './routes/icd10/index.js'
import { pageRoutes } from './routes/pages/index.js'
import { searchRoutes } from './routes/search/index.js'
import { sitemapRoutes } from './routes/sitemap/index.js'
import { sitemapXmlRoutes } from './routes/sitemap-xml/index.js'
import { treatmentRoutes } from './routes/treatments/index.js'
import { webhookRoutes } from './routes/webhooks/index.js'
import { fhirRoutes } from './routes/fhir/index.js'
import { infobuttonRoutes } from './routes/infobutton/index.js'
import { ehrAccessFromEnv, type EhrAccess } from '../ehr/access.js'
import { securityHeadersHook } from './security-headers.js'
import { hasPreviewCookie, PreviewSessions } from './preview-session.js'
import { draftModeRoutes } from './routes/draft-mode/index.js'

export const API_VERSION = '1.0.0'

export interface DeliveryServerOptions {
  /** A client pointed at the lake or hosted project; delivery's settings are applied to a copy. */
  client: SanityClient
  host?: string
  /** Default 3000; 0 picks a free port. */
  port?: number
  /** Public base URL (for absolute links when the clinic has no site URL); default the listen address. */
  publicUrl?: string
  /** Invalidate through a change stream (default: on unless the client reads hosted Sanity). */
  listen?: boolean
  /**
   * With `listen`: `tags` (default) follows the Live Content API and invalidates only the cached
   * responses whose sync tags changed (falling back to `flush` when it is unavailable); `flush`
   * follows the listen API and flushes the whole cache on every publish.
   */
  invalidation?: 'tags' | 'flush'
  /** Accept signed Sanity webhooks at /api/v1/webhooks/sanity with this secret. */
  webhookSecret?: string
  /** How far a webhook signature's timestamp may be off (default 5 minutes). */
  webhookToleranceMs?: number
  cacheEntries?: number
  /** Upper bound of the cached bodies' estimated size (default 64 MiB; see ResponseCache). */
  cacheMaxBytes?: number
  /**
   * For how long after a publish made a cached response stale its previous copy may be answered
   * (`X-Cache: UPDATING`) while the refresh runs (default 0: never; at most a few hundred ms, the
   * rest of the second a publish may take to show is the change event's). See ResponseCache.
   */
  cacheGraceMs?: number
  cacheTtlSeconds?: number
  cacheControl?: string
  /** Image source for renderers; default derived from the client (the lake serves images itself). */
  images?: ImageConfig | null
  /** With a cached copy, how long to wait for a slow source before serving the copy stale (default 2000 ms). */
  staleAfterMs?: number
  /** Timeout of the /health probe (default 2000 ms). */
  probeTimeoutMs?: number
  /**
   * Where unexpected errors (answered 500 without their text) are reported; default the request
   * logger when `logger` is on, else stderr.
   */
  logError?: (error: unknown, request: FastifyRequest) => void
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
   * `syndicationRoutes(...).register`; they share the server's CORS, error and not-found handling
   * and its response cache (the context).
   */
  extraRoutes?: (app: FastifyInstance, context: DeliveryContext) => Promise<void>
  /**
   * Who may call the EHR interfaces (/infobutton, /fhir/r4): open, or partners with an API key.
   * Default: from EHR_ACCESS (delivery/ehr/access.ts), open when unset.
   */
  ehr?: EhrAccess
  /**
   * Preview sessions for the Studio's Presentation tool (`/api/draft-mode/enable`, docs/preview.md).
   * `token`: the server-side read token that checks preview URL secrets and reads drafts
   * (SANITY_API_TOKEN; default the client's own token; without one the enable route answers 503).
   * `studioUrl`: where stega links to (default the Studio origin named in the secret).
   * `sessionSecret`: HMAC key of the session cookies (DELIVERY_PREVIEW_SECRET; default random per
   * process, so a restart ends every session).
   */
  preview?: {
    token?: string
    studioUrl?: string | (() => string | null | undefined)
    sessionSecret?: string
  }
}

export interface DeliveryServer {
  url: string
  app: FastifyInstance
  cache: ResponseCache
  health: SourceHealth
  /** Every change the server learns of (stream, webhook, recovery), as applied to the cache. */
  changes: ChangeFeed
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

/** Builds the Fastify app (not listening). Used by startDeliveryServer and by tests via `inject`. */
export async function buildDeliveryApp(
  options: Omit<DeliveryServerOptions, 'publicUrl'> & { publicUrl: () => string },
) {
  const client = asDeliveryClient(options.client)
  const cacheTtlSeconds = options.cacheTtlSeconds ?? 3600
  const cache = new ResponseCache({
    maxEntries: options.cacheEntries ?? 1000,
    maxBytes: options.cacheMaxBytes,
    ttlMs: cacheTtlSeconds * 1000,
    graceMs: options.cacheGraceMs ?? 0,
  })
  const health = new SourceHealth()
  const changes = new ChangeFeed()
  changes.subscribe(applyToCache(cache))
  // Publishes during an outage were not seen: when the source answers again, refetch everything.
  // Not needed while a change stream stayed connected through it (a query that timed out under
  // load is not an outage of the stream): a stream that dropped flushed on its own reconnect.
  const streaming = { inUse: false }
  health.onRecovered(() => {
    if (!(streaming.inUse && cache.live && health.report().listener === 'connected'))
      changes.emit({ kind: 'all', reason: 'recovered' })
  })
  const context: DeliveryContext = {
    changes,
    content: createContentApi(client, { fallbackSiteUrl: options.publicUrl }),
    cache,
    health,
    cacheControl: options.cacheControl ?? DEFAULT_CACHE_CONTROL,
    inflight: new Map(),
    staleAfterMs: options.staleAfterMs,
    images: options.images === undefined ? defaultImages(client) : options.images,
    publicUrl: options.publicUrl,
    previewMode: {
      sessions: new PreviewSessions(options.preview?.sessionSecret),
      token: options.preview?.token ?? options.client.config().token,
      studioUrl: () => {
        const studioUrl = options.preview?.studioUrl
        return typeof studioUrl === 'function' ? studioUrl() : studioUrl
      },
    },
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
              // A preview session is never answered from the cache (nor is a stale cookie cleared there).
              if (
                hasPreviewCookie(req.headers.cookie) ||
                !serveFreshHit(cache, context.cacheControl, req, res, frameAncestors())
              )
                handler(req, res)
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
    // `verbose`: errors carry the failing schema and value, so messages can state the whole rule.
    ajv: { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: true, verbose: true } },
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
      .header('Access-Control-Allow-Headers', 'If-None-Match, Content-Type, Authorization')
      .header('Access-Control-Max-Age', '86400')
      .send(),
  )

  // One error handler and one not-found handler for every route, syndication's included.
  app.setErrorHandler(problemErrorHandler({ health, logError: options.logError }))
  app.setNotFoundHandler(notFoundHandler)

  let verifier: WebhookVerifier | null = null
  if (options.webhookSecret)
    verifier = new WebhookVerifier({ secret: options.webhookSecret, toleranceMs: options.webhookToleranceMs })

  // One plugin per resource folder (routes/<resource>/index.ts); the path prefix is given here.
  await app.register(healthRoutes, { context, probeTimeoutMs: options.probeTimeoutMs, prefix: '/health' })
  await app.register(articleRoutes, { context, prefix: `${API_PREFIX}/articles` })
  await app.register(conditionRoutes, { context, prefix: `${API_PREFIX}/conditions` })
  await app.register(icd10Routes, { context, prefix: `${API_PREFIX}/icd10` })
  await app.register(treatmentRoutes, { context, prefix: `${API_PREFIX}/treatments` })
  await app.register(faqRoutes, { context, prefix: `${API_PREFIX}/faqs` })
  await app.register(searchRoutes, { context, prefix: `${API_PREFIX}/search` })
  await app.register(clinicRoutes, { context, prefix: `${API_PREFIX}/clinic` })
  await app.register(sitemapRoutes, { context, prefix: `${API_PREFIX}/sitemap` })
  await app.register(sitemapXmlRoutes, { context })
  await app.register(pageRoutes, { context })
  await app.register(draftModeRoutes, { context, prefix: '/api/draft-mode' })
  await app.register(webhookRoutes, { context, verifier, prefix: `${API_PREFIX}/webhooks` })
  const ehrAccess = options.ehr ?? ehrAccessFromEnv(options.client)
  await app.register(infobuttonRoutes, { context, client, access: ehrAccess, prefix: '/infobutton' })
  await app.register(fhirRoutes, { context, client, access: ehrAccess, prefix: '/fhir/r4' })
  if (options.extraRoutes) await options.extraRoutes(app, context)

  await app.register(docsRoutes, {
    routes,
    info: () => ({
      title: 'Dynamic Physical Therapy & Wellness content API',
      version: API_VERSION,
      serverUrl: options.publicUrl(),
    }),
  })

  return { app, context, client, streaming }
}

/** Starts the delivery server; resolves once it listens (and the listen stream is open, when used). */
export async function startDeliveryServer(options: DeliveryServerOptions): Promise<DeliveryServer> {
  let base = options.publicUrl?.replace(/\/+$/, '') ?? ''
  const { app, context, client, streaming } = await buildDeliveryApp({ ...options, publicUrl: () => base })
  const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 3000 })
  const url = address.replace('[::1]', 'localhost')
  if (!base) base = url

  let listener: PublishListener | null = null
  if (options.listen ?? !isHostedSanity(client)) {
    const streams = { client, cache: context.cache, health: context.health, changes: context.changes }
    listener = options.invalidation === 'flush' ? startPublishListener(streams) : startLiveInvalidation(streams)
    streaming.inUse = true
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
    changes: context.changes,
    async close() {
      listener?.close()
      await app.close()
    },
  }
}
