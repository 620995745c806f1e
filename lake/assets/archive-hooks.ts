/**
 * The asset hooks of the lake's `.tar.gz` import and export (`ArchiveAssetHooks` in
 * `lake/io/archive.ts`), so archives carry assets the way `sanity dataset export` lays them out:
 *
 * - `writeAssets(dir, documents)` copies every stored original into `dir/images/` and
 *   `dir/files/`, rewrites `dir/data.ndjson` without the asset documents and with each asset
 *   reference turned into a `_sanityAsset` marker, and returns the `assets.json` content.
 * - `resolveAsset(marker, dir)` stores the marker's file (deduplicated by sha1), creates its asset
 *   document with the metadata from `dir/assets.json`, and answers the reference.
 *
 *   const hooks = createArchiveAssetHooks({dataDir, projectId, store: dataset, baseUrl: assetBaseUrl(config)})
 *   await exportArchive(dataset, 'out.tar.gz', {assets: hooks})
 *   await importArchive(dataset, 'out.tar.gz', {assets: hooks})
 *
 * Asset documents are committed when their marker is resolved, before the import's own
 * transaction (as Sanity's import uploads assets before writing documents): if the import then
 * fails, the asset documents and files it brought stay (content-addressed, so a retry reuses them).
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'

import type { LakeConfig } from '../config.js'
import type { LakeDocument } from '../store/types.js'
import { type AssetLimits, type AssetDocumentStore, AssetService, assetLimitsFromEnv } from './service.js'
import { AssetImporter, prepareAssetExport, readAssetMap } from './transfer.js'

export interface ArchiveHookOptions {
  /** The lake's data directory (originals live in `<dataDir>/assets`). */
  dataDir: string
  projectId: string
  /** The dataset being exported or imported into. */
  store: AssetDocumentStore
  /** Origin written into imported asset documents' `url` (see `assetBaseUrl`). */
  baseUrl: string
  limits?: Partial<AssetLimits>
}

export interface ArchiveAssetHookFunctions {
  writeAssets: (dir: string, documents: LakeDocument[]) => Promise<Record<string, unknown>>
  resolveAsset: (marker: string, dir: string) => Promise<Record<string, unknown>>
  /**
   * The `resolveAsset` hook of a plain NDJSON import (`importNdjson`): markers are relative to
   * `dir`, the NDJSON file's folder, and errors name the line.
   */
  ndjsonResolver: (dir: string) => (marker: string, line: number) => Promise<Record<string, unknown>>
}

/**
 * `LAKE_ASSET_BASE_URL`, else the lake's HTTPS listener when it is on with a fixed port
 * (`https://<host>:<httpsPort>`), else its plain-HTTP listener (`http://<host>:<httpPort>`).
 * HTTPS first because Sanity's importer only accepts an existing asset whose `url` is `https:`
 * (hosted asset URLs always are): with an `http:` URL a re-import retries and fails.
 */
export function assetBaseUrl(
  config: Pick<LakeConfig, 'host' | 'httpPort'> & Partial<Pick<LakeConfig, 'httpsPort'>>,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (env.LAKE_ASSET_BASE_URL) return env.LAKE_ASSET_BASE_URL.replace(/\/+$/, '')
  const unspecified = config.host === '0.0.0.0' || config.host === '::'
  const name = unspecified ? 'localhost' : config.host
  const host = name.includes(':') ? `[${name}]` : name
  if (config.httpsPort !== undefined && config.httpsPort > 0) return `https://${host}:${config.httpsPort}`
  return `http://${host}:${config.httpPort}`
}

export function createArchiveAssetHooks(options: ArchiveHookOptions): ArchiveAssetHookFunctions {
  const service = new AssetService({
    storageDir: path.join(options.dataDir, 'assets'),
    projectId: options.projectId,
    limits: { ...assetLimitsFromEnv(), ...options.limits },
  })
  const { store } = options
  const baseUrl = options.baseUrl.replace(/\/+$/, '')
  const committed = new Set<string>()
  const importers = new Map<string, Promise<AssetImporter>>()

  async function importerFor(dir: string): Promise<AssetImporter> {
    let importer = importers.get(dir)
    if (!importer) {
      importer = readAssetMap(dir).then(
        (assetMap) => new AssetImporter({ service, store, baseDir: dir, baseUrl, assetMap }),
      )
      importers.set(dir, importer)
    }
    return importer
  }

  return {
    async writeAssets(dir, documents) {
      const prepared = await prepareAssetExport(service, store.name, documents)
      for (const folder of ['images', 'files']) await mkdir(path.join(dir, folder), { recursive: true })
      for (const file of prepared.files) await copyFile(file.diskPath, path.join(dir, file.archivePath))
      await writeFile(path.join(dir, 'data.ndjson'), prepared.documents.map((d) => `${JSON.stringify(d)}\n`).join(''))
      return prepared.assetMap
    },

    resolveAsset: (marker, dir) => resolve(marker, dir, 0),

    ndjsonResolver: (dir) => (marker, line) => resolve(marker, dir, line),
  }

  async function resolve(marker: string, dir: string, line: number): Promise<Record<string, unknown>> {
    const importer = await importerFor(dir)
    const reference = await importer.resolveAsset(marker, line)
    const created = importer.documents().filter((d) => !committed.has(d._id))
    for (const document of created) committed.add(document._id)
    if (created.length > 0) {
      await store.commit(
        created.map((document) => ({ createIfNotExists: document })),
        { author: '' },
      )
    }
    return reference
  }
}
