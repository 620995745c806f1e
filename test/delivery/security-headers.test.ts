// Security headers of every HTML route. Every GET route the server lists in its OpenAPI document is
// requested (parameters filled from the seed and generated documents, with a partner's key), so a
// new HTML route is checked without being added here; each HTML answer must carry the CSP as a
// header (frame-ancestors 'none' for pages and the docs page, * for the public embed page),
// Referrer-Policy, Permissions-Policy and X-Content-Type-Options, on a miss, on a cache hit
// (answered before Fastify) and on a 404 page.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  EMBED_CSP,
  PAGE_CSP,
  parseFrameAncestors,
  PERMISSIONS_POLICY,
  REFERRER_POLICY,
  securityHeadersFor,
} from '../../delivery/http/security-headers.js'
import { startDeliveryServer } from '../../delivery/http/server.js'
import { startStack, type Stack } from '../a11y/_stack.js'

const test = suite('security headers')
let stack: Stack

test.before(async () => {
  stack = await startStack()
})
test.after(async () => stack?.close())

/** The directives of a CSP, by name. */
function directives(csp: string): Map<string, string> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim())
      .filter((d) => d !== '')
      .map((d) => {
        const [name, ...values] = d.split(/\s+/)
        return [name!.toLowerCase(), values.join(' ')] as [string, string]
      }),
  )
}

function assertHtmlHeaders(response: Response, url: string, frame: 'page' | 'embed') {
  const csp = response.headers.get('content-security-policy')
  assert.ok(csp, `${url}: Content-Security-Policy header missing`)
  const d = directives(csp!)
  assert.is(d.get('default-src'), "'none'", `${url}: default-src`)
  assert.is(d.get('script-src') ?? d.get('default-src'), "'none'", `${url}: no script may run`)
  assert.is(d.get('base-uri'), "'none'", `${url}: base-uri`)
  assert.is(d.get('object-src') ?? d.get('default-src'), "'none'", `${url}: object-src`)
  assert.is(d.get('frame-ancestors'), frame === 'page' ? "'none'" : '*', `${url}: frame-ancestors`)
  assert.is(response.headers.get('referrer-policy'), REFERRER_POLICY, `${url}: Referrer-Policy`)
  const permissions = response.headers.get('permissions-policy') ?? ''
  for (const feature of ['camera', 'microphone', 'geolocation', 'payment'])
    assert.ok(permissions.includes(`${feature}=()`), `${url}: Permissions-Policy denies ${feature}`)
  assert.is(response.headers.get('x-content-type-options'), 'nosniff', `${url}: X-Content-Type-Options`)
  if (frame === 'page') assert.is(response.headers.get('x-frame-options'), 'DENY', `${url}: X-Frame-Options`)
  else assert.is(response.headers.get('x-frame-options'), null, `${url}: an embed must not send X-Frame-Options`)
}

/** Concrete URLs for an OpenAPI path template, or null for routes that need a body (the webhook). */
function fill(template: string): string[] {
  const s = stack.slugs
  const values: Record<string, string[]> = {
    token: [stack.partner.feedToken],
    code: ['M54.2'],
    type: ['article'],
    page: ['1'],
    file: ['articles-1.xml'],
  }
  const slugValues =
    template.startsWith('/conditions') || template.startsWith('/api/v1/conditions')
      ? [s.condition[0]!, stack.generated.condition]
      : template.startsWith('/treatments') || template.startsWith('/api/v1/treatments')
        ? [s.treatment[0]!, stack.generated.treatment]
        : [s.article[0]!, stack.generated.article]
  const names = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)
  let urls = [template]
  for (const name of names) {
    const options = name === 'slug' ? slugValues : (values[name] ?? ['x'])
    urls = urls.flatMap((u) => options.map((v) => u.replace(`{${name}}`, encodeURIComponent(v))))
  }
  return urls
}

test('every HTML answer of every GET route carries the CSP header and the other security headers', async () => {
  const openapi = (await (await fetch(`${stack.server.url}/api/v1/openapi.json`)).json()) as {
    paths: Record<string, Record<string, unknown>>
  }
  const query: Record<string, string> = {
    '/api/v1/faqs': '?treatment=integrative-dry-needling',
    '/api/v1/search': '?q=needle',
    '/syndication/v1/oembed': `?url=${encodeURIComponent(`https://dynamic-pt-wellness.example/articles/${stack.slugs.article[0]}`)}`,
  }
  const htmlRoutes = new Set<string>()
  let checked = 0
  for (const [template, methods] of Object.entries(openapi.paths)) {
    if (!('get' in methods)) continue
    for (const path of fill(template)) {
      const url = `${stack.server.url}${path}${query[template] ?? ''}`
      // The preview-mode routes answer redirects (to pages checked here anyway) or problems.
      if (template.startsWith('/api/draft-mode/')) continue
      // Twice: a miss, then (for cached routes) a hit answered by the fast path.
      for (let round = 0; round < 2; round++) {
        const response = await fetch(url, { headers: stack.partnerKey })
        await response.arrayBuffer()
        assert.ok(response.status < 500, `${url}: ${response.status}`)
        assert.is(response.headers.get('x-content-type-options'), 'nosniff', `${url}: X-Content-Type-Options`)
        if (!(response.headers.get('content-type') ?? '').startsWith('text/html')) {
          assert.is(response.headers.get('content-security-policy'), null, `${url}: a CSP on a non-HTML answer`)
          continue
        }
        htmlRoutes.add(template)
        assertHtmlHeaders(response, url, template.startsWith('/syndication/v1/embed/') ? 'embed' : 'page')
        checked += 1
      }
    }
  }
  assert.equal(
    [...htmlRoutes].sort(),
    [
      '/',
      '/api/docs',
      '/articles/{slug}',
      '/conditions/{slug}',
      '/es/articles/{slug}',
      '/es/conditions/{slug}',
      '/es/treatments/{slug}',
      '/syndication/v1/embed/{slug}',
      '/treatments/{slug}',
    ],
    'the HTML routes found',
  )
  assert.ok(checked >= 20, `${checked} HTML answers checked`)
})

test('404 pages and HEAD answers of pages carry the page headers too', async () => {
  for (const path of ['/articles/no-such-article', '/conditions/no-such-condition', '/treatments/no-such-treatment']) {
    for (let round = 0; round < 2; round++) {
      const response = await fetch(`${stack.server.url}${path}`)
      assert.is(response.status, 404)
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/)
      await response.text()
      assertHtmlHeaders(response, path, 'page')
    }
  }
  const head = await fetch(`${stack.server.url}/articles/${stack.slugs.article[0]}`, { method: 'HEAD' })
  assert.is(head.status, 200)
  assertHtmlHeaders(head, 'HEAD article', 'page')
})

test("the Studio's origin may frame the pages (its Preview pane), nobody else; the embed stays open", async () => {
  const studio = 'http://127.0.0.1:3335'
  const server = await startDeliveryServer({
    client: stack.lake.anonymousClient,
    port: 0,
    frameAncestors: () => [studio],
  })
  try {
    for (const path of ['/', `/articles/${stack.slugs.article[0]}`, '/api/docs']) {
      for (let round = 0; round < 2; round++) {
        const response = await fetch(`${server.url}${path}`)
        await response.text()
        const csp = directives(response.headers.get('content-security-policy') ?? '')
        assert.is(csp.get('frame-ancestors'), studio, `${path}: frame-ancestors`)
        assert.is(csp.get('script-src'), "'none'", `${path}: still no scripts`)
        assert.is(response.headers.get('x-frame-options'), null, `${path}: X-Frame-Options would forbid the Studio`)
      }
    }
  } finally {
    await server.close()
  }
  assert.equal(parseFrameAncestors(' https://clinic.sanity.studio, http://127.0.0.1:3335 '), [
    'https://clinic.sanity.studio',
    'http://127.0.0.1:3335',
  ])
  assert.equal(parseFrameAncestors(undefined), [])
  for (const bad of ['clinic.sanity.studio', 'https://clinic.sanity.studio/desk', "'self'", 'ftp://x.example'])
    assert.throws(() => parseFrameAncestors(bad), /is not an origin/, bad)
})

test('the policies: pages may not be framed, embeds may be framed anywhere, nothing may run scripts', () => {
  assert.match(PAGE_CSP, /frame-ancestors 'none'/)
  assert.match(EMBED_CSP, /frame-ancestors \*/)
  for (const csp of [PAGE_CSP, EMBED_CSP]) {
    assert.not.match(csp, /unsafe-eval|script-src[^;]*(?:'self'|'unsafe-inline'|https?:)/)
  }
  assert.not.match(PERMISSIONS_POLICY, /interest-cohort/)
  assert.equal(securityHeadersFor('application/json; charset=utf-8'), { 'x-content-type-options': 'nosniff' })
  assert.is(securityHeadersFor('text/html; charset=utf-8', 'embed')['x-frame-options'], undefined)
})

test.run()
