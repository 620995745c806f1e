// Portable Text for long-form content (article bodies, treatment and condition texts).
// The contract (docs/content-model.md): styles normal/h2/h3/blockquote, bullet/number lists,
// strong/em, annotations link/internalLink/citationRef, custom blocks callout and accessibleImage.
import { BlockquoteIcon, DocumentTextIcon, LinkIcon } from '@sanity/icons'
import { defineArrayMember, defineField, defineType } from 'sanity'
import { checkCitationKey, checkLinkUrl } from '../validation.js'

/** `link` annotation: external links, http/https/mailto/tel only. */
export const linkAnnotation = defineArrayMember({
  name: 'link',
  title: 'Link',
  type: 'object',
  icon: LinkIcon,
  fields: [
    defineField({
      name: 'href',
      title: 'Address',
      type: 'string',
      description: 'A full address: https://…, mailto:… for e-mail or tel:… for a phone number.',
      validation: (rule) => [
        rule.required().error('Enter the address this link goes to, or remove the link.'),
        rule.custom(checkLinkUrl),
      ],
    }),
  ],
})

/** `internalLink` annotation: a reference to an article, condition or treatment. */
export const internalLinkAnnotation = defineArrayMember({
  name: 'internalLink',
  title: 'Internal link',
  type: 'object',
  icon: DocumentTextIcon,
  fields: [
    defineField({
      name: 'reference',
      title: 'Links to',
      type: 'reference',
      to: [{ type: 'article' }, { type: 'condition' }, { type: 'treatment' }],
      validation: (rule) => rule.required().error('Choose the article, condition or treatment this text links to.'),
    }),
  ],
})

/** `citationRef` annotation: marks text (e.g. "(1)") as pointing at one of the document's citations. */
export const citationRefAnnotation = defineArrayMember({
  name: 'citationRef',
  title: 'Citation',
  type: 'object',
  icon: BlockquoteIcon,
  fields: [
    defineField({
      name: 'citationKey',
      title: 'Citation key',
      type: 'string',
      description: "The key of one of this article's citations (shown in the Citations list).",
      validation: (rule) => rule.custom(checkCitationKey),
    }),
  ],
})

/** The lists every rich text allows (long-form and short answers alike). */
export const BLOCK_LISTS = [
  { title: 'Bullet', value: 'bullet' },
  { title: 'Numbered', value: 'number' },
]

/** The decorators every rich text allows: strong and emphasis, nothing presentational. */
export const BLOCK_DECORATORS = [
  { title: 'Strong', value: 'strong' },
  { title: 'Emphasis', value: 'em' },
]

export const blockContent = defineType({
  name: 'blockContent',
  title: 'Rich text',
  type: 'array',
  of: [
    defineArrayMember({
      type: 'block',
      styles: [
        { title: 'Normal', value: 'normal' },
        { title: 'Heading 2', value: 'h2' },
        { title: 'Heading 3', value: 'h3' },
        { title: 'Quote', value: 'blockquote' },
      ],
      lists: BLOCK_LISTS,
      marks: {
        decorators: BLOCK_DECORATORS,
        annotations: [linkAnnotation, internalLinkAnnotation, citationRefAnnotation],
      },
    }),
    defineArrayMember({ type: 'callout' }),
    defineArrayMember({ type: 'accessibleImage' }),
  ],
})
