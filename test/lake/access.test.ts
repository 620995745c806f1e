// The lake's access rules through @sanity/client and fetch: history needs a token, datasets exist
// before they are read (404 datasetNotFound; only a writer's write creates one), the dataset list
// needs a token, and anonymous listeners get no editor ids.
import * as assert from 'uvu/assert'
import { LakeStore } from '../../lake/store/index.js'
import { failure as failureOf, lakeSuite } from '../helpers/lake-suite.js'

const { test, t } = lakeSuite('lake: access (history, datasets, user ids)')

interface ClientError {
  statusCode: number
  response: { body: { error: { type: string; description: string } } }
}

const failure = (promise: Promise<unknown>) => failureOf<ClientError>(promise)

test('history, transactions and events: 401 with a reason for anonymous callers, answered for editors', async () => {
  await t.client.create({ _id: 'hist-a', _type: 'note', text: 'first' })
  await t.client.delete('hist-a')
  await t.client.create({ _id: 'drafts.hist-b', _type: 'note', text: 'draft only' })
  for (const uri of [
    '/data/history/production/documents/hist-a?lastRevision=true',
    '/data/history/production/transactions/hist-a',
    '/data/history/production/events/documents/hist-b',
  ]) {
    const err = await failure(t.anonymousClient.request({ uri }))
    assert.is(err.statusCode, 401, uri)
    assert.is(err.response.body.error.type, 'unauthorizedError')
    assert.match(err.response.body.error.description, /needs a token with history rights/)
  }
  const last = await t.client.request<{ documents: Array<{ text: string }> }>({
    uri: '/data/history/production/documents/hist-a?lastRevision=true',
  })
  assert.is(last.documents[0]?.text, 'first', 'editors read the last state of a deleted document')
  const events = await t.client.request<{ events: Record<string, Array<{ type: string; author: string }>> }>({
    uri: '/data/history/production/events/documents/hist-b',
  })
  assert.is(events.events['hist-b']?.[0]?.type, 'createDocumentVersion')
})

test('an unknown dataset is a 404 datasetNotFound for readers and is not created', async () => {
  for (const client of [t.anonymousClient.withConfig({ dataset: 'nope' }), t.client.withConfig({ dataset: 'nope' })]) {
    const err = await failure(client.fetch('*'))
    assert.is(err.statusCode, 404)
    assert.is(err.response.body.error.type, 'datasetNotFound')
    assert.match(err.response.body.error.description, /Dataset "nope" not found for project ID "local"/)
    assert.is((await failure(client.getDocument('x'))).statusCode, 404)
  }
  assert.not.ok(t.lake.store.hasDataset('nope'))
  assert.not.ok(t.lake.store.datasetNames().includes('nope'))
  // An invalid name (which @sanity/client would not even send) is still a 400 saying what a name may be.
  const bad = await fetch(`${t.httpUrl}/v2025-02-19/data/query/Not_Valid?query=1`)
  assert.is(bad.status, 400)
  const { error } = (await bad.json()) as { error: { description: string } }
  assert.match(error.description, /dataset name "Not_Valid" is invalid/)
})

test("only a writer's write creates a dataset", async () => {
  const anonymous = await failure(t.anonymousClient.withConfig({ dataset: 'made' }).create({ _type: 'note' }))
  assert.is(anonymous.statusCode, 401)
  assert.not.ok(t.lake.store.hasDataset('made'))
  const viewer = t.lake.accounts.createUser({ name: 'V', email: 'v@clinic.test', role: 'viewer' })
  const viewerClient = t.makeClient({ dataset: 'made', token: t.lake.accounts.issueToken(viewer.id).token })
  assert.is((await failure(viewerClient.create({ _type: 'note' }))).statusCode, 403)
  assert.not.ok(t.lake.store.hasDataset('made'))
  await t.client.withConfig({ dataset: 'made' }).create({ _id: 'one', _type: 'note' })
  assert.equal(await t.anonymousClient.withConfig({ dataset: 'made' }).fetch('*._id'), ['one'])
  assert.equal(await viewerClient.fetch('count(*)'), 1)
})

test('client.datasets.create: writers only, 409 when it exists, kept empty across a restart', async () => {
  const anonymous = await failure(t.anonymousClient.datasets.create('empty-one'))
  assert.is(anonymous.statusCode, 401)
  assert.not.ok(t.lake.store.hasDataset('empty-one'))
  assert.equal(await t.client.datasets.create('empty-one'), { datasetName: 'empty-one', aclMode: 'public' })
  assert.is((await failure(t.client.datasets.create('empty-one'))).statusCode, 409)
  assert.equal(await t.anonymousClient.withConfig({ dataset: 'empty-one' }).fetch('count(*)'), 0)
  const list = await t.client.datasets.list()
  assert.ok(list.some((d) => d.name === 'empty-one'))
  // What a restarted lake sees: the database alone (a second connection, nothing opened in it).
  const reopened = new LakeStore(t.dataDir)
  try {
    assert.ok(reopened.hasDataset('empty-one'), 'an empty created dataset is in the database')
    assert.not.ok(reopened.hasDataset('nope'))
  } finally {
    reopened.close()
  }
})

test('the dataset list needs a token; signed in it lists the datasets', async () => {
  const err = await failure(t.anonymousClient.request({ uri: '/projects/local/datasets' }))
  assert.is(err.statusCode, 401)
  assert.match(err.response.body.error.description, /Listing datasets needs a token/)
  const list = await t.client.request<Array<{ name: string }>>({ uri: '/projects/local/datasets' })
  assert.ok(list.some((d) => d.name === 'production'))
})

test('anonymous listeners get no editor id; signed-in listeners do', async () => {
  const me = await t.client.request<{ id: string }>({ uri: '/users/me' })
  // Each listener reports "welcome" once it is connected; the document is created only then, so a
  // slow connection (a loaded machine) cannot miss the mutation and leave the test waiting forever.
  const first = (client: typeof t.client) => {
    let ready!: () => void
    const welcomed = new Promise<void>((resolve) => {
      ready = resolve
    })
    const mutation = new Promise<{ identity: string }>((resolve, reject) => {
      const subscription = client.listen('*[_type == "listened"]', {}, { events: ['welcome', 'mutation'] }).subscribe({
        next: (event) => {
          if (event.type === 'welcome') return ready()
          subscription.unsubscribe()
          resolve(event as unknown as { identity: string })
        },
        error: reject,
      })
    })
    return { welcomed, mutation }
  }
  const anonymousListener = first(t.anonymousClient)
  const editorListener = first(t.client)
  await Promise.all([anonymousListener.welcomed, editorListener.welcomed])
  await t.client.create({ _id: 'listened-1', _type: 'listened' })
  const anonymous = anonymousListener.mutation
  const editor = editorListener.mutation
  assert.is((await anonymous).identity, '')
  assert.is((await editor).identity, me.id)
})

test.run()
