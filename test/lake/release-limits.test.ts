import { applyPatch } from 'mendoza'
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
  assert.is((await failure(t.client.request({ uri: '/users/nobody' }))).statusCode, 404)
  const scheduler = await t.client.request<{ id: string; displayName: string }>({
    uri: '/users/system:release-scheduler',
  })
  assert.is(scheduler.displayName, 'Scheduled publishing')
  assert.is((await failure(t.anonymousClient.request({ uri: `/users/${me.id}` }))).statusCode, 401)
})

test("history effects of a release apply to the Studio's copy (without _rev) in both directions", async () => {
  // The Releases tool rebuilds a release's past states from its transaction log by applying each
  // revert effect to its copy without `_rev`; a wrong delete index removed `metadata`.
  await t.client.releases.create({ releaseId: 'effects', metadata: { title: 'Effects', releaseType: 'asap' } })
  await t.client.createVersion({
    publishedId: 'faq-effects',
    releaseId: 'effects',
    document: { _type: 'faq', question: 'Reverted?' },
  })
  await t.client.releases.schedule({ releaseId: 'effects', publishAt: '2099-01-01T09:00:00.000Z' })
  await t.client.releases.unschedule({ releaseId: 'effects' })
  await t.client.releases.publish({ releaseId: 'effects' })
  const id = '_.releases.effects'
  const res = await fetch(
    `${t.httpUrl}/v2025-02-19/data/history/${t.dataset}/transactions/${id}?effectFormat=mendoza&excludeContent=true&reverse=true`,
    { headers: { authorization: `Bearer ${t.token}` } },
  )
  const log = (await res.text())
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { id: string; effects: Record<string, { apply: unknown[]; revert: unknown[] }> })
  assert.is(log.length, 4, 'create, schedule, unschedule, publish')
  const withoutRev = (doc: Record<string, unknown> | null | undefined): Record<string, unknown> | null => {
    if (!doc) return null
    const { _rev, ...rest } = doc
    void _rev
    return rest
  }
  let current = withoutRev(await t.client.getDocument(id))
  for (const entry of log) {
    const effect = entry.effects[id]
    if (!effect) continue
    const before = withoutRev(applyPatch(current, effect.revert) as Record<string, unknown> | null)
    if (before) assert.ok(before.metadata, `the state before ${entry.id} keeps its metadata`)
    assert.equal(withoutRev(applyPatch(before, effect.apply) as Record<string, unknown> | null), current)
    current = before
  }
  assert.is(current, null, 'reverting every transaction leads back to before the release existed')
})

test.run()
