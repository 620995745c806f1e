import { SearchIcon } from '@sanity/icons'
import { defineField, defineType } from 'sanity'
import { maxLengthAdvice } from '../validation.js'

export const seo = defineType({
  name: 'seo',
  title: 'SEO',
  type: 'object',
  icon: SearchIcon,
  fields: [
    defineField({
      name: 'metaTitle',
      title: 'Meta title',
      type: 'string',
      description: 'The title search engines show. Defaults to the title. Keep it under 60 characters.',
      validation: (rule) => rule.custom(maxLengthAdvice(60, 'search results')).warning(),
    }),
    defineField({
      name: 'metaDescription',
      title: 'Meta description',
      type: 'text',
      rows: 3,
      description: 'The summary search engines show. Defaults to the excerpt. Keep it under 160 characters.',
      validation: (rule) => rule.custom(maxLengthAdvice(160, 'search results')).warning(),
    }),
    defineField({
      name: 'noIndex',
      title: 'Hide from search engines',
      type: 'boolean',
      initialValue: false,
    }),
  ],
})
