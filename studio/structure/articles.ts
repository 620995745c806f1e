// Articles: all, drafts (unpublished changes), published, and those whose medical review is due.
import { ClockIcon, DocumentTextIcon, EditIcon, PublishIcon } from '@sanity/icons'
import type { ListItemBuilder, StructureBuilder, StructureResolverContext } from 'sanity/structure'
import { IS_DRAFT, IS_VERSION, REVIEW_DUE_WINDOW_DAYS, STUDIO_API_VERSION } from '../constants.js'
import { addDays, localToday } from '../review/reviewDates.js'
import { typeIcon } from './helpers.js'

/** The filter behind "Review due" (also used by tests): next review passed or within the window. */
export const REVIEW_DUE_FILTER = '_type == "article" && defined(nextReviewDue) && nextReviewDue <= $dueBy'

export function reviewDueParams(today: string = localToday()): { dueBy: string } {
  return { dueBy: addDays(today, REVIEW_DUE_WINDOW_DAYS) }
}

export function articlesSection(S: StructureBuilder, context: StructureResolverContext): ListItemBuilder {
  const newestFirst = [
    { field: 'publishedAt', direction: 'desc' as const },
    { field: '_updatedAt', direction: 'desc' as const },
  ]
  return S.listItem()
    .id('articles')
    .title('Articles')
    .icon(typeIcon(context, 'article', DocumentTextIcon))
    .child(
      S.list()
        .id('articles')
        .title('Articles')
        .items([
          S.listItem()
            .id('all')
            .title('All articles')
            .icon(DocumentTextIcon)
            .schemaType('article')
            .child(S.documentTypeList('article').id('all').title('All articles').defaultOrdering(newestFirst)),
          S.listItem()
            .id('drafts')
            .title('Drafts and unpublished changes')
            .icon(EditIcon)
            .child(
              S.documentList()
                .id('drafts')
                .title('Drafts and unpublished changes')
                .schemaType('article')
                .apiVersion(STUDIO_API_VERSION)
                .filter(`_type == "article" && ${IS_DRAFT}`)
                .defaultOrdering([{ field: '_updatedAt', direction: 'desc' }])
                .initialValueTemplates([S.initialValueTemplateItem('article')]),
            ),
          S.listItem()
            .id('published')
            .title('Published, up to date')
            .icon(PublishIcon)
            .child(
              S.documentList()
                .id('published')
                .title('Published, up to date')
                .schemaType('article')
                .apiVersion(STUDIO_API_VERSION)
                .filter(`_type == "article" && !(${IS_DRAFT}) && !(${IS_VERSION})`)
                .defaultOrdering(newestFirst)
                .initialValueTemplates([S.initialValueTemplateItem('article')]),
            ),
          S.divider(),
          S.listItem()
            .id('review-due')
            .title('Review due')
            .icon(ClockIcon)
            .child(
              S.documentList()
                .id('review-due')
                .title(`Review due (passed or within ${REVIEW_DUE_WINDOW_DAYS} days)`)
                .schemaType('article')
                .apiVersion(STUDIO_API_VERSION)
                .filter(REVIEW_DUE_FILTER)
                .params(reviewDueParams())
                .defaultOrdering([{ field: 'nextReviewDue', direction: 'asc' }])
                .initialValueTemplates([]),
            ),
        ]),
    )
}
