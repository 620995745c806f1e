/**
 * An image palette shaped like Sanity's `sanity.imagePalette`: the dominant colour plus the six
 * "vibrant/muted x light/dark" swatches (the classic Android Palette / node-vibrant targets). The
 * image is sampled small, colours are bucketed to 5 bits per channel, and each target takes the
 * best unused bucket by closeness in saturation and lightness, weighted by population.
 */
import type { Sharp } from 'sharp'

export interface PaletteSwatch {
  _type: 'sanity.imagePaletteSwatch'
  background: string
  foreground: string
  population: number
  title: string
}

export type PaletteName = 'darkMuted' | 'darkVibrant' | 'dominant' | 'lightMuted' | 'lightVibrant' | 'muted' | 'vibrant'

export type ImagePalette = { _type: 'sanity.imagePalette' } & Partial<Record<PaletteName, PaletteSwatch>>

interface Bucket {
  r: number
  g: number
  b: number
  count: number
  saturation: number
  lightness: number
}

interface Target {
  name: Exclude<PaletteName, 'dominant'>
  lightness: [min: number, target: number, max: number]
  saturation: [min: number, target: number, max: number]
}

const TARGETS: Target[] = [
  { name: 'vibrant', lightness: [0.3, 0.5, 0.7], saturation: [0.35, 1, 1] },
  { name: 'lightVibrant', lightness: [0.55, 0.74, 1], saturation: [0.35, 1, 1] },
  { name: 'darkVibrant', lightness: [0, 0.26, 0.45], saturation: [0.35, 1, 1] },
  { name: 'muted', lightness: [0.3, 0.5, 0.7], saturation: [0, 0.3, 0.4] },
  { name: 'lightMuted', lightness: [0.55, 0.74, 1], saturation: [0, 0.3, 0.4] },
  { name: 'darkMuted', lightness: [0, 0.26, 0.45], saturation: [0, 0.3, 0.4] },
]

/** Computes the palette of an (already oriented) sharp pipeline. Fully transparent pixels are ignored. */
export async function extractPalette(image: Sharp): Promise<ImagePalette> {
  const { data, info } = await image
    .clone()
    .resize(64, 64, { fit: 'inside', withoutEnlargement: true })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true })
  return paletteFromPixels(data, info.channels)
}

/** The palette of raw interleaved pixels (`channels` 3 or 4 bytes each). Exposed for tests. */
export function paletteFromPixels(pixels: Uint8Array, channels: number): ImagePalette {
  const sums = new Map<number, { r: number; g: number; b: number; count: number }>()
  let total = 0
  for (let i = 0; i + channels - 1 < pixels.length; i += channels) {
    if (channels === 4 && pixels[i + 3]! < 125) continue
    const r = pixels[i]!
    const g = pixels[i + 1]!
    const b = pixels[i + 2]!
    const key = ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3)
    const sum = sums.get(key)
    if (sum) {
      sum.r += r
      sum.g += g
      sum.b += b
      sum.count += 1
    } else sums.set(key, { r, g, b, count: 1 })
    total += 1
  }
  const palette: ImagePalette = { _type: 'sanity.imagePalette' }
  if (total === 0) return palette

  const buckets: Bucket[] = [...sums.values()]
    .map((s) => {
      const r = Math.round(s.r / s.count)
      const g = Math.round(s.g / s.count)
      const b = Math.round(s.b / s.count)
      const [saturation, lightness] = hsl(r, g, b)
      return { r, g, b, count: s.count, saturation, lightness }
    })
    .sort((a, b) => b.count - a.count)

  const maxCount = buckets[0]!.count
  palette.dominant = swatch(buckets[0]!, total)
  const used = new Set<Bucket>()
  for (const target of TARGETS) {
    let best: Bucket | undefined
    let bestScore = -Infinity
    for (const bucket of buckets) {
      if (used.has(bucket)) continue
      const [sMin, sTarget, sMax] = target.saturation
      const [lMin, lTarget, lMax] = target.lightness
      if (bucket.saturation < sMin || bucket.saturation > sMax) continue
      if (bucket.lightness < lMin || bucket.lightness > lMax) continue
      const score =
        3 * (1 - Math.abs(bucket.saturation - sTarget)) +
        6 * (1 - Math.abs(bucket.lightness - lTarget)) +
        1 * (bucket.count / maxCount)
      if (score > bestScore) {
        bestScore = score
        best = bucket
      }
    }
    if (best) {
      used.add(best)
      palette[target.name] = swatch(best, total)
    }
  }
  return palette
}

function swatch(bucket: Bucket, total: number): PaletteSwatch {
  const text = readableTextOn(bucket.r, bucket.g, bucket.b)
  return {
    _type: 'sanity.imagePaletteSwatch',
    background: hex(bucket.r, bucket.g, bucket.b),
    foreground: text,
    population: Math.round((bucket.count / total) * 10000) / 100,
    title: text,
  }
}

function hex(r: number, g: number, b: number): string {
  return `#${[r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('')}`
}

/** White or black, whichever contrasts more (WCAG relative luminance). */
function readableTextOn(r: number, g: number, b: number): string {
  const lin = (c: number) => {
    const s = c / 255
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
  }
  const luminance = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 ? '#fff' : '#000'
}

/** [saturation, lightness] in 0..1 (HSL). */
function hsl(r: number, g: number, b: number): [number, number] {
  const max = Math.max(r, g, b) / 255
  const min = Math.min(r, g, b) / 255
  const lightness = (max + min) / 2
  if (max === min) return [0, lightness]
  const d = max - min
  const saturation = lightness > 0.5 ? d / (2 - max - min) : d / (max + min)
  return [saturation, lightness]
}
