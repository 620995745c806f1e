// The public syndication paths through HTTP: every one is rate limited per client address (public
// feeds, embed, oEmbed, the index), cached answers included; failed credentials (unknown keys and
// feed tokens) take from a per-address failure budget and are then refused before the lake is
// asked; refusals are 429 problems with Retry-After. Public feeds come from the response cache
// with an ETag and answer 304; a publish reaches them. A 500 never carries the error's text.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { docIds } from '../../delivery/syndication/documents.js'
import { audienceKey } from '../../delivery/syndication/scope.js'
import type { CreatedPartner } from '../../delivery/syndication/admin.js'
import { SEED_ARTICLE_SLUG, startBed, type Bed } from './fixture.js'

const limits = suite('syndication: public paths are rate limited')
const cache = suite('syndication: public feeds from the response cache')

async function assertRateLimited(response: Response, what: string): Promise<void> {
  assert.is(response.status, 429, what)
  assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/, what)
  const retryAfter = Number(response.headers.get('retry-after'))
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `${what}: Retry-After ${retryAfter}`)
  const body = (await response.json()) as { type: string; status: number; detail: string }
  assert.is(body.type, '/api/docs#problem-rate-limited', what)
  assert.is(body.status, 429)
  assert.match(body.detail, /retry after \d+ s/)
}

let bed: Bed
let partner: CreatedPartner
const articleUrl = encodeURIComponent(`https://dynamic-pt-wellness.example/articles/${SEED_ARTICLE_SLUG}`)

limits.before(async () => {
  // Three requests per address at once, refilled at 3 a minute: a test's few requests never refill one.
  bed = await startBed({ publicRateLimit: { perMinute: 3, burst: 3 }, rateLimit: { perMinute: 1000, burst: 1000 } })
  partner = await bed.partner({ name: 'Limited Partner' })
})
limits.after(async () => bed?.close())

limits('public feeds, embed and oEmbed share one budget per address; cached feeds count too', async () => {
  for (let i = 0; i < 3; i++) {
    const ok = await bed.get('/feeds/rss.xml')
    assert.is(ok.status, 200, `request ${i + 1}`)
    assert.is(ok.headers.get('ratelimit-remaining'), String(2 - i))
    if (i > 0) assert.is(ok.headers.get('x-cache'), 'HIT', 'the feed came from the cache and was still counted')
  }
  await assertRateLimited(await bed.get('/feeds/rss.xml'), 'rss.xml')
  await assertRateLimited(await bed.get('/feeds/feed.json'), 'feed.json')
  await assertRateLimited(await bed.get(`/syndication/v1/embed/${SEED_ARTICLE_SLUG}`), 'embed')
  await assertRateLimited(await bed.get(`/syndication/v1/oembed?url=${articleUrl}`), 'oembed')
  await assertRateLimited(await bed.get('/syndication/v1/'), 'index')
  // A malformed request is metered as well: it is refused before validation.
  await assertRateLimited(await bed.get('/syndication/v1/oembed?nonsense=1'), 'malformed oembed')
})

limits('unknown API keys and feed tokens exhaust the address failure budget, then get 429', async () => {
  const unknownKey = { authorization: `Bearer dptk_0123456789abcdef_${'A'.repeat(43)}` }
  for (let i = 0; i < 3; i++)
    assert.is((await bed.get('/syndication/v1/articles', unknownKey)).status, 401, `attempt ${i + 1}`)
  await assertRateLimited(await bed.get('/syndication/v1/articles', unknownKey), 'unknown key')
  await assertRateLimited(await bed.get('/syndication/v1/articles'), 'no key')
  await assertRateLimited(
    await bed.get(`/feeds/partners/dptf_0123456789abcdef_${'x'.repeat(43)}/rss.xml`),
    'unknown feed token',
  )
  // The address is refused before its credential is checked: a guesser gets nothing more from the lake.
  await assertRateLimited(await bed.get('/syndication/v1/articles', bed.key(partner)), 'valid key, same address')
})

let cached: Bed
cache.before(async () => {
  cached = await startBed({ publicRateLimit: { perMinute: 10_000, burst: 10_000 } })
})
cache.after(async () => cached?.close())

cache('public feeds: ETag, a cache hit, 304 to If-None-Match, and a publish reaches the feed', async () => {
  for (const path of ['/feeds/rss.xml', '/feeds/atom.xml', '/feeds/feed.json']) {
    const first = await cached.get(path)
    assert.is(first.status, 200, path)
    const etag = first.headers.get('etag')
    assert.match(etag ?? '', /^"[A-Za-z0-9_-]+"$/, path)
    assert.match(first.headers.get('cache-control') ?? '', /^public, max-age=300/, path)
    const body = await first.text()
    const second = await cached.get(path)
    assert.is(second.headers.get('x-cache'), 'HIT', path)
    assert.is(second.headers.get('etag'), etag, path)
    assert.is(await second.text(), body, path)
    const revalidated = await cached.get(path, { 'if-none-match': etag! })
    assert.is(revalidated.status, 304, path)
  }
  await cached.article('article-fresh-news', { slug: 'fresh-news', title: 'Fresh news' })
  let seen = false
  for (let i = 0; i < 50 && !seen; i++) {
    seen = (await (await cached.get('/feeds/rss.xml')).text()).includes('fresh-news')
    if (!seen) await new Promise((r) => setTimeout(r, 100))
  }
  assert.ok(seen, 'a published article appears in the cached public feed')
})

cache('a failure inside syndication is a 500 without its text', async () => {
  const p = await cached.partner({ name: 'Broken Ledger Partner' })
  // A ledger document that is not a ledger: reading it fails with a message quoting its content.
  await cached.client.createOrReplace({
    _id: docIds.ledger(audienceKey({ kind: 'public' })),
    _type: 'syndication.ledger',
    audience: 'public',
    epoch: 'e',
    lastSeq: 1,
    entries: [{ _key: 'x', seq: 'SECRET-LEDGER-MARKER' }],
  })
  const response = await cached.get('/syndication/v1/changes', cached.key(p))
  const text = await response.text()
  assert.is(response.status, 500, text.slice(0, 300))
  assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/)
  assert.not.match(text, /SECRET-LEDGER-MARKER|malformed|syndication\.ledger/)
  assert.is((JSON.parse(text) as { type: string }).type, '/api/docs#problem-internal-error')
})

limits.run()
cache.run()
