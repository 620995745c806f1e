// Document-level Studio options: which actions and badges a document gets, and what the
// "Create" menus offer.
import type {
  DocumentActionComponent,
  DocumentActionsResolver,
  DocumentBadgesResolver,
  NewDocumentOptionsResolver,
} from 'sanity'
import { SINGLETON_TYPES, TEMPLATE_IDS } from './constants.js'
import { MarkReviewedAction } from './review/MarkReviewedAction.js'
import { ReviewDueBadge } from './review/ReviewDueBadge.js'

/** The only built-in actions a singleton keeps: no duplicate, delete or unpublish. */
const SINGLETON_ACTIONS: ReadonlySet<string> = new Set(['publish', 'discardChanges', 'restore'])

export function actionsForSingleton(previous: DocumentActionComponent[]): DocumentActionComponent[] {
  return previous.filter((action) => action.action !== undefined && SINGLETON_ACTIONS.has(action.action))
}

export const resolveDocumentActions: DocumentActionsResolver = (previous, context) => {
  if (SINGLETON_TYPES.has(context.schemaType)) return actionsForSingleton(previous)
  if (context.schemaType === 'article') {
    // "Mark as reviewed" right after Publish, ahead of the menu of lesser actions.
    const publishAt = previous.findIndex((action) => action.action === 'publish')
    const at = publishAt === -1 ? previous.length : publishAt + 1
    return [...previous.slice(0, at), MarkReviewedAction, ...previous.slice(at)]
  }
  return previous
}

export const resolveDocumentBadges: DocumentBadgesResolver = (previous, context) =>
  context.schemaType === 'article' ? [...previous, ReviewDueBadge] : previous

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
