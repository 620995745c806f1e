// Publish for translations, held back until a clinician recorded the translation's review: a
// translation is patient information, and an unchecked one must not reach patients. The Studio's
// own Publish (validation, shortcuts, states) stays underneath.
import type { DocumentActionComponent, DocumentActionProps } from 'sanity'
import { DEFAULT_LANGUAGE, languageOf } from '../../model/languages.js'

type Reviewed = {
  language?: string
  translationReview?: { status?: string; reviewer?: { _ref?: string }; reviewedAt?: string }
}

/** Why publishing this version must wait, or null when it may go ahead. */
export function translationPublishBlocker(doc: Reviewed | null | undefined): string | null {
  if (!doc || languageOf(doc) === DEFAULT_LANGUAGE) return null
  const review = doc.translationReview
  if (review?.status === 'reviewed' && review.reviewer?._ref && review.reviewedAt) return null
  return 'This translation awaits clinical review. Under "Translation review", a clinician who reads the language sets "Clinically reviewed", their name and the date; then it can be published.'
}

const wrappers = new WeakMap<DocumentActionComponent, DocumentActionComponent>()

/** Wraps a Publish action (possibly already wrapped) so an unreviewed translation cannot publish. */
export function withTranslationReviewGate(publish: DocumentActionComponent): DocumentActionComponent {
  const known = wrappers.get(publish)
  if (known) return known
  // biome-ignore lint/correctness/noComponentHookFactories: Sanity's way to extend a built-in action; cached above
  const ReviewedPublish: DocumentActionComponent = (props: DocumentActionProps) => {
    const description = publish(props)
    if (!description) return description
    const blocker = translationPublishBlocker((props.version ?? props.draft ?? props.published) as Reviewed | null)
    return blocker ? { ...description, disabled: true, title: blocker } : description
  }
  ReviewedPublish.action = publish.action
  ReviewedPublish.displayName = 'ReviewedPublishAction'
  wrappers.set(publish, ReviewedPublish)
  return ReviewedPublish
}
