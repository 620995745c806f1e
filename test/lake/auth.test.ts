import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startTestLake, type TestLake } from '../helpers/lake.js'

const test = suite('lake: Studio login screen (providers -> local sign-in -> #sid -> /auth/fetch token)')
let t: TestLake
const studio = 'https://local.localhost:3334/studio'

test.before(async () => {
  t = await startTestLake()
  const user = t.lake.accounts.createUser({ name: 'Kellie Gomia', email: 'kellie@clinic.test' })
  t.lake.accounts.setPassword(user.id, 'correct horse battery')
})
test.after(async () => {
  await t.close()
})

function form(fields: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    body: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    redirect: 'manual',
  }
}

test('/auth/providers lists the local provider with a URL the browser can open', async () => {
  const res = await t.anonymousClient.request<{ providers: Array<{ name: string; title: string; url: string }> }>({
    uri: '/auth/providers',
  })
  assert.is(res.providers.length, 1)
  assert.is(res.providers[0].name, 'local')
  const page = await fetch(`${res.providers[0].url}?origin=${encodeURIComponent(studio)}&projectId=local&withSid=true`)
  assert.is(page.status, 200)
  const html = await page.text()
  assert.match(html, /<form method="post"/)
  assert.match(html, /name="password"/)
  assert.match(html, /value="https:\/\/local.localhost:3334\/studio"/)
})

test('wrong password: 401 and the form again; right password: 303 to origin#sid=...', async () => {
  const bad = await fetch(
    `${t.httpUrl}/auth/login/local`,
    form({ origin: studio, email: 'kellie@clinic.test', password: 'nope nope' }),
  )
  assert.is(bad.status, 401)
  assert.match(await bad.text(), /Wrong email or password/)
  const ok = await fetch(
    `${t.httpUrl}/auth/login/local`,
    form({ origin: studio, email: 'Kellie@Clinic.test', password: 'correct horse battery' }),
  )
  assert.is(ok.status, 303)
  const location = new URL(ok.headers.get('location') ?? '')
  assert.is(location.origin + location.pathname, studio)
  const sid = /^#sid=(.{20,})$/.exec(location.hash)?.[1]
  assert.ok(sid, 'the redirect carries #sid=')

  const { token } = await t.anonymousClient.request<{ token: string }>({
    uri: '/auth/fetch',
    query: { sid: sid as string },
  })
  const me = await t.makeClient({ token }).request<{ email: string }>({ uri: '/users/me' })
  assert.is(me.email, 'kellie@clinic.test')
  // One-time: a second exchange fails.
  try {
    await t.anonymousClient.request({ uri: '/auth/fetch', query: { sid: sid as string } })
    assert.unreachable()
  } catch (err) {
    assert.is((err as { statusCode: number }).statusCode, 401)
  }
  // Logout revokes the token.
  await t.makeClient({ token }).request({ uri: '/auth/logout', method: 'POST' })
  try {
    await t.makeClient({ token }).request({ uri: '/users/me' })
    assert.unreachable()
  } catch (err) {
    assert.is((err as { statusCode: number }).statusCode, 401)
  }
})

test('no open redirect: a foreign origin is refused', async () => {
  const page = await fetch(`${t.httpUrl}/auth/login/local?origin=${encodeURIComponent('https://evil.example/')}`)
  assert.is(page.status, 400)
  const post = await fetch(
    `${t.httpUrl}/auth/login/local`,
    form({ origin: 'https://evil.example/', email: 'kellie@clinic.test', password: 'correct horse battery' }),
  )
  assert.is(post.status, 400)
  assert.is(post.headers.get('location'), null)
})

test('tokens are stored hashed: the database never holds a token', async () => {
  const { token } = t.lake.accounts.issueToken(t.lake.accounts.findByEmail('kellie@clinic.test')!.id)
  const rows = t.lake.store.db.prepare('SELECT token_hash FROM tokens').all() as Array<{ token_hash: string }>
  assert.ok(rows.length > 0)
  for (const row of rows) {
    assert.match(row.token_hash, /^[0-9a-f]{64}$/)
    assert.is.not(row.token_hash, token)
  }
})

test.run()
