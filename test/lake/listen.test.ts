import * as assert from 'uvu/assert'
import { applyPatch } from 'mendoza'
import type { MutationEvent, SanityClient } from '@sanity/client'
import { startTestLake } from '../helpers/lake.js'
import { lakeSuite } from '../helpers/lake-suite.js'

const { test, t } = lakeSuite('lake: listen (server-sent events)')

function withoutRev(doc: unknown): unknown {
  if (typeof doc !== 'object' || doc === null) return doc
  const { _rev, ...rest } = doc as Record<string, unknown>
  void _rev
  return rest
}

/** Subscribes, waits for the welcome, and collects mutation events. */
async function collect(
  client: SanityClient,
  query: string,
  params: Record<string, unknown> = {},
  options: Record<string, unknown> = {},
) {
  const events: MutationEvent[] = []
  let welcomed!: () => void
  const welcome = new Promise<void>((resolve) => (welcomed = resolve))
  const sub = client.listen(query, params, { events: ['welcome', 'mutation'], ...options }).subscribe((e) => {
    if (e.type === 'welcome') welcomed()
    else if (e.type === 'mutation') events.push(e)
  })
  await welcome
  return {
    events,
    stop: () => sub.unsubscribe(),
    async waitFor(n: number): Promise<MutationEvent[]> {
      for (let i = 0; i < 200 && events.length < n; i++) await new Promise((r) => setTimeout(r, 20))
      return events
    },
  }
}

test('appear, update, disappear for a filter; previousRev -> resultRev chains; effects rebuild the document', async () => {
  const l = await collect(
    t.client,
    '*[_type == "lesson" && level > 1]',
    {},
    { includePreviousRevision: true, effectFormat: 'mendoza' },
  )
  await t.client.create({ _id: 'l1', _type: 'lesson', level: 1 })
  await t.client.patch('l1').set({ level: 2 }).commit() // appear
  await t.client.patch('l1').set({ title: 'T' }).commit() // update
  await t.client.patch('l1').set({ level: 0 }).commit() // disappear (filter)
  await t.client.patch('l1').set({ level: 5 }).commit() // appear
  await t.client.delete('l1') // disappear (deleted)
  const events = await l.waitFor(5)
  l.stop()
  assert.equal(
    events.map((e) => e.transition),
    ['appear', 'update', 'disappear', 'appear', 'disappear'],
  )
  for (let i = 1; i < events.length; i++) assert.is(events[i].previousRev, events[i - 1].resultRev, `event ${i} chains`)
  const update = events[1]
  assert.is(update.documentId, 'l1')
  assert.is(update.result?.title, 'T')
  assert.is((update.previous as { title?: string } | undefined)?.title, undefined)
  assert.equal(update.mutations, [{ patch: { id: 'l1', set: { title: 'T' } } }])
  const effects = update.effects as { apply: unknown[]; revert: unknown[] }
  // Applied as the Studio applies them: to its copy without `_rev`.
  assert.equal(applyPatch(withoutRev(update.previous), effects.apply), update.result)
  assert.equal(applyPatch(withoutRev(update.result), effects.revert), update.previous)
  assert.is(events[4].result, undefined)
  assert.is(events[4].resultRev, events[4].transactionId)
})

test('params in the filter, includeResult=false, transaction event counters', async () => {
  const l = await collect(t.client, '*[_type == $type]', { type: 'pair' }, { includeResult: false })
  await t.client
    .transaction()
    .create({ _id: 'p1', _type: 'pair' })
    .create({ _id: 'p2', _type: 'pair' })
    .create({ _id: 'p3', _type: 'other' })
    .commit()
  const events = await l.waitFor(2)
  await new Promise((r) => setTimeout(r, 100))
  l.stop()
  assert.is(events.length, 2)
  assert.equal(
    events.map((e) => [e.documentId, e.transactionCurrentEvent, e.transactionTotalEvents]),
    [
      ['p1', 1, 2],
      ['p2', 2, 2],
    ],
  )
  assert.is(events[0].result, undefined)
})

test('an anonymous listener never sees drafts; an editor does', async () => {
  const anon = await collect(t.anonymousClient, '*[_type == "secret"]')
  const editor = await collect(t.client, '*[_type == "secret"]')
  await t.client.create({ _id: 'drafts.s1', _type: 'secret', title: 'draft' })
  await t.client.create({ _id: 's1', _type: 'secret', title: 'published' })
  await editor.waitFor(2)
  await anon.waitFor(1)
  await new Promise((r) => setTimeout(r, 100))
  anon.stop()
  editor.stop()
  assert.equal(
    editor.events.map((e) => e.documentId),
    ['drafts.s1', 's1'],
  )
  assert.equal(
    anon.events.map((e) => e.documentId),
    ['s1'],
  )
})

test('resume with Last-Event-ID and enableResume replays what was missed (welcomeback)', async () => {
  const first = await t.client.create({ _id: 'r1', _type: 'resume', n: 1 })
  const url = `${t.httpUrl}/v2025-02-19/data/listen/production?query=${encodeURIComponent('*[_type == "resume"]')}&enableResume=true&includeResult=true`
  await t.client.patch('r1').set({ n: 2 }).commit()
  await t.client.patch('r1').set({ n: 3 }).commit()
  const controller = new AbortController()
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${t.token}`, 'last-event-id': `${first._rev}#r1` },
    signal: controller.signal,
  })
  assert.is(res.headers.get('content-type'), 'text/event-stream; charset=utf-8')
  const reader = res.body!.getReader()
  let text = ''
  for (let i = 0; i < 50 && (text.match(/event: mutation/g) ?? []).length < 2; i++) {
    const { value } = await reader.read()
    text += new TextDecoder().decode(value)
  }
  controller.abort()
  assert.match(text, /^event: welcomeback/)
  const data = [...text.matchAll(/event: mutation\ndata: (.*)\n/g)].map(
    (m) => JSON.parse(m[1]) as { result: { n: number } },
  )
  assert.equal(
    data.map((d) => d.result.n),
    [2, 3],
  )
})

test('idle streams get keep-alive comments', async () => {
  const quick = await startTestLake({ keepAliveMs: 100 })
  try {
    const controller = new AbortController()
    const res = await fetch(`${quick.httpUrl}/vX/data/listen/production?query=*`, { signal: controller.signal })
    const reader = res.body!.getReader()
    let text = ''
    for (let i = 0; i < 50 && !text.includes(': keep-alive'); i++)
      text += new TextDecoder().decode((await reader.read()).value)
    controller.abort()
    assert.match(text, /^event: welcome\n/)
    assert.match(text, /\n: keep-alive\n\n/)
  } finally {
    await quick.close()
  }
})

test('a listen query that does not parse is a 400', async () => {
  const res = await fetch(`${t.httpUrl}/v2025-02-19/data/listen/production?query=${encodeURIComponent('*[')}`)
  assert.is(res.status, 400)
  const body = (await res.json()) as { error: { type: string } }
  assert.is(body.error.type, 'queryParseError')
})

test.run()
