// The fields every translatable document carries (model/languages.ts TRANSLATABLE_TYPES): its
// language, written by the translation plugin, and the translation's own clinical review.
import { TranslateIcon } from '@sanity/icons'
import { defineField } from 'sanity'
import {
  DEFAULT_LANGUAGE,
  LANGUAGES,
  languageOf,
  TRANSLATION_REVIEW_STATUSES,
  type TranslationReviewStatus,
} from '../../model/languages.js'
import { checkNotInFuture } from '../validation.js'

/**
 * `language`: set by the document-internationalization plugin when it creates a document or a
 * translation, so editors never type it (the plugin shows it as a badge). Documents made before
 * languages existed have none and read as the source language.
 */
export const languageField = defineField({
  name: 'language',
  title: 'Language',
  type: 'string',
  readOnly: true,
  hidden: true,
  initialValue: DEFAULT_LANGUAGE,
  options: { list: LANGUAGES.map((l) => ({ title: l.title, value: l.id })) },
})

type ReviewValue = { status?: TranslationReviewStatus; reviewer?: { _ref?: string }; reviewedAt?: string }

/**
 * `translationReview`: a translation is patient information in its own right, checked by a clinician
 * who reads the language. Shown on translations only; the source language has its own review.
 * Publishing is blocked until the translation is marked reviewed, with who and when.
 */
export const translationReviewField = defineField({
  name: 'translationReview',
  title: 'Translation review',
  type: 'object',
  icon: TranslateIcon,
  description: 'A clinician who reads this language checks the translation against the source before it is published.',
  hidden: ({ document }) => languageOf(document) === DEFAULT_LANGUAGE,
  options: { collapsible: true, collapsed: false },
  fields: [
    defineField({
      name: 'status',
      title: 'Status',
      type: 'string',
      initialValue: 'awaiting-clinical-review',
      options: { list: [...TRANSLATION_REVIEW_STATUSES], layout: 'radio', direction: 'horizontal' },
    }),
    defineField({
      name: 'reviewer',
      title: 'Reviewed by',
      type: 'reference',
      to: [{ type: 'clinician' }],
    }),
    defineField({
      name: 'reviewedAt',
      title: 'Reviewed at',
      type: 'datetime',
      description: 'When the translation was last checked. An English change after this marks it "may be out of date".',
      validation: (rule) => rule.custom(checkNotInFuture),
    }),
  ],
  // A warning, so the Studio shows it while the translation is a draft; the Publish action itself
  // is held back until the review is recorded (studio/translation/ReviewedPublishAction).
  validation: (rule) =>
    rule
      .custom((value: ReviewValue | undefined, context) => {
        if (languageOf(context.document) === DEFAULT_LANGUAGE) return true
        if (value?.status !== 'reviewed') {
          return 'This translation awaits clinical review: a clinician who reads the language checks it, then sets "Clinically reviewed" with their name and the date. It cannot be published before.'
        }
        if (!value.reviewer?._ref) return 'Choose the clinician who reviewed the translation.'
        if (!value.reviewedAt) return 'Enter when the translation was reviewed.'
        return true
      })
      .warning(),
})
