// Sign-in throttling: the counting rules on a fake clock, then the 429 over HTTP.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { LoginThrottle, isRefusal, type ThrottleRefusal } from '../../lake/auth/throttle.js'
import { startTestLake, type TestLake } from '../helpers/lake.js'

const rules = suite('lake: login throttle rules (fake clock)')

rules('per account: the limit, Retry-After until the oldest failure leaves the window, then again', () => {
  let now = 1_000_000
  const throttle = new LoginThrottle(
    { maxFailuresPerAccount: 3, maxFailuresPerAddress: 100, windowSeconds: 60 },
    () => now,
  )
  for (let i = 0; i < 3; i++) {
    assert.not.ok(isRefusal(throttle.begin('A@x.test', '1.1.1.1')))
    now += 10_000
  }
  const refused = throttle.begin('a@x.test ', '2.2.2.2') as ThrottleRefusal
  assert.ok(isRefusal(refused), 'the email is normalised; another address does not help')
  assert.equal(refused, { scope: 'account', limit: 3, retryAfterSeconds: 30 })
  now += 30_000
  assert.not.ok(isRefusal(throttle.begin('a@x.test', '1.1.1.1')), 'the oldest failure left the window')
  assert.ok(isRefusal(throttle.begin('a@x.test', '1.1.1.1')))
})

rules('per address: many accounts from one address', () => {
  const now = 5_000
  const throttle = new LoginThrottle(
    { maxFailuresPerAccount: 100, maxFailuresPerAddress: 4, windowSeconds: 60 },
    () => now,
  )
  for (let i = 0; i < 4; i++) assert.not.ok(isRefusal(throttle.begin(`u${i}@x.test`, '9.9.9.9')))
  const refused = throttle.begin('fresh@x.test', '9.9.9.9')
  assert.ok(isRefusal(refused))
  assert.is((refused as ThrottleRefusal).scope, 'address')
  assert.not.ok(isRefusal(throttle.begin('fresh@x.test', '8.8.8.8')), 'other addresses are not held')
})

rules('a success takes its attempt back and clears the account', () => {
  const throttle = new LoginThrottle({ maxFailuresPerAccount: 2, maxFailuresPerAddress: 2, windowSeconds: 60 }, () => 0)
  assert.not.ok(isRefusal(throttle.begin('a@x.test', 'ip')))
  const ok = throttle.begin('a@x.test', 'ip')
  assert.not.ok(isRefusal(ok))
  if (!isRefusal(ok)) ok.succeeded()
  // The account is clear; the address keeps its one real failure.
  assert.not.ok(isRefusal(throttle.begin('b@x.test', 'ip')))
  assert.ok(isRefusal(throttle.begin('a@x.test', 'ip')), 'the address limit (2) is reached')
})

rules('limits must be whole numbers >= 1', () => {
  assert.throws(() => new LoginThrottle({ windowSeconds: 0 }), /windowSeconds=0/)
})

const http = suite('lake: login throttle over HTTP')
let t: TestLake

http.before(async () => {
  t = await startTestLake()
  const user = t.lake.accounts.createUser({ name: 'Lou', email: 'lou@clinic.test' })
  t.lake.accounts.setPassword(user.id, 'a long right password')
})
http.after(async () => {
  await t?.close()
})

const login = (password: string) =>
  fetch(`${t.httpUrl}/auth/login/local`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ origin: 'http://localhost:3333', email: 'lou@clinic.test', password }).toString(),
    redirect: 'manual',
  })

http(
  'a right password clears the count; past 10 failures a 429 with Retry-After, even for the right password',
  async () => {
    for (let i = 0; i < 5; i++) assert.is((await login(`wrong ${i}`)).status, 401)
    assert.is((await login('a long right password')).status, 303)
    for (let i = 0; i < 10; i++) assert.is((await login(`wrong again ${i}`)).status, 401)
    const held = await login('a long right password')
    assert.is(held.status, 429)
    const retryAfter = Number(held.headers.get('retry-after'))
    assert.ok(retryAfter > 0 && retryAfter <= 900, `Retry-After: ${retryAfter}`)
    assert.is(held.headers.get('content-type')?.split(';')[0], 'text/html')
    const page = await held.text()
    assert.match(page, /Too many failed sign-in attempts for this account \(10 within 15 minutes\)/)
    assert.match(page, /<form method="post"/, 'the form is still there')
  },
)

rules.run()
http.run()
