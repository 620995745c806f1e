import { BlockContentIcon } from '@sanity/icons'
import { defineField, defineType } from 'sanity'
import { requiredChoice } from '../validation.js'

export const CONDITION_ASPECTS = [
  { title: 'Overview', value: 'overview' },
  { title: 'Symptoms', value: 'symptoms' },
  { title: 'Causes', value: 'causes' },
  { title: 'Treatments', value: 'treatments' },
  { title: 'Self-care', value: 'self-care' },
]

/** One aspect of a condition (overview, symptoms, causes, treatments, self-care). */
export const conditionSection = defineType({
  name: 'conditionSection',
  title: 'Section',
  type: 'object',
  icon: BlockContentIcon,
  fields: [
    defineField({
      name: 'aspect',
      title: 'Aspect',
      type: 'string',
      options: { list: CONDITION_ASPECTS },
      validation: (rule) =>
        rule.custom(requiredChoice(CONDITION_ASPECTS, 'Choose which aspect of the condition this section covers.')),
    }),
    defineField({
      name: 'body',
      title: 'Text',
      type: 'blockContent',
      validation: (rule) => rule.required().error('Write the section text, or remove the section.'),
    }),
  ],
  preview: {
    select: { aspect: 'aspect' },
    prepare({ aspect }: { aspect?: string }) {
      return { title: CONDITION_ASPECTS.find((a) => a.value === aspect)?.title ?? 'Section' }
    },
  },
})
