// Site-wide content: sitemap entries and the clinic's settings.
import type { SanityClient } from '@sanity/client'
import { runQuery, type QueryResult } from '../client.js'
import { CLINIC_SETTINGS_QUERY, SITEMAP_QUERY } from '../queries.js'
import { found, notFound, type Lookup } from './result.js'

export type SitemapEntry = QueryResult<typeof SITEMAP_QUERY>[number]
export type ClinicSettings = NonNullable<QueryResult<typeof CLINIC_SETTINGS_QUERY>>

/** Every article, condition and treatment that has a public page (noIndex ones left out). */
export async function listSitemapEntries(client: SanityClient): Promise<SitemapEntry[]> {
  return runQuery(client, SITEMAP_QUERY, {}, 'sitemap')
}

/** The clinic singleton (`_id` "clinic"); not found until it is published. */
export async function getClinicSettings(client: SanityClient): Promise<Lookup<ClinicSettings>> {
  const clinic = await runQuery(client, CLINIC_SETTINGS_QUERY, {}, 'clinic-settings')
  return clinic ? found(clinic) : notFound('clinic', 'clinic')
}
