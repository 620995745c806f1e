import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  ROUTES,
  absoluteUrl,
  collectionPath,
  matchPath,
  normaliseSiteUrl,
  pathFor,
  requirePathFor,
  slugOf,
  urlFor,
} from '../../model/site-paths.js'

const routes = suite('routes')

routes('maps each routable type to its site path, with either slug shape', () => {
  assert.is(pathFor({ _type: 'article', slug: 'why-needles' }), '/articles/why-needles')
  assert.is(pathFor({ _type: 'condition', slug: { current: 'tennis-elbow' } }), '/conditions/tennis-elbow')
  assert.is(pathFor({ _type: 'treatment', slug: 'integrative-dry-needling' }), '/treatments/integrative-dry-needling')
  assert.is(collectionPath('article'), '/articles')
  assert.equal(Object.keys(ROUTES).sort(), ['article', 'condition', 'treatment'])
})

routes('returns null for unroutable documents instead of building a path from arbitrary text', () => {
  assert.is(pathFor(null), null)
  assert.is(pathFor({ _type: 'faq', slug: 'x' }), null)
  assert.is(pathFor({ _type: 'article', slug: null }), null)
  assert.is(pathFor({ _type: 'article', slug: { current: '   ' } }), null)
  assert.is(pathFor({ _type: 'article', slug: '../../admin' }), null)
  assert.is(pathFor({ _type: 'article', slug: '"><script>alert(1)</script>' }), null)
  assert.is(pathFor({ _type: 'article', slug: 'UPPER' }), null)
  assert.is(pathFor({ _type: '__proto__', slug: 'x' }), null)
  assert.is(pathFor({ _type: 'toString', slug: 'x' }), null)
  assert.is(slugOf({ current: ' a-b ' }), 'a-b')
})

routes('requirePathFor explains what is wrong', () => {
  assert.throws(
    () => requirePathFor({ _type: 'faq', slug: 'x' }),
    /"faq" has no route; routable types are article, condition, treatment/,
  )
  assert.throws(() => requirePathFor({ _type: 'article' }), /article has no slug/)
  assert.throws(() => requirePathFor({ _type: 'article', slug: 'Bad Slug' }), /not a valid slug/)
  assert.is(requirePathFor({ _type: 'article', slug: 'ok' }), '/articles/ok')
})

routes('absolute URLs join the site URL cleanly, and bad site URLs are refused', () => {
  assert.is(urlFor({ _type: 'article', slug: 'a' }, 'https://example.com/'), 'https://example.com/articles/a')
  assert.is(
    urlFor({ _type: 'article', slug: 'a' }, 'https://example.com/clinic/'),
    'https://example.com/clinic/articles/a',
  )
  assert.is(urlFor({ _type: 'faq', slug: 'a' }, 'https://example.com'), null)
  assert.is(absoluteUrl('https://example.com', 'x'), 'https://example.com/x')
  assert.is(normaliseSiteUrl('https://Example.com//'), 'https://example.com')
  assert.throws(() => normaliseSiteUrl('example.com'), /not an absolute URL/)
  assert.throws(() => normaliseSiteUrl('javascript:alert(1)'), /must use http or https/)
})

routes('matchPath is the reverse of pathFor', () => {
  for (const type of ['article', 'condition', 'treatment'] as const) {
    const path = pathFor({ _type: type, slug: 'some-slug-2' })!
    assert.equal(matchPath(path), { _type: type, slug: 'some-slug-2' })
    assert.equal(matchPath(`${path}/?x=1`), { _type: type, slug: 'some-slug-2' })
  }
  assert.is(matchPath('/articles/'), null)
  assert.is(matchPath('/articles/a/b'), null)
  assert.is(matchPath('/nope/a'), null)
})

routes.run()
