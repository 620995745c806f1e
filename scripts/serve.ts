// Runs the delivery server from environment configuration (see delivery/config.ts):
//
//   npm run serve                                  # local lake at http://127.0.0.1:3333
//   SANITY_PROJECT_ID=abc123 SANITY_DATASET=production SANITY_WEBHOOK_SECRET=... npm run serve
//
// DELIVERY_PORT (default 3000) and DELIVERY_HOST (default 127.0.0.1) choose where it listens.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createDeliveryClient } from '../delivery/client.js'
import { ConfigError, loadDeliveryConfig } from '../delivery/config.js'
import { parseFrameAncestors } from '../delivery/http/security-headers.js'
import { visualEditingRoutes } from '../delivery/http/routes/visual-editing/index.js'
import { startDeliveryServer } from '../delivery/http/server.js'
import { syndicationRoutesFromEnv } from '../delivery/syndication/mount.js'
import { prebuiltVisualEditing } from '../platform/visual-editing-build.js'

async function main(): Promise<void> {
  let config: ReturnType<typeof loadDeliveryConfig>
  try {
    config = loadDeliveryConfig()
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`delivery: ${error.message}`)
      process.exit(2)
    }
    throw error
  }
  let frameAncestors: string[]
  try {
    frameAncestors = parseFrameAncestors(process.env.DELIVERY_FRAME_ANCESTORS)
  } catch (error) {
    console.error(`delivery: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(2)
  }
  const client = createDeliveryClient(config.source)
  // Partner syndication (/syndication/v1, /feeds) needs a server-side token with write access.
  let publicBase = config.publicUrl ?? `http://${config.host}:${config.port}`
  const syndication = syndicationRoutesFromEnv(client, () => publicBase, undefined)
  // Preview pages' overlays, as `npm run build:visual-editing` built them (this server never builds).
  const visualEditing = prebuiltVisualEditing(
    path.resolve(
      fileURLToPath(new URL('..', import.meta.url)),
      process.env.VISUAL_EDITING_DIR?.trim() || 'dist/visual-editing',
    ),
  )
  const server = await startDeliveryServer({
    extraRoutes: async (app, context) => {
      await syndication.register?.(app, context)
      await app.register(visualEditingRoutes, { bundle: visualEditing })
    },
    client,
    host: config.host,
    port: config.port,
    publicUrl: config.publicUrl,
    listen: config.invalidation !== 'none',
    invalidation: config.invalidation === 'flush' ? 'flush' : 'tags',
    webhookSecret: config.webhookSecret,
    cacheEntries: config.cacheEntries,
    cacheMaxBytes: config.cacheMaxBytes,
    cacheGraceMs: config.cacheGraceMs,
    cacheTtlSeconds: config.cacheTtlSeconds,
    logger: process.env.DELIVERY_LOG === '1',
    // The Studio's origin, for its Preview pane (e.g. https://clinic.sanity.studio); default none.
    frameAncestors,
    // Preview mode (Presentation tool): SANITY_API_TOKEN checks the secrets and reads drafts.
    preview: { studioUrl: config.studioUrl, sessionSecret: config.previewSecret },
  })
  const source =
    config.source.kind === 'local' ? `local lake ${config.source.lakeUrl}` : `Sanity project ${config.source.projectId}`
  console.log(`delivery: serving ${source} (dataset ${config.source.dataset}) at ${server.url}`)
  console.log(`delivery: API docs at ${server.url}/api/docs, health at ${server.url}/health`)
  if (!config.publicUrl) publicBase = server.url
  console.log(
    syndication.register
      ? `delivery: partner syndication at ${server.url}/syndication/v1/ and ${server.url}/feeds/`
      : `delivery: ${syndication.reason}`,
  )
  if (config.source.kind === 'hosted' && !config.webhookSecret) {
    console.log(`delivery: no SANITY_WEBHOOK_SECRET: cached responses refresh after ${config.cacheTtlSeconds} s`)
  }
  const stop = async () => {
    await server.close()
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error: unknown) => {
  console.error('delivery: failed to start:', error instanceof Error ? error.message : error)
  process.exit(1)
})
