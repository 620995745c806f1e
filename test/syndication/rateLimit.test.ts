import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { RateLimiter, RateLimitConfigError } from '../../delivery/syndication/rateLimit.js'

const test = suite('syndication rate limiter')

test('allows the burst, then refuses with Retry-After until a token refills', () => {
  let now = 1_000_000
  const limiter = new RateLimiter({ perMinute: 6, burst: 3 }, () => now)
  for (let i = 0; i < 3; i++) assert.ok(limiter.take('k').allowed, `request ${i + 1}`)
  const refused = limiter.take('k')
  assert.equal(refused, { allowed: false, retryAfterSeconds: 10, limit: 3 })
  now += 9_000
  assert.not.ok(limiter.take('k').allowed)
  now += 1_000
  assert.ok(limiter.take('k').allowed)
  assert.not.ok(limiter.take('k').allowed)
})

test('keys have separate buckets', () => {
  const now = 0
  const limiter = new RateLimiter({ perMinute: 1 }, () => now)
  assert.ok(limiter.take('a').allowed)
  assert.not.ok(limiter.take('a').allowed)
  assert.ok(limiter.take('b').allowed)
})

test('sustained rate equals the configured rate', () => {
  let now = 0
  const limiter = new RateLimiter({ perMinute: 120, burst: 1 }, () => now)
  let allowed = 0
  for (let ms = 0; ms < 60_000; ms += 100) {
    now = ms
    if (limiter.take('k').allowed) allowed++
  }
  assert.ok(allowed >= 119 && allowed <= 121, `allowed ${allowed}`)
})

test('peek reports without taking, and refills like take', () => {
  let now = 0
  const limiter = new RateLimiter({ perMinute: 60, burst: 2 }, () => now)
  assert.equal(limiter.peek('k'), { allowed: true, remaining: 2, limit: 2 })
  assert.equal(limiter.peek('k'), { allowed: true, remaining: 2, limit: 2 }, 'peeking takes nothing')
  limiter.take('k')
  limiter.take('k')
  assert.equal(limiter.peek('k'), { allowed: false, retryAfterSeconds: 1, limit: 2 })
  now = 1000
  assert.ok(limiter.peek('k').allowed, 'a token came back after a second')
})

test('bad configuration is rejected', () => {
  assert.throws(
    () => new RateLimiter({ perMinute: 0 }),
    (e: unknown) => e instanceof RateLimitConfigError,
  )
  assert.throws(
    () => new RateLimiter({ perMinute: 10, burst: 0.5 }),
    (e: unknown) => e instanceof RateLimitConfigError,
  )
})

test.run()
