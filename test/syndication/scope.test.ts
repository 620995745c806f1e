// The scope rule exists as a JS predicate (ledger) and as a GROQ filter (API, feeds): they must
// agree on every article. Checked with groq-js, Sanity's GROQ implementation, on random documents.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { evaluate, parse } from 'groq-js'
import {
  scopeDecision,
  scopeFilter,
  SCOPE_FIELDS,
  type Audience,
  type ScopeArticle,
} from '../../delivery/syndication/scope.js'

const test = suite('syndication scope')
const now = new Date('2025-06-01T12:00:00.000Z')
const partner: Audience = { kind: 'partner', partnerId: 'partner-a', allowedCategories: ['cat-a', 'cat-b'] }

function article(over: Partial<ScopeArticle> = {}): ScopeArticle {
  return { _id: 'a1', slug: 'a-1', allowed: true, embargoUntil: null, categories: ['cat-a'], noIndex: null, ...over }
}

test('the partner rules, each with its reason', () => {
  assert.equal(scopeDecision(article(), partner, now), { visible: true })
  assert.equal(scopeDecision(article({ _id: 'drafts.a1' }), partner, now), { visible: false, reason: 'draft' })
  assert.equal(scopeDecision(article({ _id: 'versions.r1.a1' }), partner, now), { visible: false, reason: 'draft' })
  assert.equal(scopeDecision(article({ allowed: false }), partner, now), {
    visible: false,
    reason: 'licence-withdrawn',
  })
  assert.equal(scopeDecision(article({ allowed: null }), partner, now), { visible: false, reason: 'licence-withdrawn' })
  assert.equal(scopeDecision(article({ embargoUntil: '2025-06-01T12:00:01Z' }), partner, now), {
    visible: false,
    reason: 'embargoed',
  })
  assert.equal(scopeDecision(article({ embargoUntil: '2025-06-01T12:00:00Z' }), partner, now), { visible: true })
  assert.equal(scopeDecision(article({ embargoUntil: 'tomorrow' }), partner, now), {
    visible: false,
    reason: 'embargoed',
  })
  assert.equal(scopeDecision(article({ categories: ['cat-c'] }), partner, now), {
    visible: false,
    reason: 'out-of-scope',
  })
  assert.equal(scopeDecision(article({ categories: null }), partner, now), { visible: false, reason: 'out-of-scope' })
  assert.equal(scopeDecision(article({ slug: null }), partner, now), { visible: false, reason: 'no-slug' })
  const none: Audience = { kind: 'partner', partnerId: 'p', allowedCategories: [] }
  assert.equal(scopeDecision(article(), none, now), { visible: false, reason: 'out-of-scope' })
})

test('the public audience ignores categories but honours noIndex', () => {
  assert.equal(scopeDecision(article({ categories: [] }), { kind: 'public' }, now), { visible: true })
  assert.equal(scopeDecision(article({ noIndex: true }), { kind: 'public' }, now), {
    visible: false,
    reason: 'no-index',
  })
  assert.equal(scopeDecision(article({ noIndex: true }), partner, now), { visible: true })
})

// A tiny deterministic PRNG so a failure can be reproduced.
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

test('GROQ filter and JS predicate agree on 400 random articles (groq-js)', async () => {
  const random = rng(42)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!
  const docs: Record<string, unknown>[] = []
  for (let i = 0; i < 400; i++) {
    const id = `${pick(['', '', '', 'drafts.', 'versions.rel1.'])}art${i}`
    const doc: Record<string, unknown> = { _id: id, _type: pick(['article', 'article', 'article', 'condition']) }
    const slug = pick([`s-${i}`, `s-${i}`, `s-${i}`, '', null])
    if (slug !== null) doc.slug = { _type: 'slug', current: slug }
    const allowed = pick([true, true, true, false, null])
    const embargo = pick([
      null,
      '2025-06-01T11:59:59Z',
      '2025-06-01T12:00:00.000Z',
      '2025-06-02T00:00:00Z',
      '2020-01-01T00:00:00+02:00',
      'not a date',
    ])
    if (allowed !== null || embargo !== null) {
      const syndication: Record<string, unknown> = {}
      if (allowed !== null) syndication.allowed = allowed
      if (embargo !== null) syndication.embargoUntil = embargo
      doc.syndication = syndication
    }
    const cats = pick([null, [], ['cat-a'], ['cat-a'], ['cat-c'], ['cat-c', 'cat-b']])
    if (cats !== null) doc.categories = cats.map((c, k) => ({ _key: `k${k}`, _type: 'reference', _ref: c }))
    const noIndex = pick([null, true, false])
    if (noIndex !== null) doc.seo = { noIndex }
    docs.push(doc)
  }
  for (const audience of [partner, { kind: 'public' } as Audience]) {
    const { filter, params } = scopeFilter(audience, now)
    const viaGroq = (await (await evaluate(parse(`*[${filter}]._id`), { dataset: docs, params })).get()) as string[]
    const candidates = (await (
      await evaluate(parse(`*[_type == "article"]${SCOPE_FIELDS}`), { dataset: docs })
    ).get()) as ScopeArticle[]
    const viaJs = candidates.filter((a) => scopeDecision(a, audience, now).visible).map((a) => a._id)
    assert.equal([...viaGroq].sort(), [...viaJs].sort(), `audience ${audience.kind}`)
    assert.ok(viaJs.length > 5, 'the random set must contain visible articles')
  }
})

test.run()
