// The one route table: which site path each routable document type lives at. Internal links in
// Portable Text, the sitemap, JSON-LD `url`s, canonical links and syndication all resolve document
// URLs through here, so a path changes in one place only.
//
// Pure and browser-safe (the Studio imports it for "open on site" links): no Node imports.

import { DEFAULT_LANGUAGE, isLanguage, type Language } from './languages.js'
import { isPathSlug } from './slug.js'

/**
 * Document types that have a page of their own on the clinic's site (and so can be the target of
 * an `internalLink`, appear in the sitemap, and have a JSON-LD `url`). Care instructions and FAQs
 * are shown on their treatment's and article's pages; clinicians and categories have no pages yet:
 * add a row here (and a page renderer) to give them one.
 */
export const ROUTES = {
  article: { collection: '/articles', label: 'Articles' },
  condition: { collection: '/conditions', label: 'Conditions' },
  treatment: { collection: '/treatments', label: 'Treatments' },
} as const satisfies Record<string, { collection: `/${string}`; label: string }>

export type RoutableType = keyof typeof ROUTES

/** A slug as stored (`{current}`) or as projected by a query (`"slug": slug.current`). */
export type SlugValue = string | { current?: string | null } | null | undefined

/** Anything with a `_type` and a slug: a raw document, a query projection, a dereferenced link target. */
export interface RoutableRef {
  _type?: string | null
  slug?: SlugValue
  /** The document's language (model/languages.ts); absent or the source language: no prefix. */
  language?: string | null
}

export function isRoutableType(type: unknown): type is RoutableType {
  return typeof type === 'string' && Object.hasOwn(ROUTES, type)
}

/** The slug string of a slug field in either shape, or null when it is absent or empty. */
export function slugOf(slug: SlugValue): string | null {
  const value = typeof slug === 'string' ? slug : slug?.current
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null
}

/**
 * The site path of a document (`/articles/why-needles`), or null when it has no route: an unknown
 * type, a missing slug, or a slug that is not a valid slug (never a path built from arbitrary text).
 */
export function pathFor(ref: RoutableRef | null | undefined): string | null {
  if (!ref || !isRoutableType(ref._type)) return null
  const slug = slugOf(ref.slug)
  if (slug === null || !isPathSlug(slug)) return null
  return `${languagePrefix(ref.language)}${ROUTES[ref._type].collection}/${slug}`
}

/**
 * The path prefix of a language: none for the source language (English pages keep their URLs), `/es`
 * for Spanish. An unknown language is treated as the source language, never spliced into a path.
 */
export function languagePrefix(language: string | null | undefined): string {
  return isLanguage(language) && language !== DEFAULT_LANGUAGE ? `/${language}` : ''
}

/** Like {@link pathFor}, but throws an error saying what was wrong when there is no route. */
export function requirePathFor(ref: RoutableRef | null | undefined): string {
  const path = pathFor(ref)
  if (path !== null) return path
  if (!ref) throw new TypeError('requirePathFor: expected a document with _type and slug, got nothing')
  if (!isRoutableType(ref._type)) {
    throw new TypeError(
      `requirePathFor: document type ${JSON.stringify(ref._type)} has no route; ` +
        `routable types are ${Object.keys(ROUTES).join(', ')}`,
    )
  }
  const slug = slugOf(ref.slug)
  throw new TypeError(
    slug === null
      ? `requirePathFor: ${ref._type} has no slug; set its slug field`
      : `requirePathFor: ${ref._type} slug ${JSON.stringify(slug)} is not a valid slug ` +
          '(lowercase letters, digits and single hyphens, e.g. "tennis-elbow")',
  )
}

/** The path of a type's listing page (`/articles`). */
export function collectionPath(type: RoutableType): string {
  return ROUTES[type].collection
}

/**
 * Normalises a site base URL (`https://example.com/`, `https://example.com/clinic`) to an origin plus
 * path without a trailing slash. Throws when it is not an absolute http(s) URL.
 */
export function normaliseSiteUrl(siteUrl: string): string {
  let url: URL
  try {
    url = new URL(siteUrl)
  } catch {
    throw new TypeError(
      `siteUrl ${JSON.stringify(siteUrl)} is not an absolute URL; set the clinic's siteUrl to e.g. "https://example.com"`,
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`siteUrl ${JSON.stringify(siteUrl)} must use http or https, not ${url.protocol}`)
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

/** Joins a site URL and a site path: `absoluteUrl('https://x.org/', '/articles/a')`. */
export function absoluteUrl(siteUrl: string, path: string): string {
  return `${normaliseSiteUrl(siteUrl)}${path.startsWith('/') ? path : `/${path}`}`
}

/** The absolute URL of a document on the site, or null when it has no route (see {@link pathFor}). */
export function urlFor(ref: RoutableRef | null | undefined, siteUrl: string): string | null {
  const path = pathFor(ref)
  return path === null ? null : absoluteUrl(siteUrl, path)
}

/**
 * The reverse of {@link pathFor}: which document a site path names, or null when it names none.
 * `/articles/why-needles` -> `{_type: 'article', slug: 'why-needles'}`. A trailing slash is allowed.
 */
export function matchPath(path: string): { _type: RoutableType; slug: string; language?: Language } | null {
  let clean = path.split(/[?#]/, 1)[0]!.replace(/\/+$/, '')
  const prefixed = /^\/([a-z]{2})(\/.*)$/.exec(clean)
  const language = prefixed && isLanguage(prefixed[1]) && prefixed[1] !== DEFAULT_LANGUAGE ? prefixed[1] : null
  if (language && prefixed) clean = prefixed[2]!
  for (const type of Object.keys(ROUTES) as RoutableType[]) {
    const prefix = `${ROUTES[type].collection}/`
    if (!clean.startsWith(prefix)) continue
    const slug = clean.slice(prefix.length)
    if (!isPathSlug(slug)) return null
    return language ? { _type: type, slug, language } : { _type: type, slug }
  }
  return null
}
