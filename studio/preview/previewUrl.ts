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

/** The query parameters of delivery's preview-mode enable route (`@sanity/preview-url-secret`). */
export const PREVIEW_SECRET_PARAM = 'sanity-preview-secret'
export const PREVIEW_PATHNAME_PARAM = 'sanity-preview-pathname'
export const PREVIEW_PERSPECTIVE_PARAM = 'sanity-preview-perspective'

/**
 * The URL that turns delivery's preview mode on with `secret` and then shows `doc`'s page with its
 * draft, or null when the document has no page (see {@link previewUrlFor}).
 */
export function draftPreviewUrlFor(
  doc: PreviewTarget | null | undefined,
  baseUrl: string,
  enablePath: string,
  secret: string,
): string | null {
  if (!doc || typeof doc._type !== 'string' || !PREVIEWABLE_TYPES.has(doc._type)) return null
  const path = pathFor({ _type: doc._type, slug: doc.slug ?? null })
  if (path === null) return null
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}${enablePath}`)
  url.searchParams.set(PREVIEW_SECRET_PARAM, secret)
  url.searchParams.set(PREVIEW_PATHNAME_PARAM, path)
  url.searchParams.set(PREVIEW_PERSPECTIVE_PARAM, 'drafts')
  return url.toString()
}
