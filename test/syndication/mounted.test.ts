// Syndication mounted on the delivery server through its `extraRoutes` hook: the partner API and
// the feeds answer next to /api/v1, errors keep their problem+json shape, and the server's close
// stops the syndication worker.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { DeliveryServer } from '../../delivery/http/server.js'
import {
  syndicationConfigFromEnv,
  syndicationRoutesFromEnv,
  SyndicationConfigError,
} from '../../delivery/syndication/mount.js'
import { createPartner, type CreatedPartner } from '../../delivery/syndication/admin.js'
import { startTestLake, type TestLake } from '../helpers/lake.js'
import { startSyndicatedServer } from '../helpers/syndicated-server.js'
import { SEED, SEED_ARTICLE_SLUG, SEED_CATEGORY } from './fixture.js'

const test = suite('syndication on the delivery server')
let lake: TestLake
let server: DeliveryServer
let partner: CreatedPartner

test.before(async () => {
  lake = await startTestLake({ seed: SEED })
  partner = await createPartner(lake.makeClient({ perspective: 'raw' }), {
    name: 'Mounted Clinic',
    allowedCategories: [SEED_CATEGORY],
  })
  server = await startSyndicatedServer(lake)
})
test.after(async () => {
  await server?.close()
  await lake?.close()
})

test('partner API, feeds and the content API answer on one server', async () => {
  const list = await fetch(`${server.url}/syndication/v1/articles`, {
    headers: { authorization: `Bearer ${partner.apiKey}` },
  })
  assert.is(list.status, 200)
  const body = (await list.json()) as { items: Array<{ slug: string }> }
  assert.equal(
    body.items.map((i) => i.slug),
    [SEED_ARTICLE_SLUG],
  )
  assert.is((await fetch(`${server.url}/syndication/v1/articles`)).status, 401)
  assert.is((await fetch(`${server.url}/feeds/rss.xml`)).status, 200)
  assert.is((await fetch(`${server.url}/api/v1/articles/${SEED_ARTICLE_SLUG}`)).status, 200)
  const changes = (await (
    await fetch(`${server.url}/syndication/v1/changes`, { headers: { authorization: `Bearer ${partner.apiKey}` } })
  ).json()) as { changes: unknown[] }
  assert.is(changes.changes.length, 1)
  const openapi = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as {
    paths: Record<string, unknown>
  }
  assert.ok(Object.keys(openapi.paths).some((p) => p.startsWith('/syndication/v1/articles')))
})

test('configuration from the environment: off without a token, clear errors for bad values', () => {
  const off = syndicationRoutesFromEnv(lake.anonymousClient, () => '', null, {})
  assert.is(off.register, null)
  assert.match('reason' in off ? off.reason : '', /no SYNDICATION_TOKEN/)
  assert.equal(syndicationConfigFromEnv({ SANITY_API_TOKEN: 't' }).rateLimit, { perMinute: 120, burst: 60 })
  assert.equal(syndicationConfigFromEnv({}).publicRateLimit, { perMinute: 120, burst: 60 })
  assert.equal(
    syndicationConfigFromEnv({ SYNDICATION_PUBLIC_RATE_PER_MINUTE: '10', SYNDICATION_PUBLIC_RATE_BURST: '5' })
      .publicRateLimit,
    { perMinute: 10, burst: 5 },
  )
  assert.throws(
    () => syndicationConfigFromEnv({ SYNDICATION_RATE_PER_MINUTE: 'lots' }),
    (e: unknown) => e instanceof SyndicationConfigError && /SYNDICATION_RATE_PER_MINUTE="lots"/.test(e.message),
  )
  assert.throws(
    () => syndicationConfigFromEnv({ SYNDICATION_WEBSUB_HUB: 'ftp://hub' }),
    (e: unknown) => e instanceof SyndicationConfigError,
  )
})

test.run()
