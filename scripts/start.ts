// npm start: the whole platform offline on this machine (platform/stack.ts): the local Content
// Lake in a supervised child process (seeded from content/production.ndjson on first start; data
// kept in LAKE_DATA_DIR across restarts; restarted if it dies), the delivery API and the editors'
// Studio (built with `sanity build` when missing or stale, then served). Prints the lake's and
// delivery's URLs first, the Studio build's progress, then the Studio's URL and sign-in link;
// Ctrl-C stops everything.
//
// Environment (all optional):
//   LAKE_DATA_DIR (.data)  LAKE_HOST (127.0.0.1)  LAKE_HTTP_PORT (3333)  LAKE_HTTPS_PORT (3334)
//   LAKE_PROJECT_ID (local)  LAKE_DATASET (production)
//   DELIVERY_PORT (3000)  STUDIO_PORT (3335)  STUDIO_DIST_DIR (dist/studio)
//   SEED_FILE (content/production.ndjson)
//   SANITY_STUDIO_PROJECT_ID + SANITY_STUDIO_DATASET: also offer the hosted project's workspace
//   START_INFO_FILE: write the running stack's URLs and sign-in as JSON there (used by tests)
//   START_SHOW_TOKEN=1 (or `npm start -- --show-token`): also print the raw editor token
//   Port 0 picks a free port.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { configFromEnv } from '../lake/config.js'
import { servingBanner, studioBanner } from '../platform/banner.js'
import { type RunningStack, startLocalStack } from '../platform/stack.js'

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)))

function port(name: string, fallback: number): number {
  const raw = process.env[name]?.trim()
  if (!raw) return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`${name}="${raw}" is not a port: use a whole number from 0 to 65535 (0 picks a free port).`)
  }
  return value
}

function hostedFromEnv(): { projectId: string; dataset: string } | null {
  const projectId = process.env.SANITY_STUDIO_PROJECT_ID?.trim()
  const dataset = process.env.SANITY_STUDIO_DATASET?.trim()
  if (projectId && dataset) return { projectId, dataset }
  if (projectId || dataset) {
    console.warn(
      'npm start: set both SANITY_STUDIO_PROJECT_ID and SANITY_STUDIO_DATASET for the hosted workspace; ignoring the one that is set.',
    )
  }
  return null
}

async function main(): Promise<void> {
  const lakeConfig = configFromEnv(process.env)
  const controller = new AbortController()
  let stack: RunningStack | null = null
  let starting: Promise<RunningStack> | null = null
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) {
      console.error(`npm start: ${signal} again, exiting without waiting.`)
      process.exit(130)
    }
    stopping = true
    console.log(`\nnpm start: stopping (${signal})...`)
    controller.abort()
    if (stack) await stack.close()
    else if (starting) {
      // Still starting: the aborted build cleans up its temporary output and the started parts
      // close (startLocalStack does both when it fails); a bounded wait, then exit regardless.
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        starting.then(
          (started) => started.close(),
          () => undefined,
        ),
        new Promise((resolve) => {
          timer = setTimeout(resolve, 15_000)
        }),
      ])
      clearTimeout(timer)
    }
    console.log('npm start: stopped.')
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))

  const showToken = process.argv.includes('--show-token') || /^(1|true|yes)$/i.test(process.env.START_SHOW_TOKEN ?? '')
  console.log('npm start: starting the lake and the delivery API; the Studio builds beside them...')
  starting = startLocalStack({
    root,
    dataDir: lakeConfig.dataDir,
    host: lakeConfig.host,
    lakeHttpPort: lakeConfig.httpPort,
    lakeHttpsPort: lakeConfig.httpsPort,
    deliveryPort: port('DELIVERY_PORT', 3000),
    studioPort: port('STUDIO_PORT', 3335),
    studioDistDir: path.resolve(root, process.env.STUDIO_DIST_DIR?.trim() || 'dist/studio'),
    seedFile: path.resolve(root, process.env.SEED_FILE?.trim() || 'content/production.ndjson'),
    hosted: hostedFromEnv(),
    log: (line) => console.log(line),
    signal: controller.signal,
    onServing: (serving) => console.log(servingBanner(serving)),
  })
  try {
    stack = await starting
  } catch (error) {
    if (stopping) return // stop() reports and exits
    throw error
  }
  if (stopping) return // stop() closes it
  // The info file first: whoever waits for the banner may read it at once.
  const infoFile = process.env.START_INFO_FILE?.trim()
  if (infoFile) {
    const info = {
      studioUrl: stack.studio.url,
      signInUrl: stack.studio.signInUrl(stack.editor.token),
      editor: stack.editor,
      deliveryUrl: stack.delivery.url,
      articlePreviewUrl: stack.articlePreviewUrl,
      lakeHttpUrl: stack.lake.info.httpUrl,
      lakeHttpsUrl: stack.lake.info.httpsUrl,
      lakeStudioHost: stack.lakeStudioHost,
      projectId: stack.lake.info.projectId,
      dataset: stack.lake.info.dataset,
      dataDir: stack.lake.info.dataDir,
      seeded: stack.seeded,
      pid: process.pid,
      lakePid: stack.lake.info.pid,
    }
    fs.writeFileSync(`${infoFile}.tmp`, JSON.stringify(info, null, 2))
    fs.renameSync(`${infoFile}.tmp`, infoFile)
  }
  console.log(studioBanner(stack, { showToken }))
}

main().catch((error: unknown) => {
  console.error(`npm start: failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
