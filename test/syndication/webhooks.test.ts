// Push webhooks end to end: publish in the lake -> reconciler -> signed POST to the partner's
// receiver on 127.0.0.1, with retries; the delivery log is readable; out-of-scope partners and
// drafts produce nothing.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { isValidSignature } from '@sanity/webhook'
import type { CreatedPartner } from '../../delivery/syndication/admin.js'
import { verifySignature } from '../../delivery/syndication/webhooks/signature.js'
import { articleDocument, SEED_ARTICLE_SLUG, startBed, type Bed } from './fixture.js'
import { startReceiver, type Receiver } from './receiver.js'

const test = suite('syndication webhooks')
let bed: Bed
let hook: Receiver
let otherHook: Receiver
let partner: CreatedPartner

interface Event {
  id: string
  type: string
  article: { id: string; slug: string; href: string | null }
  reason: string | null
  cursor: string
}

const events = (r: Receiver) => r.received.map((x) => ({ status: x.status, event: JSON.parse(x.body) as Event }))

test.before(async () => {
  // The receiver fails the first two requests, then accepts everything.
  hook = await startReceiver((n) => (n < 2 ? 500 : 200))
  otherHook = await startReceiver()
  bed = await startBed({
    webhooks: { enabled: true, backoff: { baseMs: 100, maxMs: 400, maxAttempts: 6 }, intervalMs: 50, random: () => 0 },
    reconcileIntervalMs: 60_000,
  })
  partner = await bed.partner({ name: 'Hooked Clinic', webhookUrl: hook.url })
  await bed.partner({ name: 'Other Clinic', categories: ['category-other'], webhookUrl: otherHook.url })
  bed.syndication.start()
})
test.after(async () => {
  await bed?.close()
  await hook?.close()
  await otherHook?.close()
})

test('a receiver that fails twice then succeeds gets the event exactly once, signed', async () => {
  // Starting up: the seed article is in this partner's scope, so it is announced as published.
  await hook.waitFor((r) => r.some((x) => x.status === 200))
  const seen = events(hook)
  assert.equal(
    seen.map((s) => s.status),
    [500, 500, 200],
  )
  assert.equal(new Set(seen.map((s) => s.event.id)).size, 1, 'the same event is retried')
  assert.is(seen[0]!.event.type, 'article.published')
  assert.is(seen[0]!.event.article.slug, SEED_ARTICLE_SLUG)
  for (const r of hook.received) {
    const signature = String(r.headers['sanity-webhook-signature'])
    assert.match(signature, /^t=\d{13},v1=[A-Za-z0-9_-]+$/)
    assert.ok(await isValidSignature(r.body, signature, partner.webhookSecret), '@sanity/webhook verifies it')
    assert.ok(verifySignature(r.body, signature, partner.webhookSecret))
    assert.not.ok(await isValidSignature(r.body, signature, 'whsec_wrong'))
    assert.is(r.headers['webhook-id'], seen[0]!.event.id)
  }
  // The clinic-readable delivery log has the attempts.
  const log = (await (await bed.get('/syndication/v1/webhooks/deliveries', bed.key(partner))).json()) as {
    deliveries: Array<{
      eventId: string
      status: string
      attemptCount: number
      attempts: Array<{ httpStatus: number }>
    }>
  }
  const entry = log.deliveries.find((d) => d.eventId === seen[0]!.event.id)!
  assert.is(entry.status, 'delivered')
  assert.is(entry.attemptCount, 3)
  assert.equal(
    entry.attempts.map((a) => a.httpStatus),
    [500, 500, 200],
  )
})

test('publish, update and removal reach the partner in order; drafts and other categories do not', async () => {
  const before = hook.received.length
  await bed.client.create(articleDocument('drafts.article-wh-draft', { slug: 'wh-draft' }))
  await bed.client.create(articleDocument('article-wh-other', { slug: 'wh-other', categories: ['category-other'] }))
  await bed.article('article-wh1', { slug: 'wh1', body: 'first' })
  await hook.waitFor((r) => r.slice(before).some((x) => x.body.includes('"wh1"')))
  await bed.article('article-wh1', { slug: 'wh1', body: 'second' })
  await hook.waitFor((r) => r.slice(before).some((x) => x.body.includes('article.updated')))
  await bed.client.patch('article-wh1').set({ 'syndication.embargoUntil': '2099-01-01T00:00:00Z' }).commit()
  await hook.waitFor((r) => r.slice(before).some((x) => x.body.includes('article.removed')))
  const mine = events(hook)
    .slice(before)
    .filter((e) => e.status === 200)
    .map((e) => e.event)
  assert.equal(
    mine.map((e) => [e.type, e.article.slug, e.reason]),
    [
      ['article.published', 'wh1', null],
      ['article.updated', 'wh1', null],
      ['article.removed', 'wh1', 'embargoed'],
    ],
  )
  assert.match(String(mine[0]!.article.href), /\/syndication\/v1\/articles\/wh1$/)
  assert.ok(
    mine.every((e) => !e.article.slug.startsWith('wh-')),
    'no event about the draft or the other category',
  )
  // The other partner heard about its own category's article only.
  await otherHook.waitFor((r) => r.some((x) => x.body.includes('wh-other')))
  assert.ok(
    otherHook.received.every(
      (x) => !x.body.includes('"wh1"') && !x.body.includes(SEED_ARTICLE_SLUG) && !x.body.includes('wh-draft'),
    ),
  )
})

test.run()
