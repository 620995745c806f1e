/**
 * The Live Content API (`GET /data/live/events/<dataset>`) through `@sanity/client`'s
 * `client.live.events()`, unchanged: welcome, messages with the sync tags a mutation touched,
 * resume with Last-Event-ID, restart, goaway, and includeDrafts refused without a token.
 */
import type { LiveEvent, SanityClient } from '@sanity/client'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import * as assert from 'uvu/assert'
import { startPrivateLake } from '../../lake/index.js'
import { importDocuments } from '../../lake/io/ndjson.js'
import { lakeSuite } from '../helpers/lake-suite.js'

const { test, t } = lakeSuite('lake: live events (Live Content API)')

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Subscribes to client.live.events() and collects events; `welcome` resolves on the first welcome. */
function live(client: SanityClient, options: { includeDrafts?: boolean } = {}) {
  const events: LiveEvent[] = []
  const errors: unknown[] = []
  let welcomed!: () => void
  const welcome = new Promise<void>((resolve) => (welcomed = resolve))
  const sub = client.live.events(options).subscribe({
    next: (e) => {
      events.push(e)
      if (e.type === 'welcome') welcomed()
    },
    error: (err) => errors.push(err),
  })
  return {
    events,
    errors,
    welcome,
    messages: () => events.filter((e): e is Extract<LiveEvent, { type: 'message' }> => e.type === 'message'),
    stop: () => sub.unsubscribe(),
    async until(check: () => boolean, what: string): Promise<void> {
      for (let i = 0; i < 300 && !check(); i++) await sleep(20)
      if (!check()) assert.unreachable(`timed out waiting for ${what}: ${JSON.stringify(events)}`)
    },
  }
}

async function tagsOf(client: SanityClient, query: string, params: Record<string, unknown> = {}): Promise<string[]> {
  const response = (await client.fetch(query, params, { filterResponse: false })) as { syncTags?: string[] }
  assert.ok(Array.isArray(response.syncTags), `syncTags on ${query}`)
  return response.syncTags as string[]
}

const shares = (a: readonly string[], b: readonly string[]): boolean => a.some((x) => b.includes(x))

test('query responses carry syncTags of hosted Sanity shape', async () => {
  await t.client.create({ _id: 'tagged1', _type: 'lesson', title: 'One', slug: { _type: 'slug', current: 'one' } })
  const byId = await tagsOf(t.anonymousClient, '*[_id == $id][0]', { id: 'tagged1' })
  const byType = await tagsOf(t.anonymousClient, '*[_type == "lesson"]')
  const coarse = await tagsOf(t.anonymousClient, '*[defined(title)]')
  for (const tag of [...byId, ...byType, ...coarse]) assert.match(tag, /^s1:[0-9a-f]{13}$/)
  assert.is(byId.length, 1)
  assert.is(byType.length, 1)
  assert.is(coarse.length, 1)
  assert.not.equal(byId, byType)
  // The same query over the same data: the same tags (a cache can key on them).
  assert.equal(await tagsOf(t.client, '*[_id == $id][0]', { id: 'tagged1' }), byId)
  // Without returnQuery too.
  const res = await fetch(`${t.httpUrl}/v2025-02-19/data/query/${t.dataset}?query=*[_id=="tagged1"]&returnQuery=false`)
  const body = (await res.json()) as { syncTags: string[]; query?: string }
  assert.equal(body.syncTags, byId)
  assert.is(body.query, undefined)
  // POST (long queries) answers the same way.
  const posted = await fetch(`${t.httpUrl}/v2025-02-19/data/query/${t.dataset}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '*[_id == $id][0]', params: { id: 'tagged1' } }),
  })
  assert.equal(((await posted.json()) as { syncTags: string[] }).syncTags, byId)
})

test('welcome, then one message per transaction carrying the tags it touched', async () => {
  const l = live(t.anonymousClient)
  await l.welcome
  const welcome = l.events[0] as { type: string; id?: string }
  assert.is(welcome.type, 'welcome')
  const byId = await tagsOf(t.anonymousClient, '*[_id == $id][0]', { id: 'm1' })
  const byType = await tagsOf(t.anonymousClient, '*[_type == "lesson"] | order(title asc)')
  const bySlug = await tagsOf(t.anonymousClient, '*[slug.current == $s][0]', { s: 'm-one' })
  const otherType = await tagsOf(t.anonymousClient, '*[_type == "quiz"]')
  const refs = await tagsOf(t.anonymousClient, '*[references($id)]', { id: 'teacher1' })

  await t.client.create({
    _id: 'm1',
    _type: 'lesson',
    title: 'M',
    slug: { _type: 'slug', current: 'm-one' },
    teacher: { _type: 'reference', _ref: 'teacher1', _weak: true },
  })
  await l.until(() => l.messages().length === 1, 'the message of the create')
  const [message] = l.messages()
  assert.ok(message)
  assert.match(message.id, /\S/)
  for (const tag of message.tags) assert.match(tag, /^s1:/)
  assert.ok(shares(message.tags, byId), 'the document tag')
  assert.ok(shares(message.tags, byType), 'the type tag')
  assert.ok(shares(message.tags, bySlug), 'the slug tag')
  assert.ok(shares(message.tags, refs), 'the tag of the referenced id')
  assert.not.ok(shares(message.tags, otherType), 'not the tag of another type')

  // A change of type: the event names the old type and the new one.
  await t.client.patch('m1').set({ _type: 'quiz' }).commit()
  await l.until(() => l.messages().length === 2, 'the message of the type change')
  const second = l.messages()[1]
  assert.ok(second && shares(second.tags, byType) && shares(second.tags, otherType))
  assert.is.not(second?.id, message.id)
  l.stop()
})

test('events come after the commit: a query on a message sees the change', async () => {
  const l = live(t.anonymousClient)
  await l.welcome
  let seen: unknown
  const sub = t.anonymousClient.live.events().subscribe((e) => {
    if (e.type === 'message' && seen === undefined) {
      seen = null
      t.anonymousClient.fetch('*[_id == "after1"][0].n').then((n) => (seen = n))
    }
  })
  await t.client.create({ _id: 'after1', _type: 'counter', n: 41 })
  await l.until(() => seen === 41, 'the query answered on the message to see the new document')
  sub.unsubscribe()
  l.stop()
})

test('draft-only changes reach includeDrafts streams only', async () => {
  const published = live(t.anonymousClient)
  const drafts = live(t.client, { includeDrafts: true })
  await Promise.all([published.welcome, drafts.welcome])
  const draftTags = await tagsOf(t.makeClient({ perspective: 'drafts' }), '*[_id == $id][0]', { id: 'd1' })
  const pubTags = await tagsOf(t.anonymousClient, '*[_id == $id][0]', { id: 'd1' })

  await t.client.create({ _id: 'drafts.d1', _type: 'lesson', title: 'Draft' })
  await drafts.until(() => drafts.messages().length === 1, 'the draft message')
  assert.ok(shares(drafts.messages()[0]?.tags ?? [], draftTags))

  await t.client.create({ _id: 'd1', _type: 'lesson', title: 'Published' })
  await published.until(() => published.messages().length === 1, 'the publish message')
  await drafts.until(() => drafts.messages().length === 2, 'the publish message (drafts stream)')
  // The published stream's only message is the publish: the draft never reached it.
  assert.ok(shares(published.messages()[0]?.tags ?? [], pubTags))
  await sleep(100)
  assert.is(published.messages().length, 1)
  published.stop()
  drafts.stop()
})

test('includeDrafts is refused without a token', async () => {
  // The client itself refuses before connecting...
  assert.throws(() => t.anonymousClient.live.events({ includeDrafts: true }), /token/)
  // ...and the lake answers a request without one 401 with a reason.
  const res = await fetch(`${t.httpUrl}/vX/data/live/events/${t.dataset}?includeDrafts=true`, {
    headers: { accept: 'text/event-stream' },
  })
  assert.is(res.status, 401)
  const body = (await res.json()) as { error: { type: string; description: string } }
  assert.is(body.error.type, 'unauthorizedError')
  assert.match(body.error.description, /includeDrafts=true/)
  assert.match(body.error.description, /token/)
  // A client that sends credentials by cookie but has none gets the 401 as a connection error.
  const cookieClient = t.makeClient({ token: undefined, withCredentials: true })
  const l = live(cookieClient, { includeDrafts: true })
  await l.until(() => l.errors.length > 0, 'the connection error')
  assert.is((l.errors[0] as { status?: number }).status, 401)
  l.stop()
})

/** Raw SSE events of one request (for the headers EventSource sends by itself). */
async function rawEvents(
  url: string,
  headers: Record<string, string>,
  enough: (events: Array<{ event: string; id?: string; data: string }>) => boolean,
): Promise<Array<{ event: string; id?: string; data: string }>> {
  const controller = new AbortController()
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal })
  assert.is(res.status, 200)
  const events: Array<{ event: string; id?: string; data: string }> = []
  const reader = (res.body as ReadableStream<Uint8Array>).getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  const deadline = Date.now() + 5000
  while (!enough(events) && Date.now() < deadline) {
    const { value, done } = await reader.read()
    if (done) break
    buffer += decoder.decode(value, { stream: true })
    let end = buffer.indexOf('\n\n')
    while (end !== -1) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const e: { event: string; id?: string; data: string } = { event: 'message', data: '' }
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) e.event = line.slice(7)
        else if (line.startsWith('id: ')) e.id = line.slice(4)
        else if (line.startsWith('data: ')) e.data = line.slice(6)
      }
      if (!block.startsWith(':')) events.push(e)
      end = buffer.indexOf('\n\n')
    }
  }
  controller.abort()
  return events
}

test('Last-Event-ID resumes after that event; an unknown one gets restart', async () => {
  const l = live(t.anonymousClient)
  await l.welcome
  for (const n of [1, 2, 3]) await t.client.create({ _id: `resume${n}`, _type: 'lesson', n })
  await l.until(() => l.messages().length === 3, 'three messages')
  const [first, second, third] = l.messages()
  l.stop()
  const url = `${t.httpUrl}/vX/data/live/events/${t.dataset}`
  const resumed = await rawEvents(url, { 'last-event-id': first?.id as string }, (es) => es.length >= 3)
  assert.equal(
    resumed.map((e) => e.event),
    ['welcome', 'message', 'message'],
  )
  assert.equal(
    resumed.slice(1).map((e) => e.id),
    [second?.id, third?.id],
  )
  assert.equal(JSON.parse(resumed[2]?.data as string).tags, third?.tags)

  const unknown = await rawEvents(url, { 'last-event-id': 'nonsense.42' }, (es) => es.length >= 2)
  assert.equal(
    unknown.map((e) => e.event),
    ['welcome', 'restart'],
  )
  assert.ok(unknown[1]?.id, 'restart carries the position to continue from')
})

test('a dropped stream reconnects with Last-Event-ID and gets what it missed', async () => {
  // A proxy between client and lake, so the test can cut the connection like a network would.
  const lakePort = Number(new URL(t.httpUrl).port)
  const sockets = new Set<net.Socket>()
  const proxy = net.createServer((socket) => {
    const upstream = net.connect(lakePort, '127.0.0.1')
    sockets.add(socket)
    socket.pipe(upstream).pipe(socket)
    const drop = () => {
      socket.destroy()
      upstream.destroy()
      sockets.delete(socket)
    }
    socket.on('error', drop).on('close', drop)
    upstream.on('error', drop).on('close', drop)
  })
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`
  try {
    const client = t.makeClient({ apiHost: proxyUrl, token: undefined })
    const l = live(client)
    await l.welcome
    await t.client.create({ _id: 'drop1', _type: 'lesson' })
    await l.until(() => l.messages().length === 1, 'the first message')
    for (const s of sockets) s.destroy()
    // Committed while the client is disconnected (it reconnects after about a second).
    await t.client.create({ _id: 'drop2', _type: 'lesson' })
    const missed = await tagsOf(t.anonymousClient, '*[_id == "drop2"][0]')
    await l.until(() => l.messages().length === 2, 'the missed message after reconnecting')
    assert.ok(
      l.events.some((e) => e.type === 'reconnect'),
      'the client saw the connection drop',
    )
    assert.ok(shares(l.messages()[1]?.tags ?? [], missed))
    assert.is(l.events.filter((e) => e.type === 'restart').length, 0)
    l.stop()
  } finally {
    for (const s of sockets) s.destroy()
    await new Promise((resolve) => proxy.close(resolve))
  }
})

test('a transaction of more than 1,000 documents (an import) sends restart', async () => {
  const l = live(t.anonymousClient)
  await l.welcome
  const docs = Array.from({ length: 1001 }, (_, i) => ({ _id: `bulk-${i}`, _type: 'bulk', n: i }))
  await importDocuments(
    t.lake.store.dataset(t.dataset),
    docs.map((doc, i) => ({ line: i + 1, doc })),
  )
  await l.until(() => l.events.some((e) => e.type === 'restart'), 'restart')
  assert.is(l.messages().length, 0)
  const restart = l.events.find((e) => e.type === 'restart') as { id?: string }
  assert.ok(restart.id, 'restart carries the position after the import')
  l.stop()
})

test('lastLiveEventId on a query is accepted', async () => {
  const l = live(t.anonymousClient)
  await l.welcome
  await t.client.create({ _id: 'fresh1', _type: 'lesson', n: 7 })
  await l.until(() => l.messages().length === 1, 'the message')
  const id = l.messages()[0]?.id as string
  l.stop()
  const n = await t.anonymousClient.fetch('*[_id == "fresh1"][0].n', {}, { lastLiveEventId: id })
  assert.is(n, 7)
})

test('past LAKE_LIVE_MAX_CONNECTIONS a new stream gets goaway', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-'))
  const lake = await startPrivateLake({ dataDir, liveMaxConnections: 1 })
  try {
    const client = t.makeClient({ apiHost: lake.httpUrl, token: undefined, dataset: lake.dataset })
    const first = live(client)
    await first.welcome
    const second = live(
      t.makeClient({ apiHost: lake.httpUrl, token: undefined, dataset: lake.dataset, apiVersion: 'X' }),
    )
    await second.until(() => second.events.some((e) => e.type === 'goaway'), 'goaway')
    const goaway = second.events.find((e) => e.type === 'goaway') as unknown as {
      data?: { reason?: string }
      id: string
    }
    assert.match(goaway.data?.reason ?? '', /connection limit/)
    assert.ok(goaway.id)
    second.stop()
    first.stop()
  } finally {
    await lake.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
})

test.run()
