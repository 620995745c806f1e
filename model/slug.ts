// The slug rules. A slug is the last segment of a document's site path (`/articles/<slug>`), so
// three questions are asked of one:
//  - may an editor save it? (`isEditorSlug`: what Sanity's slugify makes from a title: lowercase
//    words joined by single hyphens, at most SLUG_MAX_LENGTH characters);
//  - may a site path be built from it? (`isPathSlug`: the editor rule, also tolerating "_" between
//    words, which imported content carries; never anything that could escape the path segment);
//  - may a request look it up? (`isLookupSlug` / LOOKUP_SLUG_PATTERN: any URL-safe token, so a slug
//    outside the editor rule is answered "not found" rather than "bad request").
//
// Pure and browser-safe: no Node imports, no I/O.

/** The longest slug an editor may save. */
export const SLUG_MAX_LENGTH = 96

const EDITOR_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
const PATH_SLUG = /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/

/** The look-up pattern as a string, for JSON schemas (`pattern`) and `new RegExp`. */
export const LOOKUP_SLUG_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._~-]{0,199}$'
const LOOKUP_SLUG = new RegExp(LOOKUP_SLUG_PATTERN)

/**
 * The shape an editor may save: lowercase letters, digits and single hyphens ("tennis-elbow").
 * The length (SLUG_MAX_LENGTH) is checked apart, so the editor is told which of the two to fix.
 */
export function isEditorSlug(slug: string): boolean {
  return EDITOR_SLUG.test(slug)
}

/** What a site path may be built from (the editor rule, also allowing "_" between words). */
export function isPathSlug(slug: string): boolean {
  return PATH_SLUG.test(slug)
}

/** What a request may name as a slug (letters, digits, ".", "_", "~", "-"; at most 200 characters). */
export function isLookupSlug(slug: string): boolean {
  return LOOKUP_SLUG.test(slug)
}
