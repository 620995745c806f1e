// The whole local platform in one process, as `npm start` runs it (Node only):
// the lake (seeded on first start), the delivery API, and the Studio (built when missing or
// stale, then served with the lake and delivery URLs injected).
import fs from 'node:fs'
import path from 'node:path'
import { createClient } from '@sanity/client'
import { createDeliveryClient } from '../../delivery/client.js'
import { startDeliveryServer, type DeliveryServer } from '../../delivery/http/server.js'
import { syndicationRoutes } from '../../delivery/syndication/mount.js'
import { startLake, type RunningLake } from '../../lake/index.js'
import { importNdjson } from '../../lake/io/ndjson.js'
import { STUDIO_API_VERSION } from '../constants.js'
import type { InjectedStudioConfig } from '../runtimeConfig.js'
import { ensureStudioBuild, type BuildState } from './build.js'
import { startStudioServer, type RunningStudioServer } from './serve.js'

export interface StackOptions {
  /** Repository root (where sanity.config.ts and content/ are). */
  root: string
  /** Lake data directory (LAKE_DATA_DIR, default <root>/.data). */
  dataDir: string
  host: string
  lakeHttpPort: number
  lakeHttpsPort: number
  deliveryPort: number
  studioPort: number
  /** Where the Studio build lives (default <root>/dist/studio). */
  studioDistDir: string
  /** NDJSON imported on the first start (default <root>/content/production.ndjson). */
  seedFile: string
  /** The hosted workspace, offered beside the local one when set. */
  hosted: { projectId: string; dataset: string } | null
  log: (line: string) => void
  /** Aborting stops a Studio build in progress (Ctrl-C during the first start). */
  signal?: AbortSignal
}

export interface LocalEditor {
  name: string
  email: string
  token: string
}

export interface RunningStack {
  lake: RunningLake
  delivery: DeliveryServer
  studio: RunningStudioServer
  editor: LocalEditor
  /** Whether this start imported the seed (first start of this data dir). */
  seeded: boolean
  studioBuild: BuildState
  /** The delivery page of the newest published article, when there is one. */
  articlePreviewUrl: string | null
  /** The Studio's address for the lake (the project id is prefixed, as the Studio calls it). */
  lakeStudioHost: string
  close(): Promise<void>
}

const EDITOR = { name: 'Local Editor', email: 'editor@clinic.localhost' }
const SEEDED_MARKER = 'seeded-from'
const EDITOR_FILE = 'local-editor.json'
const CLOSE_TIMEOUT_MS = 5_000

/**
 * Imports the seed once per data dir. A marker file records it, so later starts keep the data as
 * editors left it (even if they deleted everything); a dataset that already has documents (e.g.
 * from `npm run import`) is never overwritten.
 */
async function seedOnFirstStart(lake: RunningLake, options: StackOptions): Promise<boolean> {
  const marker = path.join(options.dataDir, SEEDED_MARKER)
  if (fs.existsSync(marker)) return false
  const dataset = lake.store.dataset(lake.dataset)
  if (dataset.documents().length > 0) {
    fs.writeFileSync(marker, `not seeded: dataset "${lake.dataset}" already had documents\n`)
    return false
  }
  if (!fs.existsSync(options.seedFile)) {
    throw new Error(`Cannot seed the lake: ${options.seedFile} does not exist. Restore it from git or set SEED_FILE.`)
  }
  const result = await importNdjson(dataset, fs.readFileSync(options.seedFile, 'utf8'), { mode: 'fail' })
  fs.writeFileSync(
    marker,
    `${path.relative(options.root, options.seedFile)} ${new Date().toISOString()} (${result.written} documents)\n`,
  )
  return true
}

function isLocalEditor(value: unknown): value is LocalEditor {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v.name === 'string' && typeof v.email === 'string' && typeof v.token === 'string'
}

/**
 * The local editor account and a token for it, kept in <dataDir>/local-editor.json (mode 600) so
 * every start prints the same sign-in. The lake itself stores only the token's hash.
 */
function ensureLocalEditor(lake: RunningLake, dataDir: string): LocalEditor {
  const file = path.join(dataDir, EDITOR_FILE)
  if (fs.existsSync(file)) {
    try {
      const saved: unknown = JSON.parse(fs.readFileSync(file, 'utf8'))
      if (isLocalEditor(saved) && lake.accounts.userForToken(saved.token)) return saved
    } catch {
      // unreadable: issue a new token below
    }
  }
  const user = lake.accounts.findByEmail(EDITOR.email) ?? lake.accounts.createUser({ ...EDITOR, role: 'administrator' })
  const { token } = lake.accounts.issueToken(user.id, 'npm start: Studio sign-in')
  const editor: LocalEditor = { name: user.name, email: user.email, token }
  fs.writeFileSync(file, `${JSON.stringify(editor, null, 2)}\n`, { mode: 0o600 })
  return editor
}

export async function startLocalStack(options: StackOptions): Promise<RunningStack> {
  fs.mkdirSync(options.dataDir, { recursive: true })
  const log = options.log
  // The build is the slow part (about a minute): start it first, run everything else meanwhile.
  const buildState = ensureStudioBuild(options.root, options.studioDistDir, {
    log: (line) => log(`studio build: ${line}`),
    signal: options.signal,
  })
  buildState.catch(() => undefined) // awaited below; avoid an unhandled rejection meanwhile

  // Each part gets a few seconds to close; one held open by a client (a browser tab keeps the
  // Studio's event streams open) must not keep Ctrl-C from stopping the rest.
  const closers: Array<{ name: string; close: () => Promise<void> }> = []
  const closeAll = async () => {
    for (const { name, close } of closers.reverse()) {
      let timer: NodeJS.Timeout | undefined
      const timedOut = new Promise<'timeout'>(
        (resolve) => (timer = setTimeout(() => resolve('timeout'), CLOSE_TIMEOUT_MS)),
      )
      const result = await Promise.race([
        close().then(
          () => 'closed' as const,
          (error: unknown) => {
            log(`while stopping the ${name}: ${error instanceof Error ? error.message : String(error)}`)
            return 'closed' as const
          },
        ),
        timedOut,
      ])
      clearTimeout(timer)
      if (result === 'timeout')
        log(
          `the ${name} did not finish closing within ${CLOSE_TIMEOUT_MS / 1000} s (open client connections); going on`,
        )
    }
  }
  try {
    const lake = await startLake({
      dataDir: options.dataDir,
      host: options.host,
      httpPort: options.lakeHttpPort,
      httpsPort: options.lakeHttpsPort,
    })
    closers.push({ name: 'lake', close: () => lake.close() })
    if (!lake.httpsUrl)
      throw new Error('The lake started without its HTTPS listener, which the Studio needs (LAKE_HTTPS_PORT=-1?).')
    const seeded = await seedOnFirstStart(lake, options)
    const editor = ensureLocalEditor(lake, options.dataDir)

    // Partner syndication (/syndication/v1, /feeds) keeps its state in the lake with the editor's token.
    const deliveryClient = createDeliveryClient({ kind: 'local', lakeUrl: lake.httpUrl, dataset: lake.dataset })
    let deliveryBase = ''
    const syndication = syndicationRoutes({
      client: deliveryClient,
      token: editor.token,
      publicUrl: () => deliveryBase,
    })
    // The Studio's Preview pane frames the pages: its origin may (it is known once it listens).
    let studioOrigins: readonly string[] = []
    const delivery = await startDeliveryServer({
      client: deliveryClient,
      host: options.host,
      port: options.deliveryPort,
      listen: true,
      extraRoutes: syndication.register,
      frameAncestors: () => studioOrigins,
    })
    deliveryBase = delivery.url
    closers.push({ name: 'delivery API', close: () => delivery.close() })

    const studioBuild = await buildState
    const config: InjectedStudioConfig & { lakeProjectId: string } = {
      lakeUrl: lake.httpsUrl,
      lakeProjectId: lake.projectId,
      lakeDataset: lake.dataset,
      previewUrl: delivery.url,
      localWorkspace: true,
      hosted: options.hosted,
    }
    const studio = await startStudioServer({
      distDir: options.studioDistDir,
      host: options.host,
      port: options.studioPort,
      config,
    })
    closers.push({ name: 'Studio server', close: () => studio.close() })
    studioOrigins = studioOriginsOf(studio.url)

    const reader = createClient({
      projectId: lake.projectId,
      dataset: lake.dataset,
      apiHost: lake.httpUrl,
      useProjectHostname: false,
      apiVersion: STUDIO_API_VERSION,
      useCdn: false,
      perspective: 'published',
    })
    const slug = await reader.fetch<string | null>(
      '*[_type == "article" && defined(slug.current)] | order(publishedAt desc)[0].slug.current',
      {},
      { tag: 'clinic.start.preview' },
    )
    const lakeHttps = new URL(lake.httpsUrl)
    return {
      lake,
      delivery,
      studio,
      editor,
      seeded,
      studioBuild,
      articlePreviewUrl: slug ? `${delivery.url}/articles/${encodeURIComponent(slug)}` : null,
      lakeStudioHost: `${lakeHttps.protocol}//${lake.projectId}.${lakeHttps.host}`,
      close: closeAll,
    }
  } catch (error) {
    await closeAll()
    await buildState.catch(() => undefined)
    throw error
  }
}

/** The Studio's origin as browsers reach it: 127.0.0.1 is also reached as localhost, and back. */
function studioOriginsOf(studioUrl: string): readonly string[] {
  const url = new URL(studioUrl)
  const origins = new Set([url.origin])
  if (url.hostname === '127.0.0.1' || url.hostname === 'localhost') {
    for (const host of ['127.0.0.1', 'localhost'])
      origins.add(`${url.protocol}//${host}${url.port ? `:${url.port}` : ''}`)
  }
  return [...origins]
}
