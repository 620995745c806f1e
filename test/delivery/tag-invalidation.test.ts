// Tag-precise invalidation: cached responses keyed with the sync tags of the lake responses they
// were built from, invalidated through the Live Content API (`client.live.events()`) only where a
// change touched them. Publishing article A refreshes A's pages and the lists and pages that show
// A, and leaves a cached page of unrelated article B cached. When the Live Content API sends the
// server away, the listen API takes over (a flush per publish): slower, never stale.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ResponseCache } from '../../delivery/cache/response-cache.js'
import { startDeliveryServer, type DeliveryServer } from '../../delivery/http/server.js'
import { type RunningLake, startPrivateLake } from '../../lake/index.js'
import { importNdjson } from '../../lake/io/ndjson.js'
import { createClient } from '@sanity/client'
import { startTestLake, type TestLake } from '../helpers/lake.js'
import { SEED_PATH, seedFacts, slugOf } from './_seed.js'
import { waitUntil } from '../helpers/wait.js'

const seed = seedFacts()
const articleA = `/api/v1/articles/${slugOf(seed.article)}`
const conditionPath = `/api/v1/conditions/${slugOf(seed.tennisElbow)}`
const listPath = '/api/v1/articles'
/** A publish is visible within a second (widen on an overloaded machine). */
const PUBLISH_DEADLINE_MS = Number(process.env.DELIVERY_PUBLISH_DEADLINE_MS) || 1000

const articleB = {
  _id: 'article-unrelated-b',
  _type: 'article',
  title: 'Sleep and recovery',
  slug: { _type: 'slug', current: 'sleep-and-recovery' },
  publishedAt: '2020-01-01T00:00:00Z',
  excerpt: 'Why rest matters.',
}
const articleBPath = `/api/v1/articles/${articleB.slug.current}`

async function get(server: DeliveryServer, p: string) {
  const response = await fetch(server.url + p)
  const text = await response.text()
  return {
    status: response.status,
    cache: response.headers.get('x-cache'),
    etag: response.headers.get('etag'),
    text,
    body: JSON.parse(text) as { data: unknown },
  }
}

const titleOf = (body: { data: unknown }) => (body.data as { title?: unknown }).title
const titlesIn = (body: { data: unknown }) => (body.data as Array<{ title: string }>).map((a) => a.title)

// ---------------------------------------------------------------------------------------------
const cache = suite('delivery: response cache with sync tags')
const response = (body: string) => ({ status: 200, contentType: 'application/json', body, etag: `"${body}"` })

cache('a tag change makes stale only the entries holding it; untagged entries on any change', () => {
  const c = new ResponseCache({ maxEntries: 10, ttlMs: 60_000 })
  c.set('a', response('a'), c.stamp(), ['s1:a', 's1:shared'])
  c.set('b', response('b'), c.stamp(), ['s1:b', 's1:shared'])
  c.set('untagged', response('u'), c.stamp(), null)
  assert.is(c.invalidateTags(['s1:a']), 2, 'a and the untagged entry')
  assert.equal(c.get('a')?.fresh, false)
  assert.is(c.get('a')?.response.body, 'a', 'kept for outages')
  assert.equal(c.get('untagged')?.fresh, false)
  assert.ok(c.get('b')?.fresh)
  assert.is(c.freshHit('b')?.body, 'b')
  assert.is(c.invalidateTags(['s1:shared']), 1, 'b; a is stale already')
  assert.equal(c.get('b')?.fresh, false)
  assert.is(c.stats().invalidations, 0, 'no flush')
  assert.is(c.stats().tagInvalidations, 2)
})

cache('a fetch that a change of its tags raced is stored stale; an unrelated change does not matter', () => {
  const c = new ResponseCache({ maxEntries: 10, ttlMs: 60_000 })
  const before = c.stamp()
  c.invalidateTags(['s1:other'])
  c.set('unrelated', response('1'), before, ['s1:mine'])
  assert.ok(c.get('unrelated')?.fresh)
  c.invalidateTags(['s1:mine'])
  c.set('raced', response('2'), before, ['s1:mine'])
  assert.equal(c.get('raced')?.fresh, false)
  c.set('untagged', response('3'), before, null)
  assert.equal(c.get('untagged')?.fresh, false, 'untagged content read before any change is stale')
  const flushed = c.stamp()
  c.invalidateAll()
  c.set('after-flush', response('4'), flushed, ['s1:x'])
  assert.equal(c.get('after-flush')?.fresh, false)
  c.set('replaced', response('5'), c.stamp(), ['s1:y'])
  c.set('replaced', response('6'), c.stamp(), ['s1:z'])
  c.invalidateTags(['s1:y'])
  assert.ok(c.get('replaced')?.fresh, 'the tags of a replaced response are forgotten')
})

cache('while the change stream is down nothing is fresh; copies stay for outages', () => {
  const c = new ResponseCache({ maxEntries: 10, ttlMs: 60_000 })
  c.set('a', response('a'), c.stamp(), ['s1:a'])
  c.setLive(false)
  assert.equal(c.get('a')?.fresh, false)
  assert.is(c.freshHit('a'), undefined)
  assert.is(c.stats().live, false)
  c.setLive(true)
  assert.ok(c.get('a')?.fresh)
})

cache('grace: a copy a publish just made stale may be answered briefly, never after a lost stream', () => {
  let now = 1_000
  const c = new ResponseCache({ maxEntries: 10, ttlMs: 60_000, graceMs: 250, now: () => now })
  c.set('a', response('a'), c.stamp(), ['s1:a'])
  c.invalidateTags(['s1:a'])
  now += 100
  assert.equal([c.get('a')?.fresh, c.get('a')?.inGrace], [false, true])
  c.invalidateTags(['s1:a'])
  now += 200
  assert.equal(c.get('a')?.inGrace, false, 'counted from the first change, not the last')
  c.set('b', response('b'), c.stamp(), ['s1:b'])
  c.invalidateAll('mutation')
  assert.equal(c.get('b')?.inGrace, true, 'one publish through the listen API')
  c.invalidateAll('mutation')
  assert.equal(c.get('b')?.inGrace, false, 'two flushes: it may miss an older publish')
  c.set('c', response('c'), c.stamp(), ['s1:c'])
  c.invalidateAll('reconnected')
  assert.equal(c.get('c')?.inGrace, false, 'a reopened stream says nothing of when the change was')
  c.set('d', response('d'), c.stamp(), ['s1:d'])
  c.invalidateTags(['s1:d'])
  c.setLive(false)
  assert.equal(c.get('d')?.inGrace, false, 'not while the stream is down')
})

cache.run()

// ---------------------------------------------------------------------------------------------
const live = suite('delivery: publish through the Live Content API invalidates by tags')
let lake: TestLake
let server: DeliveryServer

live.before(async () => {
  lake = await startTestLake({ seed: SEED_PATH })
  await lake.client.createOrReplace(articleB)
  server = await startDeliveryServer({ client: lake.anonymousClient, port: 0 })
})
live.after(async () => {
  await server.close()
  await lake.close()
})

live('publishing article A refreshes A, the list and its condition; B stays cached', async () => {
  for (const p of [articleA, articleBPath, listPath, conditionPath]) {
    assert.is((await get(server, p)).status, 200, p)
    assert.is((await get(server, p)).cache, 'HIT', `${p} cached`)
  }
  const b = await get(server, articleBPath)
  const flushes = server.cache.stats().invalidations

  const draftId = `drafts.${seed.article._id}`
  const { _id: _omit, ...rest } = seed.article
  await lake.client.createOrReplace({ ...rest, _id: draftId, title: 'Dry needling, explained again' })
  await lake.client.action({ actionType: 'sanity.action.document.publish', draftId, publishedId: seed.article._id })
  const elapsed = await waitUntil(
    async () => titleOf((await get(server, articleA)).body) === 'Dry needling, explained again',
    PUBLISH_DEADLINE_MS,
    'the published title on A',
  )
  console.log(`    publish visible on A's page after ${elapsed} ms`)
  assert.ok(titlesIn((await get(server, listPath)).body).includes('Dry needling, explained again'), 'the list')
  const condition = (await get(server, conditionPath)).body.data as { articles: Array<{ title: string }> }
  assert.ok(
    condition.articles.some((a) => a.title === 'Dry needling, explained again'),
    'the condition page lists the new title',
  )

  const bAfter = await get(server, articleBPath)
  assert.is(bAfter.cache, 'HIT', "B's page was not invalidated")
  assert.is(bAfter.etag, b.etag)
  const stats = server.cache.stats()
  assert.is(stats.invalidations, flushes, 'no flush: only tags')
  assert.ok(stats.tagInvalidations > 0 && stats.entriesInvalidatedByTag >= 3, JSON.stringify(stats))
})

live('a new article and a deleted one: lists and the 404 follow, unrelated pages stay', async () => {
  const b = await get(server, articleBPath)
  assert.is(b.cache, 'HIT')
  const missing = await get(server, '/api/v1/articles/brand-new-article')
  assert.is(missing.status, 404)
  const doc = {
    _id: 'article-brand-new',
    _type: 'article',
    title: 'A brand new article',
    slug: { _type: 'slug', current: 'brand-new-article' },
    publishedAt: '2031-01-01T00:00:00Z',
  }
  await lake.client.create(doc)
  await waitUntil(
    async () => (await get(server, '/api/v1/articles/brand-new-article')).status === 200,
    PUBLISH_DEADLINE_MS,
    'a cached 404 does not outlive the publish',
  )
  assert.ok(titlesIn((await get(server, listPath)).body).includes('A brand new article'))
  await lake.client.delete(doc._id)
  await waitUntil(
    async () => (await get(server, '/api/v1/articles/brand-new-article')).status === 404,
    PUBLISH_DEADLINE_MS,
    'the deleted article gone',
  )
  assert.not.ok(titlesIn((await get(server, listPath)).body).includes('A brand new article'))
  assert.is((await get(server, articleBPath)).cache, 'HIT', 'B untouched throughout')
})

live.run()

// ---------------------------------------------------------------------------------------------
const away = suite('delivery: the Live Content API says goaway -> flush per publish')
let dataDir: string
let busyLake: RunningLake
let busyServer: DeliveryServer

away.before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-'))
  busyLake = await startPrivateLake({
    dataDir,
    // Every live connection is over the limit: the lake answers goaway and closes it.
    liveMaxConnections: 0,
  })
  await importNdjson(busyLake.store.dataset('production'), fs.readFileSync(SEED_PATH, 'utf8'), { mode: 'replace' })
  busyServer = await startDeliveryServer({
    client: createClient({
      projectId: 'local',
      dataset: 'production',
      apiHost: busyLake.httpUrl,
      useProjectHostname: false,
      apiVersion: '2025-02-19',
      useCdn: false,
    }),
    port: 0,
  })
})
away.after(async () => {
  await busyServer.close()
  await busyLake.close()
  fs.rmSync(dataDir, { recursive: true, force: true })
})

away('a publish still shows within a second, through a flush', async () => {
  assert.is((await get(busyServer, articleA)).status, 200)
  assert.is((await get(busyServer, articleA)).cache, 'HIT', 'cached while the listen fallback vouches')
  const flushes = busyServer.cache.stats().invalidations
  await busyLake.store
    .dataset('production')
    .commit([{ patch: { id: seed.article._id, set: { title: 'Edited while live was away' } } }])
  await waitUntil(
    async () => titleOf((await get(busyServer, articleA)).body) === 'Edited while live was away',
    PUBLISH_DEADLINE_MS,
    'the edit through the fallback',
  )
  assert.ok(busyServer.cache.stats().invalidations > flushes, 'a flush, not tags')
  assert.is(busyServer.cache.stats().tagInvalidations, 0)
})

away.run()
