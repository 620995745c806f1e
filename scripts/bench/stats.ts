// Timing helpers for `npm run bench`: repeated measurement under a time budget, percentiles.

export interface Timing {
  runs: number
  medianMs: number
  p95Ms: number
  minMs: number
  /**
   * Median CPU time of this process per run (user + system): unlike wall time, it does not grow
   * when other processes compete for the cores, so it shows the cost on a loaded machine.
   */
  cpuMedianMs?: number
}

/** The q-quantile (0..1) of `values` by nearest rank; NaN for an empty list. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[rank] as number
}

export function summarize(samples: readonly number[]): Timing {
  return {
    runs: samples.length,
    medianMs: quantile(samples, 0.5),
    p95Ms: quantile(samples, 0.95),
    minMs: samples.length ? Math.min(...samples) : Number.NaN,
  }
}

export interface TimeOptions {
  /** Stop adding runs once this much time was spent (after `minRuns`). */
  budgetMs: number
  minRuns: number
  maxRuns: number
  /** Untimed runs first (JIT, lazily built indexes). */
  warmup: number
}

/** Runs `fn` repeatedly and reports its timing; the last result is returned for checking. */
export async function time<T>(fn: () => Promise<T>, opts: TimeOptions): Promise<{ timing: Timing; result: T }> {
  let result: T | undefined
  for (let i = 0; i < opts.warmup; i++) result = await fn()
  const samples: number[] = []
  const cpu: number[] = []
  const started = performance.now()
  while (
    samples.length < opts.maxRuns &&
    (samples.length < opts.minRuns || performance.now() - started < opts.budgetMs)
  ) {
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    result = await fn()
    samples.push(performance.now() - t0)
    const c = process.cpuUsage(c0)
    cpu.push((c.user + c.system) / 1000)
  }
  return { timing: { ...summarize(samples), cpuMedianMs: quantile(cpu, 0.5) }, result: result as T }
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-'
  if (ms >= 100) return ms.toFixed(0)
  if (ms >= 10) return ms.toFixed(1)
  if (ms >= 1) return ms.toFixed(2)
  return ms.toFixed(3)
}

/** Fixed-width text table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}
