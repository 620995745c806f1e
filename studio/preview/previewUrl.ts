// The delivery page a document is previewed on. The path comes from the site's one route
// table (model/site-paths.ts), so the Studio and the site never disagree on a URL.
import { pathFor } from '../../model/site-paths.js'

/** Types the delivery server renders a reference HTML page for. */
export const PREVIEWABLE_TYPES: ReadonlySet<string> = new Set(['article', 'condition', 'treatment'])

export interface PreviewTarget {
  _type?: string | null
  slug?: { current?: string | null } | string | null
}

/**
 * The absolute URL of the document's page on the delivery server, or null when it has none
 * (a type without pages, or no valid slug yet).
 */
export function previewUrlFor(doc: PreviewTarget | null | undefined, baseUrl: string): string | null {
  if (!doc || typeof doc._type !== 'string' || !PREVIEWABLE_TYPES.has(doc._type)) return null
  const path = pathFor({ _type: doc._type, slug: doc.slug ?? null })
  return path === null ? null : `${baseUrl.replace(/\/+$/, '')}${path}`
}
