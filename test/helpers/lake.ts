/**
 * A throwaway local Content Lake for tests: fresh data dir, port 0, an editor with a token, a
 * ready `@sanity/client` for that editor and an anonymous one.
 *
 *   const t = await startTestLake({seed: 'content/seed.ndjson'})
 *   await t.client.fetch('*[_type == "article"]')          // editor (published perspective by default)
 *   await t.anonymousClient.fetch('*')                      // anonymous: published only
 *   t.makeClient({perspective: 'drafts'})                   // more clients on the same lake
 *   await t.close()                                         // in an `after` hook
 */
import { createClient, type ClientConfig, type SanityClient } from '@sanity/client'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { importNdjson } from '../../lake/io/ndjson.js'
import { createEditor, type RunningLake, startPrivateLake } from '../../lake/index.js'
import type { SchedulerClock } from '../../lake/releases/scheduler.js'

/**
 * A client of the local lake at `httpUrl` (dataset `production` unless `config` says otherwise):
 * anonymous unless `config` carries a token. For lakes a test starts without startTestLake.
 */
export function lakeClient(httpUrl: string, config: Partial<ClientConfig> = {}): SanityClient {
  return createClient({
    projectId: 'local',
    dataset: 'production',
    apiHost: httpUrl,
    useProjectHostname: false,
    apiVersion: '2025-02-19',
    useCdn: false,
    ...config,
  })
}

export interface TestLake {
  lake: RunningLake
  /** Editor client: `apiHost: httpUrl`, `useProjectHostname: false`, `apiVersion: '2025-02-19'`, `useCdn: false`, with a token. */
  client: SanityClient
  /** The same without a token: sees published documents only, cannot write. */
  anonymousClient: SanityClient
  /** The editor's token (for plain HTTP: `Authorization: Bearer <token>`). */
  token: string
  httpUrl: string
  httpsUrl: string | undefined
  projectId: string
  dataset: string
  dataDir: string
  /** Another client on this lake; `token: undefined` for anonymous. Defaults as `client`. */
  makeClient(config?: Partial<ClientConfig>): SanityClient
  close(): Promise<void>
}

export interface TestLakeOptions {
  /** NDJSON file imported before the lake is returned (documents replaced if present). */
  seed?: string
  dataset?: string
  projectId?: string
  /** Also start the HTTPS/HTTP2 listener (creates a local CA with openssl; slower). */
  https?: boolean
  /** Reuse a data dir (restart tests); default a fresh mkdtemp dir, deleted on close. */
  dataDir?: string
  /** Interval of keep-alive comments on listener streams (default 5000 ms). */
  keepAliveMs?: number
  /** The clock scheduled releases publish by (default the system clock). */
  clock?: SchedulerClock
}

export async function startTestLake(options: TestLakeOptions = {}): Promise<TestLake> {
  const ownDir = options.dataDir === undefined
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-'))
  const lake = await startPrivateLake({
    dataDir,
    httpsPort: options.https ? 0 : -1,
    projectId: options.projectId ?? 'local',
    dataset: options.dataset ?? 'production',
    keepAliveMs: options.keepAliveMs ?? 5_000,
    clock: options.clock,
  })
  try {
    if (options.seed) {
      await importNdjson(lake.store.dataset(lake.dataset), fs.readFileSync(options.seed, 'utf8'), { mode: 'replace' })
    }
    const email = `editor-${Math.random().toString(36).slice(2, 8)}@clinic.test`
    const { token } = createEditor(lake, { name: 'Test Editor', email })
    const base: ClientConfig = {
      projectId: lake.projectId,
      dataset: lake.dataset,
      apiHost: lake.httpUrl,
      useProjectHostname: false,
      apiVersion: '2025-02-19',
      useCdn: false,
      token,
      ignoreBrowserTokenWarning: true,
    }
    const makeClient = (config: Partial<ClientConfig> = {}): SanityClient => createClient({ ...base, ...config })
    return {
      lake,
      client: makeClient(),
      anonymousClient: makeClient({ token: undefined }),
      token,
      httpUrl: lake.httpUrl,
      httpsUrl: lake.httpsUrl,
      projectId: lake.projectId,
      dataset: lake.dataset,
      dataDir,
      makeClient,
      async close() {
        await lake.close()
        if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true })
      },
    }
  } catch (err) {
    await lake.close()
    throw err
  }
}
