// The scored text index (lake/index/text-index.ts) kept in step by add/remove, including the
// compaction of removed documents' postings: its term frequencies always equal those of an index
// built afresh over the same documents, and those counted by hand the way groq-js counts.
import {parse, type ExprNode} from 'groq-js'
import {suite} from 'uvu'
import * as assert from 'uvu/assert'
import type {ViewEntry} from '../../lake/index/entry-list.js'
import {TextIndex, type TermFrequencies} from '../../lake/index/text-index.js'
import {matchTokens, termKeyPrefix, termRegex} from '../../lake/index/values.js'
import {createRandom} from '../../scripts/bench/random.js'

const test = suite('text index')
const WORDS = ['knee', 'Knee', 'KNEE', 'kneecap', 'pain', 'tendon', 'x.y', 'caf\u00e9', 'CAF\u00c9', '\u212aelvin', 'sign', 'tendons']

function entry(i: number, text: string | string[]): ViewEntry {
  return {id: `d${i}`, pos: i, doc: {_id: `d${i}`, _type: 't', _rev: 'r', _createdAt: '', _updatedAt: '', title: text}}
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
    const title = (e.doc as {title?: unknown}).title
    const parts = typeof title === 'string' ? [title] : Array.isArray(title) ? title.filter((t): t is string => typeof t === 'string') : []
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
      const words = Array.from({length: random.int(0, 12)}, () => random.pick(WORDS))
      const e = entry(next++, random.chance(0.1) ? words : words.join(random.pick([' ', ', ', '-'])))
      index.add(e)
      live.set(e.pos, e)
    }
  }
  const entries = [...live.values()]
  const fresh = new TextIndex(expr, entries)
  for (const term of ['knee', 'KNEE*', 'kne.', '*', 'caf\u00e9', 'CAF*', 'k*', '\u212a*', 'x.y', 'ten*s', '*ns', 'zzz']) {
    const a = asObject(index.frequencies(termRegex(term), termKeyPrefix(term)))
    assert.equal(a, asObject(fresh.frequencies(termRegex(term), termKeyPrefix(term))), term)
    assert.equal(a, byHand(entries, term), term)
  }
  assert.is(index.stats().documents, fresh.stats().documents)
})

test.run()
