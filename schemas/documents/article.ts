import { DocumentTextIcon } from '@sanity/icons'
import { defineArrayMember, defineField, defineType } from 'sanity'
import {
  checkExcerptAdvised,
  checkExcerptMax,
  checkIndependentReview,
  checkNextReviewAfterLastReview,
  checkNextReviewNotPast,
  checkNotInFuture,
  todayIsoDate,
} from '../validation.js'
import { checkReadingGrade } from '../readingGrade.js'
import { languageField, translationReviewField } from '../fields/translation.js'
import { slugField } from '../fields/slug.js'

export const article = defineType({
  name: 'article',
  title: 'Article',
  type: 'document',
  icon: DocumentTextIcon,
  groups: [
    { name: 'content', title: 'Content', default: true },
    { name: 'medicalReview', title: 'Medical review' },
    { name: 'relations', title: 'Relations' },
    { name: 'seo', title: 'SEO' },
    { name: 'syndication', title: 'Syndication' },
  ],
  fieldsets: [{ name: 'reviewDates', title: 'Review dates', options: { columns: 2 } }],
  fields: [
    languageField,
    { ...translationReviewField, group: 'medicalReview' },
    defineField({
      name: 'title',
      title: 'Title',
      type: 'string',
      group: 'content',
      validation: (rule) => rule.required().error('Give the article a title.'),
    }),
    slugField({
      source: 'title',
      group: 'content',
      description: 'The last part of the article\'s web address. Click "Generate" to make it from the title.',
      missing: 'The article needs a slug for its web address: click "Generate".',
    }),
    defineField({
      name: 'excerpt',
      title: 'Excerpt',
      type: 'text',
      rows: 3,
      group: 'content',
      description: 'One or two sentences shown in lists and search results (up to 160 characters is best).',
      validation: (rule) => [
        rule.custom(checkExcerptMax),
        rule.custom(checkExcerptAdvised).warning(),
        rule.required().warning('Add a short excerpt: lists and search results show it.'),
      ],
    }),
    defineField({
      name: 'heroImage',
      title: 'Hero image',
      type: 'accessibleImage',
      group: 'content',
    }),
    defineField({
      name: 'body',
      title: 'Body',
      type: 'blockContent',
      group: 'content',
      validation: (rule) => [
        rule.required().min(1).error('Write the article body: it is empty.'),
        // Above the clinic's target grade: a warning, or an error if the clinic chose to block.
        rule.custom(checkReadingGrade('warning')).warning(),
        rule.custom(checkReadingGrade('error')).error(),
      ],
    }),
    defineField({
      name: 'author',
      title: 'Author',
      type: 'reference',
      to: [{ type: 'clinician' }],
      group: 'content',
      validation: (rule) => rule.required().error('Choose the clinician who wrote the article.'),
    }),
    defineField({
      name: 'publishedAt',
      title: 'Published at',
      type: 'datetime',
      group: 'content',
      description: 'Left empty, it is set to the moment you first publish. Article lists are ordered by it.',
    }),
    defineField({
      name: 'medicalReviewer',
      title: 'Medical reviewer',
      type: 'reference',
      to: [{ type: 'clinician' }],
      group: 'medicalReview',
      description: 'The clinician who checked the article is medically accurate.',
      validation: (rule) => [
        rule
          .required()
          .error('Choose the clinician who reviewed the article: patient information must be medically reviewed.'),
        rule.custom(checkIndependentReview).warning(),
      ],
    }),
    defineField({
      name: 'lastReviewed',
      title: 'Last reviewed',
      type: 'date',
      group: 'medicalReview',
      fieldset: 'reviewDates',
      validation: (rule) => [
        rule.required().error('Enter the date of the last medical review.'),
        rule.custom(checkNotInFuture),
      ],
    }),
    defineField({
      name: 'nextReviewDue',
      title: 'Next review due',
      type: 'date',
      group: 'medicalReview',
      fieldset: 'reviewDates',
      description: 'Usually 12 months after the last review.',
      validation: (rule) => [
        rule.custom(checkNextReviewAfterLastReview),
        rule.custom(checkNextReviewNotPast).warning(),
        rule
          .required()
          .warning('Set when the article should next be reviewed (usually 12 months after the last review).'),
      ],
    }),
    defineField({
      name: 'categories',
      title: 'Categories',
      type: 'array',
      group: 'relations',
      of: [defineArrayMember({ type: 'reference', to: [{ type: 'category' }] })],
      validation: (rule) => rule.unique().error('Each category can be added only once.'),
    }),
    defineField({
      name: 'conditions',
      title: 'Conditions',
      type: 'array',
      group: 'relations',
      of: [defineArrayMember({ type: 'reference', to: [{ type: 'condition' }] })],
      validation: (rule) => rule.unique().error('Each condition can be added only once.'),
    }),
    defineField({
      name: 'treatments',
      title: 'Treatments',
      type: 'array',
      group: 'relations',
      of: [defineArrayMember({ type: 'reference', to: [{ type: 'treatment' }] })],
      validation: (rule) => rule.unique().error('Each treatment can be added only once.'),
    }),
    defineField({
      name: 'faqs',
      title: 'FAQs',
      type: 'array',
      group: 'relations',
      description: 'Shown in this order.',
      of: [defineArrayMember({ type: 'reference', to: [{ type: 'faq' }] })],
      validation: (rule) => rule.unique().error('Each FAQ can be added only once.'),
    }),
    defineField({
      name: 'careInstructions',
      title: 'Care instructions',
      type: 'array',
      group: 'relations',
      description: 'Shown in this order (before treatment first).',
      of: [defineArrayMember({ type: 'reference', to: [{ type: 'careInstruction' }] })],
      validation: (rule) => rule.unique().error('Each care instruction can be added only once.'),
    }),
    defineField({
      name: 'citations',
      title: 'Citations',
      type: 'array',
      group: 'content',
      description: 'Sources, numbered in this order. Mark text in the body with "Citation" to point at one.',
      of: [defineArrayMember({ type: 'citation' })],
    }),
    defineField({
      name: 'callToAction',
      title: 'Call to action',
      type: 'callToAction',
      group: 'content',
    }),
    defineField({ name: 'seo', title: 'SEO', type: 'seo', group: 'seo' }),
    defineField({
      name: 'syndication',
      title: 'Syndication',
      type: 'syndicationSettings',
      group: 'syndication',
    }),
  ],
  orderings: [
    { title: 'Published, newest first', name: 'publishedAtDesc', by: [{ field: 'publishedAt', direction: 'desc' }] },
    { title: 'Next review due', name: 'nextReviewDueAsc', by: [{ field: 'nextReviewDue', direction: 'asc' }] },
  ],
  preview: {
    select: {
      title: 'title',
      author: 'author.name',
      reviewer: 'medicalReviewer.name',
      nextReviewDue: 'nextReviewDue',
      media: 'heroImage',
    },
    prepare({
      title,
      author,
      reviewer,
      nextReviewDue,
      media,
    }: {
      title?: string
      author?: string
      reviewer?: string
      nextReviewDue?: string
      media?: unknown
    }) {
      let review: string
      if (!reviewer) review = 'not medically reviewed'
      else if (nextReviewDue && nextReviewDue < todayIsoDate()) review = `review overdue since ${nextReviewDue}`
      else review = `reviewed by ${reviewer}${nextReviewDue ? `, next ${nextReviewDue}` : ''}`
      return {
        title: title || 'Untitled article',
        subtitle: `${author ? `By ${author}` : 'No author'} · ${review}`,
        media: media as never,
      }
    },
  },
})
