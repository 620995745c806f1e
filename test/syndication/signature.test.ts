import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { isValidSignature } from '@sanity/webhook'
import { SignatureError, signPayload, verifySignature } from '../../delivery/syndication/webhooks/signature.js'

const test = suite('webhook signatures')
const secret = 'whsec_test-secret'
const body = JSON.stringify({ id: 'evt_1', type: 'article.updated', article: { slug: 'é-needles' } })

test('signatures verify with @sanity/webhook (the same t=...,v1=... form as Sanity webhooks)', async () => {
  const header = signPayload(body, secret, 1_750_000_000_000)
  assert.match(header, /^t=1750000000000,v1=[A-Za-z0-9_-]{43}$/)
  assert.ok(await isValidSignature(body, header, secret))
  assert.not.ok(await isValidSignature(`${body} `, header, secret))
  assert.not.ok(await isValidSignature(body, header, `${secret}x`))
})

test('our verifier accepts fresh signatures and rejects tampering and stale timestamps', () => {
  const now = 1_750_000_000_000
  const header = signPayload(body, secret, now)
  assert.ok(verifySignature(body, header, secret, { now }))
  assert.not.ok(verifySignature(body.replace('updated', 'removed'), header, secret, { now }))
  assert.not.ok(verifySignature(body, header.replace(/t=\d+/, `t=${now + 1}`), secret, { now }))
  assert.not.ok(verifySignature(body, header, secret, { now: now + 10 * 60_000 }))
  assert.throws(
    () => verifySignature(body, 'sha256=abc', secret),
    (e: unknown) => e instanceof SignatureError,
  )
  assert.throws(
    () => signPayload(body, secret, 1_750_000_000),
    (e: unknown) => e instanceof SignatureError,
  )
})

test.run()
