// A content release reaches delivery and partners as one change: publishing it (one lake
// transaction: an edited article, a new article, a new FAQ) invalidates the response cache once,
// appears in /syndication/v1/changes as one change set that a page never splits, and the partner's
// webhooks, sent after the commit, name that change set and its size.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { CreatedPartner } from '../../delivery/syndication/admin.js'
import { sleep, waitFor } from '../helpers/wait.js'
import { articleDocument, SEED_ARTICLE_SLUG, startBed, type Bed } from './fixture.js'
import { startReceiver, type Receiver } from './receiver.js'

const test = suite('syndication and delivery: a release publishes as one change')
let bed: Bed
let hook: Receiver
let partner: CreatedPartner

interface Change {
  seq: number
  op: 'upsert' | 'delete'
  id: string
  slug: string
  changeSet: number
}

interface WebhookBody {
  id: string
  type: string
  article: { id: string; slug: string }
  createdAt: string
  changeSet: number
  changeSetSize: number
}

test.before(async () => {
  hook = await startReceiver()
  bed = await startBed({
    webhooks: { enabled: true, backoff: { baseMs: 100, maxMs: 400, maxAttempts: 6 }, intervalMs: 50, random: () => 0 },
    reconcileIntervalMs: 60_000,
    rateLimit: { perMinute: 100_000, burst: 100_000 },
  })
  partner = await bed.partner({ name: 'Release Clinic', webhookUrl: hook.url })
  bed.syndication.start()
})
test.after(async () => {
  await bed?.close()
  await hook?.close()
})

async function changes(since: string | undefined, limit: number) {
  const response = await bed.get(
    `/syndication/v1/changes?limit=${limit}${since ? `&since=${encodeURIComponent(since)}` : ''}`,
    bed.key(partner),
  )
  assert.is(response.status, 200)
  return (await response.json()) as { changes: Change[]; next: string; hasMore: boolean }
}

async function articleTitle(slug: string): Promise<unknown> {
  const response = await bed.get(`/api/v1/articles/${slug}`)
  if (response.status !== 200) return null
  return ((await response.json()) as { data?: { title?: unknown } }).data?.title
}

test('one transaction: one cache invalidation, one change set, webhooks after the commit', async () => {
  // The seed article is announced first: wait for it, and read the feed to its end.
  await hook.waitFor((r) => r.length >= 1)
  let cursor: string | undefined
  for (let more = true; more; ) {
    const page = await changes(cursor, 100)
    cursor = page.next
    more = page.hasMore
  }
  const seedArticle = (await bed.client.fetch('*[_type == "article" && slug.current == $slug][0]', {
    slug: SEED_ARTICLE_SLUG,
  })) as Record<string, unknown> & { _id: string }
  const { _id, _rev, _createdAt, _updatedAt, ...fields } = seedArticle
  void [_rev, _createdAt, _updatedAt]

  await bed.client.releases.create({ releaseId: 'monday', metadata: { title: 'Monday 9:00' } })
  await bed.client.createVersion({
    publishedId: _id,
    releaseId: 'monday',
    document: { ...fields, _type: 'article', title: 'Dry needling, updated Monday' },
  })
  const { _id: newId, ...newArticle } = articleDocument('article-monday', {
    slug: 'monday-aftercare',
    title: 'Aftercare, new Monday',
  })
  await bed.client.createVersion({ publishedId: newId, releaseId: 'monday', document: newArticle })
  await bed.client.createVersion({
    publishedId: 'faq-monday',
    releaseId: 'monday',
    document: { _type: 'faq', question: 'New on Monday?' },
  })
  // Warm the cache, then let every earlier write's invalidation pass.
  assert.ok(await articleTitle(SEED_ARTICLE_SLUG))
  const hooksBefore = hook.received.length
  await sleep(500)
  // At most one flush (listen API); with the Live Content API none: the transaction's tag event
  // (and the syndication ledger's own writes, tags no cached response holds) invalidate by tags.
  const invalidationsBefore = bed.server.cache.stats().invalidations

  const { transactionId } = await bed.client.releases.publish({ releaseId: 'monday' })
  const release = (await bed.client.getDocument('_.releases.monday')) as { publishedAt?: string } | undefined
  assert.ok(release?.publishedAt)

  const visibleAfter = await waitFor(
    async () => (await articleTitle(SEED_ARTICLE_SLUG)) === 'Dry needling, updated Monday',
    5000,
  )
  assert.ok(visibleAfter >= 0, 'the release is live through the API')
  assert.is(await articleTitle('monday-aftercare'), 'Aftercare, new Monday', 'all of it at once')
  // Every document of the transaction has been reported by now (the webhooks come later still).
  await hook.waitFor((r) => r.length >= hooksBefore + 2)
  assert.ok(
    bed.server.cache.stats().invalidations <= invalidationsBefore + 1,
    `one invalidation for transaction ${transactionId} (three documents, a release document, three versions)`,
  )

  // The changes feed: one change set with both articles, whole even on a page of one.
  const page = await changes(cursor, 1)
  assert.equal(page.changes.map((c) => c.id).sort(), ['article-monday', _id].sort())
  assert.is(new Set(page.changes.map((c) => c.changeSet)).size, 1, JSON.stringify(page.changes))
  assert.not.ok(page.hasMore)

  // Webhooks: sent after the commit, each naming the set and its size.
  const bodies = hook.received.slice(hooksBefore).map((r) => JSON.parse(r.body) as WebhookBody)
  assert.equal(bodies.map((b) => b.type).sort(), ['article.published', 'article.updated'])
  for (const body of bodies) {
    assert.is(body.changeSet, page.changes[0]?.changeSet)
    assert.is(body.changeSetSize, 2)
    assert.ok(Date.parse(body.createdAt) >= Date.parse(String(release?.publishedAt)), 'after the commit')
  }
})

test.run()
