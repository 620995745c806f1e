// Feeds over HTTP against a real lake: public and per-partner feeds in RSS 2.0, Atom 1.0 and JSON
// Feed 1.1 parse cleanly (python3-feedparser bozo == 0, JSON Feed structure), carry only in-scope
// articles, advertise rel=self and rel=hub, and a change pings the WebSub hub.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { CreatedPartner } from '../../delivery/syndication/admin.js'
import { feedparserAvailable, jsonFeedProblems, parseWithFeedparser } from './feedTools.js'
import { articleDocument, SEED_ARTICLE_SLUG, startBed, type Bed } from './fixture.js'
import { startReceiver, type Receiver } from './receiver.js'

const test = suite('syndication feeds over HTTP')
let bed: Bed
let hub: Receiver
let partner: CreatedPartner
const AUTHOR = 'kelliegomia' // the seed's clinician name (the post is signed by the handle)
const HIDDEN = ['embargoed', 'not-licensed', 'draft-only', 'other-category']

test.before(async () => {
  hub = await startReceiver(() => 204)
  bed = await startBed({ websubHub: hub.url, feedRateLimit: { perMinute: 1000 } })
  partner = await bed.partner({ name: 'Feed Clinic' })
  await bed.article('article-f1', { slug: 'f1', body: 'Feed body <with> & entities ]]> too' })
  await bed.article('article-embargoed', { slug: 'embargoed', embargoUntil: '2099-01-01T00:00:00Z' })
  await bed.article('article-not-licensed', { slug: 'not-licensed', allowed: false })
  await bed.article('article-other-category', { slug: 'other-category', categories: ['category-other'] })
  await bed.article('article-hidden-from-search', { slug: 'hidden-from-search', noIndex: true })
  await bed.client.create(articleDocument('drafts.article-draft-only', { slug: 'draft-only' }))
})
test.after(async () => {
  await bed?.close()
  await hub?.close()
})

test('public RSS and Atom parse with bozo == 0 and hold only public articles, with self and hub links', async () => {
  assert.ok(feedparserAvailable(), 'python3-feedparser is required: apt-get install -y python3-feedparser')
  for (const [path, version, type] of [
    ['/feeds/rss.xml', 'rss20', 'application/rss+xml'],
    ['/feeds/atom.xml', 'atom10', 'application/atom+xml'],
  ] as const) {
    const response = await bed.get(path)
    assert.is(response.status, 200)
    assert.match(response.headers.get('content-type') ?? '', type)
    const parsed = parseWithFeedparser(await response.text())
    assert.is(parsed.bozo, 0, `${path}: ${parsed.bozo_exception}`)
    assert.is(parsed.version, version)
    const links = parsed.entries.map((e) => e.link).sort()
    assert.equal(
      links,
      [
        'https://dynamic-pt-wellness.example/articles/f1',
        'https://dynamic-pt-wellness.example/articles/other-category',
        `https://dynamic-pt-wellness.example/articles/${SEED_ARTICLE_SLUG}`,
      ].sort(),
      path,
    )
    assert.ok(
      parsed.links.some((l) => l.rel === 'self' && l.href === `${bed.url}${path}`),
      `${path} rel=self`,
    )
    assert.ok(
      parsed.links.some((l) => l.rel === 'hub' && l.href === hub.url),
      `${path} rel=hub`,
    )
    const f1 = parsed.entries.find((e) => e.link.endsWith('/f1'))!
    assert.match(f1.content[0]!, /Feed body &lt;with&gt; &amp; entities \]\](>|&gt;) too/)
    assert.match(f1.content[0]!, /syndication-attribution/)
    assert.match(response.headers.get('link') ?? '', /rel="hub"/)
  }
})

test('the public JSON Feed matches JSON Feed 1.1 and carries review dates and licence', async () => {
  const response = await bed.get('/feeds/feed.json')
  assert.match(response.headers.get('content-type') ?? '', /application\/feed\+json/)
  const doc = (await response.json()) as {
    items: Array<Record<string, unknown>>
    hubs: unknown
    feed_url: string
    language: string
  }
  assert.equal(jsonFeedProblems(doc), [])
  assert.is(doc.feed_url, `${bed.url}/feeds/feed.json`)
  assert.equal(doc.hubs, [{ type: 'WebSub', url: hub.url }])
  const seed = doc.items.find((i) => String(i.url).endsWith(SEED_ARTICLE_SLUG))!
  const ext = seed._syndication as Record<string, unknown>
  assert.is(ext.last_reviewed, '2026-11-27')
  assert.is(ext.next_review_due, '2027-11-27')
  assert.match(String(ext.licence), /may republish/)
  assert.equal(seed.authors, [{ name: AUTHOR }])
  assert.is(doc.language, 'en-US')
  for (const slug of [...HIDDEN.filter((s) => s !== 'other-category'), 'hidden-from-search']) {
    assert.not.ok(
      doc.items.some((i) => String(i.url).endsWith(`/${slug}`)),
      slug,
    )
  }
})

test('a partner feed (token in the URL) holds only the partner scope; bad tokens are 401', async () => {
  for (const format of ['rss.xml', 'atom.xml'] as const) {
    const response = await bed.get(`/feeds/partners/${partner.feedToken}/${format}`)
    assert.is(response.status, 200)
    const parsed = parseWithFeedparser(await response.text())
    assert.is(parsed.bozo, 0)
    const slugs = parsed.entries.map((e) => e.link.split('/').pop()).sort()
    assert.equal(slugs, ['f1', 'hidden-from-search', SEED_ARTICLE_SLUG].sort())
    assert.ok(parsed.links.some((l) => l.rel === 'self' && l.href.includes(partner.feedToken)))
  }
  const json = (await (await bed.get(`/feeds/partners/${partner.feedToken}/feed.json`)).json()) as unknown
  assert.equal(jsonFeedProblems(json), [])
  assert.is((await bed.get(`/feeds/partners/${partner.apiKey}/rss.xml`)).status, 401, 'an API key is not a feed token')
  assert.is((await bed.get(`/feeds/partners/dptf_0123456789abcdef_${'x'.repeat(43)}/rss.xml`)).status, 401)
})

/** Waits until the hub has received nothing new for 500 ms. */
async function quiet(): Promise<void> {
  let count = -1
  while (count !== hub.received.length) {
    count = hub.received.length
    await new Promise((r) => setTimeout(r, 500))
  }
}

test('a change pings the WebSub hub with the public and partner feed URLs', async () => {
  bed.syndication.start()
  await bed.syndication.reconcile()
  // The first reconcile announces everything: let those pings arrive before watching for new ones.
  await quiet()
  const before = hub.received.length
  await bed.article('article-f2', { slug: 'f2' })
  await hub.waitFor(
    (r) =>
      r.length > before && r.slice(before).some((x) => x.body.includes(encodeURIComponent(`${bed.url}/feeds/rss.xml`))),
  )
  await hub.waitFor((r) => r.slice(before).some((x) => x.body.includes(encodeURIComponent(partner.feedToken))))
  const ping = new URLSearchParams(hub.received[before]!.body)
  assert.is(ping.get('hub.mode'), 'publish')
  // A change outside every scope (a draft) pings nothing.
  await quiet()
  const settled = hub.received.length
  await bed.client.create(articleDocument('drafts.article-f3', { slug: 'f3' }))
  await bed.syndication.reconcile()
  await new Promise((r) => setTimeout(r, 500))
  assert.is(
    hub.received.length,
    settled,
    JSON.stringify(hub.received.slice(settled - 2).map((r) => decodeURIComponent(r.body))),
  )
})

test.run()
