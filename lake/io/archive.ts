/**
 * The `.tar.gz` that `sanity dataset export` writes: one top-level folder
 * `<dataset>-export-<date>/` holding `data.ndjson` (documents), `assets.json` (asset metadata) and
 * `images/`, `files/` (asset binaries). Documents are read and written here; assets go through
 * the `ArchiveAssetHooks` the assets area provides.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as tar from 'tar'
import type { DatasetStore, LakeDocument } from '../store/index.js'
import { exportDocuments, importNdjsonFile, type ImportOptions, type ImportResult } from './ndjson.js'

export interface ArchiveAssetHooks {
  /** Writes asset binaries under `dir` (`images/`, `files/`) and returns the `assets.json` content. */
  writeAssets?: (dir: string, documents: LakeDocument[]) => Promise<Record<string, unknown>>
  /** Turns an `_sanityAsset` marker (`image@file://./images/x.jpg`, relative to `dir`) into a reference. */
  resolveAsset?: (marker: string, dir: string) => Promise<Record<string, unknown>>
}

export interface ExportArchiveOptions {
  drafts?: boolean
  types?: string[]
  assets?: ArchiveAssetHooks
  onProgress?: (done: number, total: number) => void
}

export async function exportArchive(
  store: DatasetStore,
  file: string,
  opts: ExportArchiveOptions = {},
): Promise<{ documents: number }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lake-export-'))
  try {
    const folder = `${store.name}-export-${new Date().toISOString().replace(/[:.]/g, '-')}`
    const dir = path.join(tmp, folder)
    fs.mkdirSync(path.join(dir, 'images'), { recursive: true })
    fs.mkdirSync(path.join(dir, 'files'), { recursive: true })
    const docs = exportDocuments(store, { drafts: opts.drafts, types: opts.types })
    const out = fs.createWriteStream(path.join(dir, 'data.ndjson'))
    for (let i = 0; i < docs.length; i++) {
      if (!out.write(`${JSON.stringify(docs[i])}\n`)) await new Promise<void>((r) => out.once('drain', () => r()))
      if (opts.onProgress && (i % 500 === 0 || i === docs.length - 1)) opts.onProgress(i + 1, docs.length)
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())))
    const assets = opts.assets?.writeAssets ? await opts.assets.writeAssets(dir, docs) : {}
    fs.writeFileSync(path.join(dir, 'assets.json'), JSON.stringify(assets))
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
    await tar.c({ gzip: true, file, cwd: tmp, portable: true }, [folder])
    return { documents: docs.length }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}

/** Finds `data.ndjson` in an extracted export (at the top or one folder down). */
function findDataFile(root: string): string | undefined {
  const direct = path.join(root, 'data.ndjson')
  if (fs.existsSync(direct)) return direct
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      const inner = path.join(root, entry.name, 'data.ndjson')
      if (fs.existsSync(inner)) return inner
    }
  }
  return undefined
}

export async function importArchive(
  store: DatasetStore,
  file: string,
  opts: Omit<ImportOptions, 'resolveAsset'> & { assets?: ArchiveAssetHooks } = {},
): Promise<ImportResult> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lake-import-'))
  try {
    try {
      await tar.x({ file, cwd: tmp, strict: true })
    } catch (err) {
      throw new Error(`${file} is not a readable .tar.gz export: ${(err as Error).message}`)
    }
    const dataFile = findDataFile(tmp)
    if (!dataFile) throw new Error(`${file} has no data.ndjson: is it a \`sanity dataset export\` archive?`)
    const dir = path.dirname(dataFile)
    const resolve = opts.assets?.resolveAsset
    return await importNdjsonFile(store, dataFile, {
      ...opts,
      resolveAsset: resolve ? (marker) => resolve(marker, dir) : undefined,
    })
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}
