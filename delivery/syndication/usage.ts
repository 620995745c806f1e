// Per-partner daily usage counts, kept in the lake (syndication.usage.<partner>.<YYYY-MM-DD>) so the
// clinic sees totals across all server instances. Requests are counted in memory and flushed every
// few seconds as atomic increments (`inc`), so concurrent instances add up instead of overwriting.
import type { SanityClient } from '@sanity/client'
import { DOC_TYPES, docIds, isRecord } from './documents.js'

export type UsageRoute = 'articles' | 'article' | 'changes' | 'feed' | 'oembed' | 'embed' | 'deliveries' | 'usage'

export interface DailyUsage {
  partnerId: string
  day: string
  requests: number
  byRoute: Partial<Record<UsageRoute, number>>
  rateLimited: number
}

export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10)
}

interface Pending {
  partnerId: string
  day: string
  requests: number
  rateLimited: number
  byRoute: Map<UsageRoute, number>
}

export class UsageRecorder {
  private pending = new Map<string, Pending>()
  private timer: NodeJS.Timeout | null = null
  private flushing: Promise<void> = Promise.resolve()

  constructor(
    private readonly client: SanityClient,
    private readonly options: { flushIntervalMs?: number; clock?: () => number; onError?: (e: unknown) => void } = {},
  ) {}

  start(): void {
    if (this.timer) return
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs ?? 10_000)
    this.timer.unref()
  }

  /** Stops the timer and writes what is pending. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.flush()
  }

  record(partnerId: string, route: UsageRoute, outcome: 'served' | 'rate-limited' = 'served'): void {
    const day = utcDay(new Date((this.options.clock ?? Date.now)()))
    const key = `${partnerId}\n${day}`
    let entry = this.pending.get(key)
    if (!entry) {
      entry = { partnerId, day, requests: 0, rateLimited: 0, byRoute: new Map() }
      this.pending.set(key, entry)
    }
    entry.requests++
    if (outcome === 'rate-limited') entry.rateLimited++
    entry.byRoute.set(route, (entry.byRoute.get(route) ?? 0) + 1)
  }

  /** Writes pending counts (serialised: one flush at a time). Counts are kept if the write fails. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write()).catch((error: unknown) => this.options.onError?.(error))
    return this.flushing
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return
    const batch = this.pending
    this.pending = new Map()
    const tx = this.client.transaction()
    for (const entry of batch.values()) {
      const id = docIds.usage(entry.partnerId, entry.day)
      const inc: Record<string, number> = { requests: entry.requests, rateLimited: entry.rateLimited }
      const zeroRoutes: Record<string, number> = {}
      for (const [route, n] of entry.byRoute) {
        inc[`byRoute.${route}`] = n
        zeroRoutes[`byRoute.${route}`] = 0
      }
      // `inc` on a missing field does nothing, so every counter is first created at 0 if missing
      // (separate patches: the parent object must exist before its fields are set).
      tx.createIfNotExists({ _id: id, _type: DOC_TYPES.usage, partnerId: entry.partnerId, day: entry.day })
      tx.patch(id, (p) => p.setIfMissing({ requests: 0, rateLimited: 0, byRoute: {} }))
      tx.patch(id, (p) => p.setIfMissing(zeroRoutes))
      tx.patch(id, (p) => p.inc(inc))
    }
    try {
      await tx.commit({ tag: 'syndication.usage.flush', visibility: 'async' })
    } catch (error) {
      // Put the counts back so they are written with the next flush.
      for (const [key, entry] of batch) {
        const current = this.pending.get(key)
        if (!current) this.pending.set(key, entry)
        else {
          current.requests += entry.requests
          current.rateLimited += entry.rateLimited
          for (const [route, n] of entry.byRoute) current.byRoute.set(route, (current.byRoute.get(route) ?? 0) + n)
        }
      }
      throw error
    }
  }
}

export async function readUsage(
  client: SanityClient,
  partnerId: string | null,
  fromDay: string,
  toDay: string,
): Promise<DailyUsage[]> {
  const found: unknown = await client.fetch(
    `*[_type == $type && ($partnerId == null || partnerId == $partnerId) && day >= $from && day <= $to] | order(day asc, partnerId asc){partnerId, day, requests, rateLimited, byRoute}`,
    { type: DOC_TYPES.usage, partnerId, from: fromDay, to: toDay },
    { perspective: 'raw', useCdn: false, tag: 'syndication.usage' },
  )
  if (!Array.isArray(found)) return []
  return found.filter(isRecord).map((u) => ({
    partnerId: String(u.partnerId),
    day: String(u.day),
    requests: typeof u.requests === 'number' ? u.requests : 0,
    rateLimited: typeof u.rateLimited === 'number' ? u.rateLimited : 0,
    byRoute: isRecord(u.byRoute)
      ? (Object.fromEntries(
          Object.entries(u.byRoute).filter(([, v]) => typeof v === 'number'),
        ) as DailyUsage['byRoute'])
      : {},
  }))
}
