// Which document actions each type gets (studio/documentOptions.ts): Unpublish reachable from the
// draft view, Publish stamping publishedAt on articles, singletons limited to what keeps them whole.
import type { DocumentActionComponent, DocumentActionsContext } from 'sanity'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { resolveDocumentActions } from '../../studio/documentOptions.js'

const test = suite('studio: document actions')

function builtIn(name: string): DocumentActionComponent {
  const action: DocumentActionComponent = () => null
  action.action = name as DocumentActionComponent['action']
  action.displayName = `${name}Action`
  return action
}

const BUILT_IN = ['publish', 'unpublish', 'discardChanges', 'duplicate', 'delete'].map(builtIn)
const contextFor = (schemaType: string) => ({ schemaType }) as unknown as DocumentActionsContext

test('every document type gets the draft-view Unpublish instead of the built-in one', () => {
  for (const type of ['faq', 'treatment', 'condition', 'article']) {
    const actions = resolveDocumentActions(BUILT_IN, contextFor(type))
    const unpublish = actions.filter((a) => a.action === 'unpublish')
    assert.is(unpublish.length, 1, type)
    assert.is(unpublish[0]?.displayName, 'UnpublishFromDraftAction', type)
  }
})

test('articles publish through the wrapper that stamps publishedAt, the same one every time', () => {
  const first = resolveDocumentActions(BUILT_IN, contextFor('article'))
  const second = resolveDocumentActions(BUILT_IN, contextFor('article'))
  const publish = first.find((a) => a.action === 'publish')
  assert.is(publish?.displayName, 'PublishWithDateAction')
  assert.is(
    publish,
    second.find((a) => a.action === 'publish'),
    'a stable component keeps its hook state',
  )
  assert.is(first[first.indexOf(publish as DocumentActionComponent) + 1]?.displayName, 'MarkReviewedAction')
  const faqPublish = resolveDocumentActions(BUILT_IN, contextFor('faq')).find((a) => a.action === 'publish')
  assert.is(faqPublish?.displayName, 'ReviewedPublishAction', 'translatable types wait for a translation review')
  const clinicianPublish = resolveDocumentActions(BUILT_IN, contextFor('clinician')).find((a) => a.action === 'publish')
  assert.is(clinicianPublish?.displayName, 'publishAction', 'other types keep the built-in Publish')
})

test('the clinic singleton keeps only publish and discard', () => {
  const actions = resolveDocumentActions(BUILT_IN, contextFor('clinic'))
  assert.equal(
    actions.map((a) => a.action),
    ['publish', 'discardChanges'],
  )
})

test.run()
