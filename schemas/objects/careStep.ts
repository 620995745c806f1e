import { CheckmarkCircleIcon } from '@sanity/icons'
import { defineField, defineType } from 'sanity'

/** One step of a care instruction, with an optional timing ("30 minutes before", "for 24 hours"). */
export const careStep = defineType({
  name: 'careStep',
  title: 'Step',
  type: 'object',
  icon: CheckmarkCircleIcon,
  fields: [
    defineField({
      name: 'instruction',
      title: 'Instruction',
      type: 'string',
      validation: (rule) => rule.required().error('Write what the patient should do in this step.'),
    }),
    defineField({
      name: 'timing',
      title: 'Timing',
      type: 'string',
      description: 'Optional, e.g. "30 minutes before" or "for 24 hours".',
    }),
  ],
  preview: {
    select: { title: 'instruction', subtitle: 'timing' },
  },
})
