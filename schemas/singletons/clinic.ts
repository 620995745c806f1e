import { HomeIcon } from '@sanity/icons'
import { defineField, defineType } from 'sanity'
import { CLINIC_ID } from '../../model/values.js'
import { DEFAULT_TARGET_GRADE } from '../readingGrade.js'
import { checkEmail, checkWebUrl } from '../validation.js'

/**
 * The site URL is the base of every canonical link, sitemap entry and feed link, so beyond being an
 * http(s) address (checkWebUrl) it must be a plain site address: a host, no user name or password,
 * no query or fragment (they would end up inside every generated URL).
 */
export function checkSiteUrl(value: unknown): true | string {
  if (typeof value !== 'string' || value === '') return true
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return true // checkWebUrl explains what is wrong
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return true
  if (!url.hostname) return `"${value}" has no site name after ${url.protocol}//.`
  if (url.username || url.password) return 'Remove the user name and password from the website address.'
  if (url.search || url.hash)
    return `Use the website's address without "?..." or "#...": ${url.origin}${url.pathname === '/' ? '' : url.pathname}`
  return true
}

/** The clinic's settings. A singleton: the one document has `_id` `clinic` (CLINIC_ID). */
export const clinic = defineType({
  name: 'clinic',
  title: 'Clinic settings',
  type: 'document',
  icon: HomeIcon,
  // Delivery reads the settings by id: a second clinic document would be silently ignored.
  validation: (rule) =>
    rule.custom((doc: { _id?: string } | undefined) => {
      const id = doc?._id ?? ''
      const publishedId = id.replace(/^drafts\./, '').replace(/^versions\.[^.]+\./, '')
      return publishedId === CLINIC_ID
        ? true
        : `There is one clinic settings document, with the id "${CLINIC_ID}"; this one is "${id}". Edit "Clinic settings" instead and delete this copy.`
    }),
  groups: [
    { name: 'details', title: 'Details', default: true },
    { name: 'legal', title: 'Disclaimer and syndication' },
    { name: 'writing', title: 'Writing' },
  ],
  fields: [
    defineField({
      name: 'name',
      title: 'Name',
      type: 'string',
      group: 'details',
      validation: (rule) => rule.required().error("Enter the clinic's name."),
    }),
    defineField({
      name: 'siteUrl',
      title: 'Website',
      type: 'url',
      group: 'details',
      description: 'Used for canonical links and structured data.',
      validation: (rule) =>
        rule
          .custom((value: unknown) =>
            value ? true : "Enter the clinic's website address: pages and feeds link to it.",
          )
          .custom(checkWebUrl)
          .custom(checkSiteUrl),
    }),
    defineField({
      name: 'bookingUrl',
      title: 'Booking URL',
      type: 'url',
      group: 'details',
      description: 'Where "Book an appointment" buttons go unless an article says otherwise.',
      validation: (rule) => rule.custom(checkWebUrl),
    }),
    defineField({ name: 'phone', title: 'Phone', type: 'string', group: 'details' }),
    defineField({
      name: 'email',
      title: 'E-mail',
      type: 'string',
      group: 'details',
      validation: (rule) => rule.custom(checkEmail),
    }),
    defineField({ name: 'address', title: 'Address', type: 'postalAddress', group: 'details' }),
    defineField({ name: 'logo', title: 'Logo', type: 'accessibleImage', group: 'details' }),
    defineField({
      name: 'medicalDisclaimer',
      title: 'Medical disclaimer',
      type: 'text',
      rows: 4,
      group: 'legal',
      description: 'Shown under every article.',
      validation: (rule) => rule.required().warning('Add the medical disclaimer shown under articles.'),
    }),
    defineField({
      name: 'syndicationLicence',
      title: 'Syndication licence',
      type: 'text',
      rows: 4,
      group: 'legal',
      description: 'The terms partners republish articles under (sent with every syndicated article).',
    }),
    defineField({
      name: 'attributionText',
      title: 'Attribution text',
      type: 'text',
      rows: 2,
      group: 'legal',
      description: 'What partners must show with a republished article.',
    }),
    defineField({
      name: 'targetReadingGrade',
      title: 'Target reading grade',
      type: 'number',
      group: 'writing',
      initialValue: DEFAULT_TARGET_GRADE,
      description:
        'Articles should read at or below this US school grade (Flesch-Kincaid). NIH advises grade 8 for patient education, the AMA grade 6. Left empty: grade 8.',
      validation: (rule) =>
        rule.custom((value: unknown) =>
          value === undefined || value === null || (typeof value === 'number' && value >= 1 && value <= 18)
            ? true
            : 'Enter a grade between 1 and 18 (8 is the usual target for patient education).',
        ),
    }),
    defineField({
      name: 'readingGradeBlocksPublish',
      title: 'Block publishing above the target grade',
      type: 'boolean',
      group: 'writing',
      initialValue: false,
      description:
        'Off: an article above the target gets a warning and can still be published. On: it cannot be published until it reads at the target.',
    }),
  ],
  preview: {
    select: { title: 'name', subtitle: 'siteUrl' },
    prepare({ title, subtitle }: { title?: string; subtitle?: string }) {
      return { title: title || 'Clinic settings', subtitle: subtitle ?? 'Clinic settings' }
    },
  },
})
