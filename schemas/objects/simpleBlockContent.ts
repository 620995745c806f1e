// Portable Text for short answers (FAQ answers, callout bodies): paragraphs and lists only,
// strong/em, external and internal links. No headings, callouts or images.
import { defineArrayMember, defineType } from 'sanity'
import { internalLinkAnnotation, linkAnnotation } from './blockContent.js'

export const simpleBlockContent = defineType({
  name: 'simpleBlockContent',
  title: 'Simple rich text',
  type: 'array',
  of: [
    defineArrayMember({
      type: 'block',
      styles: [{ title: 'Normal', value: 'normal' }],
      lists: [
        { title: 'Bullet', value: 'bullet' },
        { title: 'Numbered', value: 'number' },
      ],
      marks: {
        decorators: [
          { title: 'Strong', value: 'strong' },
          { title: 'Emphasis', value: 'em' },
        ],
        annotations: [linkAnnotation, internalLinkAnnotation],
      },
    }),
  ],
})
