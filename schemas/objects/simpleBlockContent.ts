// Portable Text for short answers (FAQ answers, callout bodies): paragraphs and lists only,
// strong/em, external and internal links. No headings, callouts or images.
import { defineArrayMember, defineType } from 'sanity'
import { BLOCK_DECORATORS, BLOCK_LISTS, internalLinkAnnotation, linkAnnotation } from './blockContent.js'

export const simpleBlockContent = defineType({
  name: 'simpleBlockContent',
  title: 'Simple rich text',
  type: 'array',
  of: [
    defineArrayMember({
      type: 'block',
      styles: [{ title: 'Normal', value: 'normal' }],
      lists: BLOCK_LISTS,
      marks: {
        decorators: BLOCK_DECORATORS,
        annotations: [linkAnnotation, internalLinkAnnotation],
      },
    }),
  ],
})
