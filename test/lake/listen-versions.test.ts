import * as assert from 'uvu/assert'
import type { MutationEvent, SanityClient } from '@sanity/client'
import { lakeSuite } from '../helpers/lake-suite.js'

// Listening to release versions, as hosted Sanity answers `client.listen`: drafts reach every
// listener allowed to read them, but a version document's mutations (`versions.<release>.<id>`)
// only a listener that asked for them with `includeAllVersions: true`. A release's publish is one
// transaction: its events share the transactionId and count through transactionTotalEvents.
const { test, t } = lakeSuite('lake: listen with includeAllVersions')

async function collect(client: SanityClient, query: string, options: Record<string, unknown> = {}) {
  const events: MutationEvent[] = []
  let welcomed!: () => void
  const welcome = new Promise<void>((resolve) => (welcomed = resolve))
  const sub = client.listen(query, {}, { events: ['welcome', 'mutation'], ...options }).subscribe((e) => {
    if (e.type === 'welcome') welcomed()
    else if (e.type === 'mutation') events.push(e)
  })
  await welcome
  return { events, stop: () => sub.unsubscribe() }
}

/** Waits until `events` holds an event of transaction `transactionId` for every document it changed. */
async function transactionDone(events: MutationEvent[], transactionId: string): Promise<MutationEvent[]> {
  for (let i = 0; i < 250; i++) {
    const of = events.filter((e) => e.transactionId === transactionId)
    if (of.length > 0 && of.length === of[0]?.transactionTotalEvents) return of
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error(`the events of transaction ${transactionId} did not all arrive`)
}

test('version mutations reach only listeners with includeAllVersions; drafts reach both', async () => {
  const query = '*[_type == "faq"]'
  const plain = await collect(t.client, query, { includeResult: true })
  const all = await collect(t.client, query, { includeResult: true, includeAllVersions: true })
  const anonymous = await collect(t.anonymousClient, query, { includeAllVersions: true })
  try {
    await t.client.create({ _id: 'drafts.faq-a', _type: 'faq', question: 'Draft?' })
    await t.client.releases.create({ releaseId: 'spring' })
    await t.client.createVersion({
      publishedId: 'faq-a',
      releaseId: 'spring',
      document: { _type: 'faq', question: 'A?' },
    })
    await t.client.createVersion({
      publishedId: 'faq-b',
      releaseId: 'spring',
      document: { _type: 'faq', question: 'B?' },
    })
    const published = await t.client.releases.publish({ releaseId: 'spring' })
    const txId = published.transactionId

    // The release publish: published documents appear, versions disappear, all in one transaction.
    const everything = await transactionDone(all.events, txId)
    assert.equal(everything.map((e) => e.documentId).sort(), [
      'faq-a',
      'faq-b',
      'versions.spring.faq-a',
      'versions.spring.faq-b',
    ])
    assert.equal(
      everything.map((e) => e.transactionCurrentEvent),
      everything.map((_, i) => i + 1),
    )
    const withoutVersions = await transactionDone(plain.events, txId)
    assert.equal(withoutVersions.map((e) => e.documentId).sort(), ['faq-a', 'faq-b'])
    assert.ok(withoutVersions.every((e) => e.transactionTotalEvents === 2))

    assert.ok(
      all.events.some((e) => e.documentId === 'versions.spring.faq-a' && e.transition === 'appear'),
      'the version was seen when it was created',
    )
    assert.ok(!plain.events.some((e) => e.documentId.startsWith('versions.')), 'no version without includeAllVersions')
    for (const l of [plain, all])
      assert.ok(
        l.events.some((e) => e.documentId === 'drafts.faq-a'),
        'drafts reach signed-in listeners either way',
      )

    // Anonymous listeners see public documents only, whatever they ask for.
    const publicOnly = await transactionDone(anonymous.events, txId)
    assert.equal(publicOnly.map((e) => e.documentId).sort(), ['faq-a', 'faq-b'])
    assert.ok(anonymous.events.every((e) => !e.documentId.includes('.')))
  } finally {
    plain.stop()
    all.stop()
    anonymous.stop()
  }
})

test("the Studio's release listener: *[sanity::partOfRelease(...)] with includeAllVersions", async () => {
  const studio = await collect(t.client, '*[sanity::partOfRelease("summer")]', {
    includeResult: true,
    includeAllVersions: true,
    visibility: 'query',
  })
  const without = await collect(t.client, '*[sanity::partOfRelease("summer")]', { includeResult: true })
  try {
    await t.client.releases.create({ releaseId: 'summer' })
    const created = await t.client.createVersion({
      publishedId: 'faq-summer',
      releaseId: 'summer',
      document: { _type: 'faq', question: 'Summer?' },
    })
    const events = await transactionDone(studio.events, created.transactionId)
    assert.is(events[0]?.documentId, 'versions.summer.faq-summer')
    assert.is(events[0]?.transition, 'appear')
    assert.is((events[0]?.result as { question?: string } | undefined)?.question, 'Summer?')
    const discarded = await t.client.action({
      actionType: 'sanity.action.document.version.discard',
      versionId: 'versions.summer.faq-summer',
    })
    const gone = await transactionDone(studio.events, discarded.transactionId)
    assert.is(gone[0]?.transition, 'disappear')
    assert.equal(without.events, [], 'nothing without includeAllVersions')
  } finally {
    studio.stop()
    without.stop()
  }
})

test.run()
