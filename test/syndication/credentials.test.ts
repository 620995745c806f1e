import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  apiKeyFromHeaders,
  constantTimeEqual,
  credentialMatchesHash,
  hashCredential,
  issueCredential,
  issueWebhookSecret,
  parseCredential,
} from '../../delivery/syndication/credentials.js'

const test = suite('syndication credentials')

test('an issued API key parses back to its id and matches only its own hash', () => {
  const key = issueCredential('apiKey')
  assert.match(key.value, /^dptk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/)
  assert.is(key.hash, hashCredential(key.value))
  assert.not.ok(key.hash.includes(key.value.split('_')[2]!), 'hash must not contain the secret')
  const parsed = parseCredential(key.value, 'apiKey')
  assert.equal(parsed, { kind: 'apiKey', id: key.id, value: key.value })
  assert.ok(credentialMatchesHash(key.value, key.hash))
  const other = issueCredential('apiKey')
  assert.not.ok(credentialMatchesHash(other.value, key.hash))
  // Same id, different secret: still rejected.
  const forged = `dptk_${key.id}_${other.value.slice(-43)}`
  assert.not.ok(credentialMatchesHash(forged, key.hash))
})

test('keys are unique and a feed token is not accepted as an API key (and vice versa)', () => {
  const seen = new Set<string>()
  for (let i = 0; i < 200; i++) seen.add(issueCredential('apiKey').value)
  assert.is(seen.size, 200)
  const token = issueCredential('feedToken')
  assert.match(token.value, /^dptf_/)
  assert.is(parseCredential(token.value, 'apiKey'), undefined)
  assert.is(parseCredential(issueCredential('apiKey').value, 'feedToken'), undefined)
})

test('malformed keys do not parse', () => {
  for (const bad of [
    undefined,
    null,
    '',
    'dptk_',
    `dptk_zzzzzzzzzzzzzzzz_${'a'.repeat(43)}`,
    'dptk_0123456789abcdef_short',
    'Bearer x',
    `dptk_0123456789abcdef_${'a'.repeat(44)}`,
  ]) {
    assert.is(parseCredential(bad, 'apiKey'), undefined, String(bad))
  }
})

test('constant-time comparison is a correct equality', () => {
  assert.ok(constantTimeEqual('abc', 'abc'))
  assert.not.ok(constantTimeEqual('abc', 'abd'))
  assert.not.ok(constantTimeEqual('abc', 'abcd'))
  assert.not.ok(constantTimeEqual('', 'a'))
})

test('API keys are read from Authorization: Bearer or X-Api-Key', () => {
  assert.is(apiKeyFromHeaders({ authorization: 'Bearer dptk_x' }), 'dptk_x')
  assert.is(apiKeyFromHeaders({ authorization: 'bearer   dptk_y  ' }), 'dptk_y')
  assert.is(apiKeyFromHeaders({ 'x-api-key': ' dptk_z ' }), 'dptk_z')
  assert.is(apiKeyFromHeaders({ authorization: 'Basic abc' }), undefined)
  assert.is(apiKeyFromHeaders({}), undefined)
})

test('webhook secrets are long and random', () => {
  const a = issueWebhookSecret()
  assert.match(a, /^whsec_[A-Za-z0-9_-]{43}$/)
  assert.is.not(a, issueWebhookSecret())
})

test.run()
