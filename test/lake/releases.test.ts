import * as assert from 'uvu/assert'
import { failure, lakeSuite } from '../helpers/lake-suite.js'

// Content Releases through @sanity/client (client.releases.* and client.action), every state and
// the refusals, as the Studio's Releases tool drives them.
const { test, t, raw } = lakeSuite('lake: content releases')

test('create, edit, add versions, publish: all documents go live in one transaction', async () => {
  await t.client.create({ _id: 'article-dn', _type: 'article', title: 'Dry needling (old)' })
  await t.client.releases.create({
    releaseId: 'monday',
    metadata: { title: 'Monday 9:00', releaseType: 'scheduled', intendedPublishAt: '2027-01-04T09:00:00Z' },
  })
  const release = await raw('_.releases.monday')
  assert.is(release?._type, 'system.release')
  assert.is(release?.state, 'active')
  assert.is((release?.metadata as { title?: string } | undefined)?.title, 'Monday 9:00')
  await t.client.releases.edit({ releaseId: 'monday', patch: { set: { 'metadata.description': 'Spring update' } } })
  assert.is(
    ((await raw('_.releases.monday'))?.metadata as { description?: string } | undefined)?.description,
    'Spring update',
  )
  const renamed = await failure(t.client.releases.edit({ releaseId: 'monday', patch: { set: { state: 'published' } } }))
  assert.is(renamed.statusCode, 400)

  await t.client.createVersion({
    publishedId: 'article-dn',
    releaseId: 'monday',
    document: { _type: 'article', title: 'Dry needling (updated)' },
  })
  await t.client.createVersion({
    publishedId: 'faq-dn-new',
    releaseId: 'monday',
    document: { _type: 'faq', question: 'Is it safe?' },
  })
  await t.client.createVersion({
    publishedId: 'care-dn-after',
    releaseId: 'monday',
    document: { _type: 'careInstruction', title: 'After care', phase: 'after' },
  })
  assert.is(await raw('faq-dn-new'), undefined, 'nothing is published before the release')

  const res = await t.client.releases.publish({ releaseId: 'monday' })
  assert.ok(res.transactionId)
  assert.is((await raw('article-dn'))?.title, 'Dry needling (updated)')
  assert.is((await raw('faq-dn-new'))?.question, 'Is it safe?')
  assert.is((await raw('care-dn-after'))?.phase, 'after')
  assert.is((await raw('faq-dn-new'))?._rev, res.transactionId, 'one transaction wrote them all')
  assert.is((await raw('article-dn'))?._rev, res.transactionId)
  assert.is(await raw('versions.monday.faq-dn-new'), undefined, 'the versions are gone')
  const published = await raw('_.releases.monday')
  assert.is(published?.state, 'published')
  assert.ok(published?.publishedAt)
  assert.is((published?.finalDocumentStates as unknown[] | undefined)?.length, 3)
  const again = await failure(t.client.releases.publish({ releaseId: 'monday' }))
  assert.is(again.statusCode, 409)
  assert.match(again.message, /published/)
})

test('unpublish in a release removes the published document when the release publishes', async () => {
  await t.client.create({ _id: 'old-faq', _type: 'faq', question: 'Outdated?' })
  await t.client.releases.create({ releaseId: 'cleanup' })
  await t.client.createVersion({ baseId: 'old-faq', publishedId: 'old-faq', releaseId: 'cleanup' })
  await t.client.unpublishVersion({ publishedId: 'old-faq', releaseId: 'cleanup' })
  assert.ok(await raw('old-faq'))
  // Viewed through the release, the document is already gone; through drafts it is still there.
  const inRelease = t.makeClient({ perspective: ['cleanup', 'drafts'] })
  assert.is(await inRelease.fetch('*[_id == "old-faq"][0]._id'), null)
  assert.is(await t.makeClient({ perspective: 'drafts' }).fetch('*[_id == "old-faq"][0]._id'), 'old-faq')
  await t.client.releases.publish({ releaseId: 'cleanup' })
  assert.is(await raw('old-faq'), undefined)
})

test('a scheduled release locks its versions; unschedule unlocks them', async () => {
  await t.client.releases.create({ releaseId: 'friday' })
  await t.client.createVersion({
    publishedId: 'promo',
    releaseId: 'friday',
    document: { _type: 'article', title: 'Promo' },
  })
  const noDate = await failure(
    t.client.action({ actionType: 'sanity.action.release.schedule', releaseId: 'friday', publishAt: 'soon' }),
  )
  assert.is(noDate.statusCode, 400)
  await t.client.releases.schedule({ releaseId: 'friday', publishAt: '2030-01-04T09:00:00.000Z' })
  const scheduled = await raw('_.releases.friday')
  assert.is(scheduled?.state, 'scheduled')
  assert.is(scheduled?.publishAt, '2030-01-04T09:00:00.000Z')
  const locked = await failure(
    t.client.action({
      actionType: 'sanity.action.document.version.replace',
      document: { _id: 'versions.friday.promo', _type: 'article', title: 'Changed' },
    }),
  )
  assert.is(locked.statusCode, 409)
  assert.match(locked.message, /scheduled: unschedule the release/)
  const added = await failure(
    t.client.createVersion({ publishedId: 'other', releaseId: 'friday', document: { _type: 'article' } }),
  )
  assert.is(added.statusCode, 409)
  await t.client.releases.unschedule({ releaseId: 'friday' })
  const active = await raw('_.releases.friday')
  assert.is(active?.state, 'active')
  assert.is(active?.publishAt, undefined)
  await t.client.action({
    actionType: 'sanity.action.document.version.replace',
    document: { _id: 'versions.friday.promo', _type: 'article', title: 'Changed' },
  })
  assert.is((await raw('versions.friday.promo'))?.title, 'Changed')
})

test('archive removes the versions, unarchive restores them; delete only when archived or published', async () => {
  const activeDelete = await failure(t.client.releases.delete({ releaseId: 'friday' }))
  assert.is(activeDelete.statusCode, 409)
  await t.client.releases.archive({ releaseId: 'friday' })
  assert.is((await raw('_.releases.friday'))?.state, 'archived')
  assert.is(await raw('versions.friday.promo'), undefined)
  const publishArchived = await failure(t.client.releases.publish({ releaseId: 'friday' }))
  assert.is(publishArchived.statusCode, 409)
  assert.match(publishArchived.message, /archived/)
  await t.client.releases.unarchive({ releaseId: 'friday' })
  assert.is((await raw('_.releases.friday'))?.state, 'active')
  assert.is((await raw('versions.friday.promo'))?.title, 'Changed', 'the version came back from history')
  await t.client.releases.archive({ releaseId: 'friday' })
  await t.client.releases.delete({ releaseId: 'friday' })
  assert.is(await raw('_.releases.friday'), undefined)
  const missing = await failure(t.client.releases.publish({ releaseId: 'friday' }))
  assert.is(missing.statusCode, 404)
})

test('releases and their versions are private', async () => {
  await t.client.releases.create({ releaseId: 'private-check' })
  assert.equal(await t.anonymousClient.fetch('*[_id in path("_.releases.**")]._id'), [])
  assert.equal(await t.anonymousClient.fetch('*[_id in path("versions.**")]._id'), [])
})

test.run()
