// Per-key rate limits through HTTP: the configured rate triggers 429 with Retry-After, per key,
// and the refusals show in the partner's daily usage counts.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startBed, type Bed } from './fixture.js'

const test = suite('syndication rate limits over HTTP')
let bed: Bed

test.before(async () => {
  bed = await startBed({ rateLimit: { perMinute: 3, burst: 3 } })
})
test.after(async () => bed?.close())

test('the 4th request within the burst of 3 is a 429 with Retry-After; other keys are unaffected', async () => {
  const a = await bed.partner({ name: 'Busy Clinic' })
  const b = await bed.partner({ name: 'Quiet Clinic' })
  for (let i = 0; i < 3; i++) {
    const ok = await bed.get('/syndication/v1/articles?limit=1', bed.key(a))
    assert.is(ok.status, 200, `request ${i + 1}`)
    assert.is(ok.headers.get('ratelimit-remaining'), String(2 - i))
  }
  const refused = await bed.get('/syndication/v1/articles?limit=1', bed.key(a))
  assert.is(refused.status, 429)
  const retryAfter = Number(refused.headers.get('retry-after'))
  assert.ok(retryAfter >= 1 && retryAfter <= 20, `Retry-After ${retryAfter}`)
  const body = (await refused.json()) as { status: number; type: string }
  assert.is(body.status, 429)
  assert.match(body.type, /rate-limited/)
  assert.is((await bed.get('/syndication/v1/articles?limit=1', bed.key(b))).status, 200)
  await bed.syndication.usage.flush()
  const counts = await bed.client.fetch(
    '*[_type == "syndication.usage" && partnerId == $id][0]{requests, rateLimited}',
    { id: a.id },
  )
  assert.equal(counts, { requests: 4, rateLimited: 1 })
})

test.run()
