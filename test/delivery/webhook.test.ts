// Hosted-mode invalidation: a Sanity GROQ-powered webhook, verified with @sanity/webhook's
// signature over the raw body. Signed calls invalidate the cache; unsigned, badly signed, expired
// and replayed calls are refused with problem+json and change nothing.
import { encodeSignatureHeader, SIGNATURE_HEADER_NAME } from '@sanity/webhook'
import * as assert from 'uvu/assert'
import { startDeliveryServer, type DeliveryServer } from '../../delivery/http/server.js'
import { ARTICLE_BY_SLUG_QUERY } from '../../delivery/queries.js'
import { deliverySuite } from '../helpers/delivery-suite.js'
import { seedFacts, slugOf } from './_seed.js'

const seed = seedFacts()
const SECRET = 'a-long-shared-webhook-secret-for-tests'
const articlePath = `/api/v1/articles/${slugOf(seed.article)}`
// As when hosted: no listen stream, only the webhook.
const { test, t } = deliverySuite('delivery: Sanity webhook invalidation', { listen: false, webhookSecret: SECRET })
/** The same server without a webhook secret. */
let unconfigured: DeliveryServer

test.before(async () => {
  unconfigured = await startDeliveryServer({ client: t.lake.anonymousClient, port: 0, listen: false })
})
test.after(async () => {
  await unconfigured?.close()
})

async function title(): Promise<string> {
  const response = await fetch(t.server.url + articlePath)
  return ((await response.json()) as { data: { title: string } }).data.title
}

async function post(body: string, headers: Record<string, string>, target: DeliveryServer = t.server) {
  const response = await fetch(`${target.url}/api/v1/webhooks/sanity`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  })
  const text = await response.text()
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: JSON.parse(text) as Record<string, unknown>,
  }
}

// Sanity sends the projection as the body; the signature is over exactly these bytes.
const payload = (id: string) =>
  `{"_id": "${seed.article._id}", "_type": "article", "transition": "update", "n": "${id}"}`

test('a signed call invalidates the cache: the published edit shows', async () => {
  assert.is(await title(), seed.article.title)
  await t.lake.client.patch(seed.article._id).set({ title: 'Edited on the hosted lake' }).commit()
  assert.is(await title(), seed.article.title, 'without a signal the cached copy is still served')
  const body = payload('1')
  const signature = await encodeSignatureHeader(body, Date.now(), SECRET)
  const accepted = await post(body, { [SIGNATURE_HEADER_NAME]: signature, 'idempotency-key': 'msg-1' })
  assert.is(accepted.status, 200)
  assert.equal(accepted.body, { invalidated: true })
  assert.is(await title(), 'Edited on the hosted lake')
})

test('refused: unsigned, wrong secret, tampered body, malformed header, expired timestamp, replay', async () => {
  const generationBefore = t.server.cache.stats().generation
  const body = payload('2')
  const now = Date.now()
  const good = await encodeSignatureHeader(body, now, SECRET)
  const cases: Array<[string, string, Record<string, string>, number, RegExp]> = [
    ['unsigned', body, {}, 401, /no sanity-webhook-signature header/],
    [
      'wrong secret',
      body,
      { [SIGNATURE_HEADER_NAME]: await encodeSignatureHeader(body, now, 'another-secret-entirely-xx') },
      401,
      /does not match/,
    ],
    ['tampered body', body.replace('update', 'delete'), { [SIGNATURE_HEADER_NAME]: good }, 401, /does not match/],
    ['malformed header', body, { [SIGNATURE_HEADER_NAME]: 'sha256=abc' }, 400, /t=<unix ms>,v1=/],
    [
      'expired',
      body,
      { [SIGNATURE_HEADER_NAME]: await encodeSignatureHeader(body, now - 10 * 60_000, SECRET) },
      401,
      /at most 300 s/,
    ],
  ]
  for (const [name, sent, headers, status, detail] of cases) {
    const refused = await post(sent, headers)
    assert.is(refused.status, status, `${name}: ${JSON.stringify(refused.body)}`)
    assert.match(refused.type, /^application\/problem\+json/)
    assert.match(String(refused.body.detail), detail, name)
    assert.match(String(refused.body.type), /webhook-refused/)
  }
  assert.is(t.server.cache.stats().generation, generationBefore, 'refused calls invalidate nothing')

  const first = await post(body, { [SIGNATURE_HEADER_NAME]: good, 'idempotency-key': 'msg-2' })
  assert.is(first.status, 200)
  const replay = await post(body, { [SIGNATURE_HEADER_NAME]: good, 'idempotency-key': 'msg-2' })
  assert.is(replay.status, 409, 'the same call again is a replay')
  assert.match(String(replay.body.title), /Replayed/)
  const resigned = await post(body, {
    [SIGNATURE_HEADER_NAME]: await encodeSignatureHeader(body, Date.now() + 1, SECRET),
    'idempotency-key': 'msg-2',
  })
  assert.is(resigned.status, 409, 'a seen message id is a replay even with a fresh signature')
  assert.is(t.server.cache.stats().generation, generationBefore + 1, 'only the one accepted call invalidated')
})

test('a call carrying syncTags invalidates only the responses holding them', async () => {
  const other = '/api/v1/treatments'
  assert.is((await fetch(t.server.url + other)).status, 200)
  assert.is((await fetch(t.server.url + other)).headers.get('x-cache'), 'HIT')
  await fetch(t.server.url + articlePath)
  assert.is((await fetch(t.server.url + articlePath)).headers.get('x-cache'), 'HIT')
  await t.lake.client.patch(seed.article._id).set({ title: 'Edited, announced by tags' }).commit()
  // What the hosted webhook would carry: the tags of the changed content (here: the article query's).
  const raw = (await t.lake.anonymousClient.fetch(
    ARTICLE_BY_SLUG_QUERY,
    { slug: slugOf(seed.article), lang: 'en', fallback: false, versions: [], versionIds: [] },
    { filterResponse: false, perspective: 'published' },
  )) as { syncTags?: string[] }
  assert.ok(raw.syncTags && raw.syncTags.length > 0, 'the lake tags query responses')
  const generation = t.server.cache.stats().generation
  const body = JSON.stringify({ _id: seed.article._id, syncTags: raw.syncTags })
  const accepted = await post(body, {
    [SIGNATURE_HEADER_NAME]: await encodeSignatureHeader(body, Date.now(), SECRET),
    'idempotency-key': 'msg-tags',
  })
  assert.is(accepted.status, 200)
  assert.is(accepted.body.scope, 'tags')
  assert.ok(Number(accepted.body.entries) >= 1, JSON.stringify(accepted.body))
  assert.is(await title(), 'Edited, announced by tags')
  assert.is((await fetch(t.server.url + other)).headers.get('x-cache'), 'HIT', 'untouched by these tags')
  assert.is(t.server.cache.stats().generation, generation, 'no flush')

  const bad = JSON.stringify({ syncTags: 'not-a-list' })
  const refused = await post(bad, {
    [SIGNATURE_HEADER_NAME]: await encodeSignatureHeader(bad, Date.now(), SECRET),
    'idempotency-key': 'msg-bad-tags',
  })
  assert.is(refused.status, 400)
  assert.match(String(refused.body.detail), /non-empty array/)
})

test('the webhooks of one transaction (a release publish: one per document) invalidate once', async () => {
  const generationBefore = t.server.cache.stats().generation
  const send = async (n: string, transaction: string) => {
    const body = payload(n)
    return post(body, {
      [SIGNATURE_HEADER_NAME]: await encodeSignatureHeader(body, Date.now(), SECRET),
      'idempotency-key': `msg-${n}`,
      'sanity-transaction-id': transaction,
    })
  }
  assert.equal((await send('r1', 'tx-release')).body, { invalidated: true })
  assert.equal((await send('r2', 'tx-release')).body, { invalidated: false })
  assert.equal((await send('r3', 'tx-release')).body, { invalidated: false })
  assert.is(t.server.cache.stats().generation, generationBefore + 1)
  assert.equal((await send('r4', 'tx-next')).body, { invalidated: true })
  assert.is(t.server.cache.stats().generation, generationBefore + 2)
})

test('wrong content type -> 415 problem; a server without a secret refuses every call', async () => {
  const response = await fetch(`${t.server.url}/api/v1/webhooks/sanity`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: 'hello',
  })
  assert.is(response.status, 415)
  assert.match(response.headers.get('content-type') ?? '', /problem\+json/)
  const body = payload('3')
  const refused = await post(
    body,
    { [SIGNATURE_HEADER_NAME]: await encodeSignatureHeader(body, Date.now(), SECRET) },
    unconfigured,
  )
  assert.is(refused.status, 503)
  assert.match(String(refused.body.detail), /SANITY_WEBHOOK_SECRET/)
})

test.run()
