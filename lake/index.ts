/**
 * The local Content Lake: Sanity's HTTP API on SQLite. Programmatic entry points:
 * - `startLake(options)` -> `{httpUrl, httpsUrl, projectId, dataset, store, accounts, close()}`
 * - `createEditor(lake, {name, email, role?})` -> `{user, token}` (token shown once)
 * - `LakeStore` / `DatasetStore` (store/): the internal store API for import/export and assets
 */
import { type AddonDataset, AddonDatasets, type AddonProfile, setUpAddon, syncGroupsOfAddons } from './addons.js'
import { Accounts, type Role, type User } from './auth/index.js'
import { configFromEnv, type LakeConfig } from './config.js'
import type { RouteOptions } from './http/context.js'
import { buildServers, listen } from './http/server.js'
import { ReleaseScheduler, type SchedulerClock } from './releases/scheduler.js'
import { LakeStore } from './store/index.js'
import { ensureTls } from './tls.js'
import type { FastifyPluginAsync } from 'fastify'

export { LakeStore, DatasetStore } from './store/index.js'
export type { LakeDocument, CommitResult, CommittedTransaction, CommitOptions } from './store/index.js'
export { Accounts } from './auth/index.js'
export type { Identity, Role, User } from './auth/index.js'
export { configFromEnv } from './config.js'
export type { LakeConfig } from './config.js'
export type { LakeContext, RouteOptions } from './http/context.js'

export interface StartLakeOptions extends Partial<LakeConfig> {
  /** Extra route groups (Fastify plugins mounted under `/:apiVersion`), e.g. assets. */
  routes?: Array<FastifyPluginAsync<RouteOptions>>
  /** Read unset options from LAKE_* env vars (default true); false = built-in defaults only. */
  env?: boolean
  /** The clock scheduled releases publish by (tests); default the system clock. */
  clock?: SchedulerClock
}

export interface RunningLake {
  httpUrl: string
  /** Undefined when the HTTPS listener is disabled (`httpsPort: -1`). */
  httpsUrl: string | undefined
  /** The CA certificate browsers must trust for `httpsUrl`. */
  caCertPath: string | undefined
  projectId: string
  dataset: string
  config: LakeConfig
  store: LakeStore
  accounts: Accounts
  /** Add-on datasets (the Studio's comments and tasks). */
  addons: AddonDatasets
  /**
   * Sets up (or finds) the comments add-on of `dataset`, as the Studio's first comment or task
   * does, and keeps the project's `system.group` documents in both from then on.
   */
  setUpAddon(dataset: string, profile?: AddonProfile): Promise<AddonDataset>
  close(): Promise<void>
}

/**
 * A lake only this process talks to (tests, validation, benchmarks): on 127.0.0.1, an HTTP port
 * the OS picks, no HTTPS listener, nothing read from LAKE_* variables; `options` may override each.
 */
export function startPrivateLake(options: StartLakeOptions & { dataDir: string }): Promise<RunningLake> {
  return startLake({ env: false, host: '127.0.0.1', httpPort: 0, httpsPort: -1, ...options })
}

/** How often the lake looks for accounts made by another process (the CLI). */
const GROUP_SYNC_MS = 2_000

export async function startLake(options: StartLakeOptions = {}): Promise<RunningLake> {
  const { routes = [], env = true, clock, ...overrides } = options
  const base = configFromEnv(env ? process.env : {})
  const config: LakeConfig = {
    ...base,
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
  }
  const store = new LakeStore(config.dataDir)
  const accounts = new Accounts(store.db)
  store.dataset(config.dataset)
  // Every dataset with a scheduled release must be open for its scheduler to run, also after a restart.
  for (const name of store.datasetNames()) store.dataset(name)
  const schedulers: ReleaseScheduler[] = []
  store.onDatasetOpen((dataset) => schedulers.push(new ReleaseScheduler(dataset, clock)))
  const addons = new AddonDatasets(store.db)
  // The Studio's mention and assignee pickers read the project's roles from `system.group`
  // documents in the dataset it edits (auth/groups.ts), kept in step with the accounts: at once
  // for an account made in this process, within GROUP_SYNC_MS for one made by the CLI.
  let syncing: Promise<void> = Promise.resolve()
  let fingerprint = accounts.fingerprint()
  const syncGroups = (): void => {
    fingerprint = accounts.fingerprint()
    syncing = syncing
      .then(() => syncGroupsOfAddons({ store, accounts, addons }))
      .catch((err: unknown) => console.error('lake: could not update the system groups', err))
  }
  await syncGroupsOfAddons({ store, accounts, addons })
  const stopGroupSync = accounts.onUsersChanged(syncGroups)
  const groupPoll = setInterval(() => {
    if (store.db.open && accounts.fingerprint() !== fingerprint) syncGroups()
  }, GROUP_SYNC_MS)
  groupPoll.unref()
  const tls = config.httpsPort >= 0 ? ensureTls(config.dataDir, config.projectId) : undefined
  const { app, httpServer, httpsServer } = await buildServers(
    { store, accounts, config, addons },
    tls ? { key: tls.key, cert: tls.cert } : undefined,
    routes,
  )
  const httpPort = await listen(httpServer, config.httpPort, config.host)
  const httpsPort = httpsServer ? await listen(httpsServer, config.httpsPort, config.host) : undefined
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host
  let closed = false
  return {
    httpUrl: `http://${hostForUrl}:${httpPort}`,
    httpsUrl: httpsPort === undefined ? undefined : `https://localhost:${httpsPort}`,
    caCertPath: tls?.caPath,
    projectId: config.projectId,
    dataset: config.dataset,
    config,
    store,
    accounts,
    addons,
    setUpAddon: (dataset, profile = 'comments') => setUpAddon({ store, accounts, addons }, dataset, profile),
    async close() {
      if (closed) return
      closed = true
      stopGroupSync()
      clearInterval(groupPoll)
      await syncing
      await app.close()
      if (httpsServer) {
        await new Promise<void>((resolve) => {
          httpsServer.close(() => resolve())
          // HTTP/2 sessions keep the server open: end them.
          setImmediate(() => resolve())
        })
      }
      // Stop listening too (closeAllConnections alone leaves the port open and the process alive).
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve())
        httpServer.closeAllConnections()
      })
      for (const scheduler of schedulers) scheduler.close()
      store.close()
    },
  }
}

/** Creates a local editor account and issues its first token (shown once, stored hashed). */
export function createEditor(
  lake: { accounts: Accounts },
  input: { name: string; email: string; role?: Role },
  tokenLabel = 'first token',
): { user: User; token: string } {
  const user = lake.accounts.createUser(input)
  const { token } = lake.accounts.issueToken(user.id, tokenLabel)
  return { user, token }
}
