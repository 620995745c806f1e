import { ImageIcon } from '@sanity/icons'
import { defineField, defineType } from 'sanity'
import { checkAltWhenImageSet } from '../validation.js'

/** An image with alternative text (required once an image is chosen) and an optional caption. */
export const accessibleImage = defineType({
  name: 'accessibleImage',
  title: 'Image',
  type: 'image',
  icon: ImageIcon,
  options: { hotspot: true },
  fields: [
    defineField({
      name: 'alt',
      title: 'Alternative text',
      type: 'string',
      description: 'What the image shows, for people using screen readers. Required when an image is set.',
      validation: (rule) => rule.custom(checkAltWhenImageSet),
    }),
    defineField({
      name: 'caption',
      title: 'Caption',
      type: 'string',
    }),
  ],
  preview: {
    select: { media: 'asset', alt: 'alt', caption: 'caption' },
    prepare({ media, alt, caption }: { media?: unknown; alt?: string; caption?: string }) {
      return {
        title: caption || alt || 'Image',
        subtitle: alt ? `Alt: ${alt}` : 'No alternative text yet',
        media: media as never,
      }
    },
  },
})
