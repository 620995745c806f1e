import { HelpCircleIcon } from '@sanity/icons'
import { defineArrayMember, defineField, defineType } from 'sanity'
import { languageField, translationReviewField } from '../fields/translation.js'

export const faq = defineType({
  name: 'faq',
  title: 'FAQ',
  type: 'document',
  icon: HelpCircleIcon,
  // FAQs are listed under their treatments and conditions: one linked to neither appears nowhere.
  validation: (rule) =>
    rule
      .custom((doc) => {
        const count = (value: unknown) => (Array.isArray(value) ? value.length : 0)
        return count(doc?.treatments) + count(doc?.conditions) > 0
          ? true
          : 'This FAQ is not linked to a treatment or a condition, so patients will not find it. Add one under "About treatments" or "About conditions".'
      })
      .warning(),
  fields: [
    languageField,
    translationReviewField,
    defineField({
      name: 'question',
      title: 'Question',
      type: 'string',
      description: 'As a patient would ask it.',
      validation: (rule) => rule.required().error('Write the question.'),
    }),
    defineField({
      name: 'answer',
      title: 'Answer',
      type: 'simpleBlockContent',
      validation: (rule) => rule.required().min(1).error('Write the answer to the question.'),
    }),
    defineField({
      name: 'treatments',
      title: 'About treatments',
      type: 'array',
      of: [defineArrayMember({ type: 'reference', to: [{ type: 'treatment' }] })],
      validation: (rule) => rule.unique().error('Each treatment can be added only once.'),
    }),
    defineField({
      name: 'conditions',
      title: 'About conditions',
      type: 'array',
      of: [defineArrayMember({ type: 'reference', to: [{ type: 'condition' }] })],
      validation: (rule) => rule.unique().error('Each condition can be added only once.'),
    }),
    defineField({
      name: 'order',
      title: 'Display order',
      type: 'number',
      description: 'Position among the FAQs of the same treatment or condition (1 = first).',
      validation: (rule) => rule.integer().min(0).error('The display order is a whole number, 1 for the first FAQ.'),
    }),
  ],
  orderings: [{ title: 'Display order', name: 'orderAsc', by: [{ field: 'order', direction: 'asc' }] }],
  preview: {
    select: { title: 'question', treatment: 'treatments.0.name', condition: 'conditions.0.name', order: 'order' },
    prepare({
      title,
      treatment,
      condition,
      order,
    }: {
      title?: string
      treatment?: string
      condition?: string
      order?: number
    }) {
      const topic = treatment || condition
      return {
        title: title || 'Unwritten question',
        subtitle: [topic ?? 'No treatment or condition', order !== undefined ? `#${order}` : undefined]
          .filter(Boolean)
          .join(' · '),
      }
    },
  },
})
