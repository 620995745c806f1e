import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { SchedulerClock } from '../../lake/releases/scheduler.js'
import { startTestLake } from '../helpers/lake.js'
import { waitUntil } from '../helpers/wait.js'

// Scheduled releases publish at publishAt, once, also when the lake was down at that time.
const test = suite('lake: release scheduler')

/** A clock that moves only when the test says so. */
class ManualClock implements SchedulerClock {
  private timers = new Map<number, { at: number; fn: () => void }>()
  private nextId = 1
  constructor(public time: number) {}
  now(): number {
    return this.time
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++
    this.timers.set(id, { at: this.time + ms, fn })
    return id
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number)
  }
  advance(ms: number): void {
    this.time += ms
    for (const [id, timer] of [...this.timers]) {
      if (timer.at > this.time) continue
      this.timers.delete(id)
      timer.fn()
    }
  }
}

const eventually = (check: () => Promise<boolean>, what: string) => waitUntil(check, 10_000, what)

const T0 = Date.parse('2027-01-04T08:59:00.000Z')

test('a scheduled release publishes when its time comes, once', async () => {
  const clock = new ManualClock(T0)
  const t = await startTestLake({ clock })
  try {
    await t.client.releases.create({ releaseId: 'monday' })
    await t.client.createVersion({
      publishedId: 'article-dn',
      releaseId: 'monday',
      document: { _type: 'article', title: 'Updated' },
    })
    await t.client.createVersion({
      publishedId: 'faq-dn',
      releaseId: 'monday',
      document: { _type: 'faq', question: 'Q?' },
    })
    await t.client.releases.schedule({ releaseId: 'monday', publishAt: '2027-01-04T09:00:00.000Z' })
    clock.advance(30_000)
    await new Promise((resolve) => setTimeout(resolve, 100))
    assert.is(await t.client.getDocument('article-dn'), undefined, 'not before its time')
    clock.advance(30_000)
    await eventually(async () => (await t.client.getDocument('_.releases.monday'))?.state === 'published', 'publish')
    const article = await t.client.getDocument('article-dn')
    const faq = await t.client.getDocument('faq-dn')
    assert.is(article?.title, 'Updated')
    assert.is(article?._rev, faq?._rev, 'one transaction')
    const publishes = t.lake.store
      .dataset('production')
      .revisions('article-dn')
      .filter((r) => r.document !== null)
    assert.is(publishes.length, 1, 'published exactly once')
    assert.is(publishes[0]?.author, 'system:release-scheduler')
  } finally {
    await t.close()
  }
})

test('a release whose time passed while the lake was down publishes when it starts', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-'))
  try {
    const before = new ManualClock(T0)
    const first = await startTestLake({ dataDir, clock: before })
    await first.client.releases.create({ releaseId: 'missed' })
    await first.client.createVersion({
      publishedId: 'care-dn',
      releaseId: 'missed',
      document: { _type: 'careInstruction', title: 'After' },
    })
    await first.client.releases.schedule({ releaseId: 'missed', publishAt: '2027-01-04T09:00:00.000Z' })
    await first.close()
    const after = new ManualClock(T0 + 3_600_000)
    const second = await startTestLake({ dataDir, clock: after })
    try {
      await eventually(async () => (await second.client.getDocument('care-dn'))?.title === 'After', 'publish at start')
      assert.is((await second.client.getDocument('_.releases.missed'))?.state, 'published')
    } finally {
      await second.close()
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
})

test('an unscheduled release is not published; a failing one goes back to active with the reason', async () => {
  const clock = new ManualClock(T0)
  const t = await startTestLake({ clock })
  try {
    await t.client.releases.create({ releaseId: 'held' })
    await t.client.createVersion({ publishedId: 'held-doc', releaseId: 'held', document: { _type: 'faq' } })
    await t.client.releases.schedule({ releaseId: 'held', publishAt: '2027-01-04T09:00:00.000Z' })
    await t.client.releases.unschedule({ releaseId: 'held' })
    clock.advance(120_000)
    await new Promise((resolve) => setTimeout(resolve, 100))
    assert.is(await t.client.getDocument('held-doc'), undefined)

    // A version that would delete a strongly referenced document cannot publish.
    await t.client.create({ _id: 'neck', _type: 'condition', name: 'Neck' })
    await t.client.create({
      _id: 'art',
      _type: 'article',
      conditions: [{ _key: 'k', _type: 'reference', _ref: 'neck' }],
    })
    await t.client.releases.create({ releaseId: 'bad' })
    await t.client.createVersion({ baseId: 'neck', publishedId: 'neck', releaseId: 'bad' })
    await t.client.unpublishVersion({ publishedId: 'neck', releaseId: 'bad' })
    await t.client.releases.schedule({ releaseId: 'bad', publishAt: new Date(clock.now() + 1000).toISOString() })
    clock.advance(2000)
    await eventually(async () => (await t.client.getDocument('_.releases.bad'))?.state === 'active', 'failure recorded')
    const release = await t.client.getDocument('_.releases.bad')
    assert.match(String((release?.error as { message?: string } | undefined)?.message), /references/)
    assert.ok(await t.client.getDocument('neck'), 'nothing was published')
  } finally {
    await t.close()
  }
})

test.run()
