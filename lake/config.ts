import path from 'node:path'
import { queryBudgetFromEnv, type QueryBudgetConfig } from './query/budget.js'
import { DEFAULT_LOGIN_LIMITS, type LoginThrottleLimits } from './auth/throttle.js'

/** How a lake is configured. Every field has an env var (see README "Local Content Lake"). */
export interface LakeConfig {
  /** `LAKE_DATA_DIR` (.data): SQLite database and TLS material. */
  dataDir: string
  /** `LAKE_HOST` (127.0.0.1). */
  host: string
  /** `LAKE_HTTP_PORT` (3333); 0 = any free port. */
  httpPort: number
  /** `LAKE_HTTPS_PORT` (3334); 0 = any free port; -1 = no HTTPS listener. */
  httpsPort: number
  /** `LAKE_PROJECT_ID` (local). */
  projectId: string
  /** `LAKE_DATASET` (production): the default dataset (others are created on first use). */
  dataset: string
  /** `LAKE_BODY_LIMIT` bytes (4 MiB, Sanity's mutation limit): larger bodies answer 413. */
  bodyLimit: number
  /** `LAKE_CORS_ORIGINS`: comma-separated extra allowed origins; loopback origins are always allowed. */
  corsOrigins: string[]
  /** `LAKE_KEEPALIVE_MS` (30000): interval of keep-alive comments on listener streams. */
  keepAliveMs: number
  /** `LAKE_LIVE_MAX_CONNECTIONS` (1000): open live event streams; past it a new one gets `goaway`. */
  liveMaxConnections: number
  /** `LAKE_QUERY_*`: what one query may cost (lake/query/budget.ts, docs/lake.md "Query limits"). */
  query: QueryBudgetConfig
  /** Sign-in throttling (`LAKE_LOGIN_MAX_FAILURES_ACCOUNT` 10, `..._ADDRESS` 30, `LAKE_LOGIN_WINDOW_SECONDS` 900): see auth/throttle.ts. */
  login: LoginThrottleLimits
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value)) throw new Error(`${name}="${raw}" is not an integer`)
  return value
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): LakeConfig {
  return {
    dataDir: path.resolve(env.LAKE_DATA_DIR || '.data'),
    host: env.LAKE_HOST || '127.0.0.1',
    httpPort: intFromEnv(env, 'LAKE_HTTP_PORT', 3333),
    httpsPort: intFromEnv(env, 'LAKE_HTTPS_PORT', 3334),
    projectId: env.LAKE_PROJECT_ID || 'local',
    dataset: env.LAKE_DATASET || 'production',
    bodyLimit: intFromEnv(env, 'LAKE_BODY_LIMIT', 4 * 1024 * 1024),
    corsOrigins: (env.LAKE_CORS_ORIGINS || '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    keepAliveMs: intFromEnv(env, 'LAKE_KEEPALIVE_MS', 30_000),
    liveMaxConnections: intFromEnv(env, 'LAKE_LIVE_MAX_CONNECTIONS', 1000),
    query: queryBudgetFromEnv(env),
    login: {
      maxFailuresPerAccount: intFromEnv(
        env,
        'LAKE_LOGIN_MAX_FAILURES_ACCOUNT',
        DEFAULT_LOGIN_LIMITS.maxFailuresPerAccount,
      ),
      maxFailuresPerAddress: intFromEnv(
        env,
        'LAKE_LOGIN_MAX_FAILURES_ADDRESS',
        DEFAULT_LOGIN_LIMITS.maxFailuresPerAddress,
      ),
      windowSeconds: intFromEnv(env, 'LAKE_LOGIN_WINDOW_SECONDS', DEFAULT_LOGIN_LIMITS.windowSeconds),
    },
  }
}
