// What the Presentation tool needs to know about the site, derived from the site's one route table
// (model/site-paths.ts) so the Studio and delivery never disagree on a URL:
//  - `mainDocuments`: which document a page in the preview frame is about (the Studio opens it
//    beside the frame as the editor navigates);
//  - `locationsOf`: on which pages a document is shown (the "Used on N pages" banner in the
//    document form, and the links Presentation offers). Articles, conditions and treatments have
//    a page of their own; FAQs and care instructions are shown on the pages that list them.
//
// Pure and browser-safe: no Studio imports, so tests can run it in Node.
import type { DocumentLocationsState, DocumentResolver } from 'sanity/presentation'
import { pathFor, ROUTES, type RoutableType } from '../../model/site-paths.js'

/** delivery's preview-mode routes (the `@sanity/preview-url-secret` flow). */
export const PREVIEW_MODE = { enable: '/api/draft-mode/enable', disable: '/api/draft-mode/disable' } as const

/** One resolver per routable type: `/articles/:slug` -> the article with that slug. */
export const MAIN_DOCUMENTS: DocumentResolver[] = (Object.keys(ROUTES) as RoutableType[]).map((type) => ({
  route: `${ROUTES[type].collection}/:slug`,
  resolve: ({ params }) => ({
    filter: '_type == $type && slug.current == $slug',
    params: { type, slug: params.slug ?? '' },
  }),
}))

/** A page candidate as `LOCATIONS.fetch` projects it. */
export interface PageRef {
  _type?: string | null
  slug?: string | null
  title?: string | null
}

/** What `LOCATIONS.fetch` answers for one document (null when it does not exist). */
export interface LocationsResult extends PageRef {
  /** Articles that list the document (FAQs, care instructions). */
  articles?: PageRef[] | null
  /** Conditions and treatments an FAQ names: their pages list it. */
  conditions?: PageRef[] | null
  treatments?: PageRef[] | null
  /** A care instruction's treatment: its page lists it. */
  treatment?: PageRef | null
}

/** Types shown on other documents' pages (and so located through them). */
const LISTED_TYPES = new Set(['faq', 'careInstruction'])

/** Types the resolver answers for; others get no locations banner. */
export function hasLocations(type: string): boolean {
  return Object.hasOwn(ROUTES, type) || LISTED_TYPES.has(type)
}

/**
 * Where a document is shown, as the pair the Studio's `listenQuery` takes (params `$id`, the
 * published id, and `$draftId`).
 *
 * `fetch`: the document and the pages that may show it, in one query. Only the fields of the
 * document's own type are read in {@link locationsOf}: an article also references conditions, but
 * is shown on its own page only.
 *
 * `listen`: which changes refetch it: the document (published or draft) and the documents that
 * reference it (an article adding an FAQ). The lake matches a listen query per changed document.
 */
export const LOCATIONS = {
  fetch: /* groq */ `*[_id == $id][0]{
  _type,
  "slug": slug.current,
  "title": coalesce(title, name, question),
  "articles": *[_type == "article" && references(^._id)] | order(title asc) [0...20] {_type, "slug": slug.current, title},
  "conditions": conditions[]->{_type, "slug": slug.current, "title": name},
  "treatments": treatments[]->{_type, "slug": slug.current, "title": name},
  "treatment": treatment->{_type, "slug": slug.current, "title": name}
}`,
  listen: /* groq */ `*[_id in [$id, $draftId] || references($id)]`,
} as const

const LABEL: Record<string, string> = { faq: 'FAQ', careInstruction: 'care instruction' }

function location(page: PageRef | null | undefined): { title: string; href: string } | null {
  const path = pathFor(page ? { _type: page._type ?? null, slug: page.slug ?? null } : null)
  if (!page || path === null) return null
  return { title: page.title?.trim() || path, href: path }
}

/** The pages a document is shown on, or a message saying why it has none. */
export function locationsOf(type: string, result: LocationsResult | null): DocumentLocationsState | null {
  if (!hasLocations(type)) return null
  if (!result) return { message: 'Save the document to see where it is shown.', tone: 'caution' }
  if (Object.hasOwn(ROUTES, type)) {
    const own = location({ ...result, _type: type })
    return own
      ? { locations: [own] }
      : { message: 'Give the document a valid slug to give it a page on the site.', tone: 'caution' }
  }
  const candidates: Array<PageRef | null | undefined> =
    type === 'faq'
      ? [...(result.articles ?? []), ...(result.conditions ?? []), ...(result.treatments ?? [])]
      : [...(result.articles ?? []), result.treatment]
  // A page listed twice (an FAQ on an article that also names its condition) is offered once.
  const byHref = new Map<string, { title: string; href: string }>()
  for (const candidate of candidates) {
    const entry = location(candidate)
    if (entry && !byHref.has(entry.href)) byHref.set(entry.href, entry)
  }
  const locations = [...byHref.values()]
  if (locations.length > 0) return { locations }
  return {
    message:
      type === 'faq'
        ? 'This FAQ is on no page yet: add it to an article, or name a condition or treatment it answers.'
        : `This ${LABEL[type] ?? type} is on no page yet: add it to an article, or choose its treatment.`,
    tone: 'caution',
  }
}
