/**
 * Figures the reliability tests print (trials, sequences, payloads, requests, errors, p99, RSS):
 * one line per figure set, prefixed `[reliability]`, so `npm test` output and CI logs carry them.
 */
export function report(area: string, figures: Record<string, string | number>): void {
  const parts = Object.entries(figures).map(([k, v]) => `${k}=${v}`)
  console.log(`[reliability] ${area}: ${parts.join(' ')}`)
}

/** The q-quantile (0..1) of the values, nearest-rank; 0 for none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[rank] as number
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)}MB`
}

/** Reads a positive whole number from an env var, or the fallback; a bad value is an error naming it. */
export function sizeFromEnv(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new Error(`${name}="${raw}" must be a whole number >= 1`)
  return Number(raw)
}

/** A small deterministic PRNG (mulberry32) so a failing randomized run can be replayed by its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Seed from RELIABILITY_SEED, or a fresh one (printed by the tests, to replay a failure). */
export function seedFromEnv(): number {
  const raw = process.env.RELIABILITY_SEED
  return raw && /^\d+$/.test(raw) ? Number(raw) : Math.floor(Math.random() * 2 ** 31)
}
