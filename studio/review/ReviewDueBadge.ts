// "Review due" document badge on articles whose next medical review date has passed or is near.
import type { DocumentBadgeComponent, DocumentBadgeDescription } from 'sanity'
import { localToday, reviewState } from './reviewDates.js'

function describe(nextReviewDue: unknown, today: string): DocumentBadgeDescription | null {
  const state = reviewState(nextReviewDue, today)
  switch (state.status) {
    case 'overdue':
      return {
        label: 'Review due',
        color: 'danger',
        title:
          state.daysOverdue === 0
            ? `Medical review is due today (${state.nextReviewDue}). Have a clinician review it, then use "Mark as reviewed".`
            : `Medical review was due on ${state.nextReviewDue}, ${state.daysOverdue} day${state.daysOverdue === 1 ? '' : 's'} ago. Have a clinician review it, then use "Mark as reviewed".`,
      }
    case 'due-soon':
      return {
        label: 'Review due',
        color: 'warning',
        title: `Medical review is due on ${state.nextReviewDue}, in ${state.daysLeft} day${state.daysLeft === 1 ? '' : 's'}.`,
      }
    default:
      return null
  }
}

/** Reads the version being edited (draft first), so the badge clears as soon as the dates change. */
export const ReviewDueBadge: DocumentBadgeComponent = (props) => {
  const doc = props.version ?? props.draft ?? props.published
  if (!doc) return null
  return describe(doc.nextReviewDue, localToday())
}
ReviewDueBadge.displayName = 'ReviewDueBadge'
