import { CalendarIcon } from '@sanity/icons'
import { defineField, defineType } from 'sanity'
import { checkLinkUrl } from '../validation.js'

export const callToAction = defineType({
  name: 'callToAction',
  title: 'Call to action',
  type: 'object',
  icon: CalendarIcon,
  fields: [
    defineField({ name: 'heading', title: 'Heading', type: 'string' }),
    defineField({ name: 'text', title: 'Text', type: 'text', rows: 2 }),
    defineField({
      name: 'buttonLabel',
      title: 'Button label',
      type: 'string',
      initialValue: 'Book an appointment',
    }),
    defineField({
      name: 'url',
      title: 'Button link',
      type: 'url',
      description: "Leave empty to use the clinic's booking URL.",
      validation: (rule) => rule.uri({ scheme: ['http', 'https', 'mailto', 'tel'] }).custom(checkLinkUrl),
    }),
  ],
})
