/**
 * Assets over HTTP, at Sanity's paths:
 *
 *   POST /v<date>/assets/images/<dataset>     upload an image (raw body), editors only
 *   POST /v<date>/assets/files/<dataset>      upload any file
 *   GET  /images/<projectId>/<dataset>/<sha1>-<w>x<h>.<ext>[/<vanity>]   image, with transforms
 *   GET  /files/<projectId>/<dataset>/<sha1>.<ext>[/<vanity>]            file (Range supported)
 *
 * Upload query options as `@sanity/client` sends them: `filename`, `title`, `description`,
 * `label`, `creditLine`, `sourceId`/`sourceName`/`sourceUrl`, `meta` (repeatable or
 * comma-separated: `lqip`, `palette`, `none`, ...). The answer is `{document: <asset document>}`.
 *
 * The plugin is registered at the root (not under `/:apiVersion`), because the serving paths
 * carry no API version; the upload routes check the version segment themselves.
 *
 * Configuration (environment): `LAKE_ASSET_MAX_BYTES` (upload limit, 64 MiB),
 * `LAKE_ASSET_MAX_PIXELS` (100 MP), `LAKE_ASSET_MAX_DIMENSION` (largest rendered side, 8192),
 * `LAKE_ASSET_CACHE_BYTES` (variant LRU, 64 MiB), `LAKE_ASSET_BASE_URL` (origin written into
 * asset documents' `url`; default: the lake's HTTPS listener when it is on, at the host name the
 * upload was sent to, else the origin the upload request was sent to). Hosted asset URLs are
 * always `https:`, and Sanity's importer (`@sanity/import`) accepts an existing asset only at an
 * `https:` URL: with `http:` a re-import into a dataset holding the asset retries and fails.
 */
import { createHash } from 'node:crypto'
import path from 'node:path'

import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'

import type { MetadataKind } from '../../assets/analyze.js'
import type { AssetKind } from '../../assets/names.js'
import {
  type AssetLimits,
  AssetService,
  assetLimitsFromEnv,
  type ResolvedAsset,
  type UploadOptions,
} from '../../assets/service.js'
import { requireWriter } from '../../auth/index.js'
import { LakeError, badRequest } from '../../errors.js'
import { invalidDatasetReason } from '../../ids.js'
import type { RouteOptions } from '../context.js'
import { parseApiVersion, queryString, stringParam } from '../util.js'

const IMMUTABLE = 'public, max-age=31536000, immutable'
/** Served files must never run as a page on the lake's origin (an uploaded SVG or HTML file). */
const ASSET_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"

const META_KINDS = ['lqip', 'palette', 'exif', 'location', 'blurhash', 'thumbhash', 'image', 'none'] as const
const COMPUTED_META: readonly MetadataKind[] = ['lqip', 'palette']

export interface AssetRouteOptions extends RouteOptions {
  /** Overrides of the `LAKE_ASSET_*` limits. */
  limits?: Partial<AssetLimits>
  /** Origin for asset documents' `url` (default `LAKE_ASSET_BASE_URL`, else HTTPS, else the request's origin). */
  baseUrl?: string
  /** The port of the lake's HTTPS listener, or undefined while it is off (asset URLs then use the request's origin). */
  httpsPort?: () => number | undefined
}

/** Where a lake keeps asset originals: `<dataDir>/assets`. */
export function assetStorageDir(dataDir: string): string {
  return path.join(dataDir, 'assets')
}

function notFound(what: string): LakeError {
  return new LakeError(404, 'notFoundError', `${what} not found`)
}

function parseMeta(q: Record<string, unknown>): MetadataKind[] | undefined {
  const raw = q.meta
  if (raw === undefined) return undefined
  const values = (Array.isArray(raw) ? raw : [raw])
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean)
  for (const v of values) {
    if (!(META_KINDS as readonly string[]).includes(v)) {
      throw badRequest(
        `query parameter meta="${v}" is not a metadata kind: use one or more of ${META_KINDS.join(', ')}`,
        'invalidMetadataError',
      )
    }
  }
  if (values.includes('none')) return []
  return COMPUTED_META.filter((kind) => values.includes(kind))
}

function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`
}

/** A single `bytes=a-b` range of a file of `size` bytes; `null` = not satisfiable; `undefined` = whole file. */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | undefined {
  if (!header) return undefined
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!m || (m[1] === '' && m[2] === '')) return undefined
  let start: number
  let end: number
  if (m[1] === '') {
    const suffix = Number(m[2])
    if (suffix === 0) return null
    start = Math.max(0, size - suffix)
    end = size - 1
  } else {
    start = Number(m[1])
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
  }
  if (start >= size || start > end) return null
  return { start, end }
}

function etagMatches(request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match']
  if (!header) return false
  return header.split(',').some((t) => t.trim() === etag || t.trim() === `W/${etag}` || t.trim() === '*')
}

const assetRoutes: FastifyPluginAsync<AssetRouteOptions> = async (app, options) => {
  const { ctx } = options
  const service = new AssetService({
    storageDir: assetStorageDir(ctx.config.dataDir),
    projectId: ctx.config.projectId,
    limits: { ...assetLimitsFromEnv(), ...options.limits },
  })
  await service.storage.sweepIncoming()
  const configuredBaseUrl = options.baseUrl ?? process.env.LAKE_ASSET_BASE_URL

  // Upload bodies are raw bytes of any type, streamed to disk by the service (which enforces the
  // size limit): this parser only hands the stream over. Scoped to this plugin.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined))

  function baseUrlOf(request: FastifyRequest): string {
    if (configuredBaseUrl) return configuredBaseUrl.replace(/\/+$/, '')
    if (request.protocol === 'https') return `https://${request.host}`
    const httpsPort = options.httpsPort?.()
    if (httpsPort === undefined) return `${request.protocol}://${request.host}`
    // The host the client used, on the HTTPS port (the local certificate names localhost and loopback).
    const name = request.hostname
    const host = name.includes(':') && !name.startsWith('[') ? `[${name}]` : name
    return `https://${host}:${httpsPort}`
  }

  async function upload(kind: AssetKind, request: FastifyRequest<{ Params: { apiVersion: string; dataset: string } }>) {
    if (parseApiVersion(request.params.apiVersion) === undefined) {
      throw new LakeError(
        404,
        'notFoundError',
        `"/${request.params.apiVersion}" is not an API version: paths start with /v<YYYY-MM-DD>, /vX or /v1`,
      )
    }
    requireWriter(request.identity, `Uploading ${kind}s`)
    const store = ctx.store.dataset(request.params.dataset)
    const declared = Number(request.headers['content-length'])
    if (Number.isFinite(declared) && declared > service.limits.maxUploadBytes) {
      // Refused before reading: Node discards the unread body, so the client still gets this answer.
      throw new LakeError(
        413,
        'payloadTooLarge',
        `The asset is ${declared} bytes, more than the upload limit of ${service.limits.maxUploadBytes} bytes: upload a smaller file or raise LAKE_ASSET_MAX_BYTES`,
        { limitBytes: service.limits.maxUploadBytes },
      )
    }
    const q = queryString(request)
    const sourceId = stringParam(q, 'sourceId')
    const sourceName = stringParam(q, 'sourceName')
    const sourceUrl = stringParam(q, 'sourceUrl')
    if ((sourceId === undefined) !== (sourceName === undefined)) {
      throw badRequest('query parameters sourceId and sourceName go together: send both or neither')
    }
    const metadata = parseMeta(q)
    const uploadOptions: UploadOptions = { baseUrl: baseUrlOf(request) }
    const contentType = request.headers['content-type']
    if (contentType) uploadOptions.contentType = contentType
    for (const key of ['filename', 'title', 'description', 'label', 'creditLine'] as const) {
      const value = stringParam(q, key)
      if (value !== undefined && value !== '') uploadOptions[key] = value
    }
    if (sourceId !== undefined && sourceName !== undefined) {
      uploadOptions.source = { id: sourceId, name: sourceName, ...(sourceUrl ? { url: sourceUrl } : {}) }
    }
    if (metadata) uploadOptions.metadata = metadata
    if (request.identity.kind === 'user') uploadOptions.author = request.identity.user.id
    const document = await service.upload(store, kind, request.raw, uploadOptions)
    return { document }
  }

  app.post<{ Params: { apiVersion: string; dataset: string } }>('/:apiVersion/assets/images/:dataset', (request) =>
    upload('image', request),
  )
  app.post<{ Params: { apiVersion: string; dataset: string } }>('/:apiVersion/assets/files/:dataset', (request) =>
    upload('file', request),
  )

  async function serve(
    kind: AssetKind,
    request: FastifyRequest<{ Params: { projectId: string; dataset: string; filename: string } }>,
    reply: FastifyReply,
  ) {
    const { projectId, dataset, filename } = request.params
    const what = `${kind === 'image' ? 'Image' : 'File'} "${filename}" in dataset "${dataset}"`
    if (projectId !== ctx.config.projectId)
      throw new LakeError(
        404,
        'notFoundError',
        `project "${projectId}" not found: this lake serves project "${ctx.config.projectId}"`,
      )
    if (invalidDatasetReason(dataset)) throw notFound(what)
    const asset = await service.resolve(ctx.store.dataset(dataset), kind, filename)
    if (!asset) throw notFound(what)

    const search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : ''
    const params = new URLSearchParams(search)
    const accept = request.headers.accept ?? ''
    const plan = kind === 'image' ? service.planVariant(asset, params, accept) : undefined

    reply.header('cache-control', IMMUTABLE)
    reply.header('x-content-type-options', 'nosniff')
    reply.header('content-security-policy', ASSET_CSP)
    if (!reply.hasHeader('access-control-allow-origin')) reply.header('access-control-allow-origin', '*')
    if (params.get('auto') === 'format' && !params.has('fm')) reply.header('vary', 'Accept')
    const dl = params.get('dl')
    if (dl !== null) reply.header('content-disposition', contentDisposition(dl || originalName(asset)))

    if (!plan) {
      const etag = `"${asset.name.sha1}"`
      reply.header('etag', etag)
      reply.header('x-sanity-sha1', asset.name.sha1)
      reply.header('accept-ranges', 'bytes')
      const mimeType =
        typeof asset.document.mimeType === 'string' ? asset.document.mimeType : 'application/octet-stream'
      reply.type(mimeType)
      if (etagMatches(request, etag)) return reply.code(304).send()
      const range = parseRange(request.headers.range, asset.size)
      if (range === null) {
        reply.header('content-range', `bytes */${asset.size}`)
        throw new LakeError(
          416,
          'rangeNotSatisfiable',
          `Range "${request.headers.range}" is outside the ${asset.size} bytes of ${what}`,
        )
      }
      if (range) {
        reply.code(206)
        reply.header('content-range', `bytes ${range.start}-${range.end}/${asset.size}`)
        reply.header('content-length', range.end - range.start + 1)
        return reply.send(service.storage.openRead(dataset, asset.name, range))
      }
      reply.header('content-length', asset.size)
      return reply.send(service.storage.openRead(dataset, asset.name))
    }

    const etag = `"${asset.name.sha1}-${createHash('sha1').update(plan.key).digest('hex').slice(0, 16)}"`
    reply.header('etag', etag)
    if (etagMatches(request, etag)) return reply.code(304).send()
    const rendered = await service.renderVariant(dataset, asset, plan)
    reply.type(rendered.contentType)
    reply.header('content-length', rendered.data.byteLength)
    return reply.send(rendered.data)
  }

  type ServeParams = { Params: { projectId: string; dataset: string; filename: string; vanity?: string } }
  for (const kind of ['image', 'file'] as const) {
    const prefix = kind === 'image' ? '/images' : '/files'
    app.get<ServeParams>(`${prefix}/:projectId/:dataset/:filename`, (request, reply) => serve(kind, request, reply))
    // A "vanity" file name after the asset name is allowed and ignored, as on Sanity's CDN.
    app.get<ServeParams>(`${prefix}/:projectId/:dataset/:filename/:vanity`, (request, reply) =>
      serve(kind, request, reply),
    )
  }
}

function originalName(asset: ResolvedAsset): string {
  const original = asset.document.originalFilename
  if (typeof original === 'string' && original) return original
  return `${asset.name.sha1}.${asset.name.extension}`
}

export default assetRoutes
