// The `slug` field of every routable document: generated from its title or name, required, and
// held to the site's slug rule (model/site-paths.ts), so every web address is made the same way.
import { defineField } from 'sanity'
import { SLUG_MAX_LENGTH } from '../../model/slug.js'
import { checkSlugFormat, requireSlug } from '../validation.js'

export interface SlugFieldOptions {
  /** The field the "Generate" button makes the slug from. */
  source: 'title' | 'name'
  /** What an editor reads when the slug is missing: the document kind and how to fix it. */
  missing: string
  group?: string
  description?: string
}

/** `slug`: at most SLUG_MAX_LENGTH characters, required (`missing` says so) and in the site's slug format. */
export function slugField({ source, missing, group, description }: SlugFieldOptions) {
  return defineField({
    name: 'slug',
    title: 'Slug',
    type: 'slug',
    ...(group === undefined ? {} : { group }),
    ...(description === undefined ? {} : { description }),
    options: { source, maxLength: SLUG_MAX_LENGTH },
    validation: (rule) => rule.custom(requireSlug(missing)).custom(checkSlugFormat),
  })
}
