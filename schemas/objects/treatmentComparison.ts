import { SplitVerticalIcon } from '@sanity/icons'
import { defineField, defineType } from 'sanity'

export const treatmentComparison = defineType({
  name: 'treatmentComparison',
  title: 'How it differs',
  type: 'object',
  icon: SplitVerticalIcon,
  fields: [
    defineField({
      name: 'comparedTo',
      title: 'Compared to',
      type: 'string',
      description: 'e.g. "Acupuncture"',
      validation: (rule) => rule.required().error('Name the treatment this one is compared to, e.g. "Acupuncture".'),
    }),
    defineField({
      name: 'difference',
      title: 'Difference',
      type: 'text',
      rows: 3,
      validation: (rule) => rule.required().error('Explain how the two treatments differ.'),
    }),
  ],
  preview: { select: { title: 'comparedTo', subtitle: 'difference' } },
})
