// The syndication runtime: configuration, the reconciler trigger (lake listener + timer + reads),
// the webhook dispatcher, WebSub pings, rate limiting and usage counting. The HTTP routes
// (routes/) are Fastify plugins over one Syndication instance, mounted on the delivery server.
//
//   const syndication = createSyndication({client, publicUrl: () => 'https://api.clinic.example'})
//   await app.register(syndicationApi, {syndication, responses})   // see mount.ts
//   syndication.start()             // listener, timers, webhook dispatcher
//   ...
//   await syndication.stop()
//
// `client` must carry a token that may read and write the private syndication documents (on hosted
// Sanity: a robot token with write access, server-side only).
import type { SanityClient } from '@sanity/client'
import type { ChangeListener } from '../cache/changes.js'
import type { ImageConfig } from '../render/types.js'
import type { LedgerEntry } from './ledger.js'
import { DOC_TYPES } from './documents.js'
import { migratePartnersToPrivateIds, type PartnerMigrationResult } from './partners.js'
import { RateLimiter, type RateLimitConfig } from './rateLimit.js'
import { type AppendCause, reconcileOnce, type ReconcileResult } from './reconcile.js'
import type { Audience } from './scope.js'
import { UsageRecorder } from './usage.js'
import { WebhookDispatcher, type DispatcherOptions } from './webhooks/dispatcher.js'
import { pingHub, type HubPingResult } from './websub.js'

export interface SyndicationOptions {
  /** A client for the lake or hosted project, with a server-side token (reads and writes private documents). */
  client: SanityClient
  /** Public base URL of the API (links, feed self URLs, embed snippets). */
  publicUrl: () => string
  /** Image source for the article HTML and feeds (null: no images). */
  images?: ImageConfig | null
  /** Per API key (default 120 requests/minute, burst 60). */
  rateLimit?: RateLimitConfig
  /** Per feed token (default 30/minute, burst 30: feed readers poll). */
  feedRateLimit?: RateLimitConfig
  /**
   * Per client address on the public paths (public feeds, embed, oEmbed, the index), and for
   * failed API keys and feed tokens (default 120/minute, burst 60).
   */
  publicRateLimit?: RateLimitConfig
  /** WebSub hub URL: advertised as rel=hub and pinged when a feed changes. */
  websubHub?: string | null
  /** Webhook dispatcher options (backoff, timeouts); `enabled: false` to not send webhooks from this instance. */
  webhooks?: DispatcherOptions & { enabled?: boolean }
  /** How often to re-check the scope without a lake change (embargoes expiring). Default 60 s. */
  reconcileIntervalMs?: number
  /** Debounce of lake changes before reconciling. Default 250 ms. */
  reconcileDebounceMs?: number
  /** Items in a feed (newest first). Default 50. */
  feedItems?: number
  /** Flush interval of usage counts. Default 10 s. */
  usageFlushMs?: number
  now?: () => Date
  /** Problems in background work (reconcile, webhooks, pings); default console.error. */
  onError?: (error: unknown, where: string) => void
  /** Notes about background work (a partner moved to its private id); default console.log. */
  log?: (message: string) => void
  /** Observes WebSub pings (tests, logs). */
  onHubPing?: (results: HubPingResult[]) => void
}

export interface Syndication {
  readonly client: SanityClient
  readonly options: SyndicationOptions
  readonly limiter: RateLimiter
  readonly feedLimiter: RateLimiter
  readonly publicLimiter: RateLimiter
  readonly usage: UsageRecorder
  readonly dispatcher: WebhookDispatcher
  now(): Date
  apiBaseUrl(): string
  /** Calls `listener` after an audience's ledger gained entries; returns the unsubscribe function. */
  onAppended(listener: (audience: Audience, cause: AppendCause) => void): () => void
  /** Brings all ledgers up to date (coalesced: concurrent calls share one run, plus one follow-up). */
  reconcile(): Promise<ReconcileResult>
  /**
   * Follow the delivery server's change signal (delivery/cache/changes.ts) for published content
   * instead of a listen stream of its own; call before `start`. The private partner documents,
   * which no public change stream covers, are still followed through the listen API.
   */
  followChanges(changes: { subscribe(listener: ChangeListener): () => void }): void
  start(): void
  stop(): Promise<void>
}

export function createSyndication(options: SyndicationOptions): Syndication {
  const client = options.client.withConfig({ useCdn: false })
  const onError =
    options.onError ?? ((error: unknown, where: string) => console.error(`[syndication] ${where}:`, error))
  const now = options.now ?? (() => new Date())
  const limiter = new RateLimiter(options.rateLimit ?? { perMinute: 120, burst: 60 })
  const feedLimiter = new RateLimiter(options.feedRateLimit ?? { perMinute: 30, burst: 30 })
  const publicLimiter = new RateLimiter(options.publicRateLimit ?? { perMinute: 120, burst: 60 })
  const appendedListeners = new Set<(audience: Audience, cause: AppendCause) => void>()
  const usage = new UsageRecorder(client, {
    flushIntervalMs: options.usageFlushMs,
    onError: (e) => onError(e, 'usage flush'),
  })
  const dispatcher = new WebhookDispatcher(client, {
    ...options.webhooks,
    onError: (e) => onError(e, 'webhook dispatch'),
  })
  const apiBaseUrl = () => options.publicUrl().replace(/\/+$/, '')

  let running: Promise<ReconcileResult> | null = null
  let queued: Promise<ReconcileResult> | null = null
  let subscription: { unsubscribe(): void } | null = null
  let followed: { subscribe(listener: ChangeListener): () => void } | null = null
  let unfollow: (() => void) | null = null
  let debounce: NodeJS.Timeout | null = null
  let interval: NodeJS.Timeout | null = null
  let started = false

  const feedTopics = async (audience: Audience): Promise<string[]> => {
    const base = apiBaseUrl()
    if (audience.kind === 'public') return ['rss.xml', 'atom.xml', 'feed.json'].map((f) => `${base}/feeds/${f}`)
    if (audience.kind !== 'partner') return []
    const tokens: unknown = await client.fetch(
      `*[_type == $type && partnerId == $partnerId && !defined(revokedAt)].token`,
      { type: DOC_TYPES.feedToken, partnerId: audience.partnerId },
      { perspective: 'raw', tag: 'syndication.websub.topics' },
    )
    const list = Array.isArray(tokens) ? tokens.filter((t): t is string => typeof t === 'string') : []
    return list.flatMap((t) => ['rss.xml', 'atom.xml', 'feed.json'].map((f) => `${base}/feeds/partners/${t}/${f}`))
  }

  const onAppended = (audience: Audience, _appended: LedgerEntry[], cause: AppendCause) => {
    for (const listener of appendedListeners) listener(audience, cause)
    if (audience.kind === 'partner') dispatcher.wake()
    const hub = options.websubHub
    if (!hub) return
    void feedTopics(audience)
      .then((topics) => (topics.length > 0 ? pingHub(hub, topics) : []))
      .then((results) => {
        options.onHubPing?.(results)
        for (const r of results)
          if (!r.ok) onError(new Error(`WebSub hub ${hub} refused ${r.topic}: ${r.status ?? r.error}`), 'websub ping')
      })
      .catch((e: unknown) => onError(e, 'websub ping'))
  }

  const log = options.log ?? ((message: string) => console.log(`[syndication] ${message}`))

  // Partners published at a public (root) id (an older dataset, an import, a Studio without the
  // partners structure) are moved to their private id before every reconcile: one indexed query
  // when there is nothing to move. A failure is reported and does not stop reconciling.
  const migrate = async (): Promise<PartnerMigrationResult | null> => {
    try {
      const result = await migratePartnersToPrivateIds(client)
      for (const m of result.moved) log(`partner document ${m.from} moved to its private id ${m.to}`)
      for (const c of result.conflicts)
        onError(
          new Error(
            `partner document ${c.from} is public but ${c.to} exists too: nothing moved; keep one of them (npm run partner -- migrate explains)`,
          ),
          'partner migration',
        )
      return result
    } catch (error) {
      onError(error, 'partner migration')
      return null
    }
  }

  const runOnce = async () => {
    await migrate()
    return reconcileOnce(client, { apiBaseUrl: apiBaseUrl(), now: now(), onAppended })
  }

  const reconcile = (): Promise<ReconcileResult> => {
    if (!running) {
      running = runOnce().finally(() => {
        running = null
      })
      return running
    }
    // A run is in progress and may have read the lake before the change that triggered this call:
    // schedule exactly one more run after it, shared by every caller that arrives meanwhile.
    if (!queued) {
      queued = running
        .catch(() => undefined)
        .then(() => {
          queued = null
          return reconcile()
        })
    }
    return queued
  }

  const background = () => {
    reconcile().catch((e: unknown) => onError(e, 'reconcile'))
  }

  return {
    client,
    options,
    limiter,
    feedLimiter,
    publicLimiter,
    usage,
    dispatcher,
    now,
    apiBaseUrl,
    onAppended(listener) {
      appendedListeners.add(listener)
      return () => appendedListeners.delete(listener)
    },
    reconcile,
    followChanges(changes) {
      followed = changes
    },
    start() {
      if (started) return
      started = true
      usage.start()
      if (options.webhooks?.enabled !== false) dispatcher.start()
      const soon = () => {
        if (debounce) clearTimeout(debounce)
        debounce = setTimeout(background, options.reconcileDebounceMs ?? 250)
        debounce.unref()
      }
      // Published content: the delivery server's signal when given (any change, tags or a flush:
      // the tags are opaque, so any change may concern an article's scope), else a listen stream.
      if (followed) unfollow = followed.subscribe(soon)
      subscription = client
        .listen(
          followed ? '*[_type == "partner"]' : '*[_type in ["article", "partner", "clinic", "category"]]',
          {},
          { includeResult: false, visibility: 'query', events: ['welcome', 'mutation', 'reconnect'] },
        )
        .subscribe({
          // welcome (also after a reconnect: changes may have been missed) or a mutation.
          next: soon,
          error: (e: unknown) => onError(e, 'lake listener'),
        })
      interval = setInterval(background, options.reconcileIntervalMs ?? 60_000)
      interval.unref()
    },
    async stop() {
      started = false
      subscription?.unsubscribe()
      subscription = null
      unfollow?.()
      unfollow = null
      if (debounce) clearTimeout(debounce)
      if (interval) clearInterval(interval)
      await dispatcher.stop()
      await running?.catch(() => undefined)
      await usage.stop()
    },
  }
}
