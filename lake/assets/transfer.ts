/**
 * Assets in dataset exports and imports, laid out as `sanity dataset export` writes them and
 * `sanity dataset import` reads them:
 *
 *   <export>/data.ndjson        documents; asset documents left out; every asset reference
 *                               `{asset: {_ref: 'image-<sha1>-<w>x<h>-<ext>'}, ...}` rewritten to
 *                               `{_sanityAsset: 'image@file://./images/<sha1>-<w>x<h>.<ext>', ...}`
 *   <export>/images/<sha1>-<w>x<h>.<ext>
 *   <export>/files/<sha1>.<ext>
 *   <export>/assets.json        `{"image-<sha1>": {originalFilename, label, title, metadata, ...}}`
 *
 * Export: `prepareAssetExport()` rewrites documents and lists the files to add to the archive.
 * Import: an `AssetImporter` resolves `_sanityAsset` markers (the `resolveAsset` hook of
 * `lake/io`): it stores the file (durably, deduplicated), builds its asset document (restoring the
 * metadata from `assets.json`) and answers the reference that replaces the marker. The asset
 * documents it built are handed to the import (`documents()`) to be committed in the import's own
 * transaction, so a failed import leaves no asset documents behind.
 */
import { createReadStream } from 'node:fs'
import { readdir, readFile, realpath } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { isRecord, LakeError } from '../errors.js'
import type { LakeDocument } from '../store/types.js'
import {
  ASSET_DOCUMENT_TYPES,
  type AssetKind,
  type AssetName,
  assetDocumentId,
  assetFilename,
  kindFolder,
  kindOfDocumentType,
  parseAssetDocumentId,
  parseAssetFilename,
} from './names.js'
import type { AssetDocumentStore, AssetService, NewAssetDocument } from './service.js'

/** `assets.json`: asset metadata by `<kind>-<sha1>`. */
export type AssetMap = Record<string, Record<string, unknown>>

/** Fields `assets.json` leaves out (Sanity's export: they are derived from the file or the lake). */
const NOT_EXPORTED = new Set(['_id', '_type', 'assetId', 'extension', 'mimeType', 'path', 'uploadId', 'url'])

/** Fields an import never takes from `assets.json` (Sanity's import: they describe the new upload). */
const NOT_RESTORED = new Set(['_createdAt', '_id', '_rev', '_type', '_updatedAt', 'sha1hash', 'size', 'uploadId'])

export interface AssetExportFile {
  /** Path inside the export folder: `images/<name>` or `files/<name>`. */
  archivePath: string
  /** The stored original on disk. */
  diskPath: string
}

export interface PreparedAssetExport {
  /** The documents to write to data.ndjson, in the given order, asset documents removed. */
  documents: Record<string, unknown>[]
  /** The originals to add under `images/` and `files/`. */
  files: AssetExportFile[]
  /** The content of `assets.json`. */
  assetMap: AssetMap
}

/**
 * Rewrites documents for an export with assets. Asset documents whose original is on disk become
 * files plus an `assets.json` entry; references to them become `_sanityAsset` markers. A reference
 * to an asset that is not in the dataset (or whose file is missing) is left as it is.
 */
export async function prepareAssetExport(
  service: AssetService,
  dataset: string,
  documents: readonly LakeDocument[],
): Promise<PreparedAssetExport> {
  const exported = new Map<string, AssetName>()
  const files: AssetExportFile[] = []
  const assetMap: AssetMap = {}
  for (const doc of documents) {
    const kind = kindOfDocumentType(doc._type)
    if (!kind) continue
    const name = parseAssetDocumentId(doc._id)
    if (!name || name.kind !== kind || !(await service.storage.exists(dataset, name))) continue
    exported.set(doc._id, name)
    files.push({
      archivePath: `${kindFolder(kind)}/${assetFilename(name)}`,
      diskPath: service.storage.pathOf(dataset, name),
    })
    const meta = Object.fromEntries(Object.entries(doc).filter(([key]) => !NOT_EXPORTED.has(key)))
    if (Object.keys(meta).length > 0) assetMap[`${kind}-${name.sha1}`] = meta
  }
  const out: Record<string, unknown>[] = []
  for (const doc of documents) {
    if (exported.has(doc._id)) continue
    out.push(rewriteReferences(doc, exported) as Record<string, unknown>)
  }
  return { documents: out, files, assetMap }
}

function rewriteReferences(value: unknown, exported: Map<string, AssetName>): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteReferences(v, exported))
  if (!isRecord(value)) return value
  const asset = value.asset
  if (isRecord(asset) && typeof asset._ref === 'string' && exported.has(asset._ref)) {
    const name = exported.get(asset._ref)!
    const { asset: _replaced, ...rest } = value
    void _replaced
    const marker = `${name.kind}@file://./${kindFolder(name.kind)}/${assetFilename(name)}`
    return { _sanityAsset: marker, ...(rewriteReferences(rest, exported) as Record<string, unknown>) }
  }
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) out[key] = rewriteReferences(v, exported)
  return out
}

/** Reads `assets.json` from an export folder; `{}` when there is none. Throws on a malformed one. */
export async function readAssetMap(exportDir: string): Promise<AssetMap> {
  let text: string
  try {
    text = await readFile(path.join(exportDir, 'assets.json'), 'utf8')
  } catch {
    return {}
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new LakeError(400, 'importError', `assets.json is not valid JSON (${(error as Error).message})`)
  }
  if (!isRecord(value) || Object.values(value).some((v) => !isRecord(v))) {
    throw new LakeError(
      400,
      'importError',
      'assets.json must be an object of asset metadata objects keyed "image-<sha1>" / "file-<sha1>"',
    )
  }
  return value as AssetMap
}

const MARKER = /^(image|file)@(.+)$/

export interface AssetImporterOptions {
  service: AssetService
  store: AssetDocumentStore
  /** The extracted export folder that `file://./` markers are relative to. */
  baseDir: string
  /** Origin for the new asset documents' `url` (the lake's public URL). */
  baseUrl: string
  /** `assets.json` of the export (see `readAssetMap`). */
  assetMap?: AssetMap
}

/**
 * Resolves `_sanityAsset` markers of one import. Use `resolveAsset` as the import's hook, then
 * commit `documents()` in the same transaction as the imported documents (createIfNotExists).
 */
export class AssetImporter {
  readonly #options: AssetImporterOptions
  readonly #byPath = new Map<string, Promise<string>>()
  readonly #created = new Map<string, NewAssetDocument>()
  #baseDirReal: Promise<string> | undefined

  constructor(options: AssetImporterOptions) {
    this.#options = options
  }

  /** The hook: `image@file://./images/x.jpg` -> `{asset: {_type: 'reference', _ref: 'image-...'}}`. */
  resolveAsset = async (marker: string, line: number): Promise<Record<string, unknown>> => {
    const m = MARKER.exec(marker)
    if (!m) {
      throw importError(
        line,
        `_sanityAsset "${marker}" must start with "image@" or "file@" followed by a file URL, e.g. image@file://./images/photo.jpg`,
      )
    }
    const kind = m[1] as AssetKind
    const file = await this.#localPath(m[2]!, line)
    const key = `${kind}:${file}`
    let pending = this.#byPath.get(key)
    if (!pending) {
      pending = this.#ingest(kind, file, line)
      this.#byPath.set(key, pending)
    }
    return { asset: { _type: 'reference', _ref: await pending } }
  }

  /**
   * Also imports originals in `images/` and `files/` that no document refers to (an export
   * includes every asset of the dataset, referenced or not), as Sanity's import does.
   */
  async includeUnreferenced(): Promise<void> {
    for (const kind of ['image', 'file'] as const) {
      const dir = path.join(this.#options.baseDir, kindFolder(kind))
      let names: string[]
      try {
        names = (await readdir(dir)).sort()
      } catch {
        continue
      }
      for (const name of names) {
        await this.resolveAsset(`${kind}@file://./${kindFolder(kind)}/${encodeURIComponent(name)}`, 0)
      }
    }
  }

  /** Asset documents this import creates (ones already in the dataset are only referenced). */
  documents(): NewAssetDocument[] {
    return [...this.#created.values()]
  }

  async #localPath(url: string, line: number): Promise<string> {
    const base = path.resolve(this.#options.baseDir)
    let file: string
    if (url.startsWith('file://./')) {
      file = path.resolve(base, decodeURIComponent(url.slice('file://./'.length)))
    } else if (url.startsWith('file://')) {
      try {
        file = fileURLToPath(url)
      } catch {
        throw importError(line, `_sanityAsset URL "${url}" is not a valid file URL`)
      }
    } else if (/^https?:\/\//.test(url)) {
      throw importError(
        line,
        `_sanityAsset URL "${url}" is remote: the local lake does not download assets; put the file in the export's images/ or files/ folder and refer to it as file://./images/<name>`,
      )
    } else {
      throw importError(line, `_sanityAsset URL "${url}" is not a file URL (file://./images/<name>)`)
    }
    // Only files inside the export folder: a marker must not read arbitrary files of the machine.
    this.#baseDirReal ??= realpath(base)
    const baseReal = await this.#baseDirReal
    let real: string
    try {
      real = await realpath(file)
    } catch {
      throw importError(
        line,
        `asset file ${path.relative(base, file) || file} (from "${url}") does not exist in the export`,
      )
    }
    if (real !== baseReal && !real.startsWith(baseReal + path.sep)) {
      throw importError(line, `_sanityAsset URL "${url}" points outside the export folder`)
    }
    return real
  }

  async #ingest(kind: AssetKind, file: string, line: number): Promise<string> {
    const { service, store, baseUrl, assetMap = {} } = this.#options
    const staged = await service.storage
      .receive(createReadStream(file), service.limits.maxUploadBytes)
      .catch((error: unknown) => {
        throw importError(line, `asset file ${path.basename(file)}: ${(error as Error).message}`)
      })
    try {
      const meta = assetMap[`${kind}-${staged.sha1}`] ?? {}
      const exportedName = parseAssetFilename(kind, path.basename(file))
      const originalFilename = typeof meta.originalFilename === 'string' ? meta.originalFilename : undefined
      const mimeType = typeof meta.mimeType === 'string' ? meta.mimeType : undefined
      let prepared: Awaited<ReturnType<typeof service.prepare>>
      try {
        prepared = await service.prepare(store.name, kind, staged, {
          baseUrl,
          // A file keeps the extension (and so the id) it was exported with; images are sniffed.
          filename: exportedName ? assetFilenameFor(exportedName) : (originalFilename ?? path.basename(file)),
          ...(mimeType ? { contentType: mimeType } : {}),
        })
      } catch (error) {
        throw importError(line, `asset file ${path.basename(file)}: ${(error as Error).message}`)
      }
      const existing = service.findExisting(store, prepared.name) ?? this.#created.get(assetDocumentId(prepared.name))
      if (existing && (await service.storage.exists(store.name, prepared.name))) {
        await service.storage.discard(staged)
        return existing._id
      }
      await service.storage.place(staged, store.name, prepared.name)
      if (existing) return existing._id
      const document: NewAssetDocument = { ...prepared.document }
      delete document.originalFilename
      for (const [key, value] of Object.entries(meta)) {
        if (!NOT_RESTORED.has(key) && !NOT_EXPORTED.has(key)) document[key] = value
      }
      document._id = assetDocumentId(prepared.name)
      document._type = ASSET_DOCUMENT_TYPES[kind]
      this.#created.set(document._id, document)
      return document._id
    } catch (error) {
      await service.storage.discard(staged)
      throw error
    }
  }
}

function assetFilenameFor(name: AssetName): string {
  return `${name.sha1}.${name.extension}`
}

function importError(line: number, description: string): LakeError {
  return new LakeError(
    400,
    'importError',
    line > 0 ? `line ${line}: ${description}` : description,
    line > 0 ? { line } : {},
  )
}
