/**
 * What the lake learns about an uploaded image by decoding it with sharp: the format (from the
 * bytes, never from the client's Content-Type or filename), the EXIF-oriented dimensions, alpha,
 * opacity, and the optional `lqip` and `palette` metadata Sanity computes. A file that does not
 * decode completely is not an image: it is rejected with the reason.
 */
import sharp, { type Metadata } from 'sharp'

import { LakeError } from '../errors.js'
import { extractPalette, type ImagePalette } from './palette.js'

/** Image formats the lake accepts, by sharp's format name. */
const ACCEPTED: Record<string, { extension: string; mimeType: string }> = {
  jpeg: { extension: 'jpg', mimeType: 'image/jpeg' },
  png: { extension: 'png', mimeType: 'image/png' },
  webp: { extension: 'webp', mimeType: 'image/webp' },
  gif: { extension: 'gif', mimeType: 'image/gif' },
  svg: { extension: 'svg', mimeType: 'image/svg+xml' },
  tiff: { extension: 'tif', mimeType: 'image/tiff' },
  avif: { extension: 'avif', mimeType: 'image/avif' },
}

export const ACCEPTED_IMAGE_FORMATS = 'JPEG, PNG, WebP, GIF, AVIF, TIFF or SVG'

/** Metadata kinds a client may ask for with `?meta=` (Sanity's names); others are accepted and ignored. */
export type MetadataKind = 'lqip' | 'palette'

export const DEFAULT_METADATA: readonly MetadataKind[] = ['lqip', 'palette']

export interface ImageAnalysis {
  extension: string
  mimeType: string
  width: number
  height: number
  hasAlpha: boolean
  isOpaque: boolean
  lqip?: string
  palette?: ImagePalette
}

export interface AnalyzeOptions {
  /** Largest accepted width x height of the decoded image. */
  maxInputPixels: number
  metadata: readonly MetadataKind[]
}

/** The sharp options every decode of a stored original uses. */
export function decodeOptions(maxInputPixels: number): sharp.SharpOptions {
  return { failOn: 'error', limitInputPixels: maxInputPixels, animated: false }
}

function notAnImage(reason: string): LakeError {
  return new LakeError(
    400,
    'invalidImage',
    `Invalid image: ${reason}. Upload a ${ACCEPTED_IMAGE_FORMATS} image, or use /assets/files/ for other files`,
  )
}

/** Decodes the image at `path` completely and describes it. Throws a 400/413 `LakeError` for non-images. */
export async function analyzeImage(path: string, options: AnalyzeOptions): Promise<ImageAnalysis> {
  let meta: Metadata
  try {
    // Header only, without a pixel limit: it tells "too many pixels" apart from "not an image".
    meta = await sharp(path, { limitInputPixels: false }).metadata()
  } catch (error) {
    throw notAnImage(`the data is not in a format the lake can decode (${errorText(error)})`)
  }
  const format = formatOf(meta)
  if (!format) throw notAnImage(`${meta.format ?? 'unknown'} images are not supported`)

  // Animated images: the first frame is what the image pipeline renders.
  const width = meta.autoOrient?.width ?? meta.width
  const multiPage = (meta.pages ?? 1) > 1 && meta.pageHeight !== undefined
  const height = multiPage ? meta.pageHeight : (meta.autoOrient?.height ?? meta.height)
  if (!width || !height) throw notAnImage('it has no dimensions')
  if (width * height > options.maxInputPixels) {
    throw new LakeError(
      413,
      'payloadTooLarge',
      `The image is ${width}x${height} (${megapixels(width * height)}), more than the lake's limit of ${megapixels(options.maxInputPixels)}: upload a smaller image`,
      { limitPixels: options.maxInputPixels },
    )
  }

  const image = sharp(path, decodeOptions(options.maxInputPixels)).rotate()
  let isOpaque: boolean
  try {
    // stats() decodes every pixel: a truncated or corrupt file fails here.
    isOpaque = (await image.clone().stats()).isOpaque
  } catch (error) {
    throw notAnImage(`the ${format.extension.toUpperCase()} data is damaged or incomplete (${errorText(error)})`)
  }

  const analysis: ImageAnalysis = {
    extension: format.extension,
    mimeType: format.mimeType,
    width,
    height,
    hasAlpha: meta.hasAlpha === true,
    isOpaque: meta.hasAlpha === true ? isOpaque : true,
  }
  if (options.metadata.includes('lqip')) analysis.lqip = await lqipOf(image)
  if (options.metadata.includes('palette')) analysis.palette = await extractPalette(image)
  return analysis
}

function formatOf(meta: Metadata): { extension: string; mimeType: string } | undefined {
  if (meta.format === 'heif') return meta.compression === 'av1' ? ACCEPTED.avif : undefined
  return meta.format ? ACCEPTED[meta.format] : undefined
}

/** Sanity's low-quality image placeholder: a tiny (20 px wide) JPEG as a data URL. */
async function lqipOf(image: sharp.Sharp): Promise<string> {
  const bytes = await image
    .clone()
    .resize(20, 20, { fit: 'inside' })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: 40 })
    .toBuffer()
  return `data:image/jpeg;base64,${bytes.toString('base64')}`
}

function megapixels(pixels: number): string {
  return `${+(pixels / 1_000_000).toFixed(1)} megapixels`
}

function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.split('\n')[0]!.trim()
}
