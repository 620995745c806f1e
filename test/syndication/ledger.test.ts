import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  advanceLedger,
  changeSetOf,
  changesSince,
  CursorError,
  decodeCursor,
  emptyLedger,
  encodeCursor,
  type LedgerState,
  type VisibleArticle,
} from '../../delivery/syndication/ledger.js'

const test = suite('syndication change ledger (pure)')
const at = new Date('2025-06-01T00:00:00Z')

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

/** What a partner does with the changes: upsert or delete by article id. */
function apply(copy: Map<string, string>, ledger: LedgerState, since: string | undefined, limit: number): string {
  let cursor = since
  for (;;) {
    const page = changesSince(ledger, cursor === undefined ? undefined : decodeCursor(cursor), limit)
    if (page.reset) copy.clear()
    for (const e of page.entries) {
      if (e.op === 'upsert') copy.set(e.articleId, `${e.slug}@${e.version}`)
      else copy.delete(e.articleId)
    }
    cursor = encodeCursor(page.next)
    if (!page.hasMore) return cursor
  }
}

test('first sight is an upsert, an unchanged article writes nothing, a removal is a tombstone with its reason', () => {
  const v1: VisibleArticle[] = [
    { articleId: 'a', slug: 'a', version: '1' },
    { articleId: 'b', slug: 'b', version: '1' },
  ]
  const first = advanceLedger(emptyLedger('aaaaaaaaaaaa'), v1, () => 'deleted', at)
  assert.equal(
    first.appended.map((e) => [e.seq, e.articleId, e.op]),
    [
      [1, 'a', 'upsert'],
      [2, 'b', 'upsert'],
    ],
  )
  const same = advanceLedger(first.state, v1, () => 'deleted', at)
  assert.is(same.appended.length, 0)
  assert.is(same.state, first.state)
  const second = advanceLedger(first.state, [{ articleId: 'b', slug: 'b', version: '2' }], () => 'embargoed', at)
  assert.equal(
    second.appended.map((e) => [e.seq, e.articleId, e.op, e.reason]),
    [
      [3, 'b', 'upsert', undefined],
      [4, 'a', 'delete', 'embargoed'],
    ],
  )
  // Compacted: one entry per article.
  assert.equal(
    second.state.entries.map((e) => e.seq),
    [3, 4],
  )
  // A tombstone is not repeated.
  assert.is(
    advanceLedger(second.state, [{ articleId: 'b', slug: 'b', version: '2' }], () => 'deleted', at).appended.length,
    0,
  )
})

test('a slug change is an upsert', () => {
  const s1 = advanceLedger(emptyLedger(), [{ articleId: 'a', slug: 'old', version: '1' }], () => 'deleted', at).state
  const s2 = advanceLedger(s1, [{ articleId: 'a', slug: 'new', version: '1' }], () => 'deleted', at)
  assert.equal(
    s2.appended.map((e) => [e.op, e.slug]),
    [['upsert', 'new']],
  )
})

test('replaying from any cursor converges to the current scope (random histories)', () => {
  for (let seed = 1; seed <= 30; seed++) {
    const random = rng(seed)
    let ledger = emptyLedger()
    const cursors: string[] = [] // a cursor after every step, as a partner polling then would hold
    const copies: Array<Map<string, string>> = [] // the partner's copy at each of those cursors
    let truth = new Map<string, VisibleArticle>()
    for (let step = 0; step < 40; step++) {
      const next = new Map(truth)
      const id = `art${Math.floor(random() * 12)}`
      const roll = random()
      if (roll < 0.4)
        next.set(id, { articleId: id, slug: id, version: String(step) }) // publish or edit
      else if (roll < 0.7)
        next.delete(id) // unpublish / delete / de-license / embargo
      else if (roll < 0.8)
        next.set(id, { articleId: id, slug: `${id}-renamed${step}`, version: next.get(id)?.version ?? '0' })
      truth = next
      ledger = advanceLedger(ledger, [...truth.values()], () => 'out-of-scope', at).state
      const copy = new Map<string, string>()
      cursors.push(apply(copy, ledger, undefined, 1 + Math.floor(random() * 5)))
      copies.push(copy)
    }
    const expected = new Map([...truth.values()].map((v) => [v.articleId, `${v.slug}@${v.version}`]))
    for (let i = 0; i < cursors.length; i++) {
      const copy = new Map(copies[i]!)
      apply(copy, ledger, cursors[i], 3)
      assert.equal(
        Object.fromEntries([...copy].sort()),
        Object.fromEntries([...expected].sort()),
        `seed ${seed}, from cursor ${i}`,
      )
    }
  }
})

test('pages are in stable seq order and a cursor from another epoch resets', () => {
  let ledger = emptyLedger('bbbbbbbbbbbb')
  // Three passes, three change sets of one entry each.
  for (const id of ['x', 'y', 'z']) {
    const visible = ['x', 'y', 'z'].slice(0, ['x', 'y', 'z'].indexOf(id) + 1)
    ledger = advanceLedger(
      ledger,
      visible.map((v) => ({ articleId: v, slug: v, version: '1' })),
      () => 'deleted',
      at,
    ).state
  }
  const p1 = changesSince(ledger, undefined, 2)
  assert.equal(
    p1.entries.map((e) => e.seq),
    [1, 2],
  )
  assert.ok(p1.hasMore)
  const p2 = changesSince(ledger, p1.next, 2)
  assert.equal(
    p2.entries.map((e) => e.seq),
    [3],
  )
  assert.not.ok(p2.hasMore)
  assert.equal(changesSince(ledger, p2.next, 2).entries, [])
  const reset = changesSince(ledger, { epoch: 'cccccccccccc', seq: 2 }, 10)
  assert.ok(reset.reset)
  assert.is(reset.entries.length, 3)
})

test('what one pass records is one change set, and a page never ends inside it', () => {
  const x = { articleId: 'x', slug: 'x', version: '1' }
  const ledger = advanceLedger(emptyLedger('dddddddddddd'), [x], () => 'deleted', at).state
  // A release publish: three articles appear in one transaction, seen by one pass.
  const release = advanceLedger(
    ledger,
    [x, ...['a', 'b', 'c'].map((id) => ({ articleId: id, slug: id, version: '1' }))],
    () => 'deleted',
    at,
  )
  assert.equal(
    release.appended.map((e) => [e.articleId, e.seq, changeSetOf(e)]),
    [
      ['a', 2, 2],
      ['b', 3, 2],
      ['c', 4, 2],
    ],
  )
  const first = changesSince(release.state, undefined, 1)
  assert.equal(
    first.entries.map((e) => e.articleId),
    ['x'],
  )
  assert.ok(first.hasMore)
  // Limit 1, but the release comes whole.
  const second = changesSince(release.state, first.next, 1)
  assert.equal(
    second.entries.map((e) => e.articleId),
    ['a', 'b', 'c'],
  )
  assert.not.ok(second.hasMore)
  assert.is(second.next.seq, 4)
  // Entries of an older ledger (no changeSet) are sets of their own.
  assert.is(changeSetOf({ seq: 7, articleId: 'o', slug: 'o', op: 'upsert', at: at.toISOString() }), 7)
})

test('bad cursors are rejected with an explanation', () => {
  for (const bad of ['', 'abc', '12', 'bbbbbbbbbbbb.-1', 'bbbbbbbbbbbb.1.2']) {
    try {
      decodeCursor(bad)
      assert.unreachable(`accepted ${bad}`)
    } catch (error) {
      assert.instance(error, CursorError)
      assert.match((error as Error).message, /"since" must be a cursor/)
    }
  }
  assert.equal(decodeCursor('bbbbbbbbbbbb.17'), { epoch: 'bbbbbbbbbbbb', seq: 17 })
})

test.run()
