import { UserIcon } from '@sanity/icons'
import { defineArrayMember, defineField, defineType } from 'sanity'
import { slugField } from '../fields/slug.js'

export const clinician = defineType({
  name: 'clinician',
  title: 'Clinician',
  type: 'document',
  icon: UserIcon,
  fields: [
    defineField({
      name: 'name',
      title: 'Name',
      type: 'string',
      validation: (rule) => rule.required().error("Enter the clinician's name."),
    }),
    defineField({
      name: 'handle',
      title: 'Handle',
      type: 'string',
      description: 'Short sign-in style name, e.g. "kelliegomia".',
      validation: (rule) =>
        rule
          .regex(/^[a-z0-9._-]+$/, { name: 'handle' })
          .error('Use lowercase letters, digits, dots, hyphens or underscores, without spaces.'),
    }),
    slugField({ source: 'name', missing: 'The clinician needs a slug for their profile page: click "Generate".' }),
    defineField({ name: 'role', title: 'Role', type: 'string', description: 'e.g. "Physical Therapist"' }),
    defineField({
      name: 'credentials',
      title: 'Credentials',
      type: 'array',
      description: 'Post-nominal letters, e.g. PT, DPT.',
      of: [defineArrayMember({ type: 'string' })],
      options: { layout: 'tags' },
    }),
    defineField({
      name: 'certifications',
      title: 'Certifications',
      type: 'array',
      of: [defineArrayMember({ type: 'string' })],
    }),
    defineField({ name: 'bio', title: 'Bio', type: 'text', rows: 4 }),
    defineField({ name: 'photo', title: 'Photo', type: 'accessibleImage' }),
  ],
  preview: {
    select: { title: 'name', role: 'role', credentials: 'credentials', media: 'photo' },
    prepare({
      title,
      role,
      credentials,
      media,
    }: {
      title?: string
      role?: string
      credentials?: string[]
      media?: unknown
    }) {
      return {
        title: [title || 'Unnamed clinician', credentials?.join(', ')].filter(Boolean).join(', '),
        subtitle: role,
        media: media as never,
      }
    },
  },
})
