// `/data/history/<ds>/documents/<id>?revision=` as the Studio's history and version views ask it:
// a draft at the transaction that published it, or at a transaction from before it existed.
import * as assert from 'uvu/assert'
import { lakeSuite } from '../helpers/lake-suite.js'

const { test, t } = lakeSuite('lake: a document at a revision')

interface Documents {
  documents: Array<{ _id: string; question?: string }>
}

const at = (id: string, revision: string) =>
  t.client.request<Documents>({ uri: `/data/history/${t.dataset}/documents/${id}?revision=${revision}` })

const act = (actions: unknown[]) =>
  t.client.request<{ transactionId: string }>({
    uri: `/data/actions/${t.dataset}`,
    method: 'POST',
    body: { actions },
  })

test('a draft at the publish that removed it, and at a time before it existed', async () => {
  const created = await t.client.create({ _id: 'faq-h', _type: 'faq', question: 'First' })
  const edit = await act([
    {
      actionType: 'sanity.action.document.edit',
      draftId: 'drafts.faq-h',
      publishedId: 'faq-h',
      patch: { set: { question: 'Second' } },
    },
  ])
  const publish = await act([
    { actionType: 'sanity.action.document.publish', draftId: 'drafts.faq-h', publishedId: 'faq-h' },
  ])

  assert.equal((await at('drafts.faq-h', edit.transactionId)).documents[0]?.question, 'Second')
  // The publish deleted the draft: at that revision the draft is what was published.
  assert.equal((await at('drafts.faq-h', publish.transactionId)).documents[0]?.question, 'Second')
  assert.equal((await at('faq-h', publish.transactionId)).documents[0]?.question, 'Second')
  // Before the draft existed (the published document's creation): no draft, not an error.
  assert.equal(await at('drafts.faq-h', created._rev), { documents: [] })
  assert.equal((await at('faq-h', created._rev)).documents[0]?.question, 'First')
  // A revision that is no transaction of the dataset: nothing, as /data/doc answers a missing id.
  assert.equal(await at('faq-h', 'no-such-revision'), { documents: [] })
})

test('a document with no history at all is a 404; anonymous callers get a 401', async () => {
  const missing = await at('never-existed', 'x').catch((error: { statusCode: number }) => error)
  assert.is((missing as { statusCode: number }).statusCode, 404)
  const anonymous = await t.anonymousClient
    .request({ uri: `/data/history/${t.dataset}/documents/faq-h?revision=x` })
    .catch((error: { statusCode: number }) => error)
  assert.is((anonymous as { statusCode: number }).statusCode, 401)
})

test.run()
