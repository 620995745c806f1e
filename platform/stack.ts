// The whole local platform, as `npm start` runs it (Node only): the lake in a supervised child
// process (seeded on first start, restarted if it dies), the delivery API, and the Studio (built
// when missing or stale, then served with the lake and delivery URLs injected). The lake and
// delivery come up first (`onServing`), while the Studio builds beside them.
import path from 'node:path'
import { visualEditingRoutes } from '../delivery/http/routes/visual-editing/index.js'
import type { DeliveryServer } from '../delivery/http/server.js'
import { pathFor } from '../model/site-paths.js'
import { STUDIO_API_VERSION } from '../studio/constants.js'
import type { InjectedStudioConfig } from '../studio/runtimeConfig.js'
import { type LocalEditor, type SupervisedLake, startSupervisedLake } from './lake-supervisor.js'
import { type BuildState, ensureStudioBuild } from './studio-build.js'
import { type RunningStudioServer, startStudioServer } from './studio-server.js'
import { visualEditingBundle } from './visual-editing-build.js'

export type { LocalEditor } from './lake-supervisor.js'

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
  /** Where preview pages' /preview/visual-editing.js is built (default <root>/dist/visual-editing). */
  visualEditingDir?: string
  /** NDJSON imported on the first start (default <root>/content/production.ndjson). */
  seedFile: string
  /** The hosted workspace, offered beside the local one when set. */
  hosted: { projectId: string; dataset: string } | null
  log: (line: string) => void
  /** Aborting stops a Studio build in progress (Ctrl-C during the first start). */
  signal?: AbortSignal
  /** Called once the lake and delivery answer, before the Studio is ready (its build may run on). */
  onServing?: (serving: ServingStack) => void
  /** How often the Studio build logs its progress (default 15 s). */
  buildProgressEveryMs?: number
}

/** The lake and delivery, up and answering. */
export interface ServingStack {
  lake: SupervisedLake
  delivery: DeliveryServer
  editor: LocalEditor
  /** Whether this start imported the seed (first start of this data dir). */
  seeded: boolean
  /** The delivery page of the newest published article, when there is one. */
  articlePreviewUrl: string | null
  /** The Studio's address for the lake (the project id is prefixed, as the Studio calls it). */
  lakeStudioHost: string
  /** The Studio build: whether it was fresh, missing or stale when the start began. */
  studioBuild: Promise<BuildState>
}

export interface RunningStack extends Omit<ServingStack, 'studioBuild'> {
  studio: RunningStudioServer
  studioBuild: BuildState
  close(): Promise<void>
}

const CLOSE_TIMEOUT_MS = 5_000

/**
 * Delivery's modules, loaded while the lake process starts: on two cores, loading both graphs at
 * once (the lake in its process, delivery in this one) brings the first URLs noticeably sooner.
 */
async function loadDelivery() {
  const [client, server, syndication, sanityClient] = await Promise.all([
    import('../delivery/client.js'),
    import('../delivery/http/server.js'),
    import('../delivery/syndication/mount.js'),
    import('@sanity/client'),
  ])
  return {
    createDeliveryClient: client.createDeliveryClient,
    startDeliveryServer: server.startDeliveryServer,
    syndicationRoutes: syndication.syndicationRoutes,
    createClient: sanityClient.createClient,
  }
}

async function newestArticlePath(
  createClient: Awaited<ReturnType<typeof loadDelivery>>['createClient'],
  lake: SupervisedLake,
  deliveryUrl: string,
): Promise<string | null> {
  const reader = createClient({
    projectId: lake.info.projectId,
    dataset: lake.info.dataset,
    apiHost: lake.info.httpUrl,
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
  const sitePath = pathFor({ _type: 'article', slug })
  return sitePath ? `${deliveryUrl}${sitePath}` : null
}

export async function startLocalStack(options: StackOptions): Promise<RunningStack> {
  const log = options.log
  // Stops the build on Ctrl-C, and when the rest fails to start (nothing would serve it).
  const buildAbort = new AbortController()
  options.signal?.addEventListener('abort', () => buildAbort.abort(), { once: true })
  // The build is the slow part (minutes on a first start): it starts at once, at a lower CPU
  // priority, so the lake and delivery come up first and answer while it runs.
  const buildState = ensureStudioBuild(options.root, options.studioDistDir, {
    log: (line) => log(`studio build: ${line}`),
    signal: buildAbort.signal,
    lowPriority: true,
    progressEveryMs: options.buildProgressEveryMs,
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
  const deliveryModules = loadDelivery()
  deliveryModules.catch(() => undefined) // awaited below
  try {
    const lake = await startSupervisedLake({
      root: options.root,
      dataDir: options.dataDir,
      host: options.host,
      httpPort: options.lakeHttpPort,
      httpsPort: options.lakeHttpsPort,
      seedFile: options.seedFile,
      log,
    })
    closers.push({ name: 'lake', close: () => lake.close() })
    const lakeHttpsUrl = lake.info.httpsUrl
    if (!lakeHttpsUrl)
      throw new Error('The lake started without its HTTPS listener, which the Studio needs (LAKE_HTTPS_PORT=-1?).')

    const { createDeliveryClient, startDeliveryServer, syndicationRoutes, createClient } = await deliveryModules
    // Partner syndication (/syndication/v1, /feeds) keeps its state in the lake with the editor's token.
    const deliveryClient = createDeliveryClient({
      kind: 'local',
      lakeUrl: lake.info.httpUrl,
      dataset: lake.info.dataset,
    })
    let deliveryBase = ''
    const syndication = syndicationRoutes({
      client: deliveryClient,
      token: lake.editor.token,
      publicUrl: () => deliveryBase,
    })
    // Preview pages' overlays for the Studio's Presentation tool: built on first use (seconds).
    const visualEditing = visualEditingBundle(
      options.root,
      options.visualEditingDir ?? path.join(options.root, 'dist', 'visual-editing'),
      { log: (line) => log(`visual editing: ${line}`) },
    )
    // The Studio's Preview pane frames the pages: its origin may (it is known once it listens).
    let studioOrigins: readonly string[] = []
    // Preview mode (Presentation tool): the editor's token checks preview secrets and reads drafts
    // on the server; stega links point into the Studio's local workspace once it listens.
    let studioWorkspaceUrl: string | null = null
    const delivery = await startDeliveryServer({
      client: deliveryClient,
      host: options.host,
      port: options.deliveryPort,
      listen: true,
      extraRoutes: async (app, context) => {
        await syndication.register(app, context)
        await app.register(visualEditingRoutes, { bundle: visualEditing })
      },
      frameAncestors: () => studioOrigins,
      preview: { token: lake.editor.token, studioUrl: () => studioWorkspaceUrl },
    })
    deliveryBase = delivery.url
    closers.push({ name: 'delivery API', close: () => delivery.close() })

    const lakeHttps = new URL(lakeHttpsUrl)
    const serving: ServingStack = {
      lake,
      delivery,
      editor: lake.editor,
      seeded: lake.seeded,
      articlePreviewUrl: await newestArticlePath(createClient, lake, delivery.url),
      lakeStudioHost: `${lakeHttps.protocol}//${lake.info.projectId}.${lakeHttps.host}`,
      studioBuild: buildState,
    }
    options.onServing?.(serving)
    // Built now, while the Studio builds, so the first preview page need not wait for it.
    visualEditing().catch((error: unknown) =>
      log(`visual editing: ${error instanceof Error ? error.message : String(error)}`),
    )

    const studioBuild = await buildState
    const config: InjectedStudioConfig & { lakeProjectId: string } = {
      lakeUrl: lakeHttpsUrl,
      lakeProjectId: lake.info.projectId,
      lakeDataset: lake.info.dataset,
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
    studioWorkspaceUrl = `${studio.url.replace(/\/+$/, '')}/local`
    return { ...serving, studio, studioBuild, close: closeAll }
  } catch (error) {
    buildAbort.abort()
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
