import * as assert from 'uvu/assert'
import { failure, lakeSuite } from '../helpers/lake-suite.js'

// What the Studio's Releases tool and "Schedule publish" ask a lake besides the actions API: the
// plan features (`/features`) and the release limits
// (`vX/projects/<projectId>/new-content-release-allowed`), asked the way the Studio asks them:
// through @sanity/client's request().
const { test, t } = lakeSuite('lake: release limits and features for the Releases tool')

interface LimitsResponse {
  data: {
    orgActiveReleaseCount: number
    orgMeteredActiveReleaseCount: number
    datasetReleaseLimit: number
    orgActiveReleaseLimit: number | null
  }
}

const limits = (): Promise<LimitsResponse> =>
  t.client
    .withConfig({ apiVersion: 'vX' })
    .request<LimitsResponse>({ uri: `projects/${t.projectId}/new-content-release-allowed` })

test('/features lists content releases and single-document scheduling', async () => {
  const features = await t.client.request<string[]>({ uri: '/features' })
  assert.ok(features.includes('contentReleases'), JSON.stringify(features))
  assert.ok(features.includes('singleDocRelease'), JSON.stringify(features))
})

test('release limits count active releases; schedules of one document are not metered', async () => {
  const before = await limits()
  assert.is(before.data.orgActiveReleaseCount, 0)
  assert.is(before.data.orgMeteredActiveReleaseCount, 0)
  assert.ok(before.data.datasetReleaseLimit > 0, 'a positive dataset limit')
  assert.is(before.data.orgActiveReleaseLimit, null, 'no organisation limit (0 would mean misconfigured)')

  await t.client.releases.create({ releaseId: 'monday', metadata: { title: 'Monday', releaseType: 'asap' } })
  // "Schedule publish" on one draft: a release of cardinality one.
  await t.client.releases.create({
    releaseId: 'one-draft',
    metadata: { title: 'One draft', releaseType: 'scheduled', cardinality: 'one' },
  })
  const during = await limits()
  assert.is(during.data.orgActiveReleaseCount, 2)
  assert.is(during.data.orgMeteredActiveReleaseCount, 1)

  // Archived and published releases no longer count; scheduled ones still do.
  await t.client.releases.archive({ releaseId: 'monday' })
  await t.client.createVersion({
    publishedId: 'faq-limits',
    releaseId: 'one-draft',
    document: { _type: 'faq', question: 'Counted?' },
  })
  await t.client.releases.schedule({ releaseId: 'one-draft', publishAt: '2099-01-01T09:00:00.000Z' })
  const after = await limits()
  assert.is(after.data.orgActiveReleaseCount, 1)
  assert.is(after.data.orgMeteredActiveReleaseCount, 0)
  await t.client.releases.unschedule({ releaseId: 'one-draft' })
  await t.client.releases.publish({ releaseId: 'one-draft' })
  assert.is((await limits()).data.orgActiveReleaseCount, 0)
})

test('release limits: anonymous callers get 401, another project 404, both saying why', async () => {
  const anonymous = await failure(
    t.anonymousClient
      .withConfig({ apiVersion: 'vX' })
      .request({ uri: `projects/${t.projectId}/new-content-release-allowed` }),
  )
  assert.is(anonymous.statusCode, 401)
  assert.match(anonymous.message, /token/)
  const other = await failure(
    t.client.withConfig({ apiVersion: 'vX' }).request({ uri: 'projects/not-this-one/new-content-release-allowed' }),
  )
  assert.is(other.statusCode, 404)
  assert.match(other.message, /not-this-one/)
})

test('an empty release can be probed (dry run), scheduled and published: it publishes nothing', async () => {
  await t.client.releases.create({ releaseId: 'empty', metadata: { title: 'Empty', releaseType: 'asap' } })
  // The Studio's permission probes right after it creates a release.
  for (const action of [
    { actionType: 'sanity.action.release.publish', releaseId: 'empty' },
    { actionType: 'sanity.action.release.schedule', releaseId: 'empty', publishAt: '2099-01-01T09:00:00.000Z' },
  ] as const)
    await t.client.action(action, { dryRun: true })
  assert.is((await t.client.getDocument('_.releases.empty'))?.state, 'active', 'a dry run changes nothing')
  await t.client.releases.schedule({ releaseId: 'empty', publishAt: '2099-01-01T09:00:00.000Z' })
  await t.client.releases.unschedule({ releaseId: 'empty' })
  await t.client.releases.publish({ releaseId: 'empty' })
  const release = await t.client.getDocument('_.releases.empty')
  assert.is(release?.state, 'published')
  assert.equal(release?.finalDocumentStates, [])
})

test('/data/ping/<dataset> answers (the Studio pings it before its first save)', async () => {
  const res = await fetch(`${t.httpUrl}/v2025-02-19/data/ping/${t.dataset}`)
  assert.is(res.status, 200)
  assert.is(await res.text(), 'PONG')
})

test('/users/<ids> names the editors and the release scheduler (authors in release activity)', async () => {
  const me = await t.client.request<{ id: string }>({ uri: '/users/me' })
  const both = await t.client.request<Array<{ id: string; displayName: string }>>({
    uri: `/users/${me.id},system:release-scheduler,nobody`,
  })
  assert.equal(
    both.map((u) => u.id),
    [me.id, 'system:release-scheduler'],
  )
  assert.is(both[1]?.displayName, 'Scheduled publishing')
  const one = await t.client.request<{ id: string; displayName: string }>({ uri: `/users/${me.id}` })
  assert.is(one.id, me.id)
  assert.is(await t.client.request({ uri: '/users/nobody' }), null)
  assert.is((await failure(t.anonymousClient.request({ uri: `/users/${me.id}` }))).statusCode, 401)
})

test.run()
