import { BookIcon } from '@sanity/icons'
import { defineArrayMember, defineField, defineType } from 'sanity'
import { checkDoi, checkPmid, checkWebUrl } from '../validation.js'

/**
 * A scholarly source. In an article's `citations[]`, each item's `_key` is what `citationRef` marks
 * in the body point at; renderers number citations by their position (1-based).
 */
export const citation = defineType({
  name: 'citation',
  title: 'Citation',
  type: 'object',
  icon: BookIcon,
  fields: [
    defineField({
      name: 'authors',
      title: 'Authors',
      type: 'array',
      of: [defineArrayMember({ type: 'string' })],
      description: 'One author per entry, as journals print them: surname and initials, e.g. "Gattie E".',
      validation: (rule) =>
        rule.required().min(1).error('Add at least one author (surname and initials, e.g. "Gattie E").'),
    }),
    defineField({
      name: 'title',
      title: 'Title',
      type: 'string',
      validation: (rule) => rule.required().error('Enter the title of the cited article or book.'),
    }),
    defineField({
      name: 'journal',
      title: 'Journal',
      type: 'string',
      description: 'Abbreviated as on PubMed, e.g. "J Orthop Sports Phys Ther".',
    }),
    defineField({
      name: 'year',
      title: 'Year',
      type: 'number',
      validation: (rule) =>
        rule
          .integer()
          .min(1800)
          .max(new Date().getUTCFullYear() + 1)
          .error('Enter the year of publication, e.g. 2017.'),
    }),
    defineField({ name: 'volume', title: 'Volume', type: 'string' }),
    defineField({ name: 'issue', title: 'Issue', type: 'string' }),
    defineField({ name: 'pages', title: 'Pages', type: 'string', description: 'e.g. 133-149' }),
    defineField({
      name: 'doi',
      title: 'DOI',
      type: 'string',
      description: 'e.g. 10.2519/jospt.2017.7096 (without https://doi.org/).',
      validation: (rule) => rule.custom(checkDoi),
    }),
    defineField({ name: 'pmid', title: 'PMID', type: 'string', validation: (rule) => rule.custom(checkPmid) }),
    defineField({ name: 'url', title: 'URL', type: 'url', validation: (rule) => rule.custom(checkWebUrl) }),
  ],
  preview: {
    select: { title: 'title', authors: 'authors', journal: 'journal', year: 'year' },
    prepare({
      title,
      authors,
      journal,
      year,
    }: {
      title?: string
      authors?: string[]
      journal?: string
      year?: number
    }) {
      const who =
        authors && authors.length > 0 ? `${authors[0]}${authors.length > 1 ? ' et al.' : ''}` : 'Unknown author'
      return { title: title || 'Untitled source', subtitle: [who, journal, year].filter(Boolean).join(' · ') }
    },
  },
})
