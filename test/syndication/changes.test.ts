// The changes feed against a real lake: after a random series of publish / edit / unpublish /
// delete / licence / embargo / category changes (and a change of the partner's own categories), a
// partner that replays the feed from ANY cursor it held converges to exactly its current scope.
// Tombstones only ever name articles the partner was once allowed to see, and drafts never appear.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { CreatedPartner } from '../../delivery/syndication/admin.js'
import { partnerDocId } from '../../delivery/syndication/partners.js'
import { articleDocument, startBed, type Bed } from './fixture.js'

const test = suite('syndication changes feed')
let bed: Bed
let partner: CreatedPartner

test.before(async () => {
  bed = await startBed({ rateLimit: { perMinute: 100_000, burst: 100_000 } })
  partner = await bed.partner({ name: 'Converging Clinic' })
})
test.after(async () => bed?.close())

interface Change {
  seq: number
  op: 'upsert' | 'delete'
  id: string
  slug: string
  reason?: string
  article?: { html: string; id: string }
}

type Copy = Map<string, string>

async function getJson(path: string): Promise<Record<string, unknown>> {
  const response = await bed.get(path, bed.key(partner))
  assert.is(response.status, 200, `${path}: ${response.status}`)
  return (await response.json()) as Record<string, unknown>
}

/** Pulls every change after `cursor` (paged) into `copy`; returns the new cursor and the changes seen. */
async function sync(
  copy: Copy,
  cursor: string | undefined,
  limit: number,
): Promise<{ cursor: string; changes: Change[] }> {
  const seen: Change[] = []
  for (;;) {
    const page = await getJson(
      `/syndication/v1/changes?limit=${limit}${cursor ? `&since=${encodeURIComponent(cursor)}` : ''}`,
    )
    if (page.reset) copy.clear()
    for (const change of page.changes as Change[]) {
      seen.push(change)
      if (change.op === 'upsert') copy.set(change.id, change.article!.html)
      else copy.delete(change.id)
    }
    cursor = String(page.next)
    if (!page.hasMore) return { cursor, changes: seen }
  }
}

async function scopeNow(): Promise<Copy> {
  const list = await getJson('/syndication/v1/articles?limit=100')
  return new Map((list.items as Array<{ id: string; html: string }>).map((a) => [a.id, a.html]))
}

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

test('replaying from any cursor converges after a random series of changes', async () => {
  const random = rng(20261128)
  const ids = ['article-c0', 'article-c1', 'article-c2', 'article-c3', 'article-c4']
  const everVisible = new Set<string>()
  const cursors: Array<{ cursor: string; copy: Copy }> = []
  let version = 0
  const publish = (id: string, fields: Parameters<typeof articleDocument>[1] = {}) =>
    bed.client.createOrReplace(
      articleDocument(id, { slug: id.slice(8), body: `${id} version ${++version}`, ...fields }),
    )

  for (const id of ids.slice(0, 3)) await publish(id)
  for (let step = 0; step < Number(process.env.SYNDICATION_STEPS ?? 16); step++) {
    const id = ids[Math.floor(random() * ids.length)]!
    const roll = random()
    const exists = (await bed.client.getDocument(id)) !== undefined
    if (roll < 0.25 || !exists) {
      await publish(id, { categories: random() < 0.8 ? ['category-treatments'] : ['category-other'] }) // publish or edit
    } else if (roll < 0.35) {
      // Unpublish: the published document goes, a draft stays.
      const doc = await bed.client.getDocument(id)
      await bed.client
        .transaction()
        .createOrReplace({ ...doc!, _id: `drafts.${id}` })
        .delete(id)
        .commit()
    } else if (roll < 0.42) {
      await bed.client.transaction().delete(id).delete(`drafts.${id}`).commit()
    } else if (roll < 0.52) {
      await bed.client
        .patch(id)
        .set({ 'syndication.allowed': random() < 0.5 })
        .commit()
    } else if (roll < 0.62) {
      if (random() < 0.6)
        await bed.client.patch(id).set({ 'syndication.embargoUntil': '2099-01-01T00:00:00Z' }).commit()
      else await bed.client.patch(id).unset(['syndication.embargoUntil']).commit()
    } else if (roll < 0.72) {
      // A draft edit: never visible to partners.
      const doc = await bed.client.getDocument(id)
      await bed.client.createOrReplace({
        ...doc!,
        _id: `drafts.${id}`,
        body: [
          {
            _key: 'd',
            _type: 'block',
            style: 'normal',
            markDefs: [],
            children: [{ _key: 'd1', _type: 'span', marks: [], text: 'DRAFT ONLY' }],
          },
        ],
      })
    } else if (roll < 0.8) {
      await bed.client
        .patch(id)
        .set({
          categories: [
            { _key: 'x', _type: 'reference', _ref: random() < 0.5 ? 'category-other' : 'category-treatments' },
          ],
        })
        .commit()
    } else if (roll < 0.86) {
      // The partner's own scope changes.
      const both = random() < 0.5
      await bed.client
        .patch(partnerDocId(partner.id))
        .set({
          allowedCategories: [
            { _key: 't', _type: 'reference', _ref: 'category-treatments' },
            ...(both ? [{ _key: 'o', _type: 'reference', _ref: 'category-other' }] : []),
          ],
        })
        .commit()
    } else {
      await bed.client
        .patch('clinic')
        .set({ attributionText: `Originally published by Dynamic Physical Therapy & Wellness (${step}).` })
        .commit()
    }

    const expected = await scopeNow()
    for (const id of expected.keys()) everVisible.add(id)
    // A fresh partner (no cursor) converges, with small pages.
    const fresh: Copy = new Map()
    const first = await sync(fresh, undefined, 1 + Math.floor(random() * 4))
    assert.equal(Object.fromEntries(fresh), Object.fromEntries(expected), `fresh sync at step ${step}`)
    for (const change of first.changes) {
      assert.ok(
        everVisible.has(change.id),
        `step ${step}: change about ${change.id}, which the partner never could see`,
      )
      if (change.article) assert.not.match(change.article.html, /DRAFT ONLY/)
    }
    // Every partner that stopped at an earlier cursor converges too.
    for (const held of cursors) {
      const copy = new Map(held.copy)
      await sync(copy, held.cursor, 3)
      assert.equal(
        Object.fromEntries(copy),
        Object.fromEntries(expected),
        `step ${step}: replay from an earlier cursor`,
      )
    }
    cursors.push({ cursor: first.cursor, copy: fresh })
  }
  assert.ok(everVisible.size >= 3, 'the random history must make several articles visible')
})

test('tombstones say why; an unrelated partner hears nothing of articles outside its scope', async () => {
  const outsider = await bed.partner({ name: 'Outsider', categories: ['category-other'] })
  await bed.article('article-t1', { slug: 't1', categories: ['category-treatments'] })
  const outsiderCursor = String(
    ((await (await bed.get('/syndication/v1/changes', bed.key(outsider))).json()) as { next: string }).next,
  )
  const before = await getJson('/syndication/v1/changes')
  await bed.client.patch('article-t1').set({ 'syndication.embargoUntil': '2099-01-01T00:00:00Z' }).commit()
  const after = await getJson(`/syndication/v1/changes?since=${encodeURIComponent(String(before.next))}`)
  const tomb = (after.changes as Change[]).find((c) => c.id === 'article-t1')
  assert.equal(tomb && { op: tomb.op, reason: tomb.reason }, { op: 'delete', reason: 'embargoed' })
  await bed.client
    .patch('article-t1')
    .unset(['syndication.embargoUntil'])
    .set({ 'syndication.allowed': false })
    .commit()
  const later = await getJson(`/syndication/v1/changes?since=${encodeURIComponent(String(after.next))}`)
  assert.equal(
    (later.changes as Change[]).filter((c) => c.id === 'article-t1').map((c) => c.op),
    [],
    'still removed: no new entry',
  )
  const outsiderChanges = (await (
    await bed.get(`/syndication/v1/changes?since=${encodeURIComponent(outsiderCursor)}`, bed.key(outsider))
  ).json()) as { changes: Change[] }
  assert.equal(
    outsiderChanges.changes.filter((c) => c.id === 'article-t1'),
    [],
  )
})

test.run()
