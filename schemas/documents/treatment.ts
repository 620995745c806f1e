import { HeartIcon } from '@sanity/icons'
import { defineArrayMember, defineField, defineType } from 'sanity'
import { languageField, translationReviewField } from '../fields/translation.js'
import { slugField } from '../fields/slug.js'

export const treatment = defineType({
  name: 'treatment',
  title: 'Treatment',
  type: 'document',
  icon: HeartIcon,
  groups: [
    { name: 'about', title: 'About', default: true },
    { name: 'patient', title: 'For patients' },
    { name: 'relations', title: 'Relations' },
  ],
  fields: [
    languageField,
    { ...translationReviewField, group: 'about' },
    defineField({
      name: 'name',
      title: 'Name',
      type: 'string',
      group: 'about',
      validation: (rule) => rule.required().error('Give the treatment a name.'),
    }),
    slugField({
      source: 'name',
      group: 'about',
      missing: 'The treatment needs a slug for its web address: click "Generate".',
    }),
    defineField({
      name: 'summary',
      title: 'Summary',
      type: 'text',
      rows: 3,
      group: 'about',
      validation: (rule) => rule.required().warning('Add a one-paragraph summary: lists and search results show it.'),
    }),
    defineField({ name: 'howItWorks', title: 'How it works', type: 'blockContent', group: 'about' }),
    defineField({
      name: 'differsFrom',
      title: 'How it differs from similar treatments',
      type: 'array',
      group: 'about',
      of: [defineArrayMember({ type: 'treatmentComparison' })],
    }),
    defineField({
      name: 'whoMayPerform',
      title: 'Who may perform it',
      type: 'text',
      rows: 3,
      group: 'about',
      description: 'The training or certification a clinician needs.',
    }),
    defineField({ name: 'whatToExpect', title: 'What to expect', type: 'blockContent', group: 'patient' }),
    defineField({
      name: 'sideEffects',
      title: 'Side effects',
      type: 'array',
      group: 'patient',
      of: [defineArrayMember({ type: 'string' })],
    }),
    defineField({
      name: 'complementaryTreatments',
      title: 'Works well with',
      type: 'array',
      group: 'patient',
      of: [defineArrayMember({ type: 'string' })],
    }),
    defineField({
      name: 'conditions',
      title: 'Conditions it treats',
      type: 'array',
      group: 'relations',
      of: [defineArrayMember({ type: 'reference', to: [{ type: 'condition' }] })],
      validation: (rule) => rule.unique().error('Each condition can be added only once.'),
    }),
  ],
  preview: {
    select: { title: 'name', summary: 'summary', conditions: 'conditions' },
    prepare({ title, summary, conditions }: { title?: string; summary?: string; conditions?: unknown[] }) {
      const count = conditions?.length ?? 0
      return {
        title: title || 'Unnamed treatment',
        subtitle: count > 0 ? `Treats ${count} condition${count === 1 ? '' : 's'}` : summary,
      }
    },
  },
})
