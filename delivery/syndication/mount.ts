// Mounting syndication on the delivery server, and its configuration from the environment.
//
//   SYNDICATION_TOKEN            token that may read and write the private syndication documents
//                                (default SANITY_API_TOKEN); without one, syndication is not mounted
//   SYNDICATION_WEBSUB_HUB       WebSub hub URL (rel=hub + pings); default none
//   SYNDICATION_RATE_PER_MINUTE  requests per minute per API key (default 120)
//   SYNDICATION_RATE_BURST       burst per API key (default 60)
//   SYNDICATION_FEED_RATE_PER_MINUTE  requests per minute per feed token (default 30)
//   SYNDICATION_PUBLIC_RATE_PER_MINUTE  requests per minute per client address on the public paths
//                                (public feeds, embed, oEmbed, the index) and for failed credentials
//                                (default 120)
//   SYNDICATION_PUBLIC_RATE_BURST  burst per client address (default 60)
//   SYNDICATION_WORKER           `false`: this instance serves requests but does not listen to the
//                                lake or send webhooks (run exactly the workers you want)
//   SYNDICATION_ALLOW_HTTP_WEBHOOKS  `true` to allow plain-http webhook URLs beyond loopback
import type { SanityClient } from '@sanity/client'
import type { FastifyInstance } from 'fastify'
import type { ImageConfig } from '../render/types.js'
import type { DeliveryContext } from '../http/context.js'
import { syndicationApi } from './routes/index.js'
import { createSyndication, type Syndication, type SyndicationOptions } from './service.js'

export class SyndicationConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SyndicationConfigError'
  }
}

type Env = Record<string, string | undefined>

function positive(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim()
  if (!raw) return fallback
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw new SyndicationConfigError(`${name}="${raw}" is not valid: use a whole number of at least 1.`)
  return Number(raw)
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase()
  if (!raw) return fallback
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true
  if (['0', 'false', 'no', 'off'].includes(raw)) return false
  throw new SyndicationConfigError(`${name}="${raw}" is not a boolean: use true or false.`)
}

export interface SyndicationEnvConfig {
  token: string | null
  websubHub: string | null
  rateLimit: { perMinute: number; burst: number }
  feedRateLimit: { perMinute: number }
  publicRateLimit: { perMinute: number; burst: number }
  worker: boolean
  allowInsecureWebhooks: boolean
}

export function syndicationConfigFromEnv(env: Env = process.env): SyndicationEnvConfig {
  const hub = env.SYNDICATION_WEBSUB_HUB?.trim() || null
  if (hub) {
    let url: URL | null = null
    try {
      url = new URL(hub)
    } catch {
      url = null
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      throw new SyndicationConfigError(
        `SYNDICATION_WEBSUB_HUB="${hub}" is not an http(s) URL, e.g. https://pubsubhubbub.appspot.com/`,
      )
    }
  }
  return {
    token: env.SYNDICATION_TOKEN?.trim() || env.SANITY_API_TOKEN?.trim() || null,
    websubHub: hub,
    rateLimit: {
      perMinute: positive(env, 'SYNDICATION_RATE_PER_MINUTE', 120),
      burst: positive(env, 'SYNDICATION_RATE_BURST', 60),
    },
    feedRateLimit: { perMinute: positive(env, 'SYNDICATION_FEED_RATE_PER_MINUTE', 30) },
    publicRateLimit: {
      perMinute: positive(env, 'SYNDICATION_PUBLIC_RATE_PER_MINUTE', 120),
      burst: positive(env, 'SYNDICATION_PUBLIC_RATE_BURST', 60),
    },
    worker: flag(env, 'SYNDICATION_WORKER', true),
    allowInsecureWebhooks: flag(env, 'SYNDICATION_ALLOW_HTTP_WEBHOOKS', false),
  }
}

export interface MountOptions extends Omit<SyndicationOptions, 'client'> {
  /** A client for the content source; it is given `token` (server-side; never sent to browsers). */
  client: SanityClient
  token: string
  /** Start the listener, timers and webhook dispatcher in this instance (default true). */
  worker?: boolean
}

/**
 * Returns the function the delivery server calls with its Fastify app (`extraRoutes`): registers
 * the /syndication/v1 and /feeds routes and, when `worker`, starts the background work; the app's
 * close stops it.
 */
export function syndicationRoutes(options: MountOptions): {
  register: (app: FastifyInstance, context: DeliveryContext) => Promise<void>
  syndication: Syndication
} {
  const { token, worker = true, client, ...rest } = options
  const syndication = createSyndication({
    ...rest,
    client: client.withConfig({ token, useCdn: false, perspective: 'raw' }),
  })
  return {
    syndication,
    register: async (app, context) => {
      await app.register(syndicationApi, { syndication, responses: context })
      // Reconcile on the same change signal the response cache follows.
      syndication.followChanges(context.changes)
      app.addHook('onReady', async () => {
        if (worker) syndication.start()
      })
      app.addHook('onClose', async () => {
        await syndication.stop()
      })
    },
  }
}

/** Where images are served from: hosted Sanity's CDN, or the local lake itself (same rule as the delivery server). */
export function imagesFor(client: SanityClient): ImageConfig | null {
  const { projectId, dataset, apiHost } = client.config()
  if (!projectId || !dataset) return null
  let hosted = true
  try {
    hosted = /(^|\.)sanity\.io$/.test(new URL(apiHost ?? 'https://api.sanity.io').hostname)
  } catch {
    hosted = true
  }
  return hosted ? { projectId, dataset } : { projectId, dataset, baseUrl: apiHost }
}

/** From the environment: the `extraRoutes` for startDeliveryServer, or null (and why) without a token. */
export function syndicationRoutesFromEnv(
  client: SanityClient,
  publicUrl: () => string,
  images: ImageConfig | null | undefined,
  env: Env = process.env,
):
  | { register: (app: FastifyInstance, context: DeliveryContext) => Promise<void>; syndication: Syndication }
  | { register: null; reason: string } {
  const config = syndicationConfigFromEnv(env)
  if (!config.token) {
    return {
      register: null,
      reason: 'no SYNDICATION_TOKEN or SANITY_API_TOKEN: partner syndication (/syndication/v1, /feeds) is off',
    }
  }
  return syndicationRoutes({
    client,
    token: config.token,
    publicUrl,
    images: images === undefined ? imagesFor(client) : images,
    websubHub: config.websubHub,
    rateLimit: config.rateLimit,
    feedRateLimit: config.feedRateLimit,
    publicRateLimit: config.publicRateLimit,
    worker: config.worker,
    webhooks: { allowInsecureUrls: config.allowInsecureWebhooks },
  })
}
