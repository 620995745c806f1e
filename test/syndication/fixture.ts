// A syndication test bed: a real local lake seeded with the clinic's dataset, the syndication
// routes mounted on a delivery server on 127.0.0.1:0 (as in production: its error handling and
// response cache), partners created the way the CLI creates them, and helpers to write articles
// through @sanity/client.
import type { FastifyInstance } from 'fastify'
import type { SanityClient } from '@sanity/client'
import { startTestLake, type TestLake } from '../helpers/lake.js'
import { startServerFor } from '../helpers/syndicated-server.js'
import type { DeliveryServer } from '../../delivery/http/server.js'
import { createSyndication, type Syndication, type SyndicationOptions } from '../../delivery/syndication/service.js'
import { createPartner, type CreatedPartner } from '../../delivery/syndication/admin.js'

export const SEED = 'content/production.ndjson'
export const SEED_ARTICLE_SLUG = 'why-you-shouldnt-be-afraid-of-needles'
export const SEED_CATEGORY = 'category-treatments'

export interface Bed {
  lake: TestLake
  client: SanityClient
  syndication: Syndication
  app: FastifyInstance
  /** The delivery server the routes are mounted on (its response cache: `server.cache`). */
  server: DeliveryServer
  url: string
  get(path: string, headers?: Record<string, string>): Promise<Response>
  key(partner: CreatedPartner): Record<string, string>
  partner(options: {
    name: string
    categories?: string[]
    webhookUrl?: string | null
    status?: 'active' | 'suspended'
  }): Promise<CreatedPartner>
  article(id: string, fields: ArticleFields): Promise<void>
  close(): Promise<void>
}

export interface ArticleFields {
  slug?: string
  title?: string
  categories?: string[]
  allowed?: boolean
  embargoUntil?: string | null
  body?: string
  noIndex?: boolean
}

export function articleDocument(
  id: string,
  fields: ArticleFields,
): Record<string, unknown> & { _id: string; _type: string } {
  const slug = fields.slug ?? id.replace(/[^a-z0-9-]/g, '-')
  const syndication: Record<string, unknown> = { _type: 'syndicationSettings', allowed: fields.allowed ?? true }
  if (fields.embargoUntil) syndication.embargoUntil = fields.embargoUntil
  return {
    _id: id,
    _type: 'article',
    title: fields.title ?? `Article ${slug}`,
    slug: { _type: 'slug', current: slug },
    excerpt: `About ${slug}`,
    publishedAt: '2026-01-01T10:00:00Z',
    lastReviewed: '2026-01-01',
    nextReviewDue: '2027-01-01',
    author: { _type: 'reference', _ref: 'clinician-kelliegomia' },
    categories: (fields.categories ?? [SEED_CATEGORY]).map((c, i) => ({ _key: `c${i}`, _type: 'reference', _ref: c })),
    body: [
      {
        _key: 'b1',
        _type: 'block',
        style: 'normal',
        markDefs: [],
        children: [{ _key: 's1', _type: 'span', marks: [], text: fields.body ?? `Body of ${slug}.` }],
      },
    ],
    syndication,
    ...(fields.noIndex ? { seo: { _type: 'seo', noIndex: true } } : {}),
  }
}

export async function startBed(options: Partial<Omit<SyndicationOptions, 'client' | 'publicUrl'>> = {}): Promise<Bed> {
  const lake = await startTestLake({ seed: SEED })
  const client = lake.makeClient({ perspective: 'raw' })
  await client.createIfNotExists({
    _id: 'category-other',
    _type: 'category',
    title: 'Other',
    slug: { _type: 'slug', current: 'other' },
  })
  let url = ''
  const syndication = createSyndication({
    client,
    publicUrl: () => url,
    onError: () => undefined,
    webhooks: { enabled: false },
    ...options,
  })
  const server = await startServerFor(lake, syndication)
  const app = server.app
  url = server.url.replace(/\/$/, '')
  return {
    lake,
    client,
    syndication,
    app,
    server,
    url,
    get: (path, headers = {}) => fetch(`${url}${path}`, { headers }),
    key: (partner) => ({ authorization: `Bearer ${partner.apiKey}` }),
    partner: (p) =>
      createPartner(client, {
        name: p.name,
        siteUrl: 'https://partner.example',
        allowedCategories: p.categories ?? [SEED_CATEGORY],
        webhookUrl: p.webhookUrl ?? null,
        status: p.status ?? 'active',
      }),
    article: async (id, fields) => {
      await client.createOrReplace(articleDocument(id, fields))
    },
    async close() {
      await syndication.stop()
      await server.close()
      await lake.close()
    },
  }
}
