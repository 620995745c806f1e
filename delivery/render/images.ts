// accessibleImage -> responsive <img>/<figure>, through @sanity/image-url so the same code serves
// images from hosted Sanity (https://cdn.sanity.io) and from the local lake (its own baseUrl).
// Browser-safe: @sanity/image-url has no Node dependencies.

import { createImageUrlBuilder } from '@sanity/image-url'
import type { ImageUrlBuilder } from '@sanity/image-url'
import { escapeHtml } from './escape.js'
import type { AccessibleImageShape, ImageConfig, WarningHandler } from './types.js'

/** Widths offered in `srcset` (capped at the image's own width). */
export const DEFAULT_SRCSET_WIDTHS: readonly number[] = [320, 480, 640, 960, 1280, 1600, 1920]
export const DEFAULT_SIZES = '(min-width: 48rem) 46rem, 100vw'
const DEFAULT_SRC_WIDTH = 960

/** `image-<hash>-<width>x<height>-<format>`: Sanity's image asset ids encode the original size. */
const ASSET_ID = /^image-([A-Za-z0-9]+)-(\d{1,5})x(\d{1,5})-([a-z0-9]{1,8})$/

export interface ParsedAssetId {
  id: string
  width: number
  height: number
  format: string
}

/** Parses an image asset id (`image-Tb9Ew8...-2000x3000-jpg`), or null when it is not one. */
export function parseImageAssetId(id: unknown): ParsedAssetId | null {
  if (typeof id !== 'string') return null
  const m = ASSET_ID.exec(id)
  if (!m) return null
  const width = Number(m[2])
  const height = Number(m[3])
  if (width <= 0 || height <= 0) return null
  return { id, width, height, format: m[4]! }
}

/** Checks an {@link ImageConfig} and builds the URL builder; throws saying which setting is wrong. */
export function createImageBuilder(config: ImageConfig): ImageUrlBuilder {
  if (!config || typeof config !== 'object') {
    throw new TypeError('image config: expected {projectId, dataset, baseUrl?}')
  }
  if (typeof config.projectId !== 'string' || !/^[a-z0-9][a-z0-9-]*$/i.test(config.projectId)) {
    throw new TypeError(
      `image config: projectId ${JSON.stringify(config.projectId)} is not a valid project id (letters, digits, hyphens)`,
    )
  }
  if (typeof config.dataset !== 'string' || !/^[a-z0-9][a-z0-9_-]*$/i.test(config.dataset)) {
    throw new TypeError(
      `image config: dataset ${JSON.stringify(config.dataset)} is not a valid dataset name (letters, digits, _ and -)`,
    )
  }
  let baseUrl: string | undefined
  if (config.baseUrl !== undefined) {
    let url: URL
    try {
      url = new URL(config.baseUrl)
    } catch {
      throw new TypeError(`image config: baseUrl ${JSON.stringify(config.baseUrl)} is not an absolute URL`)
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(`image config: baseUrl ${JSON.stringify(config.baseUrl)} must be http or https`)
    }
    baseUrl = `${url.origin}${url.pathname.replace(/\/+$/, '')}`
  }
  return createImageUrlBuilder({
    projectId: config.projectId,
    dataset: config.dataset,
    ...(baseUrl ? { baseUrl } : {}),
  })
}

export interface ResponsiveImage {
  src: string
  srcset: string
  /** Intrinsic size of the displayed (cropped) image, for the width/height attributes. */
  width: number
  height: number
}

function fraction(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && value < 1 ? value : 0
}

/**
 * URLs and dimensions of an image, or null (with a warning) when it has no usable asset.
 * Accepts the asset as a reference (`{_ref}`) or dereferenced (`{_id}`).
 */
export function responsiveImage(
  image: AccessibleImageShape,
  builder: ImageUrlBuilder,
  options: { widths?: readonly number[]; onWarning?: WarningHandler } = {},
): ResponsiveImage | null {
  const assetId = image.asset?._ref ?? image.asset?._id
  const parsed = parseImageAssetId(assetId)
  if (!parsed) {
    options.onWarning?.({
      code: 'image-without-asset',
      message:
        assetId == null
          ? 'An image has no uploaded asset; upload the image or remove the image block.'
          : `An image's asset id ${JSON.stringify(assetId)} is not an image asset id (image-<hash>-<w>x<h>-<format>).`,
    })
    return null
  }
  // A crop cuts fractions off each side; width/height describe what is actually shown.
  const crop = image.crop
  const width = Math.max(1, Math.round(parsed.width * (1 - fraction(crop?.left) - fraction(crop?.right))))
  const height = Math.max(1, Math.round(parsed.height * (1 - fraction(crop?.top) - fraction(crop?.bottom))))
  const source = {
    asset: { _ref: parsed.id },
    ...(crop
      ? {
          crop: {
            left: fraction(crop.left),
            right: fraction(crop.right),
            top: fraction(crop.top),
            bottom: fraction(crop.bottom),
          },
        }
      : {}),
    ...(image.hotspot &&
    typeof image.hotspot.x === 'number' &&
    typeof image.hotspot.y === 'number' &&
    typeof image.hotspot.width === 'number' &&
    typeof image.hotspot.height === 'number'
      ? {
          hotspot: { x: image.hotspot.x, y: image.hotspot.y, width: image.hotspot.width, height: image.hotspot.height },
        }
      : {}),
  }
  const base = builder.image(source).auto('format').fit('max')
  const candidates = (options.widths ?? DEFAULT_SRCSET_WIDTHS).filter((w) => Number.isInteger(w) && w > 0 && w < width)
  const widths = [...new Set([...candidates, width])].sort((a, b) => a - b)
  const srcset = widths.map((w) => `${base.width(w).url()} ${w}w`).join(', ')
  const src = base.width(Math.min(width, DEFAULT_SRC_WIDTH)).url()
  return { src, srcset, width, height }
}

export interface ImageHtmlOptions {
  sizes?: string
  widths?: readonly number[]
  /** `lazy` (default) for images below the fold; `eager` for a hero image. */
  loading?: 'lazy' | 'eager'
  className?: string
  onWarning?: WarningHandler
}

/**
 * An accessibleImage as HTML: `<figure>` with `<figcaption>` when it has a caption, else a bare
 * `<img>`. Every attribute is escaped. Missing alt text renders `alt=""` (decorative) with a warning,
 * and an image without a usable asset renders nothing.
 */
export function renderImageHtml(
  image: AccessibleImageShape | null | undefined,
  builder: ImageUrlBuilder,
  options: ImageHtmlOptions = {},
): string {
  if (!image || typeof image !== 'object') return ''
  const img = responsiveImage(image, builder, options)
  if (!img) return ''
  const alt = typeof image.alt === 'string' ? image.alt.trim() : ''
  if (alt === '') {
    options.onWarning?.({
      code: 'image-without-alt',
      message: 'An image has no alt text; describe the image for patients using screen readers.',
    })
  }
  const tag =
    `<img src="${escapeHtml(img.src)}" srcset="${escapeHtml(img.srcset)}" sizes="${escapeHtml(options.sizes ?? DEFAULT_SIZES)}"` +
    ` width="${img.width}" height="${img.height}" alt="${escapeHtml(alt)}"` +
    ` loading="${options.loading === 'eager' ? 'eager' : 'lazy'}" decoding="async">`
  const caption = typeof image.caption === 'string' ? image.caption.trim() : ''
  const cls = options.className ? ` class="${escapeHtml(options.className)}"` : ''
  if (caption === '') return options.className ? `<figure${cls}>${tag}</figure>` : tag
  return `<figure${cls}>${tag}<figcaption>${escapeHtml(caption)}</figcaption></figure>`
}
