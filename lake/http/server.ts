import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify'
import http from 'node:http'
import type { Duplex } from 'node:stream'
import http2 from 'node:http2'
import type { AddressInfo } from 'node:net'
import { ANONYMOUS, type Identity } from '../auth/index.js'
import { LakeError } from '../errors.js'
import { invalidDatasetReason } from '../ids.js'
import type { LakeContext, RouteOptions } from './context.js'
import { parseApiVersion } from './util.js'
import accountRoutes from './routes/account.js'
import addonRoutes from './routes/addons.js'
import actionRoutes from './routes/actions.js'
import { authApiRoutes, loginPageRoutes } from './routes/auth.js'
import dataRoutes from './routes/data.js'
import exportRoutes from './routes/export.js'
import historyRoutes from './routes/history.js'
import homeRoutes from './routes/home.js'
import listenRoutes from './routes/listen.js'
import liveRoutes from './routes/live.js'
import referenceRoutes from './routes/references.js'
import releaseRoutes from './routes/releases.js'
import { PresenceHub } from './routes/socket.js'
import studioServiceRoutes from './routes/studio-services.js'
import assetRoutes from './routes/assets.js'

/**
 * Route groups, each a Fastify plugin mounted under `/:apiVersion` (`/v2025-02-19`, `/vX`, `/v1`).
 * To add a group (assets), write `routes/<name>.ts` exporting a `FastifyPluginAsync<RouteOptions>`
 * and list it here.
 */
export const ROUTE_GROUPS: Array<FastifyPluginAsync<RouteOptions>> = [
  dataRoutes,
  listenRoutes,
  liveRoutes,
  actionRoutes,
  historyRoutes,
  exportRoutes,
  accountRoutes,
  authApiRoutes,
  referenceRoutes,
  studioServiceRoutes,
  addonRoutes,
  releaseRoutes,
]

/**
 * Routes whose request may create the dataset it names: writes. Each checks that the caller may
 * write before it touches the store, so an anonymous or read-only caller gets 401/403 and nothing
 * is created. Every other route answers 404 `datasetNotFound` for a dataset that does not exist,
 * as hosted Sanity does: a read never creates one (each would be kept in memory and polled for
 * the life of the process).
 */
const DATASET_CREATING_ROUTES = new Set([
  'POST /:apiVersion/data/mutate/:dataset',
  'POST /:apiVersion/data/actions/:dataset',
  'POST /:apiVersion/assets/images/:dataset',
  'POST /:apiVersion/assets/files/:dataset',
  'PUT /:apiVersion/datasets/:dataset',
])

export interface LakeServers {
  app: FastifyInstance
  httpServer: http.Server
  httpsServer: http2.Http2SecureServer | undefined
}

function isLoopbackOrigin(origin: string): boolean {
  try {
    const url = new URL(origin)
    return (
      url.hostname === 'localhost' ||
      url.hostname.endsWith('.localhost') ||
      url.hostname === '127.0.0.1' ||
      url.hostname === '[::1]'
    )
  } catch {
    return false
  }
}

/**
 * Builds the Fastify app and the two servers feeding it: plain HTTP/1.1 (Node clients) and, when
 * `tls` is given, HTTPS with HTTP/2 and HTTP/1.1 fallback (browsers; the Studio needs HTTP/2).
 */
/** Request line and headers together; a longer GET query belongs in a POST body. */
const MAX_HEADER_BYTES = 64 * 1024

/**
 * Node answers a request it cannot parse with a bare status line; say what was wrong instead, in
 * the lake's error shape. A GROQ query too long for a URL is the usual cause.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy()
    return
  }
  const tooLong = error.code === 'HPE_HEADER_OVERFLOW'
  const status = tooLong ? '431 Request Header Fields Too Large' : '400 Bad Request'
  const body = JSON.stringify(
    new LakeError(
      tooLong ? 431 : 400,
      tooLong ? 'requestHeaderFieldsTooLarge' : 'httpBadRequest',
      tooLong
        ? `The request line and headers are over ${MAX_HEADER_BYTES} bytes: send a long GROQ query as POST /data/query/<dataset> with a JSON body {"query": ..., "params": ...}`
        : 'The request could not be parsed as HTTP/1.1',
    ).toBody(),
  )
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  )
}

export async function buildServers(
  ctx: LakeContext,
  tls?: { key: string; cert: string },
  extraRoutes: Array<FastifyPluginAsync<RouteOptions>> = [],
): Promise<LakeServers> {
  let httpServer: http.Server | undefined
  let httpsServer: http2.Http2SecureServer | undefined
  const app = Fastify({
    bodyLimit: ctx.config.bodyLimit,
    logger: false,
    // Ids and GROQ can be long: allow long URLs, like Sanity's 16 KB query strings.
    routerOptions: { maxParamLength: 16_384 },
    serverFactory: (handler) => {
      httpServer = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, handler)
      httpServer.on('clientError', answerClientError)
      if (tls) {
        httpsServer = http2.createSecureServer(
          { ...tls, allowHTTP1: true },
          handler as unknown as (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void,
        )
      }
      return httpServer
    },
  })

  const identities = new WeakMap<FastifyRequest, Identity>()
  app.decorateRequest('identity', {
    getter(this: FastifyRequest): Identity {
      return identities.get(this) ?? ANONYMOUS
    },
    setter(this: FastifyRequest, value: Identity): void {
      identities.set(this, value)
    },
  })

  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin
    if (origin && (isLoopbackOrigin(origin) || ctx.config.corsOrigins.includes(origin))) {
      reply.header('access-control-allow-origin', origin)
      reply.header('access-control-allow-credentials', 'true')
      reply.header('vary', 'Origin')
      reply.header('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS')
      reply.header(
        'access-control-allow-headers',
        request.headers['access-control-request-headers'] ?? 'authorization, content-type',
      )
      reply.header('access-control-expose-headers', 'x-sanity-shard, content-type')
      reply.header('access-control-max-age', '600')
    }
    request.identity = ANONYMOUS
    if (request.method === 'OPTIONS') return reply.code(204).send()
    request.identity = ctx.accounts.identify(request.headers.authorization)
    const dataset = (request.params as Record<string, unknown> | undefined)?.dataset
    // Add-on datasets (comments, tasks) are private, like drafts: nothing in them for anonymous callers.
    // (The Studio's latency probe, `/data/ping/<dataset>`, is sent without credentials and says nothing.)
    if (
      typeof dataset === 'string' &&
      request.identity.kind === 'anonymous' &&
      ctx.addons.isAddon(dataset) &&
      !request.routeOptions.url?.endsWith('/data/ping/:dataset')
    ) {
      throw new LakeError(
        401,
        'unauthorizedError',
        `Dataset "${dataset}" holds the Studio's comments and tasks and is private: send "Authorization: Bearer <token>" (sign in to the Studio, or \`npm run lake -- create-token\`)`,
      )
    }
    if (
      typeof dataset === 'string' &&
      invalidDatasetReason(dataset) === undefined &&
      !DATASET_CREATING_ROUTES.has(`${request.method} ${request.routeOptions.url ?? ''}`) &&
      !ctx.store.hasDataset(dataset)
    ) {
      throw new LakeError(
        404,
        'datasetNotFound',
        `Dataset "${dataset}" not found for project ID "${ctx.config.projectId}": check the dataset name (an editor's first write, or \`npm run import\`, creates a dataset)`,
      )
    }
  })

  app.setErrorHandler((error: FastifyError | LakeError | Error, _request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof LakeError) return reply.code(error.statusCode).headers(error.headers).send(error.toBody())
    const fe = error as FastifyError
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply
        .code(413)
        .send(
          new LakeError(
            413,
            'requestEntityTooLarge',
            `the request body is larger than the limit of ${ctx.config.bodyLimit} bytes: split the mutations into several transactions (or raise LAKE_BODY_LIMIT)`,
          ).toBody(),
        )
    }
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply
        .code(415)
        .send(
          new LakeError(
            415,
            'unsupportedMediaType',
            `content type "${_request.headers['content-type'] ?? ''}" is not supported: send JSON with "Content-Type: application/json"`,
          ).toBody(),
        )
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      const invalidJson =
        fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
        error instanceof SyntaxError ||
        fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
      const description = invalidJson ? `the request body is not valid JSON: ${error.message}` : error.message
      return reply
        .code(fe.statusCode)
        .send(new LakeError(fe.statusCode, invalidJson ? 'invalidJsonError' : 'httpBadRequest', description).toBody())
    }
    console.error('lake: internal error', error)
    return reply.code(500).send(new LakeError(500, 'internalError', `internal error: ${error.message}`).toBody())
  })

  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .send(
        new LakeError(
          404,
          'notFoundError',
          `no such endpoint: ${request.method} ${request.url.split('?')[0]} (paths look like /v2025-02-19/data/query/<dataset>)`,
        ).toBody(),
      )
  })

  await app.register(
    async (versioned) => {
      versioned.addHook('onRequest', async (request) => {
        const segment = (request.params as Record<string, string | undefined>).apiVersion ?? ''
        if (parseApiVersion(segment) === undefined) {
          throw new LakeError(
            404,
            'notFoundError',
            `"/${segment}" is not an API version: paths start with /v<YYYY-MM-DD>, /vX or /v1`,
          )
        }
      })
      for (const group of [...ROUTE_GROUPS, ...extraRoutes]) await versioned.register(group, { ctx })
    },
    { prefix: '/:apiVersion' },
  )
  // Assets: uploads under /v<date>/assets/..., originals and image variants at /images/... and /files/... (no version segment).
  await app.register(assetRoutes, {
    ctx,
    httpsPort: () => {
      const address = httpsServer?.listening ? httpsServer.address() : null
      return address && typeof address === 'object' ? address.port : undefined
    },
  })
  app.get('/ping', async (_request, reply) => reply.type('text/plain').send('PONG'))
  await app.register(homeRoutes, { ctx })
  await app.register(loginPageRoutes, { ctx })

  // The Studio's presence socket is a WebSocket: an HTTP/1.1 upgrade on either listener (a browser
  // opens it on an HTTP/1.1 connection of its own, as the HTTP/2 listener does not offer
  // extended CONNECT).
  const presence = new PresenceHub(ctx, (origin) => isLoopbackOrigin(origin) || ctx.config.corsOrigins.includes(origin))
  app.addHook('preClose', async () => presence.closeAll())

  await app.ready()
  if (!httpServer) throw new Error('lake: the HTTP server was not created')
  for (const server of [httpServer, httpsServer]) {
    server?.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) =>
      presence.handleUpgrade(request, socket, head),
    )
  }
  return { app, httpServer, httpsServer }
}

export function listen(server: http.Server | http2.Http2SecureServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}
