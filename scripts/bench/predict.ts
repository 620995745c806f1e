// Predicting how long a naive (plain groq-js, unindexed) query evaluation will take at a dataset
// size, so `npm run bench` can skip one predicted over its limit instead of spending many minutes
// on it: some delivery queries are quadratic in plain groq-js (each `->` inside a filter scans the
// dataset), so a linear guess from a smaller size is far too low.
//
// The prediction fits a power law t = c * n^k through the largest smaller size timed and the largest
// one at most half of it (k clamped to 1..3: never better than linear), and extrapolates. Without two such sizes (a run of one size),
// the caller times the query on subsets of the dataset to make them up.

export interface NaivePoint {
  /** Documents the evaluation ran over. */
  size: number
  ms: number
}

/** The predicted milliseconds at `size` from timings at smaller sizes; undefined without two usable points. */
export function predictNaiveMs(points: readonly NaivePoint[], size: number): number | undefined {
  const usable = points
    .filter((p) => p.size < size && p.ms > 0 && Number.isFinite(p.ms))
    .sort((a, b) => a.size - b.size)
  if (usable.length < 2) return undefined
  const b = usable[usable.length - 1] as NaivePoint
  // Sizes close together give a noisy exponent: take the largest at most half of b's.
  const a = [...usable].reverse().find((p) => p.size <= b.size / 2) ?? (usable[0] as NaivePoint)
  if (a.size === b.size) return b.ms * (size / b.size)
  const k = Math.min(3, Math.max(1, Math.log(b.ms / a.ms) / Math.log(b.size / a.size)))
  return b.ms * (size / b.size) ** k
}

/** `count` documents spread evenly over `documents` (every n-th), for calibration runs. */
export function evenSubset<T>(documents: readonly T[], count: number): T[] {
  if (count >= documents.length) return [...documents]
  const step = documents.length / count
  const out: T[] = []
  for (let i = 0; i < count; i++) out.push(documents[Math.floor(i * step)] as T)
  return out
}
