import { BulbOutlineIcon } from '@sanity/icons'
import { defineField, defineType } from 'sanity'
import { requiredChoice } from '../validation.js'

export const CALLOUT_TONES = [
  { title: 'Information', value: 'info' },
  { title: 'Tip', value: 'tip' },
  { title: 'Warning', value: 'warning' },
]

/** A highlighted box in a body text. */
export const callout = defineType({
  name: 'callout',
  title: 'Callout',
  type: 'object',
  icon: BulbOutlineIcon,
  fields: [
    defineField({
      name: 'tone',
      title: 'Tone',
      type: 'string',
      options: { list: CALLOUT_TONES, layout: 'radio', direction: 'horizontal' },
      initialValue: 'info',
      validation: (rule) =>
        rule.custom(requiredChoice(CALLOUT_TONES, 'Choose the tone of the callout: information, tip or warning.')),
    }),
    defineField({ name: 'title', title: 'Title', type: 'string' }),
    defineField({
      name: 'body',
      title: 'Text',
      type: 'simpleBlockContent',
      validation: (rule) => rule.required().error('Write the text of the callout, or remove the callout.'),
    }),
  ],
  preview: {
    select: { title: 'title', tone: 'tone', body: 'body' },
    prepare({
      title,
      tone,
      body,
    }: {
      title?: string
      tone?: string
      body?: Array<{ children?: Array<{ text?: string }> }>
    }) {
      const text = body?.[0]?.children?.map((c) => c.text ?? '').join('') ?? ''
      return { title: title || text || 'Callout', subtitle: `Callout (${tone ?? 'info'})` }
    },
  },
})
