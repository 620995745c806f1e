// Delivery configuration from environment variables, validated once at start-up so a typo fails
// loudly with the variable's name and how to fix it, instead of surfacing as a confusing request
// error later.
//
//   SANITY_PROJECT_ID     hosted Sanity project id; when set, delivery reads the hosted Content Lake
//   SANITY_DATASET        dataset name (default `production`)
//   SANITY_API_TOKEN      optional read token (server-side only; never sent to browsers)
//   SANITY_USE_CDN        `false` to bypass the API CDN for hosted reads (default on without a token)
//   SANITY_WEBHOOK_SECRET secret of the GROQ-powered webhook that invalidates the cache (hosted)
//   LAKE_URL              the local lake's plain-HTTP address (default http://127.0.0.1:3333),
//                         used when SANITY_PROJECT_ID is not set
//   DELIVERY_HOST         interface to listen on (default 127.0.0.1)
//   DELIVERY_PORT         port to listen on (default 3000; 0 = any free port)
//   DELIVERY_PUBLIC_URL   the public base URL of the API (default http://<host>:<port>)
//   DELIVERY_CACHE_ENTRIES  response cache size in entries (default 1000)
//   DELIVERY_CACHE_MAX_MB   upper bound of the cached bodies' estimated size in MiB (default 64)
//   DELIVERY_CACHE_GRACE_MS for how long after a publish the previous copy of a response it touched
//                         may be answered while the refresh runs (default 0; at most 500)
//   DELIVERY_CACHE_TTL_SECONDS  how long a cached response is fresh without an invalidation
//                         signal (default 60 hosted without webhook or stream, else 3600)
//   DELIVERY_INVALIDATION how cached responses learn of changes: `tags` (the Live Content API:
//                         only the responses whose sync tags changed; default for the local lake),
//                         `flush` (the listen API: every publish flushes the cache) or `none` (no
//                         stream: a webhook or the TTL; default for a hosted project)
//   DELIVERY_PREVIEW_SECRET  key that signs preview session cookies (at least 32 characters); default a
//                         random key per process (a restart ends every preview session)
//   DELIVERY_STUDIO_URL   the Studio workspace URL stega in preview pages links to, e.g.
//                         https://clinic.sanity.studio/production (default the secret's Studio origin)

export const DEFAULT_DATASET = 'production'
export const DEFAULT_LAKE_URL = 'http://127.0.0.1:3333'
export const DEFAULT_DELIVERY_HOST = '127.0.0.1'
export const DEFAULT_DELIVERY_PORT = 3000

/** Where content comes from: the local lake, or a hosted Sanity project. */
export type ContentSourceConfig =
  | { kind: 'local'; lakeUrl: string; dataset: string; token?: string }
  | { kind: 'hosted'; projectId: string; dataset: string; token?: string; useCdn: boolean }

export interface DeliveryConfig {
  source: ContentSourceConfig
  host: string
  port: number
  publicUrl?: string
  webhookSecret?: string
  cacheEntries: number
  cacheMaxBytes: number
  cacheGraceMs: number
  cacheTtlSeconds: number
  /** The change stream: Live Content API (`tags`), listen API (`flush`), or none (webhook / TTL). */
  invalidation: 'tags' | 'flush' | 'none'
  /** HMAC key of preview session cookies (default random per process). */
  previewSecret?: string
  /** Where stega in preview pages links to (default the Studio origin the preview secret names). */
  studioUrl?: string
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

type Env = Record<string, string | undefined>

function nonEmpty(env: Env, name: string): string | undefined {
  const value = env[name]?.trim()
  return value ? value : undefined
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = nonEmpty(env, name)
  if (raw === undefined) return fallback
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name}="${raw}" is not valid: use a whole number from ${min} to ${max}.`)
  }
  return Number(raw)
}

function httpUrl(env: Env, name: string, fallback: string): string {
  const raw = nonEmpty(env, name) ?? fallback
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ConfigError(`${name}="${raw}" is not a URL: use e.g. ${fallback}.`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name}="${raw}" must be an http: or https: URL, e.g. ${fallback}.`)
  }
  return raw.replace(/\/+$/, '')
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = nonEmpty(env, name)?.toLowerCase()
  if (raw === undefined) return fallback
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true
  if (['0', 'false', 'no', 'off'].includes(raw)) return false
  throw new ConfigError(`${name}="${raw}" is not a boolean: use true or false.`)
}

/** Reads and validates the delivery configuration (throws a ConfigError naming the variable). */
export function loadDeliveryConfig(env: Env = process.env): DeliveryConfig {
  const dataset = nonEmpty(env, 'SANITY_DATASET') ?? DEFAULT_DATASET
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(dataset)) {
    throw new ConfigError(
      `SANITY_DATASET="${dataset}" is not a valid dataset name: use lowercase letters, digits, "_" and "-" (at most 64).`,
    )
  }
  const projectId = nonEmpty(env, 'SANITY_PROJECT_ID')
  const token = nonEmpty(env, 'SANITY_API_TOKEN')
  let source: ContentSourceConfig
  if (projectId) {
    if (!/^[a-z0-9-]+$/.test(projectId)) {
      throw new ConfigError(
        `SANITY_PROJECT_ID="${projectId}" is not a valid project id: it has lowercase letters, digits and "-" (see sanity.io/manage).`,
      )
    }
    source = { kind: 'hosted', projectId, dataset, token, useCdn: bool(env, 'SANITY_USE_CDN', true) }
  } else {
    source = { kind: 'local', lakeUrl: httpUrl(env, 'LAKE_URL', DEFAULT_LAKE_URL), dataset, token }
  }
  const webhookSecret = nonEmpty(env, 'SANITY_WEBHOOK_SECRET')
  const invalidationRaw = nonEmpty(env, 'DELIVERY_INVALIDATION')?.toLowerCase()
  if (invalidationRaw !== undefined && !['tags', 'flush', 'none'].includes(invalidationRaw)) {
    throw new ConfigError(
      `DELIVERY_INVALIDATION="${invalidationRaw}" is not valid: use tags (Live Content API), flush (listen API) or none (webhook or TTL only).`,
    )
  }
  const invalidation = (invalidationRaw ??
    (source.kind === 'local' ? 'tags' : 'none')) as DeliveryConfig['invalidation']
  const hasPushInvalidation = invalidation !== 'none' || webhookSecret !== undefined
  const publicUrl = nonEmpty(env, 'DELIVERY_PUBLIC_URL')
  const previewSecret = nonEmpty(env, 'DELIVERY_PREVIEW_SECRET')
  if (previewSecret !== undefined && previewSecret.length < 32)
    throw new ConfigError(
      `DELIVERY_PREVIEW_SECRET is ${previewSecret.length} characters long: use at least 32 random characters (e.g. the output of \`openssl rand -base64 32\`), or leave it unset for a random key per process.`,
    )
  const studioUrl = nonEmpty(env, 'DELIVERY_STUDIO_URL')
  return {
    source,
    host: nonEmpty(env, 'DELIVERY_HOST') ?? DEFAULT_DELIVERY_HOST,
    port: integer(env, 'DELIVERY_PORT', DEFAULT_DELIVERY_PORT, 0, 65535),
    publicUrl: publicUrl ? httpUrl(env, 'DELIVERY_PUBLIC_URL', 'https://clinic.example') : undefined,
    webhookSecret,
    cacheEntries: integer(env, 'DELIVERY_CACHE_ENTRIES', 1000, 1, 1_000_000),
    cacheMaxBytes: integer(env, 'DELIVERY_CACHE_MAX_MB', 64, 1, 65_536) * 1024 * 1024,
    cacheGraceMs: integer(env, 'DELIVERY_CACHE_GRACE_MS', 0, 0, 500),
    cacheTtlSeconds: integer(env, 'DELIVERY_CACHE_TTL_SECONDS', hasPushInvalidation ? 3600 : 60, 1, 86_400 * 7),
    invalidation,
    previewSecret,
    studioUrl: studioUrl ? httpUrl(env, 'DELIVERY_STUDIO_URL', 'https://clinic.sanity.studio/production') : undefined,
  }
}
