// Site-wide content: the sitemap (an index of paged child sitemaps) and the clinic's settings.
import type { SanityClient } from '@sanity/client'
import { runQuery, type QueryResult } from '../client.js'
import { CLINIC_SETTINGS_QUERY, SITEMAP_INDEX_QUERY, SITEMAP_PAGE_QUERY } from '../queries.js'
import { isRoutableType, ROUTES, type RoutableType } from '../../model/site-paths.js'
import { conformDocument, conformList } from './conform.js'
import { found, InvalidInputError, notFound, type Lookup } from './result.js'
import { CLINIC, SITEMAP_ENTRY, siteUrlProblem } from './shapes.js'
import { readVersions, type Translation, translationsOf } from './versions.js'

/** A sitemap entry; `translations`: its published language versions (`xhtml:link` alternates). */
export type SitemapEntry = QueryResult<typeof SITEMAP_PAGE_QUERY>[number] & { translations: Translation[] }
export type ClinicSettings = NonNullable<QueryResult<typeof CLINIC_SETTINGS_QUERY>>

/**
 * Most URLs in one child sitemap. The sitemaps.org limit is 50,000 (and 50,000 child sitemaps per
 * index); a page's query cost grows with its size (about 20 ms of lake CPU per 1,000 entries at
 * 10k documents), so pages stay small: 100k documents make about 75 child sitemaps.
 */
export const SITEMAP_PAGE_SIZE = 1000

/** One child sitemap of the index: a page of one routable type's entries. */
export interface SitemapPageRef {
  type: RoutableType
  /** 1-based. */
  page: number
  /** Entries on this page. */
  count: number
  /** The newest `_updatedAt` of the type (null when unknown). */
  lastmod: string | null
}

/** The sitemap index: every child sitemap, per type in route-table order, pages in order. */
export async function getSitemapIndex(client: SanityClient): Promise<SitemapPageRef[]> {
  const stats = await runQuery(client, SITEMAP_INDEX_QUERY, {}, 'sitemap-index')
  const pages: SitemapPageRef[] = []
  for (const type of Object.keys(ROUTES) as RoutableType[]) {
    const { count, lastmod } = stats[type]
    for (let page = 1; page * SITEMAP_PAGE_SIZE - SITEMAP_PAGE_SIZE < count; page++) {
      pages.push({
        type,
        page,
        count: Math.min(SITEMAP_PAGE_SIZE, count - (page - 1) * SITEMAP_PAGE_SIZE),
        lastmod: lastmod ?? null,
      })
    }
  }
  return pages
}

/**
 * One child sitemap: the `page`th (1-based) run of SITEMAP_PAGE_SIZE entries of `type` in slug
 * order, noIndex pages left out. Page 1 of a type without pages is found and empty; a later page
 * past the end is not found.
 */
export async function getSitemapPage(
  client: SanityClient,
  type: string,
  page: number,
): Promise<Lookup<SitemapEntry[]>> {
  if (!isRoutableType(type)) {
    throw new InvalidInputError(
      'type',
      `"${String(type).slice(0, 40)}" has no pages`,
      `Use one of: ${Object.keys(ROUTES).join(', ')}`,
    )
  }
  if (!Number.isInteger(page) || page < 1 || page > 1_000_000) {
    throw new InvalidInputError(
      'page',
      `${String(page)} is not a page number`,
      'Use a whole number from 1, as listed in the sitemap index',
    )
  }
  const start = (page - 1) * SITEMAP_PAGE_SIZE
  const rows = await runQuery(
    client,
    SITEMAP_PAGE_QUERY,
    { type, start, end: start + SITEMAP_PAGE_SIZE },
    'sitemap-page',
  )
  // The versions of the whole page in one query (a reference-index lookup of its ids).
  const versions = await readVersions(
    client,
    rows.map((r) => r._id),
  )
  const entries = conformList(rows, SITEMAP_ENTRY, type, 'sitemap').map((entry) => ({
    ...entry,
    translations: translationsOf(versions, entry._id),
  }))
  return rows.length > 0 || page === 1 ? found(entries) : notFound('sitemap', `${type}-${page}`)
}

export interface ClinicSettingsOptions {
  /**
   * The base URL used instead of a `siteUrl` that is set but unusable (not an absolute http(s) URL):
   * the delivery server passes its public URL, so pages, canonical links and sitemaps stay correct
   * for this server while the setting is fixed. Without it such a `siteUrl` reads as not set.
   */
  fallbackSiteUrl?: () => string
}

/** The clinic singleton (`_id` "clinic"); not found until it is published. */
export async function getClinicSettings(
  client: SanityClient,
  options: ClinicSettingsOptions = {},
): Promise<Lookup<ClinicSettings>> {
  const result = await runQuery(client, CLINIC_SETTINGS_QUERY, {}, 'clinic-settings')
  if (!result) return notFound('clinic', 'clinic')
  const fallback = options.fallbackSiteUrl?.() ?? null
  const usable = fallback !== null && siteUrlProblem(fallback) === null ? fallback : null
  const clinic = conformDocument(
    result,
    CLINIC,
    'clinic',
    'clinic settings',
    usable ? { siteUrl: `links use this server's public URL ${usable} meanwhile` } : {},
  )
  if (clinic.siteUrl === null && typeof result.siteUrl === 'string' && usable !== null)
    return found({ ...clinic, siteUrl: usable } as ClinicSettings)
  return found(clinic)
}
