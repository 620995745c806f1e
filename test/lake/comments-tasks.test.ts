// Comments and tasks as the Studio keeps them: in the `comments` add-on dataset of the dataset
// they are about, found with the add-on lookup and created by the setup call, with the editors the
// mention and assignee pickers list. Every request here is one the Studio makes (node_modules/
// sanity: AddonDatasetProvider, useFeatureEnabled, createUserStore, useUserListWithPermissions).
import type { SanityClient } from '@sanity/client'
import * as assert from 'uvu/assert'
import { Accounts, createEditor } from '../../lake/index.js'
import { failure, lakeSuite } from '../helpers/lake-suite.js'
import { waitFor } from '../helpers/wait.js'

const { test, t } = lakeSuite('lake: comments and tasks (add-on dataset)')

const ADDON_LOOKUP = '/projects/local/datasets?datasetProfile=comments&addonFor=production'

interface Group {
  members: string[]
  grants: Array<{ filter: string; permissions: string[] }>
}

let other: { id: string; token: string }
let viewer: { id: string; token: string }
let addon: SanityClient
let meId = ''

test.before(async () => {
  const o = createEditor(t.lake, { name: 'Ola Nordmann', email: 'ola@clinic.test', role: 'editor' })
  other = { id: o.user.id, token: o.token }
  const v = createEditor(t.lake, { name: 'Vera Viewer', email: 'vera@clinic.test', role: 'viewer' })
  viewer = { id: v.user.id, token: v.token }
  meId = ((await t.client.request({ uri: '/users/me' })) as { id: string }).id
})

/** How the Studio's comments and tasks point at the article they are about (weak, across datasets). */
const KNEE_ARTICLE = {
  _type: 'crossDatasetReference',
  _ref: 'article-knee',
  _dataset: 'production',
  _projectId: 'local',
  _weak: true,
}

test('/features lists comments and tasks, so the Studio leaves its upsell screens', async () => {
  const features = (await t.client.request({ uri: '/features', tag: 'features' })) as string[]
  assert.ok(features.includes('studioComments'), 'studioComments')
  assert.ok(features.includes('sanityTasks'), 'sanityTasks')
  assert.ok(((await t.anonymousClient.request({ uri: '/features' })) as string[]).includes('studioComments'))
})

test('no add-on before the first comment; setup creates <dataset>-comments once', async () => {
  assert.equal(await t.client.request({ uri: ADDON_LOOKUP }), [], 'the lookup finds nothing yet')
  assert.equal(
    await t.client.fetch('*[_id in path("_.**")]'),
    [],
    'no system documents in a dataset without add-ons (its content is what was written to it)',
  )
  const setup = (await t.client.request({ uri: '/comments/production/setup', method: 'POST' })) as {
    datasetName: string
  }
  assert.is(setup.datasetName, 'production-comments')
  const again = (await t.client.request({ uri: '/comments/production/setup', method: 'POST' })) as {
    datasetName: string
  }
  assert.is(again.datasetName, 'production-comments', 'a second setup answers the same add-on')
  const found = (await t.client.request({ uri: ADDON_LOOKUP })) as Array<Record<string, unknown>>
  assert.equal(found, [
    { name: 'production-comments', aclMode: 'private', addonFor: 'production', datasetProfile: 'comments' },
  ])
  const all = (await t.client.request({ uri: '/projects/local/datasets' })) as Array<{ name: string }>
  assert.equal(all.map((d) => d.name).sort(), ['production', 'production-comments'])
  addon = t.client.withConfig({ dataset: setup.datasetName })
})

test('the mention and assignee pickers: members, their profiles and groups granting read', async () => {
  const project = (await t.client.request({ uri: '/projects/local' })) as { members: Array<{ id: string }> }
  const memberIds = project.members.map((m) => m.id)
  for (const id of [meId, other.id, viewer.id]) assert.ok(memberIds.includes(id), `member ${id}`)
  const users = (await t.client.request({ uri: `/users/${memberIds.join(',')}` })) as Array<Record<string, unknown>>
  const ola = users.find((u) => u.id === other.id)
  assert.is(ola?.displayName, 'Ola Nordmann', 'the pickers list editors by displayName')
  const single = (await t.client.request({ uri: `/users/${other.id}` })) as Record<string, unknown>
  assert.is(single.displayName, 'Ola Nordmann', 'one id: the user object itself')
  assert.is((await failure(t.client.request({ uri: '/users/pnobody' }))).statusCode, 404)

  // What useUserListWithPermissions queries: every member must be in a group granting `read`.
  const groups = (await t.client.fetch('*[_type == "system.group"]{members, grants}')) as Group[]
  for (const id of [meId, other.id, viewer.id]) {
    const grants = groups.filter((g) => g.members.includes(id)).flatMap((g) => g.grants)
    assert.ok(
      grants.some((g) => g.filter === '_id in path("**")' && g.permissions.includes('read')),
      `${id} may read every document`,
    )
  }
  assert.equal(await t.anonymousClient.fetch('*[_type == "system.group"]'), [], 'groups are private')
})

test('a new editor joins the groups: made in the lake process, or by another (the CLI)', async () => {
  const inGroups = async (id: string): Promise<boolean> => {
    const groups = (await t.client.fetch('*[_type == "system.group"]{members}')) as Group[]
    return groups.some((g) => g.members.includes(id))
  }
  const late = createEditor(t.lake, { name: 'Lars Late', email: 'lars@clinic.test', role: 'editor' })
  assert.ok((await waitFor(() => inGroups(late.user.id), 5_000)) >= 0, 'an editor made in the lake process')
  // Another Accounts on the same database is what `npm run lake -- create-editor` is: no event.
  const cli = new Accounts(t.lake.store.db).createUser({ name: 'Cleo Cli', email: 'cleo@clinic.test', role: 'editor' })
  assert.ok((await waitFor(() => inGroups(cli.id), 10_000)) >= 0, 'an editor made by another process')
})

test('a comment mentioning another editor; the thread resolved and reopened', async () => {
  const target = await t.client.create({ _id: 'article-knee', _type: 'article', title: 'Knee pain' })
  const comment = {
    _id: 'c-1',
    _type: 'comment',
    authorId: meId,
    threadId: 'thread-1',
    status: 'open',
    message: [
      {
        _type: 'block',
        _key: 'b1',
        style: 'normal',
        markDefs: [],
        children: [
          { _type: 'span', _key: 's1', text: 'Please check this, ', marks: [] },
          { _type: 'mention', _key: 'm1', userId: other.id },
        ],
      },
    ],
    reactions: [],
    target: {
      documentType: 'article',
      documentRevisionId: target._rev,
      path: { field: 'title' },
      document: KNEE_ARTICLE,
    },
  }
  await addon.create(comment)
  const reply = await t.makeClient({ dataset: 'production-comments', token: other.token }).create({
    ...comment,
    _id: 'c-2',
    authorId: other.id,
    parentCommentId: 'c-1',
    message: [],
  })
  assert.is(reply.parentCommentId, 'c-1')

  // The comments the Studio lists for a document.
  const listed = (await addon.fetch(
    '*[_type == "comment" && target.document._ref == $id] | order(_createdAt asc){_id, status, "mentions": message[].children[_type == "mention"].userId}',
    { id: 'article-knee' },
  )) as Array<{ _id: string; status: string; mentions: string[] }>
  assert.equal(
    listed.map((c) => c._id),
    ['c-1', 'c-2'],
  )
  assert.equal(listed[0]?.mentions, [other.id])

  // Resolving a thread sets the parent comment's status; reopening sets it back.
  await addon.patch('c-1').set({ status: 'resolved' }).commit()
  assert.is(((await addon.getDocument('c-1')) as { status: string }).status, 'resolved')
  await addon.patch('c-1').set({ status: 'open' }).commit()
  assert.is(((await addon.getDocument('c-1')) as { status: string }).status, 'open')

  // The document commented on is not touched, and can still be deleted (weak reference, other dataset).
  assert.is(((await t.client.getDocument('article-knee')) as { _rev: string })._rev, target._rev)
})

test('a task created, assigned to another editor and completed', async () => {
  const task = await addon.create({
    _id: 'task-1',
    _type: 'tasks.task',
    title: 'Review the knee article',
    status: 'open',
    authorId: meId,
    createdByUser: new Date().toISOString(),
    target: {
      documentType: 'article',
      document: KNEE_ARTICLE,
    },
  })
  await addon.patch(task._id).set({ assignedTo: other.id }).commit()
  const asAssignee = t.makeClient({ dataset: 'production-comments', token: other.token })
  const mine = await asAssignee.fetch('*[_type == "tasks.task" && assignedTo == $me]{_id, status}', { me: other.id })
  assert.equal(mine, [{ _id: 'task-1', status: 'open' }])
  await asAssignee.patch('task-1').set({ status: 'closed' }).commit()
  assert.is(((await addon.getDocument('task-1')) as { status: string }).status, 'closed')
})

test('the add-on is private: anonymous callers get 401 on every path, viewers cannot write', async () => {
  const anonymous = t.makeClient({ dataset: 'production-comments', token: undefined })
  for (const [what, attempt] of [
    ['query', anonymous.fetch('*[_type == "comment"]')],
    ['doc', anonymous.getDocument('c-1')],
    ['mutate', anonymous.create({ _type: 'comment', status: 'open' })],
    ['setup', t.anonymousClient.request({ uri: '/comments/production/setup', method: 'POST' })],
    ['add-on lookup', t.anonymousClient.request({ uri: ADDON_LOOKUP })],
    ['users', t.anonymousClient.request({ uri: `/users/${other.id}` })],
  ] as const) {
    assert.is((await failure(attempt)).statusCode, 401, what)
  }
  const listen = await fetch(`${t.httpUrl}/v2025-02-19/data/listen/production-comments?query=*`)
  assert.is(listen.status, 401, 'listen')
  await listen.body?.cancel()
  const history = await fetch(`${t.httpUrl}/v2025-02-19/data/history/production-comments/documents/c-1`)
  assert.is(history.status, 401, 'history')

  const asViewer = t.makeClient({ dataset: 'production-comments', token: viewer.token })
  assert.is(((await asViewer.getDocument('c-1')) as { _id: string })._id, 'c-1', 'a viewer reads comments')
  assert.is((await failure(asViewer.create({ _type: 'comment', status: 'open' }))).statusCode, 403)
  assert.is(
    (
      await failure(
        t.makeClient({ token: viewer.token }).request({ uri: '/comments/production/setup', method: 'POST' }),
      )
    ).statusCode,
    403,
  )
})

test('setup: a clear refusal for an unknown dataset, an add-on itself, or a name taken', async () => {
  const unknown = await failure(t.client.request({ uri: '/comments/nope/setup', method: 'POST' }))
  assert.is(unknown.statusCode, 404)
  const nested = await failure(t.client.request({ uri: '/comments/production-comments/setup', method: 'POST' }))
  assert.is(nested.statusCode, 400)
  assert.match(nested.message, /itself an add-on/)
  await t.client.datasets.create('staging')
  await t.client.datasets.create('staging-comments')
  const taken = await failure(t.client.request({ uri: '/comments/staging/setup', method: 'POST' }))
  assert.is(taken.statusCode, 409)
  assert.match(taken.message, /"staging-comments" exists and is not an add-on/)
})

test('the add-on and its comments outlive a restart', async () => {
  const { startTestLake } = await import('../helpers/lake.js')
  await t.current?.lake.close()
  const again = await startTestLake({ dataDir: t.dataDir })
  try {
    const client = again.makeClient({ token: t.token })
    const found = (await client.request({ uri: ADDON_LOOKUP })) as Array<{ name: string }>
    assert.equal(
      found.map((d) => d.name),
      ['production-comments'],
    )
    const comment = await client.withConfig({ dataset: 'production-comments' }).getDocument('c-1')
    assert.is(comment?.status, 'open')
    const anon = await failure(
      again.makeClient({ dataset: 'production-comments', token: undefined }).fetch('*[_type == "comment"]'),
    )
    assert.is(anon.statusCode, 401)
  } finally {
    await again.lake.close()
  }
})

test.run()
