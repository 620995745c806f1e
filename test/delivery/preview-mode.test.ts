// Preview mode for the Studio's Presentation tool, through HTTP with a real lake: the Studio's
// secret (created with @sanity/preview-url-secret's own helper, as the Presentation tool does) opens
// a session at /api/draft-mode/enable; the session's pages and API answers show the draft, never
// cached, `noindex`, pages with stega in body text only and the overlay script; the public answers
// before, during and after stay the published ones. Guessed, expired and deleted secrets get a 401
// and nothing else; redirects leave the site never.
import { stegaClean } from '@sanity/client/stega'
import { createPreviewSecret } from '@sanity/preview-url-secret/create-secret'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { vercelStegaCombine } from '@vercel/stega'
import { encodeNameCursor } from '../../delivery/content/pagination.js'
import { PREVIEW_COOKIE, PreviewSessions } from '../../delivery/http/preview-session.js'
import { startDeliveryServer, type DeliveryServer } from '../../delivery/http/server.js'
import { importNdjson } from '../../lake/io/ndjson.js'
import { startTestLake, type TestLake } from '../helpers/lake.js'
import { attr, byTag, jsonLdScripts, parseDocument } from '../render/html.js'
import { SEED_PATH, seedFacts, slugOf } from './_seed.js'

const seed = seedFacts()
const slug = slugOf(seed.article)
const pagePath = `/articles/${slug}`
const apiPath = `/api/v1/articles/${slug}`
const DRAFT_TITLE = 'Dry needling, rewritten in a draft'
const DRAFT_EXCERPT = 'An excerpt only the draft has'
const PUBLISHED_TITLE = String(seed.article.title)
const STUDIO_URL = 'http://127.0.0.1:3333/local'
const SESSION_SECRET = 'a-test-key-that-is-long-enough-for-hmac-0123456789'
/** The stega alphabet, independent of the code under test (see test/reliability/_scan.ts). */
const STEGA = /[\u200b-\u200d\u2060-\u2064\ufeff\u{1d173}-\u{1d17a}]{2,}/u
const ANY_STEGA = /[\u200b-\u200d\u2060-\u2064\ufeff\u{1d173}-\u{1d17a}]/u

const test = suite('delivery: preview mode (Presentation tool, preview URL secret)')
let lake: TestLake
let server: DeliveryServer

interface Answer {
  status: number
  headers: Headers
  body: string
}

async function get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(server.url + path, { headers, redirect: 'manual' })
  return { status: response.status, headers: response.headers, body: await response.text() }
}

/** A fresh secret, written to the lake as the Presentation tool writes it. */
async function newSecret(): Promise<string> {
  return (await createPreviewSecret(lake.client, 'sanity/presentation', `${STUDIO_URL}/presentation`)).secret
}

function enableUrl(secret: string, pathname = pagePath, extra = ''): string {
  return `/api/draft-mode/enable?sanity-preview-secret=${encodeURIComponent(secret)}&sanity-preview-pathname=${encodeURIComponent(pathname)}${extra}`
}

/** Opens a session; returns the Cookie header value to send. */
async function openSession(): Promise<string> {
  const answer = await get(enableUrl(await newSecret()))
  assert.is(answer.status, 307, answer.body)
  return (answer.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
}

function assertRefused(answer: Answer, why: string): void {
  assert.is(answer.status, 401, `${why}: ${answer.body}`)
  assert.match(answer.headers.get('content-type') ?? '', /application\/problem\+json/)
  const problem = JSON.parse(answer.body) as { type: string; detail: string }
  assert.match(problem.type, /#problem-preview-unauthorized$/)
  assert.match(problem.detail, /expired/)
  assert.is(answer.headers.get('set-cookie'), null, `${why}: no cookie`)
  assert.is(answer.headers.get('location'), null, `${why}: no redirect`)
  assert.not.ok(answer.body.includes(DRAFT_TITLE), `${why}: no draft content`)
}

test.before(async () => {
  lake = await startTestLake({ seed: SEED_PATH })
  // Delivery's public reads are anonymous; preview mode gets the editor's token, as in `npm start`.
  server = await startDeliveryServer({
    client: lake.anonymousClient,
    port: 0,
    preview: { token: lake.token, studioUrl: STUDIO_URL, sessionSecret: SESSION_SECRET },
  })
  const { _rev, _createdAt, _updatedAt, ...article } = seed.article
  void [_rev, _createdAt, _updatedAt]
  await lake.client.createOrReplace({
    ...article,
    _id: `drafts.${seed.article._id}`,
    title: DRAFT_TITLE,
    excerpt: DRAFT_EXCERPT,
    // Without SEO overrides the <title> and meta description come from the (stega-encoded) title
    // and excerpt: what the render boundary must clean.
    seo: { _type: 'seo' },
  } as { _id: string; _type: string })
})
test.after(async () => {
  await server?.close()
  await lake?.close()
})

test('the public page is the published article, cached, and says nothing of preview', async () => {
  const first = await get(pagePath)
  assert.is(first.status, 200)
  assert.ok(first.body.includes(PUBLISHED_TITLE))
  assert.not.ok(first.body.includes(DRAFT_TITLE))
  assert.is(first.headers.get('vary'), 'Cookie')
  const second = await get(pagePath)
  assert.is(second.headers.get('x-cache'), 'HIT')
  assert.is(second.body, first.body)
  assert.not.ok(STEGA.test(first.body))
  assert.not.ok(first.body.includes('/preview/visual-editing.js'))
  assert.is((await get(apiPath)).status, 200)
})

test('a guessed, missing, expired or deleted secret is a 401 problem with no cookie and no draft', async () => {
  assertRefused(await get(enableUrl('guessed-secret-0123456789')), 'guessed')
  assertRefused(await get(`/api/draft-mode/enable?sanity-preview-pathname=${encodeURIComponent(pagePath)}`), 'missing')
  // Expired: a secret document last updated two hours ago (the Studio's secrets live one hour).
  const old = new Date(Date.now() - 2 * 3600_000).toISOString()
  await importNdjson(
    lake.lake.store.dataset(lake.dataset),
    `${JSON.stringify({
      _id: 'drafts.preview-secret-expired',
      _type: 'sanity.previewUrlSecret',
      secret: 'expired-secret-0123456789',
      source: 'sanity/presentation',
      studioUrl: STUDIO_URL,
      _createdAt: old,
      _updatedAt: old,
    })}\n`,
    { mode: 'replace' },
  )
  assertRefused(await get(enableUrl('expired-secret-0123456789')), 'expired')
  // Deleted: the Studio deletes secrets; a deleted one opens nothing.
  const secret = await newSecret()
  const ids: string[] = await lake.client.fetch(
    '*[_type == "sanity.previewUrlSecret" && secret == $secret]._id',
    { secret },
    { perspective: 'raw' },
  )
  assert.is(ids.length, 1)
  await lake.client.delete(ids[0]!)
  assertRefused(await get(enableUrl(secret)), 'deleted')
})

test('open redirects are refused, with no cookie, even with a valid secret', async () => {
  const secret = await newSecret()
  for (const target of [
    'https://evil.example/',
    '//evil.example/x',
    '/\\evil.example',
    '\\\\evil.example',
    '/\\/evil.example',
    'javascript:alert(1)',
    'evil.example',
    '/%0d%0aSet-Cookie:x=1'.replace('%0d%0a', '\r\n'),
  ]) {
    const answer = await get(enableUrl(secret, target))
    assert.is(answer.status, 400, `${target}: ${answer.body}`)
    assert.match(answer.body, /sanity-preview-pathname/)
    assert.is(answer.headers.get('set-cookie'), null, target)
    assert.is(answer.headers.get('location'), null, target)
  }
})

test('a valid secret sets a short-lived HttpOnly SameSite=Lax cookie and redirects to the page', async () => {
  const answer = await get(enableUrl(await newSecret(), `${pagePath}?x=1#faq`, '&sanity-preview-perspective=drafts'))
  assert.is(answer.status, 307, answer.body)
  assert.is(answer.headers.get('location'), `${pagePath}?x=1#faq`)
  assert.match(answer.headers.get('cache-control') ?? '', /no-store/)
  const cookie = answer.headers.get('set-cookie') ?? ''
  assert.ok(cookie.startsWith(`${PREVIEW_COOKIE}=`), cookie)
  for (const part of ['HttpOnly', 'SameSite=Lax', 'Path=/', 'Max-Age=3600']) assert.ok(cookie.includes(part), part)
  // The Studio's own parameters do not follow the page: the session carries the perspective.
  const plain = await get(enableUrl(await newSecret(), '/', '&sanity-preview-perspective=drafts'))
  assert.is(plain.headers.get('location'), '/')
})

test('in the session the page shows the draft, with stega in body text only, never cached', async () => {
  const cookie = await openSession()
  const answer = await get(pagePath, { cookie })
  assert.is(answer.status, 200, answer.body)
  assert.is(answer.headers.get('cache-control'), 'private, no-store')
  assert.is(answer.headers.get('x-robots-tag'), 'noindex')
  assert.is(answer.headers.get('x-cache'), 'BYPASS')
  assert.is(answer.headers.get('x-perspective'), 'drafts')
  assert.match(answer.headers.get('content-security-policy') ?? '', /script-src 'self'/)
  const html = answer.body
  assert.ok(stegaClean(html).includes(DRAFT_TITLE), 'the draft title is shown')
  assert.not.ok(stegaClean(html).includes(`<h1>${PUBLISHED_TITLE}`), 'not the published one')
  assert.ok(html.includes('<script type="module" src="/preview/visual-editing.js"></script>'))

  const page = parseDocument(html)
  // Raw text (a parser's whitespace normalising would eat U+FEFF, one of stega's characters).
  const h1 = /<h1>([^<]*)<\/h1>/.exec(html)?.[1] ?? ''
  assert.ok(STEGA.test(h1), 'the h1 text carries stega')
  assert.is(stegaClean(h1), DRAFT_TITLE)
  // Nowhere else: title, meta, JSON-LD, attributes, the head as a whole.
  const title = /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? ''
  assert.ok(title.includes(DRAFT_TITLE), 'the <title> shows the draft')
  assert.not.ok(ANY_STEGA.test(title), '<title> without stega')
  const head = /<head>[\s\S]*<\/head>/.exec(html)?.[0] ?? ''
  assert.ok(head.length > 0)
  assert.not.ok(ANY_STEGA.test(head), 'the head holds no stega character')
  for (const script of jsonLdScripts(html)) assert.not.ok(ANY_STEGA.test(script.raw), 'JSON-LD without stega')
  assert.ok(
    jsonLdScripts(html).some((s) => s.raw.includes(DRAFT_TITLE)),
    'JSON-LD shows the draft, clean',
  )
  for (const element of page.elements)
    for (const a of element.attrs)
      assert.not.ok(ANY_STEGA.test(a.value), `<${element.tagName} ${a.name}> without stega: ${JSON.stringify(a.value)}`)
  const description = byTag(page, 'meta').find((m) => attr(m, 'name') === 'description')
  assert.is(description && attr(description, 'content'), DRAFT_EXCERPT)
  const meta = byTag(page, 'meta').find((m) => attr(m, 'name') === 'robots')
  assert.is(meta && attr(meta, 'content'), 'noindex')
  // Stega links to the Studio given in the configuration.
  assert.ok(STEGA.test(html))

  const again = await get(pagePath, { cookie })
  assert.is(again.headers.get('x-cache'), 'BYPASS', 'a session is never answered from the cache')
})

test('in the session the JSON API shows the draft, without stega, never cached', async () => {
  const cookie = await openSession()
  const answer = await get(apiPath, { cookie })
  assert.is(answer.status, 200, answer.body)
  assert.is(answer.headers.get('cache-control'), 'private, no-store')
  assert.is(answer.headers.get('x-robots-tag'), 'noindex')
  const body = JSON.parse(answer.body) as { data: { title: string; excerpt?: string } }
  assert.is(body.data.title, DRAFT_TITLE)
  assert.not.ok(ANY_STEGA.test(answer.body))
  const list = await get('/api/v1/articles?limit=50', { cookie })
  assert.ok(list.body.includes(DRAFT_TITLE))
})

test('preview reads never reach the public cache: the public answers stay published', async () => {
  const cookie = await openSession()
  for (const path of [pagePath, apiPath, '/', '/api/v1/articles?limit=50']) {
    const preview = await get(path, { cookie })
    assert.is(preview.status, 200, path)
    const publicAnswer = await get(path)
    assert.is(publicAnswer.status, 200, path)
    assert.not.ok(publicAnswer.body.includes(DRAFT_TITLE), `${path}: public answer after a preview read`)
    assert.not.ok(ANY_STEGA.test(publicAnswer.body), `${path}: no stega in public`)
    assert.not.ok(publicAnswer.body.includes('/preview/visual-editing.js'), path)
    assert.match(publicAnswer.headers.get('cache-control') ?? '', /public/, path)
    assert.is(publicAnswer.headers.get('x-robots-tag'), null, path)
  }
  // A flushed cache filled again while a session reads: still the published text.
  server.cache.clear()
  const [preview, publicAnswer] = await Promise.all([get(pagePath, { cookie }), get(pagePath)])
  assert.ok(stegaClean(preview.body).includes(DRAFT_TITLE))
  assert.not.ok(publicAnswer.body.includes(DRAFT_TITLE))
  assert.is((await get(pagePath)).headers.get('x-cache'), 'HIT')
  assert.not.ok((await get(pagePath)).body.includes(DRAFT_TITLE))
})

test('a forged, tampered or expired cookie is ignored (public answer) and cleared', async () => {
  const cookie = await openSession()
  const value = cookie.slice(PREVIEW_COOKIE.length + 1)
  const expired = new PreviewSessions(SESSION_SECRET, () => Date.now() - 2 * 3600_000).issue({
    perspective: ['drafts'],
  })
  const otherKey = new PreviewSessions('another-key-another-key-another-key-0123').issue({ perspective: ['drafts'] })
  for (const bad of [
    `${value.slice(0, -2)}AA`,
    `${Buffer.from(JSON.stringify({ perspective: ['drafts'], expires: 9e9 })).toString('base64url')}.${value.split('.')[1]}`,
    expired,
    otherKey,
    'garbage',
  ]) {
    const answer = await get(pagePath, { cookie: `${PREVIEW_COOKIE}=${bad}` })
    assert.is(answer.status, 200)
    assert.not.ok(answer.body.includes(DRAFT_TITLE), `ignored: ${bad.slice(0, 30)}`)
    assert.not.ok(ANY_STEGA.test(answer.body))
    assert.match(answer.headers.get('set-cookie') ?? '', new RegExp(`^${PREVIEW_COOKIE}=;.*Max-Age=0`))
    const api = await get(apiPath, { cookie: `${PREVIEW_COOKIE}=${bad}` })
    assert.not.ok(api.body.includes(DRAFT_TITLE))
  }
})

test('disable clears the cookie and redirects to a same-origin path', async () => {
  const answer = await get('/api/draft-mode/disable')
  assert.is(answer.status, 307)
  assert.is(answer.headers.get('location'), '/')
  assert.match(answer.headers.get('set-cookie') ?? '', new RegExp(`^${PREVIEW_COOKIE}=;.*Max-Age=0`))
  const back = await get(`/api/draft-mode/disable?redirect=${encodeURIComponent(pagePath)}`)
  assert.is(back.headers.get('location'), pagePath)
  const evil = await get(`/api/draft-mode/disable?redirect=${encodeURIComponent('//evil.example')}`)
  assert.is(evil.headers.get('location'), '/')
})

test('a release perspective that does not exist is a 404 problem, with no cookie', async () => {
  const answer = await get(enableUrl(await newSecret(), pagePath, '&sanity-preview-perspective=no-such-release,drafts'))
  assert.is(answer.status, 404, answer.body)
  assert.match(answer.body, /release-not-found/)
  assert.is(answer.headers.get('set-cookie'), null)
})

test('a list cursor built from a stega-encoded name is the cursor of the clean name', () => {
  const encoded = vercelStegaCombine('Tennis elbow', { origin: 'sanity.io', href: '/intent/edit/id=x' }, false)
  assert.ok(STEGA.test(encoded))
  assert.is(encodeNameCursor({ name: encoded, id: 'x' }), encodeNameCursor({ name: 'Tennis elbow', id: 'x' }))
})

test.run()
