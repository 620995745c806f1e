// The scored text index (lake/indexes/text-index.ts) kept in step by add/remove, including the
// compaction of removed documents' postings: its term frequencies always equal those of an index
// built afresh over the same documents, and those counted by hand the way groq-js counts.
import { evaluateSync, parse, type ExprNode } from 'groq-js'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { ViewEntry } from '../../lake/indexes/entry-list.js'
import { TextIndex, type TermFrequencies } from '../../lake/indexes/text-index.js'
import { nativeTextReader, UNSURE } from '../../lake/indexes/text-value.js'
import { matchTokenKeys, matchTokens, termKeyPrefix, termRegex, tokenKey } from '../../lake/indexes/values.js'
import { generateDataset } from '../../scripts/bench/dataset.js'
import { createRandom } from '../../scripts/bench/random.js'

const test = suite('text index')
const WORDS = [
  'knee',
  'Knee',
  'KNEE',
  'kneecap',
  'pain',
  'tendon',
  'x.y',
  'caf\u00e9',
  'CAF\u00c9',
  '\u212aelvin',
  'sign',
  'tendons',
]

function entry(i: number, text: string | string[]): ViewEntry {
  return {
    id: `d${i}`,
    pos: i,
    doc: { _id: `d${i}`, _type: 't', _rev: 'r', _createdAt: '', _updatedAt: '', title: text },
  }
}

function asObject(f: TermFrequencies): Record<string, number> {
  const out: Record<string, number> = {}
  f.entries.forEach((e, k) => (out[e.id] = f.counts[k] as number))
  return out
}

/** What groq-js counts: tokens of the string (or the array's strings) the term's regex matches. */
function byHand(entries: readonly ViewEntry[], term: string): Record<string, number> {
  const re = termRegex(term)
  const out: Record<string, number> = {}
  for (const e of entries) {
    const title = (e.doc as { title?: unknown }).title
    const parts =
      typeof title === 'string'
        ? [title]
        : Array.isArray(title)
          ? title.filter((t): t is string => typeof t === 'string')
          : []
    const n = parts.flatMap(matchTokens).filter((t) => re.test(t)).length
    if (n > 0) out[e.id] = n
  }
  return out
}

test('frequencies equal a fresh build and groq-js counting after many adds and removes (compaction)', () => {
  const random = createRandom('text-index')
  const expr = parse('title') as ExprNode
  const live = new Map<number, ViewEntry>()
  const index = new TextIndex(expr, [])
  let next = 0
  for (let round = 0; round < 6000; round++) {
    if (live.size > 50 && random.chance(0.45)) {
      const key = random.pick([...live.keys()])
      index.remove(live.get(key) as ViewEntry)
      live.delete(key)
    } else {
      const words = Array.from({ length: random.int(0, 12) }, () => random.pick(WORDS))
      const e = entry(next++, random.chance(0.1) ? words : words.join(random.pick([' ', ', ', '-'])))
      index.add(e)
      live.set(e.pos, e)
    }
  }
  const entries = [...live.values()]
  const fresh = new TextIndex(expr, entries)
  for (const term of [
    'knee',
    'KNEE*',
    'kne.',
    '*',
    'caf\u00e9',
    'CAF*',
    'k*',
    '\u212a*',
    'x.y',
    'ten*s',
    '*ns',
    'zzz',
  ]) {
    const a = asObject(index.frequencies(termRegex(term), termKeyPrefix(term)))
    assert.equal(a, asObject(fresh.frequencies(termRegex(term), termKeyPrefix(term))), term)
    assert.equal(a, byHand(entries, term), term)
  }
  assert.is(index.stats().documents, fresh.stats().documents)
})

test('long posting lists (typed arrays after a build) stay exact through adds, removes and compaction', () => {
  const random = createRandom('typed-postings')
  const expr = parse('title') as ExprNode
  const text = (): string => Array.from({ length: random.int(1, 8) }, () => random.pick(WORDS)).join(' ')
  const initial = Array.from({ length: 3000 }, (_, i) => entry(i, text()))
  const index = new TextIndex(expr, initial)
  const live = new Map(initial.map((e) => [e.pos, e]))
  let next = initial.length
  for (let round = 0; round < 30000; round++) {
    if (random.chance(0.5) && live.size > 10) {
      const key = random.pick([...live.keys()].slice(0, 50))
      index.remove(live.get(key) as ViewEntry)
      live.delete(key)
    } else {
      const e = entry(next++, text())
      index.add(e)
      live.set(e.pos, e)
    }
  }
  const entries = [...live.values()]
  const fresh = new TextIndex(expr, entries)
  for (const term of ['knee', 'KNEE*', 'kne.', '*', 'caf\u00e9', 'k*', 'x.y', 'ten*s', 'zzz']) {
    const a = asObject(index.frequencies(termRegex(term), termKeyPrefix(term)))
    assert.equal(a, asObject(fresh.frequencies(termRegex(term), termKeyPrefix(term))), term)
    assert.equal(a, byHand(entries, term), term)
  }
})

// The text of each indexed expression is computed natively (lake/indexes/text-value.ts) when that is
// certainly groq-js's value: it must be exactly evaluateSync's, and UNSURE shapes must be reported.
const NATIVE_EXPRESSIONS = [
  'title',
  'excerpt',
  'seo.title',
  '@.title',
  'pt::text(body)',
  'pt::text(seo)',
  'pt::text(title)',
  'pt::text(a.b)',
]

function assertNativeExact(docs: readonly unknown[], expectUnsure = 0): void {
  let unsure = 0
  for (const source of NATIVE_EXPRESSIONS) {
    const expr = parse(source) as ExprNode
    const read = nativeTextReader(expr)
    assert.ok(read, source)
    for (const doc of docs) {
      const native = (read as (d: unknown) => unknown)(doc)
      if (native === UNSURE) {
        unsure++
        continue
      }
      const expected = evaluateSync(expr, { root: doc }).data
      assert.equal(native, expected, `${source} of ${JSON.stringify(doc)}`)
    }
  }
  if (expectUnsure === 0) assert.is(unsure, 0, 'every JSON document is read natively')
  else assert.ok(unsure >= expectUnsure, `${unsure} unsure, expected at least ${expectUnsure}`)
}

test('native text values equal groq-js over the synthetic dataset', () => {
  assertNativeExact([...generateDataset({ size: 3000, seed: 'native-text' })])
})

test('native text values equal groq-js on odd shapes', () => {
  const span = (text: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    _type: 'span',
    text,
    ...extra,
  })
  const block = (children: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    _type: 'block',
    children,
    ...extra,
  })
  const bodies: unknown[] = [
    undefined,
    null,
    [],
    {},
    'plain string',
    42,
    true,
    [null],
    [[]],
    [[], []],
    [block([])],
    [block([]), block([])],
    [block([span('a')]), block([])],
    [block([span('')])],
    [
      block([span('a', { marks: ['strong'] }), span('b', { marks: ['em', 'link-1'] })], {
        markDefs: [{ _key: 'link-1', _type: 'link', href: 'x' }],
        style: 'h2',
      }),
    ],
    [{ _type: 'block' }],
    [{ _type: 'block', children: null }],
    [{ _type: 'block', children: 'abc' }],
    [{ children: [span('no type')] }],
    [{ _type: 7, children: [span('numeric type')] }],
    [{ _type: 'image', asset: { _ref: 'x' } }],
    [{ _type: 'code', children: [span('code block')] }],
    [block([span(7), span(null), span(['x']), span({ t: 1 }), span(undefined), span('kept')])],
    [
      block([
        null,
        3,
        'str',
        ['nested', span('in array')],
        { text: 'no type' },
        { _type: 'text', text: 'other type' },
        { _type: 'span' },
        span('ok'),
      ]),
    ],
    [[block([span('nested')]), [block([span('deeper')])]], block([span('top')])],
    ['string member', 5, true, null, block([span('after')])],
    block([span('an object body')]),
    { _type: 'block', children: {} },
    { _type: 'block' },
    [block([span('line\nbreak'), span('  spaced  ')]), block([span('\u212a caf\u00e9 x.y')])],
  ]
  const docs: unknown[] = []
  for (const body of bodies) {
    docs.push({ _id: 'x', body }, { _id: 'x', title: body, seo: body, a: { b: body } })
  }
  docs.push(
    null,
    'not an object',
    [],
    { title: null },
    { seo: { title: ['a', 'b', 3] } },
    { seo: [] },
    { seo: 'x' },
    { a: { b: null } },
    { a: [{ b: 'x' }] },
  )
  assertNativeExact(docs)
})

test('non-JSON shapes are left to groq-js', () => {
  const weird: unknown[] = [
    { body: [{ _type: 'block', children: [{ _type: 'span', text: 'x' }], hasOwnProperty: 1 }] },
    { body: Object.assign(Object.create(null) as object, { _type: 'block', children: [] }) },
    { body: [new Date(0)] },
    { body: () => 'x' },
    { body: [{ _type: 'block', children: [], next: () => 1 }] },
  ]
  let unsure = 0
  const read = nativeTextReader(parse('pt::text(body)') as ExprNode) as (d: unknown) => unknown
  for (const doc of weird) if (read(doc) === UNSURE) unsure++
  assert.is(unsure, weird.length)
  // Other expressions are not read natively at all.
  for (const source of [
    'upper(title)',
    'title + excerpt',
    'body[0].children[0].text',
    '(title)',
    'pt::text(body[0])',
  ]) {
    assert.is(nativeTextReader(parse(source) as ExprNode), undefined, source)
  }
})

test('matchTokenKeys equals matchTokens then tokenKey (random texts, every special character, the dataset)', () => {
  const random = createRandom('token-keys')
  const alphabet = [
    ...'..........aAzZ09_ \t\n!@#$%^&*(),\\/?";:{}|[]+<>-~`\'=',
    '\u00e9',
    '\u00c9',
    '\u212a',
    '\u017f',
    '\u00a0',
    '\u2028',
    '\u2029',
    '\ufeff',
    '\u3000',
    '\u200b',
    '\ud83d',
    '\ude00',
    'x.y',
    '...',
    'Knee',
  ]
  const check = (text: string): void =>
    assert.equal(matchTokenKeys(text), matchTokens(text).map(tokenKey), JSON.stringify(text))
  for (let round = 0; round < 20000; round++) {
    check(Array.from({ length: random.int(0, 24) }, () => random.pick(alphabet)).join(''))
  }
  for (let c = 0; c < 0x10000; c += 1)
    check(`a${String.fromCharCode(c)}b .${String.fromCharCode(c)}. ${String.fromCharCode(c)}`)
  const read = nativeTextReader(parse('pt::text(body)') as ExprNode) as (d: unknown) => unknown
  for (const doc of generateDataset({ size: 1500, seed: 'token-keys' })) {
    const text = read(doc)
    if (typeof text === 'string') check(text)
  }
})

test('an index over odd bodies gives the frequencies of groq-js counting', () => {
  const docs: Record<string, unknown>[] = [
    {
      body: [
        {
          _type: 'block',
          children: [
            { _type: 'span', text: 'knee pain' },
            { _type: 'span', text: 7 },
          ],
        },
        [{ _type: 'b', children: [{ _type: 'span', text: 'Knee' }] }],
      ],
    },
    { body: { _type: 'block', children: [{ _type: 'span', text: 'kneecap' }] } },
    { body: 'knee' },
  ]
  const entries: ViewEntry[] = docs.map((d, i) => ({
    id: `d${i}`,
    pos: i,
    doc: { _id: `d${i}`, _type: 't', _rev: 'r', _createdAt: '', _updatedAt: '', ...d },
  }))
  const expr = parse('pt::text(body)') as ExprNode
  const index = new TextIndex(expr, entries)
  const re = termRegex('knee*')
  const expected: Record<string, number> = {}
  for (const e of entries) {
    const text = evaluateSync(expr, { root: e.doc }).data
    const n = typeof text === 'string' ? matchTokens(text).filter((t) => re.test(t)).length : 0
    if (n > 0) expected[e.id] = n
  }
  assert.equal(asObject(index.frequencies(re, termKeyPrefix('knee*'))), expected)
})

test.run()
