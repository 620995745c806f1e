// The whole platform on 127.0.0.1 for reliability tests: a seeded local lake (test/helpers/lake.ts),
// the delivery server (reading with the editor's token, to prove the published perspective and
// not the token keeps drafts out), syndication mounted on a second delivery server with its background work
// running (reconcile on lake changes, webhook dispatcher), one partner in the seed's category with
// a webhook receiver that records every call, and a crawler that fetches every output.
import type { FastifyInstance } from 'fastify'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { SanityClient } from '@sanity/client'
import { startDeliveryServer, type DeliveryServer } from '../../delivery/http/server.js'
import { createPartner, type CreatedPartner } from '../../delivery/syndication/admin.js'
import { createSyndication, type Syndication, type SyndicationOptions } from '../../delivery/syndication/service.js'
import { openListen, type ListenStream } from './helpers/sse.js'
import { startTestLake, type TestLake } from '../helpers/lake.js'
import { startServerFor } from '../helpers/syndicated-server.js'

export const SEED = 'content/production.ndjson'
export const SEED_CATEGORY = 'category-treatments'

/**
 * The draft of an article partners may republish, in the seed's category, with one paragraph of
 * `text` (what an editor creates before publishing it); `fields` go over the defaults.
 */
export function syndicatedArticleDraft(
  id: string,
  fields: { title: string; slug: string; text: string } & Record<string, unknown>,
): { _id: string; _type: string } & Record<string, unknown> {
  const { slug, text, ...rest } = fields
  return {
    _id: `drafts.${id}`,
    _type: 'article',
    slug: { _type: 'slug', current: slug },
    publishedAt: '2026-01-01T10:00:00Z',
    categories: [{ _key: 'c', _type: 'reference', _ref: SEED_CATEGORY }],
    syndication: { _type: 'syndicationSettings', allowed: true },
    body: [
      {
        _type: 'block',
        _key: 'b',
        style: 'normal',
        markDefs: [],
        children: [{ _type: 'span', _key: 's', text, marks: [] }],
      },
    ],
    ...rest,
  }
}

/** One fetched output: where, what came back. */
export interface Output {
  url: string
  status: number
  contentType: string
  body: string
}

export interface WebhookReceiver {
  url: string
  calls: Array<{ headers: http.IncomingHttpHeaders; body: string; at: number }>
  /** When true, requests are accepted but never answered (a hung partner). */
  hang: boolean
  close(): Promise<void>
}

export async function startWebhookReceiver(options: { hang?: boolean } = {}): Promise<WebhookReceiver> {
  const hung = new Set<http.ServerResponse>()
  const receiver: WebhookReceiver = {
    url: '',
    calls: [],
    hang: options.hang ?? false,
    close: async () => {
      for (const res of hung) res.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (d: Buffer) => {
      if (body.length < 1_000_000) body += d.toString()
    })
    req.on('end', () => {
      receiver.calls.push({ headers: req.headers, body, at: Date.now() })
      if (receiver.hang) {
        hung.add(res)
        return
      }
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  return receiver
}

export interface Platform {
  lake: TestLake
  /** Editor client, raw perspective (sees drafts): what the Studio would write with. */
  editor: SanityClient
  delivery: DeliveryServer
  syndication: Syndication
  syndicationApp: FastifyInstance
  syndicationUrl: string
  partner: CreatedPartner
  receiver: WebhookReceiver
  /** An anonymous listen stream on `*` with results, open since start. */
  anonymousListen: ListenStream
  /** GET any URL; never throws for an HTTP status. */
  get(url: string, headers?: Record<string, string>): Promise<Output>
  /** Every delivery, page, feed, syndication and anonymous-lake output for these slugs. */
  crawl(slugs: Slugs): Promise<Output[]>
  close(): Promise<void>
}

export interface Slugs {
  article: string[]
  condition: string[]
  treatment: string[]
}

export interface PlatformOptions {
  syndication?: Partial<Omit<SyndicationOptions, 'client' | 'publicUrl'>>
  /** Delivery reads with the editor's token (default true; false = anonymous). */
  deliveryWithToken?: boolean
  deliveryCacheEntries?: number
}

export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const lake = await startTestLake({ seed: SEED })
  const editor = lake.makeClient({ perspective: 'raw' })
  const receiver = await startWebhookReceiver()
  const delivery = await startDeliveryServer({
    client: options.deliveryWithToken === false ? lake.anonymousClient : lake.client,
    port: 0,
    cacheEntries: options.deliveryCacheEntries,
  })
  let syndicationUrl = ''
  const syndication = createSyndication({
    client: lake.makeClient({ perspective: 'raw' }),
    publicUrl: () => syndicationUrl,
    onError: () => undefined,
    rateLimit: { perMinute: 1_000_000, burst: 1_000_000 },
    feedRateLimit: { perMinute: 1_000_000, burst: 1_000_000 },
    publicRateLimit: { perMinute: 1_000_000, burst: 1_000_000 },
    reconcileDebounceMs: 50,
    webhooks: { enabled: true, intervalMs: 200, timeoutMs: 2000, backoff: { baseMs: 200, maxMs: 1000 } },
    ...options.syndication,
  })
  const syndicationServer = await startServerFor(lake, syndication)
  const syndicationApp = syndicationServer.app
  syndicationUrl = syndicationServer.url.replace(/\/$/, '')
  const partner = await createPartner(editor, {
    name: 'Reliability Partner',
    siteUrl: 'https://partner.example',
    allowedCategories: [SEED_CATEGORY],
    webhookUrl: receiver.url,
    status: 'active',
  })
  syndication.start()
  // An anonymous listener on everything, with documents in its events: it must never see a draft.
  const anonymousListen: ListenStream = openListen({ baseUrl: lake.httpUrl, query: '*', includeResult: true })
  await anonymousListen.opened

  const get = async (url: string, headers: Record<string, string> = {}): Promise<Output> => {
    const response = await fetch(url, { headers })
    return {
      url,
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body: await response.text(),
    }
  }

  const key = { authorization: `Bearer ${partner.apiKey}` }
  const crawl = async (slugs: Slugs): Promise<Output[]> => {
    const d = delivery.url
    const s = syndicationUrl
    const urls: Array<[string, Record<string, string>]> = [
      [`${d}/`, {}],
      [`${d}/sitemap.xml`, {}],
      [`${d}/api/v1/articles?limit=50`, {}],
      [`${d}/api/v1/conditions`, {}],
      [`${d}/api/v1/treatments`, {}],
      [`${d}/api/v1/faqs?treatment=integrative-dry-needling`, {}],
      [`${d}/api/v1/clinic`, {}],
      [`${d}/api/v1/sitemap`, {}],
      // /sitemap.xml is an index: the entries are in its child sitemaps (one per type at this size).
      [`${d}/sitemaps/articles-1.xml`, {}],
      [`${d}/sitemaps/conditions-1.xml`, {}],
      [`${d}/sitemaps/treatments-1.xml`, {}],
      [`${d}/api/v1/sitemap/article/1`, {}],
      [`${s}/syndication/v1/articles?limit=100`, key],
      [`${s}/syndication/v1/changes`, key],
      [`${s}/feeds/rss.xml`, {}],
      [`${s}/feeds/atom.xml`, {}],
      [`${s}/feeds/feed.json`, {}],
      // The same in Spanish: lists, FAQs, feeds.
      [`${d}/api/v1/articles?limit=50&lang=es`, {}],
      [`${d}/api/v1/conditions?lang=es`, {}],
      [`${d}/api/v1/treatments?lang=es`, {}],
      [`${d}/api/v1/faqs?treatment=integrative-dry-needling&lang=es`, {}],
      [`${s}/feeds/es/rss.xml`, {}],
      [`${s}/feeds/es/atom.xml`, {}],
      [`${s}/feeds/es/feed.json`, {}],
      [`${s}/feeds/partners/${partner.feedToken}/rss.xml`, {}],
      [`${s}/feeds/partners/${partner.feedToken}/atom.xml`, {}],
      [`${s}/feeds/partners/${partner.feedToken}/feed.json`, {}],
    ]
    for (const slug of slugs.article) {
      const e = encodeURIComponent(slug)
      urls.push(
        [`${d}/api/v1/articles/${e}`, {}],
        [`${d}/articles/${e}`, {}],
        [`${d}/api/v1/articles/${e}?lang=es`, {}],
        [`${d}/es/articles/${e}`, {}],
        [`${s}/syndication/v1/articles/${e}`, key],
        [`${s}/syndication/v1/embed/${e}`, {}],
      )
    }
    for (const slug of slugs.condition) {
      const e = encodeURIComponent(slug)
      urls.push(
        [`${d}/api/v1/conditions/${e}`, {}],
        [`${d}/conditions/${e}`, {}],
        [`${d}/api/v1/conditions/${e}?lang=es`, {}],
        [`${d}/es/conditions/${e}`, {}],
      )
    }
    for (const slug of slugs.treatment) {
      const e = encodeURIComponent(slug)
      urls.push(
        [`${d}/api/v1/treatments/${e}`, {}],
        [`${d}/treatments/${e}`, {}],
        [`${d}/api/v1/treatments/${e}?lang=es`, {}],
        [`${d}/es/treatments/${e}`, {}],
        [`${d}/api/v1/treatments/${e}/care-instructions`, {}],
      )
    }
    const outputs: Output[] = []
    // A few at a time: the point is coverage, not load.
    for (let i = 0; i < urls.length; i += 6) {
      outputs.push(
        ...(await Promise.all(
          urls.slice(i, i + 6).map(async ([url, headers]) => {
            const started = Date.now()
            const output = await get(url, headers)
            if (process.env.RELIABILITY_DEBUG === '2') console.log(`${Date.now() - started} ms ${output.status} ${url}`)
            return output
          }),
        )),
      )
    }
    // Anonymous reads straight from the lake: a query over everything, in every perspective.
    for (const perspective of ['raw', 'drafts', 'published'] as const) {
      const result: unknown = await lake.anonymousClient.fetch('*', {}, { perspective })
      outputs.push({
        url: `lake anonymous query * (${perspective})`,
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify(result),
      })
    }
    outputs.push({
      url: 'lake anonymous listen',
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify(anonymousListen.events),
    })
    outputs.push({
      url: 'partner webhooks',
      status: 200,
      contentType: 'application/json',
      body: `[${receiver.calls.map((c) => c.body).join(',')}]`,
    })
    return outputs
  }

  return {
    lake,
    editor,
    delivery,
    syndication,
    syndicationApp,
    syndicationUrl,
    partner,
    receiver,
    anonymousListen,
    get,
    crawl,
    async close() {
      anonymousListen.close()
      await syndication.stop().catch(() => undefined)
      await syndicationServer.close()
      await delivery.close()
      await receiver.close()
      await lake.close()
    },
  }
}
