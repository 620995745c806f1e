import { ClipboardIcon } from '@sanity/icons'
import { defineArrayMember, defineField, defineType } from 'sanity'
import { CARE_PHASES, titleOf } from '../../model/values.js'
import { requiredChoice } from '../validation.js'
import { languageField, translationReviewField } from '../fields/translation.js'
import { slugField } from '../fields/slug.js'

export const careInstruction = defineType({
  name: 'careInstruction',
  title: 'Care instruction',
  type: 'document',
  icon: ClipboardIcon,
  fields: [
    languageField,
    translationReviewField,
    defineField({
      name: 'title',
      title: 'Title',
      type: 'string',
      validation: (rule) => rule.required().error('Give the care instruction a title, e.g. "Before dry needling".'),
    }),
    slugField({ source: 'title', missing: 'The care instruction needs a slug: click "Generate".' }),
    defineField({
      name: 'treatment',
      title: 'Treatment',
      type: 'reference',
      to: [{ type: 'treatment' }],
      validation: (rule) => rule.required().error('Choose the treatment these instructions are for.'),
    }),
    defineField({
      name: 'phase',
      title: 'When',
      type: 'string',
      options: { list: [...CARE_PHASES], layout: 'radio', direction: 'horizontal' },
      validation: (rule) =>
        rule.custom(requiredChoice(CARE_PHASES, 'Choose whether these steps are for before or after the treatment.')),
    }),
    defineField({
      name: 'steps',
      title: 'Steps',
      type: 'array',
      of: [defineArrayMember({ type: 'careStep' })],
      validation: (rule) => rule.required().min(1).error('Add at least one step.'),
    }),
    defineField({
      name: 'contactTherapistWhen',
      title: 'Contact your therapist when',
      type: 'text',
      rows: 3,
    }),
  ],
  preview: {
    select: { title: 'title', phase: 'phase', treatment: 'treatment.name' },
    prepare({ title, phase, treatment }: { title?: string; phase?: string; treatment?: string }) {
      return {
        title: title || 'Untitled care instruction',
        subtitle: [titleOf(CARE_PHASES, phase) ?? 'No phase', treatment].filter(Boolean).join(' · '),
      }
    },
  },
})
