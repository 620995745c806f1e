import type { IdentifiedSanityDocumentStub } from '@sanity/client'
import * as assert from 'uvu/assert'
import { failure, lakeSuite } from '../helpers/lake-suite.js'

// The version actions (drafts and release versions) and referential integrity, through
// @sanity/client as the Studio and scripts call them.
const { test, t, raw } = lakeSuite('lake: version actions and referential integrity')

test('version.discard deletes a never-published draft (the Studio delete of a new document)', async () => {
  await t.client.create({ _id: 'drafts.new-faq', _type: 'faq', question: 'Unwritten?' })
  await t.client.action({ actionType: 'sanity.action.document.version.discard', versionId: 'drafts.new-faq' })
  assert.is(await raw('drafts.new-faq'), undefined)
  const missing = await failure(
    t.client.action({ actionType: 'sanity.action.document.version.discard', versionId: 'drafts.new-faq' }),
  )
  assert.is(missing.statusCode, 409)
  assert.match(missing.message, /does not exist/)
  const published = await failure(
    t.client.action({ actionType: 'sanity.action.document.version.discard', versionId: 'new-faq' }),
  )
  assert.is(published.statusCode, 400)
  assert.match(published.message, /sanity\.action\.document\.delete/)
})

/** The version.create action for art-1: from a document, or from a base (copied into `versionId`). */
const createVersionOfArt1 = (
  source: { document: IdentifiedSanityDocumentStub } | { baseId: string; versionId: string; ifBaseRevisionId?: string },
) => t.client.action({ actionType: 'sanity.action.document.version.create', publishedId: 'art-1', ...source })

test('version.create from a document, and from a base with its revision', async () => {
  await t.client.create({ _id: 'art-1', _type: 'article', title: 'Published title' })
  const base = await raw('art-1')
  await createVersionOfArt1({ document: { _id: 'versions.spring.art-1', _type: 'article', title: 'Spring title' } })
  assert.is((await raw('versions.spring.art-1'))?.title, 'Spring title')
  await createVersionOfArt1({ baseId: 'art-1', versionId: 'versions.summer.art-1', ifBaseRevisionId: base?._rev })
  const summer = await raw('versions.summer.art-1')
  assert.is(summer?.title, 'Published title')
  assert.equal(summer?._system, { base: { id: 'art-1', rev: base?._rev } })
  const stale = await failure(
    createVersionOfArt1({ baseId: 'art-1', versionId: 'versions.autumn.art-1', ifBaseRevisionId: 'not-the-revision' }),
  )
  assert.is(stale.statusCode, 409)
  const exists = await failure(createVersionOfArt1({ document: { _id: 'versions.spring.art-1', _type: 'article' } }))
  assert.is(exists.statusCode, 409)
  const mismatch = await failure(createVersionOfArt1({ document: { _id: 'versions.spring.other', _type: 'article' } }))
  assert.is(mismatch.statusCode, 400)
  assert.match(mismatch.message, /must be the draft/)
  // Versions are private, like drafts.
  assert.is(await t.anonymousClient.fetch('*[_id == $id][0]', { id: 'versions.spring.art-1' }), null)
})

test('version.replace replaces an existing version only', async () => {
  await t.client.action({
    actionType: 'sanity.action.document.version.replace',
    document: { _id: 'versions.spring.art-1', _type: 'article', title: 'Replaced' },
  })
  assert.is((await raw('versions.spring.art-1'))?.title, 'Replaced')
  const missing = await failure(
    t.client.action({
      actionType: 'sanity.action.document.version.replace',
      document: { _id: 'versions.winter.art-1', _type: 'article' },
    }),
  )
  assert.is(missing.statusCode, 409)
})

test('version.unpublish marks a release version as removing the published document', async () => {
  await t.client.action({
    actionType: 'sanity.action.document.version.unpublish',
    publishedId: 'art-1',
    versionId: 'versions.spring.art-1',
  })
  const marked = await raw('versions.spring.art-1')
  assert.is((marked?._system as { delete?: boolean } | undefined)?.delete, true)
  assert.ok(await raw('art-1'), 'the published document stays until the release publishes')
  const draft = await failure(
    t.client.action({
      actionType: 'sanity.action.document.version.unpublish',
      publishedId: 'art-1',
      versionId: 'drafts.art-1',
    }),
  )
  assert.is(draft.statusCode, 400)
})

test('deleting a strongly referenced document fails with 409 naming the referrers', async () => {
  await t.client
    .transaction()
    .create({ _id: 'neck-pain', _type: 'condition', name: 'Neck pain' })
    .create({ _id: 'ref-a', _type: 'article', conditions: [{ _key: 'k', _type: 'reference', _ref: 'neck-pain' }] })
    .create({ _id: 'ref-b', _type: 'faq', condition: { _type: 'reference', _ref: 'neck-pain' } })
    .create({ _id: 'drafts.ref-c', _type: 'faq', condition: { _type: 'reference', _ref: 'neck-pain', _weak: true } })
    .commit()
  const refused = await failure(
    t.client.action({ actionType: 'sanity.action.document.delete', publishedId: 'neck-pain', includeDrafts: [] }),
  )
  assert.is(refused.statusCode, 409)
  assert.match(refused.message, /"ref-a", "ref-b"/)
  const item = refused.response?.body?.error?.items?.[0]?.error
  assert.is(item?.type, 'documentHasExistingReferencesError')
  assert.equal(item?.referencingIDs, ['ref-a', 'ref-b'])
  assert.ok(await raw('neck-pain'), 'nothing was deleted')
  // Unpublishing removes the published document: refused the same way; so is a plain mutation.
  assert.is(
    (
      await failure(
        t.client.action({
          actionType: 'sanity.action.document.unpublish',
          publishedId: 'neck-pain',
          draftId: 'drafts.neck-pain',
        }),
      )
    ).statusCode,
    409,
  )
  assert.is((await failure(t.client.delete('neck-pain'))).statusCode, 409)
  // The references endpoint the Studio calls: no cross-dataset references; internal ones on request.
  const headers = { authorization: `Bearer ${t.token}` }
  const external = await fetch(
    `${t.httpUrl}/v2025-02-19/data/references/production/documents/neck-pain/to?excludeInternalReferences=true&excludePaths=true`,
    { headers },
  )
  assert.equal(await external.json(), { totalCount: 0, references: [] })
  const internal = (await (
    await fetch(`${t.httpUrl}/v2025-02-19/data/references/production/documents/neck-pain/to`, { headers })
  ).json()) as { totalCount: number; references: Array<{ documentId: string; weak: boolean }> }
  assert.is(internal.totalCount, 3)
  assert.equal(internal.references.map((r) => [r.documentId, r.weak]).sort(), [
    ['drafts.ref-c', true],
    ['ref-a', false],
    ['ref-b', false],
  ])
  const anonymous = await fetch(`${t.httpUrl}/v2025-02-19/data/references/production/documents/neck-pain/to`)
  assert.is(anonymous.status, 401)
  // Removing the strong references in the same transaction as the delete is allowed; weak ones never block.
  await t.client.transaction().delete('ref-a').delete('ref-b').delete('neck-pain').commit()
  assert.is(await raw('neck-pain'), undefined)
})

test('publish strengthens references marked _strengthenOnPublish (when the target exists)', async () => {
  await t.client
    .transaction()
    .create({ _id: 'lower-back', _type: 'condition', name: 'Lower back pain' })
    .create({
      _id: 'drafts.faq-new',
      _type: 'faq',
      conditions: [
        { _key: 'a', _type: 'reference', _ref: 'lower-back', _weak: true, _strengthenOnPublish: { type: 'condition' } },
        {
          _key: 'b',
          _type: 'reference',
          _ref: 'not-yet-published',
          _weak: true,
          _strengthenOnPublish: { type: 'condition' },
        },
        {
          _key: 'c',
          _type: 'reference',
          _ref: 'lower-back',
          _weak: true,
          _strengthenOnPublish: { type: 'condition', weak: true },
        },
      ],
    })
    .commit()
  await t.client.action({
    actionType: 'sanity.action.document.publish',
    publishedId: 'faq-new',
    draftId: 'drafts.faq-new',
  })
  const published = (await raw('faq-new')) as { conditions: Array<Record<string, unknown>> } | undefined
  const [a, b, c] = published?.conditions ?? []
  assert.equal(a, { _key: 'a', _type: 'reference', _ref: 'lower-back' })
  assert.is(b?._weak, true, 'a reference to a missing document stays weak')
  assert.ok(b?._strengthenOnPublish)
  assert.equal(c, { _key: 'c', _type: 'reference', _ref: 'lower-back', _weak: true })
  assert.is(
    (
      await failure(
        t.client.action({ actionType: 'sanity.action.document.delete', publishedId: 'lower-back', includeDrafts: [] }),
      )
    ).statusCode,
    409,
  )
})

test('publishing a document strengthens the weak references other published documents hold to it', async () => {
  // A link document (like translation metadata) refers weakly to a draft that is not published yet.
  await t.client
    .transaction()
    .create({ _id: 'source-doc', _type: 'faq' })
    .create({ _id: 'drafts.linked-doc', _type: 'faq' })
    .create({
      _id: 'link-doc',
      _type: 'link',
      values: [
        { _key: 'a', value: { _type: 'reference', _ref: 'source-doc' } },
        {
          _key: 'b',
          value: { _type: 'reference', _ref: 'linked-doc', _weak: true, _strengthenOnPublish: { type: 'faq' } },
        },
      ],
    })
    .create({
      _id: 'drafts.link-doc-2',
      _type: 'link',
      value: { _type: 'reference', _ref: 'linked-doc', _weak: true, _strengthenOnPublish: { type: 'faq' } },
    })
    .commit()
  await t.client.action({
    actionType: 'sanity.action.document.publish',
    publishedId: 'linked-doc',
    draftId: 'drafts.linked-doc',
  })
  const link = (await raw('link-doc')) as { values: Array<{ value: Record<string, unknown> }> } | undefined
  assert.equal(link?.values[1]?.value, { _type: 'reference', _ref: 'linked-doc' }, 'now a strong reference')
  const draft = (await raw('drafts.link-doc-2')) as { value: Record<string, unknown> } | undefined
  assert.is(draft?.value._weak, true, 'a draft referrer strengthens when it is published itself')
  assert.is(
    (
      await failure(
        t.client.action({ actionType: 'sanity.action.document.delete', publishedId: 'linked-doc', includeDrafts: [] }),
      )
    ).statusCode,
    409,
    'the strong reference now protects the published document',
  )
})

test.run()
