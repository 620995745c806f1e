// Where the Studio finds the lake, the delivery's pages and (optionally) the hosted project.
//
// Read in this order, first match wins:
//  1. `globalThis.__CLINIC_STUDIO__`, which the local Studio server (platform/studio-server.ts) injects
//     into index.html at request time: one `sanity build` then serves any ports (npm start, tests);
//  2. `SANITY_STUDIO_*` variables, which `sanity build`/`sanity dev`/`sanity deploy` bake in
//     (through `import.meta.env`), and which Node tools (schema extract, tests) read from
//     `process.env`;
//  3. the defaults of a fresh `npm start`.
//
// Variables: SANITY_STUDIO_LAKE_URL (https://localhost:3334), SANITY_STUDIO_LAKE_PROJECT_ID
// (local), SANITY_STUDIO_LAKE_DATASET (production), SANITY_STUDIO_PREVIEW_URL
// (http://127.0.0.1:3000), and for the hosted workspace SANITY_STUDIO_PROJECT_ID +
// SANITY_STUDIO_DATASET.

export interface StudioRuntimeConfig {
  /** Base URL of the local lake's HTTPS (HTTP/2) listener, which the Studio calls. */
  lakeUrl: string
  lakeProjectId: string
  lakeDataset: string
  /** Whether the local-lake workspace is offered (false on a deployed, hosted-only Studio). */
  localWorkspace: boolean
  /** Base URL of the delivery server whose HTML pages "Preview" opens. */
  previewUrl: string
  /** The hosted Sanity project, when configured. */
  hosted: { projectId: string; dataset: string } | null
}

/** What platform/studio-server.ts injects; every field optional. */
export type InjectedStudioConfig = Partial<Omit<StudioRuntimeConfig, 'hosted'>> & {
  hosted?: { projectId: string; dataset: string } | null
}

export const RUNTIME_CONFIG_GLOBAL = '__CLINIC_STUDIO__'

export const DEFAULTS = {
  lakeUrl: 'https://localhost:3334',
  lakeProjectId: 'local',
  lakeDataset: 'production',
  previewUrl: 'http://127.0.0.1:3000',
} as const

type Env = Record<string, string | undefined>

function bundlerEnv(): Env {
  // Vite replaces `import.meta.env` with the SANITY_STUDIO_* variables at build time.
  const meta = import.meta as ImportMeta & { env?: Env }
  return meta.env ?? {}
}

function nodeEnv(): Env {
  return typeof process !== 'undefined' && process.env ? process.env : {}
}

function injected(): InjectedStudioConfig {
  const value: unknown = (globalThis as Record<string, unknown>)[RUNTIME_CONFIG_GLOBAL]
  return typeof value === 'object' && value !== null ? (value as InjectedStudioConfig) : {}
}

function envValue(name: string): string | undefined {
  const value = bundlerEnv()[name] ?? nodeEnv()[name]
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}

/** True when running in a browser whose page is served from this machine. */
function servedLocally(): boolean {
  const location: unknown = (globalThis as Record<string, unknown>).location
  if (typeof location !== 'object' || location === null) return true // Node tools: keep every workspace
  const hostname = (location as { hostname?: unknown }).hostname
  if (typeof hostname !== 'string' || hostname === '') return true
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]' || hostname.endsWith('.localhost')
}

/**
 * Resolves the configuration. `sources` exists for tests; the Studio calls it without arguments.
 */
export function resolveRuntimeConfig(
  sources: { injected?: InjectedStudioConfig; env?: Env; servedLocally?: boolean } = {},
): StudioRuntimeConfig {
  const inj = sources.injected ?? injected()
  const env = (name: string): string | undefined => {
    if (sources.env) {
      const value = sources.env[name]
      return value === undefined || value.trim() === '' ? undefined : value.trim()
    }
    return envValue(name)
  }
  const hostedProjectId = env('SANITY_STUDIO_PROJECT_ID')
  const hostedDataset = env('SANITY_STUDIO_DATASET')
  const hosted =
    inj.hosted !== undefined
      ? inj.hosted
      : hostedProjectId && hostedDataset
        ? { projectId: hostedProjectId, dataset: hostedDataset }
        : null
  const local = sources.servedLocally ?? servedLocally()
  const localDisabled = env('SANITY_STUDIO_LOCAL_LAKE') === 'false'
  return {
    lakeUrl: stripSlash(inj.lakeUrl ?? env('SANITY_STUDIO_LAKE_URL') ?? DEFAULTS.lakeUrl),
    lakeProjectId: inj.lakeProjectId ?? env('SANITY_STUDIO_LAKE_PROJECT_ID') ?? DEFAULTS.lakeProjectId,
    lakeDataset: inj.lakeDataset ?? env('SANITY_STUDIO_LAKE_DATASET') ?? DEFAULTS.lakeDataset,
    previewUrl: stripSlash(inj.previewUrl ?? env('SANITY_STUDIO_PREVIEW_URL') ?? DEFAULTS.previewUrl),
    // A deployed Studio (served from sanity.studio or another remote host) has no local lake.
    localWorkspace: inj.localWorkspace ?? (!localDisabled && (local || hosted === null)),
    hosted,
  }
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '')
}

/** The configuration the running Studio uses (resolved once per page load). */
export const runtimeConfig: StudioRuntimeConfig = resolveRuntimeConfig()
