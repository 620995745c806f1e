/**
 * Sanity's image pipeline parameters (the imgix-style query string `@sanity/image-url` writes),
 * parsed into a plan with every output dimension worked out up front, then rendered with sharp.
 *
 * Supported: `rect`, `w`, `h`, `dpr`, `fit` (clip, crop, fill, fillmax, max, scale, min), `crop`
 * (top, bottom, left, right, center, focalpoint, entropy), `fp-x`, `fp-y`, `min-w`, `max-w`,
 * `min-h`, `max-h`, `or`, `flip`, `bg`, `pad`, `blur`, `sharp`, `invert`, `sat`, `q`, `fm`,
 * `auto=format`, `frame=1`. `dl` and `dlRaw` are about the response, not the pixels (see the
 * route). Unknown parameters are ignored, as the hosted pipeline does; a known parameter with a
 * bad value is a 400 that says which parameter, what was wrong and what is allowed.
 *
 * Order of operations: EXIF orientation, `rect` (in the oriented original's pixels), `flip`,
 * `or`, resize/crop per `fit`, canvas (`fill`, `fillmax`) and `pad`, then the effects and encoding.
 */
import sharp from 'sharp'

import { LakeError } from '../errors.js'

export type OutputFormat = 'jpg' | 'pjpg' | 'png' | 'webp' | 'avif' | 'gif'

const OUTPUT_FORMATS: readonly OutputFormat[] = ['jpg', 'pjpg', 'png', 'webp', 'avif', 'gif']

export const CONTENT_TYPES: Record<OutputFormat, string> = {
  jpg: 'image/jpeg',
  pjpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  gif: 'image/gif',
}

type Fit = 'clip' | 'crop' | 'fill' | 'fillmax' | 'max' | 'scale' | 'min'
const FITS: readonly Fit[] = ['clip', 'crop', 'fill', 'fillmax', 'max', 'scale', 'min']
const CROPS = ['top', 'bottom', 'left', 'right', 'center', 'focalpoint', 'entropy'] as const
type CropMode = (typeof CROPS)[number]

export interface Rect {
  left: number
  top: number
  width: number
  height: number
}

export interface Rgba {
  r: number
  g: number
  b: number
  alpha: number
}

/** Everything needed to render one variant; `key` identifies it (cache key and ETag part). */
export interface TransformPlan {
  key: string
  rect?: Rect
  /** SVG originals: rasterise at this multiple of their intrinsic size, so upscaled output stays crisp. */
  svgScale?: number
  flip: { horizontal: boolean; vertical: boolean }
  rotate: 0 | 90 | 180 | 270
  /** The size the (rect, rotated) region is resized to. */
  resize?: { width: number; height: number; stretch: boolean }
  /** A window cut out of the resized image (fit=crop/min), or `entropy` to let sharp pick it. */
  window?: Rect | { entropy: true; width: number; height: number }
  /** Size of the image pixels before any canvas or padding. */
  content: { width: number; height: number }
  /** Final canvas size when the image is letterboxed (fit=fill/fillmax). */
  canvas?: { width: number; height: number }
  pad: number
  background?: Rgba
  blur?: number
  sharpen?: number
  invert: boolean
  saturation?: number
  quality: number
  format: OutputFormat
  width: number
  height: number
}

export interface SourceImage {
  width: number
  height: number
  /** Extension of the stored original (`jpg`, `png`, `svg`, ...). */
  extension: string
}

export interface TransformLimits {
  /** Largest width or height of any rendered image, in pixels. */
  maxOutputDimension: number
}

const TRANSFORM_PARAMS = new Set([
  'rect',
  'w',
  'h',
  'dpr',
  'fit',
  'crop',
  'fp-x',
  'fp-y',
  'min-w',
  'max-w',
  'min-h',
  'max-h',
  'or',
  'flip',
  'bg',
  'pad',
  'blur',
  'sharp',
  'invert',
  'sat',
  'q',
  'fm',
  'auto',
  'frame',
])

const DEFAULT_QUALITY = 75

function bad(param: string, value: string, expected: string): LakeError {
  return new LakeError(
    400,
    'invalidImageParameter',
    `Invalid image parameter ${param}=${JSON.stringify(value)}: expected ${expected}`,
    { parameter: param, value },
  )
}

/**
 * Reads the transform parameters of an image request. `undefined` means "serve the original":
 * no parameter changes the pixels or the format. Throws a 400 `LakeError` for a bad value.
 */
export function planTransform(
  params: URLSearchParams,
  source: SourceImage,
  limits: TransformLimits,
  accept = '',
): TransformPlan | undefined {
  if (params.get('dlRaw') === 'true') return undefined
  const present = [...new Set(params.keys())].filter((k) => TRANSFORM_PARAMS.has(k))
  if (present.length === 0) return undefined
  const max = limits.maxOutputDimension
  const get = (name: string): string | undefined => params.get(name) ?? undefined

  const int = (name: string, min: number, maxValue: number): number | undefined => {
    const raw = get(name)
    if (raw === undefined) return undefined
    if (!/^-?\d+$/.test(raw.trim())) throw bad(name, raw, `an integer from ${min} to ${maxValue}`)
    const n = Number(raw)
    if (n < min || n > maxValue) throw bad(name, raw, `an integer from ${min} to ${maxValue}`)
    return n
  }
  const num = (name: string, min: number, maxValue: number): number | undefined => {
    const raw = get(name)
    if (raw === undefined) return undefined
    const n = Number(raw)
    if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > maxValue) {
      throw bad(name, raw, `a number from ${min} to ${maxValue}`)
    }
    return n
  }

  // Region of the original: rect, clamped to the image like the hosted pipeline does.
  let rect: Rect | undefined
  const rectRaw = get('rect')
  if (rectRaw !== undefined) {
    const parts = rectRaw.split(',')
    if (parts.length !== 4 || parts.some((p) => !/^\d+$/.test(p.trim()))) {
      throw bad('rect', rectRaw, 'four non-negative integers "left,top,width,height"')
    }
    const [left, top, width, height] = parts.map(Number) as [number, number, number, number]
    if (width < 1 || height < 1) throw bad('rect', rectRaw, 'a width and height of at least 1')
    if (left >= source.width || top >= source.height) {
      throw bad('rect', rectRaw, `a region that overlaps the ${source.width}x${source.height} image`)
    }
    rect = { left, top, width: Math.min(width, source.width - left), height: Math.min(height, source.height - top) }
    if (rect.left === 0 && rect.top === 0 && rect.width === source.width && rect.height === source.height) {
      rect = undefined
    }
  }

  const orRaw = get('or')
  let rotate: TransformPlan['rotate'] = 0
  if (orRaw !== undefined) {
    if (!['0', '90', '180', '270'].includes(orRaw)) throw bad('or', orRaw, 'one of 0, 90, 180, 270')
    rotate = Number(orRaw) as TransformPlan['rotate']
  }
  const flipRaw = get('flip')
  if (flipRaw !== undefined && !['h', 'v', 'hv', 'vh'].includes(flipRaw)) throw bad('flip', flipRaw, 'h, v or hv')
  const flip = { horizontal: flipRaw?.includes('h') ?? false, vertical: flipRaw?.includes('v') ?? false }

  // The region's size as the resize sees it.
  const regionW0 = rect?.width ?? source.width
  const regionH0 = rect?.height ?? source.height
  const [regionW, regionH] = rotate === 90 || rotate === 270 ? [regionH0, regionW0] : [regionW0, regionH0]

  const dpr = num('dpr', 1, 3) ?? 1
  const wParam = int('w', 1, max)
  const hParam = int('h', 1, max)
  const scaled = (name: string, v: number | undefined): number | undefined => {
    if (v === undefined) return undefined
    const out = Math.round(v * dpr)
    if (out > max) throw bad(name, String(v), `at most ${max} pixels after dpr=${dpr} (${v} x ${dpr} = ${out})`)
    return out
  }
  const tw = scaled('w', wParam)
  const th = scaled('h', hParam)

  const fitRaw = get('fit')
  if (fitRaw !== undefined && !FITS.includes(fitRaw as Fit)) throw bad('fit', fitRaw, `one of ${FITS.join(', ')}`)
  const fit = (fitRaw as Fit | undefined) ?? 'clip'

  const cropRaw = get('crop')
  const crop = new Set<CropMode>()
  if (cropRaw !== undefined) {
    for (const part of cropRaw.split(',')) {
      if (!CROPS.includes(part as CropMode)) throw bad('crop', cropRaw, `a comma-separated list of ${CROPS.join(', ')}`)
      crop.add(part as CropMode)
    }
  }
  const fpx = num('fp-x', 0, 1)
  const fpy = num('fp-y', 0, 1)

  // Resize and crop geometry.
  let resize: TransformPlan['resize']
  let window: TransformPlan['window']
  let canvas: TransformPlan['canvas']
  let outW = regionW
  let outH = regionH
  const bothGiven = tw !== undefined && th !== undefined
  const noUpscale = fit === 'max' || fit === 'fillmax' || fit === 'min'
  if (tw !== undefined || th !== undefined) {
    if (bothGiven && fit === 'scale') {
      resize = { width: tw, height: th, stretch: true }
      outW = tw
      outH = th
    } else if (bothGiven && (fit === 'crop' || fit === 'min')) {
      let s = Math.max(tw / regionW, th / regionH)
      let targetW = tw
      let targetH = th
      if (fit === 'min' && s > 1) {
        // Same aspect ratio as asked, but never larger than the region itself.
        targetW = Math.max(1, Math.round(tw / s))
        targetH = Math.max(1, Math.round(th / s))
        s = 1
      }
      const rw = Math.max(targetW, Math.round(regionW * s))
      const rh = Math.max(targetH, Math.round(regionH * s))
      if (crop.has('entropy')) {
        window = { entropy: true, width: targetW, height: targetH }
      } else {
        resize = { width: rw, height: rh, stretch: false }
        window = positionWindow(rw, rh, targetW, targetH, crop, fpx, fpy)
      }
      outW = targetW
      outH = targetH
    } else {
      // clip, max, fill, fillmax (and crop/scale/min with one dimension): keep the aspect ratio.
      let s = bothGiven ? Math.min(tw / regionW, th / regionH) : tw !== undefined ? tw / regionW : th! / regionH
      if (noUpscale) s = Math.min(s, 1)
      outW = Math.max(1, Math.round(regionW * s))
      outH = Math.max(1, Math.round(regionH * s))
      if (tw !== undefined && !bothGiven && s === tw / regionW) outW = tw
      if (th !== undefined && !bothGiven && s === th / regionH) outH = th
      if (outW !== regionW || outH !== regionH) resize = { width: outW, height: outH, stretch: false }
      if (bothGiven && (fit === 'fill' || fit === 'fillmax')) canvas = { width: tw, height: th }
    }
  }

  // min-/max- width and height bound the result, keeping its aspect ratio.
  const minW = int('min-w', 1, max)
  const maxW = int('max-w', 1, max)
  const minH = int('min-h', 1, max)
  const maxH = int('max-h', 1, max)
  if (!canvas && !window && (minW || maxW || minH || maxH)) {
    let s = 1
    if (maxW && outW * s > maxW) s = maxW / outW
    if (maxH && outH * s > maxH) s = maxH / outH
    if (minW && outW * s < minW) s = minW / outW
    if (minH && outH * s < minH) s = minH / outH
    if (s !== 1) {
      outW = Math.max(1, Math.round(outW * s))
      outH = Math.max(1, Math.round(outH * s))
      resize = { width: outW, height: outH, stretch: resize?.stretch ?? false }
    }
  }

  const pad = int('pad', 0, max) ?? 0
  const width = (canvas?.width ?? outW) + 2 * pad
  const height = (canvas?.height ?? outH) + 2 * pad
  if (width > max || height > max) {
    const what = `${width}x${height}`
    throw new LakeError(
      400,
      'invalidImageParameter',
      `The requested image would be ${what} pixels; the largest side the lake renders is ${max} pixels: ask for a smaller w/h/dpr/pad`,
      { limitPixels: max },
    )
  }

  const bgRaw = get('bg')
  const background = bgRaw === undefined ? undefined : parseColor(bgRaw)
  const blurRaw = num('blur', 0, 2000)
  const sharpRaw = num('sharp', 0, 100)
  const satRaw = num('sat', -100, 100)
  const invertRaw = get('invert')
  if (invertRaw !== undefined && !['', 'true', '1', 'false', '0'].includes(invertRaw)) {
    throw bad('invert', invertRaw, 'true or false')
  }
  const invert = invertRaw === '' || invertRaw === 'true' || invertRaw === '1'
  const quality = int('q', 0, 100) ?? DEFAULT_QUALITY
  const frameRaw = get('frame')
  if (frameRaw !== undefined && frameRaw !== '1') throw bad('frame', frameRaw, '1 (the first frame)')

  const fmRaw = get('fm')
  if (fmRaw !== undefined && !OUTPUT_FORMATS.includes(fmRaw as OutputFormat) && fmRaw !== 'jpeg') {
    throw bad('fm', fmRaw, `one of ${OUTPUT_FORMATS.join(', ')}`)
  }
  const autoRaw = get('auto')
  if (autoRaw !== undefined && autoRaw !== 'format') throw bad('auto', autoRaw, '"format"')
  let format: OutputFormat
  if (fmRaw !== undefined) format = fmRaw === 'jpeg' ? 'jpg' : (fmRaw as OutputFormat)
  else if (autoRaw === 'format' && /\bimage\/webp\b/.test(accept)) format = 'webp'
  else format = defaultOutputFormat(source.extension)

  // Vector originals are rasterised as large as the output needs (never beyond the output limit).
  let svgScale: number | undefined
  if (source.extension === 'svg') {
    const needed = Math.max(
      1,
      (resize?.width ?? outW) / regionW,
      (resize?.height ?? outH) / regionH,
      window ? window.width / regionW : 1,
      window ? window.height / regionH : 1,
    )
    const scale = Math.min(needed, max / Math.max(source.width, source.height))
    if (scale > 1) svgScale = Math.round(scale * 100) / 100
  }

  const plan: Omit<TransformPlan, 'key'> = {
    ...(rect ? { rect } : {}),
    ...(svgScale ? { svgScale } : {}),
    flip,
    rotate,
    ...(resize ? { resize } : {}),
    ...(window ? { window } : {}),
    content: { width: outW, height: outH },
    ...(canvas ? { canvas } : {}),
    pad,
    ...(background ? { background } : {}),
    ...(blurRaw ? { blur: blurRaw } : {}),
    ...(sharpRaw ? { sharpen: sharpRaw } : {}),
    invert,
    ...(satRaw ? { saturation: satRaw } : {}),
    quality,
    format,
    width,
    height,
  }
  const changesPixels =
    rect ||
    rotate ||
    flip.horizontal ||
    flip.vertical ||
    resize ||
    window ||
    canvas ||
    pad ||
    blurRaw ||
    sharpRaw ||
    invert ||
    satRaw ||
    params.has('q')
  const sameFormat = format === source.extension || (format === 'jpg' && source.extension === 'jpeg')
  // Only a quality or background on an untouched original in its own format: serve the original.
  if (!changesPixels && sameFormat) return undefined
  return { ...plan, key: JSON.stringify(plan) }
}

/** What a transformed original is encoded as when no `fm`/`auto=format` asks otherwise. */
function defaultOutputFormat(extension: string): OutputFormat {
  switch (extension) {
    case 'png':
    case 'webp':
    case 'avif':
    case 'gif':
      return extension
    case 'svg':
      return 'png'
    default:
      return 'jpg'
  }
}

function positionWindow(
  rw: number,
  rh: number,
  ww: number,
  wh: number,
  crop: Set<CropMode>,
  fpx: number | undefined,
  fpy: number | undefined,
): Rect {
  let left: number
  let top: number
  const focal = crop.has('focalpoint') || (crop.size === 0 && (fpx !== undefined || fpy !== undefined))
  if (focal) {
    left = Math.round((fpx ?? 0.5) * rw - ww / 2)
    top = Math.round((fpy ?? 0.5) * rh - wh / 2)
  } else {
    left = crop.has('left') ? 0 : crop.has('right') ? rw - ww : Math.round((rw - ww) / 2)
    top = crop.has('top') ? 0 : crop.has('bottom') ? rh - wh : Math.round((rh - wh) / 2)
  }
  left = Math.min(Math.max(0, left), rw - ww)
  top = Math.min(Math.max(0, top), rh - wh)
  return { left, top, width: ww, height: wh }
}

/** `bg`: hex RGB, ARGB, RRGGBB or AARRGGBB (alpha first, as the hosted pipeline reads it). */
export function parseColor(raw: string): Rgba {
  const hex = raw.replace(/^#/, '')
  if (!/^[0-9a-fA-F]+$/.test(hex) || ![3, 4, 6, 8].includes(hex.length)) {
    throw bad('bg', raw, 'a hex colour: RGB, ARGB, RRGGBB or AARRGGBB')
  }
  const full = hex.length <= 4 ? [...hex].map((c) => c + c).join('') : hex
  const hasAlpha = full.length === 8
  const at = (i: number) => parseInt(full.slice(i, i + 2), 16)
  const offset = hasAlpha ? 2 : 0
  return {
    r: at(offset),
    g: at(offset + 2),
    b: at(offset + 4),
    alpha: hasAlpha ? Math.round((at(0) / 255) * 1000) / 1000 : 1,
  }
}

export interface RenderedImage {
  data: Buffer
  contentType: string
  width: number
  height: number
}

/** Renders `plan` from the original at `path` (decoded with `decode`). */
export async function renderTransform(
  path: string,
  plan: TransformPlan,
  decode: sharp.SharpOptions,
): Promise<RenderedImage> {
  const scale = plan.svgScale ?? 1
  const options = scale > 1 ? { ...decode, density: 72 * scale } : decode
  let image = sharp(path, options).autoOrient()
  if (plan.rect && scale > 1) {
    // rect is in the original's pixels: scale it to the larger rasterisation.
    const raster = await sharp(path, options).metadata()
    const left = Math.min(Math.round(plan.rect.left * scale), (raster.width ?? 1) - 1)
    const top = Math.min(Math.round(plan.rect.top * scale), (raster.height ?? 1) - 1)
    image = image.extract({
      left,
      top,
      width: Math.max(1, Math.min(Math.round(plan.rect.width * scale), (raster.width ?? 1) - left)),
      height: Math.max(1, Math.min(Math.round(plan.rect.height * scale), (raster.height ?? 1) - top)),
    })
  } else if (plan.rect) image = image.extract(plan.rect)
  if (plan.flip.vertical) image = image.flip()
  if (plan.flip.horizontal) image = image.flop()
  if (plan.rotate) image = image.rotate(plan.rotate)

  const transparent = { r: 0, g: 0, b: 0, alpha: 0 }
  const window = plan.window
  if (window && 'entropy' in window) {
    image = image.resize(window.width, window.height, { fit: 'cover', position: sharp.strategy.entropy })
  } else {
    if (plan.resize) {
      image = image.resize(plan.resize.width, plan.resize.height, { fit: 'fill' })
    }
    if (window) image = image.extract(window)
  }
  if (plan.canvas || plan.pad) {
    // extend() runs after resize and extraction in sharp's pipeline: one pass.
    const inner = plan.canvas ?? plan.content
    const padX = inner.width - plan.content.width
    const padY = inner.height - plan.content.height
    image = image.extend({
      left: Math.floor(padX / 2) + plan.pad,
      right: padX - Math.floor(padX / 2) + plan.pad,
      top: Math.floor(padY / 2) + plan.pad,
      bottom: padY - Math.floor(padY / 2) + plan.pad,
      background: plan.background ?? transparent,
    })
  }
  if (plan.blur) image = image.blur(Math.min(1000, Math.max(0.3, plan.blur / 10)))
  if (plan.sharpen) image = image.sharpen({ sigma: 0.5 + plan.sharpen / 50 })
  if (plan.saturation) image = image.modulate({ saturation: Math.max(0, 1 + plan.saturation / 100) })
  if (plan.invert) image = image.negate({ alpha: false })

  const flattenOn = plan.background ?? { r: 255, g: 255, b: 255, alpha: 1 }
  switch (plan.format) {
    case 'jpg':
    case 'pjpg':
      image = image
        .flatten({ background: flattenOn })
        .jpeg({ quality: plan.quality, progressive: plan.format === 'pjpg', mozjpeg: true })
      break
    case 'png':
      image = image.png({ compressionLevel: 8 })
      break
    case 'webp':
      image = image.webp({ quality: plan.quality })
      break
    case 'avif':
      image = image.avif({ quality: Math.max(1, Math.round(plan.quality * 0.8)), effort: 2 })
      break
    case 'gif':
      image = image.gif()
      break
  }
  const { data, info } = await image.toBuffer({ resolveWithObject: true })
  return { data, contentType: CONTENT_TYPES[plan.format], width: info.width, height: info.height }
}
