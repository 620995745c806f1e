/**
 * The lake's asset service: upload (receive, validate, deduplicate, store, create the asset
 * document), lookup of stored originals for serving, and rendering of image variants with a small
 * LRU. HTTP-free: the route (`lake/http/routes/assets.ts`) and import/export (`./transfer.ts`)
 * both use it.
 */
import { randomBytes } from 'node:crypto'

import { LakeError } from '../errors.js'
import type { CommitOptions, CommitResult, LakeDocument } from '../store/types.js'
import { analyzeImage, DEFAULT_METADATA, decodeOptions, type ImageAnalysis, type MetadataKind } from './analyze.js'
import { ByteLru } from './lru.js'
import {
  ASSET_DOCUMENT_TYPES,
  type AssetKind,
  type AssetName,
  assetDocumentId,
  assetIdField,
  assetPath,
  assetUrl,
  fileExtensionFor,
  mimeTypeForExtension,
  parseAssetDocumentId,
  parseAssetFilename,
} from './names.js'
import { type StagedUpload, AssetStorage, type UploadBody } from './storage.js'
import { planTransform, renderTransform, type RenderedImage, type TransformPlan } from './transform.js'

/** The part of a dataset store the asset service needs (`DatasetStore` satisfies it). */
export interface AssetDocumentStore {
  readonly name: string
  readonly version: number
  get(id: string): LakeDocument | undefined
  documents(): readonly LakeDocument[]
  commit(mutations: readonly unknown[], opts?: CommitOptions): Promise<CommitResult>
}

export interface AssetLimits {
  /** Largest accepted upload, in bytes (413 above). */
  maxUploadBytes: number
  /** Largest accepted image, width x height (413 above). */
  maxInputPixels: number
  /** Largest side of a rendered variant, in pixels (400 above). */
  maxOutputDimension: number
  /** Memory for rendered variants (LRU), in bytes. */
  cacheBytes: number
}

export const DEFAULT_ASSET_LIMITS: AssetLimits = {
  maxUploadBytes: 64 * 1024 * 1024,
  maxInputPixels: 100_000_000,
  maxOutputDimension: 8192,
  cacheBytes: 64 * 1024 * 1024,
}

/** Reads `LAKE_ASSET_*` environment variables over the defaults; a bad value throws naming it. */
export function assetLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): AssetLimits {
  const read = (name: string, fallback: number): number => {
    const raw = env[name]
    if (raw === undefined || raw === '') return fallback
    const value = Number(raw)
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name}="${raw}" must be a positive integer`)
    return value
  }
  return {
    maxUploadBytes: read('LAKE_ASSET_MAX_BYTES', DEFAULT_ASSET_LIMITS.maxUploadBytes),
    maxInputPixels: read('LAKE_ASSET_MAX_PIXELS', DEFAULT_ASSET_LIMITS.maxInputPixels),
    maxOutputDimension: read('LAKE_ASSET_MAX_DIMENSION', DEFAULT_ASSET_LIMITS.maxOutputDimension),
    cacheBytes: read('LAKE_ASSET_CACHE_BYTES', DEFAULT_ASSET_LIMITS.cacheBytes),
  }
}

/** Options of an upload, as Sanity's assets API takes them in the query string. */
export interface UploadOptions {
  /** `Content-Type` of the request (files keep it as `mimeType`; images are sniffed). */
  contentType?: string
  filename?: string
  title?: string
  description?: string
  label?: string
  creditLine?: string
  source?: { id: string; name: string; url?: string }
  /** Image metadata to compute; default lqip and palette. */
  metadata?: readonly MetadataKind[]
  /** Origin the document's `url` is built on, e.g. `http://127.0.0.1:3333`. */
  baseUrl: string
  /** User id recorded as the transaction's author. */
  author?: string
}

/** An asset document before the store gives it `_rev`, `_createdAt` and `_updatedAt`. */
export interface NewAssetDocument {
  _id: string
  _type: string
  [field: string]: unknown
}

/** A stored original found by its URL. */
export interface ResolvedAsset {
  name: AssetName
  document: LakeDocument
  path: string
  size: number
}

const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/

export class AssetService {
  readonly storage: AssetStorage
  readonly projectId: string
  readonly limits: AssetLimits
  readonly #variants: ByteLru<RenderedImage & { byteLength: number }>
  readonly #sha1Index = new WeakMap<AssetDocumentStore, { version: number; bySha1: Map<string, string> }>()

  constructor(options: { storageDir: string; projectId: string; limits?: Partial<AssetLimits> }) {
    this.storage = new AssetStorage(options.storageDir)
    this.projectId = options.projectId
    this.limits = { ...DEFAULT_ASSET_LIMITS, ...options.limits }
    this.#variants = new ByteLru(this.limits.cacheBytes)
  }

  /**
   * Receives an upload and answers the asset document: a new one, or the existing one when the same
   * bytes were uploaded before (Sanity deduplicates by content). The original is durably on disk
   * before the document is committed.
   */
  async upload(
    store: AssetDocumentStore,
    kind: AssetKind,
    body: UploadBody,
    options: UploadOptions,
  ): Promise<LakeDocument> {
    const staged = await this.storage.receive(body, this.limits.maxUploadBytes)
    try {
      if (staged.size === 0) {
        throw new LakeError(400, 'invalidAsset', `The upload is empty: send the ${kind}'s bytes as the request body`)
      }
      const prepared = await this.prepare(store.name, kind, staged, options)
      const existing = this.findExisting(store, prepared.name)
      if (existing) {
        // Same bytes: reuse the document, but make sure its file is there (it may have been lost).
        const existingName = parseAssetDocumentId(existing._id)
        if (existingName && !(await this.storage.exists(store.name, existingName))) {
          await this.storage.place(staged, store.name, existingName)
        } else await this.storage.discard(staged)
        return existing
      }
      await this.storage.place(staged, store.name, prepared.name)
      await store.commit([{ createIfNotExists: prepared.document }], options.author ? { author: options.author } : {})
      const stored = store.get(prepared.document._id)
      if (!stored) throw new Error(`asset document ${prepared.document._id} vanished right after it was committed`)
      return stored
    } catch (error) {
      await this.storage.discard(staged)
      throw error
    }
  }

  /**
   * Analyses a staged upload and builds (but does not commit) its asset document. Used by `upload`
   * and by the import, which commits asset documents in its own transaction.
   */
  async prepare(
    dataset: string,
    kind: AssetKind,
    staged: StagedUpload,
    options: UploadOptions,
  ): Promise<{ name: AssetName; document: NewAssetDocument }> {
    let name: AssetName
    let analysis: ImageAnalysis | undefined
    let mimeType: string
    if (kind === 'image') {
      analysis = await analyzeImage(staged.tempPath, {
        maxInputPixels: this.limits.maxInputPixels,
        metadata: options.metadata ?? DEFAULT_METADATA,
      })
      name = { kind, sha1: staged.sha1, extension: analysis.extension, width: analysis.width, height: analysis.height }
      mimeType = analysis.mimeType
    } else {
      const extension = fileExtensionFor(options.filename, options.contentType)
      name = { kind, sha1: staged.sha1, extension }
      const declared = options.contentType?.split(';')[0]?.trim().toLowerCase()
      mimeType =
        declared && MIME_TYPE.test(declared) && declared !== 'application/octet-stream'
          ? declared
          : mimeTypeForExtension(extension)
    }
    const document: NewAssetDocument = {
      _id: assetDocumentId(name),
      _type: ASSET_DOCUMENT_TYPES[kind],
      assetId: assetIdField(name),
      extension: name.extension,
      mimeType,
      ...(options.filename ? { originalFilename: options.filename } : {}),
      path: assetPath(name, this.projectId, dataset),
      sha1hash: staged.sha1,
      size: staged.size,
      uploadId: randomBytes(16).toString('hex'),
      url: assetUrl(name, options.baseUrl, this.projectId, dataset),
      ...(options.label ? { label: options.label } : {}),
      ...(options.title ? { title: options.title } : {}),
      ...(options.description ? { description: options.description } : {}),
      ...(options.creditLine ? { creditLine: options.creditLine } : {}),
      ...(options.source ? { source: { ...options.source } } : {}),
    }
    if (analysis) {
      document.metadata = {
        _type: 'sanity.imageMetadata',
        dimensions: {
          _type: 'sanity.imageDimensions',
          aspectRatio: analysis.width / analysis.height,
          height: analysis.height,
          width: analysis.width,
        },
        hasAlpha: analysis.hasAlpha,
        isOpaque: analysis.isOpaque,
        ...(analysis.lqip ? { lqip: analysis.lqip } : {}),
        ...(analysis.palette ? { palette: analysis.palette } : {}),
      }
    }
    return { name, document }
  }

  /** An asset document for the same content: by id, else by sha1 (a file uploaded under another extension). */
  findExisting(store: AssetDocumentStore, name: AssetName): LakeDocument | undefined {
    const byId = store.get(assetDocumentId(name))
    if (byId) return byId
    const type = ASSET_DOCUMENT_TYPES[name.kind]
    let index = this.#sha1Index.get(store)
    if (!index || index.version !== store.version) {
      const bySha1 = new Map<string, string>()
      for (const doc of store.documents()) {
        if (
          (doc._type === ASSET_DOCUMENT_TYPES.image || doc._type === ASSET_DOCUMENT_TYPES.file) &&
          typeof doc.sha1hash === 'string'
        ) {
          bySha1.set(`${doc._type}:${doc.sha1hash}`, doc._id)
        }
      }
      index = { version: store.version, bySha1 }
      this.#sha1Index.set(store, index)
    }
    const id = index.bySha1.get(`${type}:${name.sha1}`)
    return id ? store.get(id) : undefined
  }

  /**
   * The stored original behind an asset URL's file name segment, or `undefined` (answer 404) when
   * the name is malformed, no asset document has it, or the file is missing.
   */
  async resolve(store: AssetDocumentStore, kind: AssetKind, filename: string): Promise<ResolvedAsset | undefined> {
    const name = parseAssetFilename(kind, filename)
    if (!name) return undefined
    const document = store.get(assetDocumentId(name))
    if (!document || document._type !== ASSET_DOCUMENT_TYPES[kind]) return undefined
    const info = await this.storage.statOf(store.name, name)
    if (!info) return undefined
    return { name, document, path: this.storage.pathOf(store.name, name), size: info.size }
  }

  /** The plan for an image request, or `undefined` to serve the original. Throws 400 on bad parameters. */
  planVariant(asset: ResolvedAsset, params: URLSearchParams, accept: string): TransformPlan | undefined {
    const { width, height, extension } = asset.name
    if (width === undefined || height === undefined) return undefined
    return planTransform(
      params,
      { width, height, extension },
      { maxOutputDimension: this.limits.maxOutputDimension },
      accept,
    )
  }

  /** Renders (or takes from the LRU) an image variant. */
  async renderVariant(dataset: string, asset: ResolvedAsset, plan: TransformPlan): Promise<RenderedImage> {
    const key = `${dataset}/${asset.name.sha1}/${plan.key}`
    const cached = this.#variants.get(key)
    if (cached) return cached
    const rendered = await renderTransform(asset.path, plan, decodeOptions(this.limits.maxInputPixels))
    this.#variants.set(key, { ...rendered, byteLength: rendered.data.byteLength })
    return rendered
  }
}
