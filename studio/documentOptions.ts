// Document-level Studio options: which actions and badges a document gets, and what the
// "Create" menus offer.
import type {
  DocumentActionComponent,
  DocumentActionsResolver,
  DocumentBadgesResolver,
  NewDocumentOptionsResolver,
} from 'sanity'
import { withPublishedAtOnFirstPublish } from './actions/PublishWithDateAction.js'
import { UnpublishFromDraftAction } from './actions/UnpublishAction.js'
import { SINGLETON_TYPES, TEMPLATE_IDS } from './constants.js'
import { MarkReviewedAction } from './review/MarkReviewedAction.js'
import { ReviewDueBadge } from './review/ReviewDueBadge.js'
import { withTranslationReviewGate } from './translation/ReviewedPublishAction.js'
import { TranslationBadge } from './translation/TranslationBadge.js'
import { isTranslatableType } from '../model/languages.js'

/** The only built-in actions a singleton keeps: no duplicate, delete or unpublish. */
const SINGLETON_ACTIONS: ReadonlySet<string> = new Set(['publish', 'discardChanges', 'restore'])

export function actionsForSingleton(previous: DocumentActionComponent[]): DocumentActionComponent[] {
  return previous.filter((action) => action.action !== undefined && SINGLETON_ACTIONS.has(action.action))
}

/** Unpublish reachable from the draft view (the built-in one shows only in the Published view). */
function withDraftViewUnpublish(actions: DocumentActionComponent[]): DocumentActionComponent[] {
  return actions.map((action) => (action.action === 'unpublish' ? UnpublishFromDraftAction : action))
}

/** Translations publish only once clinically reviewed (studio/translation/ReviewedPublishAction). */
function withTranslationGate(actions: DocumentActionComponent[], schemaType: string): DocumentActionComponent[] {
  if (!isTranslatableType(schemaType)) return actions
  return actions.map((action) => (action.action === 'publish' ? withTranslationReviewGate(action) : action))
}

export const resolveDocumentActions: DocumentActionsResolver = (previous, context) => {
  if (SINGLETON_TYPES.has(context.schemaType)) return actionsForSingleton(previous)
  const actions = withTranslationGate(withDraftViewUnpublish(previous), context.schemaType)
  if (context.schemaType === 'article') {
    // Publish stamps publishedAt the first time; "Mark as reviewed" right after it, ahead of the
    // menu of lesser actions.
    const withDate = actions.map((action) =>
      action.action === 'publish' ? withPublishedAtOnFirstPublish(action) : action,
    )
    const publishAt = withDate.findIndex((action) => action.action === 'publish')
    const at = publishAt === -1 ? withDate.length : publishAt + 1
    return [...withDate.slice(0, at), MarkReviewedAction, ...withDate.slice(at)]
  }
  return actions
}

export const resolveDocumentBadges: DocumentBadgesResolver = (previous, context) => {
  const badges = context.schemaType === 'article' ? [...previous, ReviewDueBadge] : previous
  return isTranslatableType(context.schemaType) ? [...badges, TranslationBadge] : badges
}

const CONTEXT_TEMPLATE_IDS: ReadonlySet<string> = new Set(Object.values(TEMPLATE_IDS))

/**
 * The "Create" menus never offer the singletons, and offer a context template (FAQ for a
 * treatment, ...) only where its parameters are known: the structure lists that pass them.
 */
export const resolveNewDocumentOptions: NewDocumentOptionsResolver = (previous) =>
  previous.filter(
    (item) =>
      !SINGLETON_TYPES.has(item.templateId) &&
      !(CONTEXT_TEMPLATE_IDS.has(item.templateId) && item.parameters === undefined),
  )
