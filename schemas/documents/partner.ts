import { UsersIcon } from '@sanity/icons'
import { defineArrayMember, defineField, defineType } from 'sanity'
import { DEFAULT_LANGUAGE, LANGUAGES } from '../../model/languages.js'
import { PARTNER_STATUSES, titleOf } from '../../model/values.js'
import { checkEmail, checkWebUrl, requiredChoice } from '../validation.js'

/** A partner clinic that republishes articles. API key storage is added by syndication. */
export const partner = defineType({
  name: 'partner',
  title: 'Partner clinic',
  type: 'document',
  icon: UsersIcon,
  fields: [
    defineField({
      name: 'name',
      title: 'Name',
      type: 'string',
      validation: (rule) => rule.required().error("Enter the partner clinic's name."),
    }),
    defineField({
      name: 'siteUrl',
      title: 'Website',
      type: 'url',
      validation: (rule) => rule.custom(checkWebUrl),
    }),
    defineField({ name: 'contactName', title: 'Contact name', type: 'string' }),
    defineField({
      name: 'contactEmail',
      title: 'Contact e-mail',
      type: 'string',
      validation: (rule) => rule.custom(checkEmail),
    }),
    defineField({
      name: 'status',
      title: 'Status',
      type: 'string',
      options: { list: [...PARTNER_STATUSES], layout: 'radio', direction: 'horizontal' },
      initialValue: 'active',
      validation: (rule) =>
        rule.custom(requiredChoice(PARTNER_STATUSES, 'Choose whether the partner is active or suspended.')),
    }),
    defineField({
      name: 'allowedCategories',
      title: 'Allowed categories',
      type: 'array',
      description: 'The partner receives syndicated articles of these categories only.',
      of: [defineArrayMember({ type: 'reference', to: [{ type: 'category' }] })],
      validation: (rule) => rule.unique().error('Each category can be added only once.'),
    }),
    defineField({
      name: 'languages',
      title: 'Licensed languages',
      type: 'array',
      description: 'The partner receives articles in these languages only (English when none is chosen).',
      of: [defineArrayMember({ type: 'string' })],
      options: { list: LANGUAGES.map((l) => ({ title: l.title, value: l.id })), layout: 'grid' },
      initialValue: [DEFAULT_LANGUAGE],
      validation: (rule) => rule.unique().error('Each language can be added only once.'),
    }),
    defineField({
      name: 'webhookUrl',
      title: 'Webhook URL',
      type: 'url',
      description: 'Where change notifications are sent (https).',
      validation: (rule) => rule.custom(checkWebUrl),
    }),
  ],
  preview: {
    select: { title: 'name', status: 'status', site: 'siteUrl' },
    prepare({ title, status, site }: { title?: string; status?: string; site?: string }) {
      return {
        title: title || 'Unnamed partner',
        subtitle: [titleOf(PARTNER_STATUSES, status) ?? 'No status', site].filter(Boolean).join(' · '),
      }
    },
  },
})
