/**
 * Sanity's naming of assets, in one place: document ids, the `path` of the stored original and the
 * public URL shapes. Everything that turns a sha1 into a name, or a URL segment back into one, goes
 * through here, so the shapes `@sanity/image-url`, the Studio and `sanity dataset export` rely on
 * stay consistent:
 *
 *   image document id   image-<sha1>-<width>x<height>-<ext>
 *   file document id    file-<sha1>-<ext>
 *   image URL           /images/<projectId>/<dataset>/<sha1>-<width>x<height>.<ext>[/<vanity name>]
 *   file URL            /files/<projectId>/<dataset>/<sha1>.<ext>[/<vanity name>]
 *   export archive      images/<sha1>-<width>x<height>.<ext>, files/<sha1>.<ext>
 */

export type AssetKind = 'image' | 'file'

export const ASSET_DOCUMENT_TYPES = { image: 'sanity.imageAsset', file: 'sanity.fileAsset' } as const

export type AssetDocumentType = (typeof ASSET_DOCUMENT_TYPES)[AssetKind]

/** The URL and archive folder of a kind: `images` / `files`. */
export function kindFolder(kind: AssetKind): 'images' | 'files' {
  return kind === 'image' ? 'images' : 'files'
}

export function kindOfDocumentType(type: unknown): AssetKind | undefined {
  if (type === ASSET_DOCUMENT_TYPES.image) return 'image'
  if (type === ASSET_DOCUMENT_TYPES.file) return 'file'
  return undefined
}

/** Identifies one stored original: enough to name its document, its file and its URL. */
export interface AssetName {
  kind: AssetKind
  sha1: string
  /** Lower-case extension without the dot: `jpg`, `png`, `pdf`, `bin`. */
  extension: string
  /** Images only: the (EXIF-oriented) dimensions of the original. */
  width?: number
  height?: number
}

const SHA1 = /^[a-f0-9]{40}$/
const EXTENSION = /^[a-z0-9]{1,16}$/
const IMAGE_ID = /^image-([a-f0-9]{40})-([1-9][0-9]{0,5})x([1-9][0-9]{0,5})-([a-z0-9]{1,16})$/
const FILE_ID = /^file-([a-f0-9]{40})-([a-z0-9]{1,16})$/
const IMAGE_FILENAME = /^([a-f0-9]{40})-([1-9][0-9]{0,5})x([1-9][0-9]{0,5})\.([a-z0-9]{1,16})$/
const FILE_FILENAME = /^([a-f0-9]{40})\.([a-z0-9]{1,16})$/

function assertName(name: AssetName): void {
  if (!SHA1.test(name.sha1)) throw new Error(`asset sha1 "${name.sha1}" is not 40 lower-case hex digits`)
  if (!EXTENSION.test(name.extension)) {
    throw new Error(`asset extension "${name.extension}" must be 1-16 lower-case letters or digits`)
  }
  if (name.kind === 'image') {
    const { width, height } = name
    if (!Number.isInteger(width) || !Number.isInteger(height) || (width ?? 0) < 1 || (height ?? 0) < 1) {
      throw new Error(`an image asset name needs positive integer dimensions, got ${width}x${height}`)
    }
  }
}

/** `image-<sha1>-<w>x<h>-<ext>` or `file-<sha1>-<ext>`. */
export function assetDocumentId(name: AssetName): string {
  assertName(name)
  return name.kind === 'image'
    ? `image-${name.sha1}-${name.width}x${name.height}-${name.extension}`
    : `file-${name.sha1}-${name.extension}`
}

/** The file name of the original: `<sha1>-<w>x<h>.<ext>` or `<sha1>.<ext>` (URL and archive). */
export function assetFilename(name: AssetName): string {
  assertName(name)
  return name.kind === 'image'
    ? `${name.sha1}-${name.width}x${name.height}.${name.extension}`
    : `${name.sha1}.${name.extension}`
}

/** Sanity's `path` field: `images/<projectId>/<dataset>/<filename>`. */
export function assetPath(name: AssetName, projectId: string, dataset: string): string {
  return `${kindFolder(name.kind)}/${projectId}/${dataset}/${assetFilename(name)}`
}

/** The absolute public URL of the original, under `baseUrl` (no trailing slash needed). */
export function assetUrl(name: AssetName, baseUrl: string, projectId: string, dataset: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${assetPath(name, projectId, dataset)}`
}

/** The `assetId` field: Sanity uses the content hash. */
export function assetIdField(name: AssetName): string {
  return name.sha1
}

/** Parses a Sanity asset document id; `undefined` when `id` is not one. */
export function parseAssetDocumentId(id: string): AssetName | undefined {
  const image = IMAGE_ID.exec(id)
  if (image) {
    return { kind: 'image', sha1: image[1]!, width: Number(image[2]), height: Number(image[3]), extension: image[4]! }
  }
  const file = FILE_ID.exec(id)
  if (file) return { kind: 'file', sha1: file[1]!, extension: file[2]! }
  return undefined
}

/**
 * Parses the file name segment of an asset URL (or an archive entry name) of the given kind;
 * `undefined` for anything else, including `..`, encoded slashes and upper-case hex: callers
 * answer 404 for those, never touch the disk with them.
 */
export function parseAssetFilename(kind: AssetKind, filename: string): AssetName | undefined {
  if (kind === 'image') {
    const m = IMAGE_FILENAME.exec(filename)
    return m ? { kind, sha1: m[1]!, width: Number(m[2]), height: Number(m[3]), extension: m[4]! } : undefined
  }
  const m = FILE_FILENAME.exec(filename)
  return m ? { kind, sha1: m[1]!, extension: m[2]! } : undefined
}

/**
 * The extension of an uploaded file (Sanity keeps the original's): from the filename when it has a
 * sane one, else from the content type, else `bin`.
 */
export function fileExtensionFor(filename: string | undefined, contentType: string | undefined): string {
  const fromName = filename ? /\.([A-Za-z0-9]{1,16})$/.exec(filename)?.[1]?.toLowerCase() : undefined
  if (fromName) return fromName
  const mime = contentType?.split(';')[0]?.trim().toLowerCase()
  if (mime && MIME_EXTENSIONS[mime]) return MIME_EXTENSIONS[mime]
  return 'bin'
}

/** The MIME type for a file extension, for files uploaded without a usable `Content-Type`. */
export function mimeTypeForExtension(extension: string): string {
  for (const [mime, ext] of Object.entries(MIME_EXTENSIONS)) if (ext === extension) return mime
  return 'application/octet-stream'
}

const MIME_EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf',
  'application/json': 'json',
  'application/zip': 'zip',
  'application/gzip': 'gz',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.ms-powerpoint': 'ppt',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'text/plain': 'txt',
  'text/csv': 'csv',
  'text/markdown': 'md',
  'text/html': 'html',
  'audio/mpeg': 'mp3',
  'audio/wav': 'wav',
  'video/mp4': 'mp4',
  'video/webm': 'webm',
  'video/quicktime': 'mov',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'image/svg+xml': 'svg',
  'image/tiff': 'tif',
  'application/octet-stream': 'bin',
}
