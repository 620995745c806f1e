import { TagIcon } from '@sanity/icons'
import { defineField, defineType } from 'sanity'
import { slugField } from '../fields/slug.js'

export const category = defineType({
  name: 'category',
  title: 'Category',
  type: 'document',
  icon: TagIcon,
  fields: [
    defineField({
      name: 'title',
      title: 'Title',
      type: 'string',
      validation: (rule) => rule.required().error('Give the category a title.'),
    }),
    slugField({ source: 'title', missing: 'The category needs a slug: click "Generate".' }),
    defineField({ name: 'description', title: 'Description', type: 'text', rows: 2 }),
  ],
  preview: { select: { title: 'title', subtitle: 'description' } },
})
