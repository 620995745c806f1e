import * as assert from 'uvu/assert'
import { failure, lakeSuite } from '../helpers/lake-suite.js'

const { test, t, raw } = lakeSuite('lake: document actions (/data/actions)')

test('create makes a draft; the transactionId becomes _rev', async () => {
  const res = await t.client.action(
    {
      actionType: 'sanity.action.document.create',
      publishedId: 'a1',
      attributes: { _id: 'drafts.a1', _type: 'article', title: 'New' },
      ifExists: 'fail',
    },
    { transactionId: 'tx-create-a1' },
  )
  assert.is(res.transactionId, 'tx-create-a1')
  const draft = await raw('drafts.a1')
  assert.is(draft?._rev, 'tx-create-a1')
  assert.is(draft?.title, 'New')
  assert.is(await raw('a1'), undefined)
  const err = await failure(
    t.client.action({
      actionType: 'sanity.action.document.create',
      publishedId: 'a1',
      attributes: { _id: 'drafts.a1', _type: 'article' },
      ifExists: 'fail',
    }),
  )
  assert.is(err.statusCode, 409)
})

test('publish: the draft replaces the published document and is deleted', async () => {
  await t.client.action(
    { actionType: 'sanity.action.document.publish', draftId: 'drafts.a1', publishedId: 'a1' },
    { transactionId: 'tx-pub-a1' },
  )
  const published = await raw('a1')
  assert.is(published?.title, 'New')
  assert.is(published?._rev, 'tx-pub-a1')
  assert.is(await raw('drafts.a1'), undefined)
  assert.is(await t.anonymousClient.fetch('*[_id == "a1"][0].title'), 'New')
})

test('edit starting from published creates the draft as a copy, then patches it', async () => {
  await t.client.action(
    {
      actionType: 'sanity.action.document.edit',
      draftId: 'drafts.a1',
      publishedId: 'a1',
      patch: { set: { title: 'Edited' } },
    },
    { transactionId: 'tx-edit-1' },
  )
  const draft = await raw('drafts.a1')
  assert.is(draft?.title, 'Edited')
  assert.is(draft?._type, 'article')
  assert.is(draft?._rev, 'tx-edit-1')
  assert.is((await raw('a1'))?.title, 'New')
  await t.client.action({
    actionType: 'sanity.action.document.edit',
    draftId: 'drafts.a1',
    publishedId: 'a1',
    patch: { diffMatchPatch: { title: '@@ -1,6 +1,7 @@\n Edited\n+!\n' } },
  })
  assert.is((await raw('drafts.a1'))?.title, 'Edited!')
  // ... and the anonymous world still sees the published version.
  assert.is(await t.anonymousClient.fetch('*[_id == "a1"][0].title'), 'New')
})

test('publish with a stale ifPublishedRevisionId fails with 409 and changes nothing', async () => {
  const err = await failure(
    t.client.action({
      actionType: 'sanity.action.document.publish',
      draftId: 'drafts.a1',
      publishedId: 'a1',
      ifPublishedRevisionId: 'stale',
    }),
  )
  assert.is(err.statusCode, 409)
  assert.ok(await raw('drafts.a1'))
  assert.is((await raw('a1'))?.title, 'New')
})

test('discard deletes the draft only', async () => {
  await t.client.action({ actionType: 'sanity.action.document.discard', draftId: 'drafts.a1' })
  assert.is(await raw('drafts.a1'), undefined)
  assert.is((await raw('a1'))?.title, 'New')
  const err = await failure(t.client.action({ actionType: 'sanity.action.document.discard', draftId: 'drafts.a1' }))
  assert.is(err.statusCode, 409)
  assert.match(err.message, /no such draft/)
})

test('unpublish moves the published document back to a draft', async () => {
  await t.client.action({ actionType: 'sanity.action.document.unpublish', draftId: 'drafts.a1', publishedId: 'a1' })
  assert.is(await raw('a1'), undefined)
  assert.is((await raw('drafts.a1'))?.title, 'New')
})

test('replaceDraft and delete', async () => {
  await t.client.action({
    actionType: 'sanity.action.document.replaceDraft',
    publishedId: 'a1',
    attributes: { _id: 'drafts.a1', _type: 'article', title: 'Replaced' },
  })
  assert.is((await raw('drafts.a1'))?.title, 'Replaced')
  await t.client.action({
    actionType: 'sanity.action.document.delete',
    publishedId: 'a1',
    includeDrafts: ['drafts.a1'],
  })
  assert.is(await raw('drafts.a1'), undefined)
})

test('several actions in one request are atomic', async () => {
  const err = await failure(
    t.client.action([
      {
        actionType: 'sanity.action.document.create',
        publishedId: 'a2',
        attributes: { _id: 'drafts.a2', _type: 'article' },
        ifExists: 'fail',
      },
      { actionType: 'sanity.action.document.publish', draftId: 'drafts.zzz', publishedId: 'zzz' },
    ]),
  )
  assert.is(err.statusCode, 409)
  assert.is(await raw('drafts.a2'), undefined)
  await t.client.action([
    {
      actionType: 'sanity.action.document.create',
      publishedId: 'a2',
      attributes: { _id: 'drafts.a2', _type: 'article', title: 'Two' },
      ifExists: 'fail',
    },
    { actionType: 'sanity.action.document.publish', draftId: 'drafts.a2', publishedId: 'a2' },
  ])
  assert.is((await raw('a2'))?.title, 'Two')
})

test('an unknown action type and anonymous actions are rejected clearly', async () => {
  const err = await failure(t.client.action({ actionType: 'sanity.action.document.fly', publishedId: 'a2' } as never))
  assert.is(err.statusCode, 400)
  assert.match(err.message, /unknown actionType/)
  const anon = await failure(
    t.anonymousClient.action({ actionType: 'sanity.action.document.discard', draftId: 'drafts.a2' }),
  )
  assert.is(anon.statusCode, 401)
})

test.run()
