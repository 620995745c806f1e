import { ShareIcon } from '@sanity/icons'
import { defineField, defineType } from 'sanity'
import { checkWebUrl } from '../validation.js'

export const syndicationSettings = defineType({
  name: 'syndicationSettings',
  title: 'Syndication',
  type: 'object',
  icon: ShareIcon,
  fields: [
    defineField({
      name: 'allowed',
      title: 'Partners may republish this article',
      type: 'boolean',
      initialValue: false,
    }),
    defineField({
      name: 'embargoUntil',
      title: 'Embargo until',
      type: 'datetime',
      description: 'Partners receive the article only after this moment.',
    }),
    defineField({
      name: 'canonicalUrl',
      title: 'Canonical URL override',
      type: 'url',
      description: 'Only if the original lives elsewhere than the clinic site.',
      validation: (rule) => rule.custom(checkWebUrl),
    }),
  ],
})
