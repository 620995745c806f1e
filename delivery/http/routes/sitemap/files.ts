// The names of the child sitemaps, shared by the JSON sitemap (which links them) and the XML
// sitemaps (which serve them): `/sitemaps/articles-1.xml` is page 1 of the article collection.
import type { FastifyRequest } from 'fastify'
import { ROUTES, type RoutableType } from '../../../../model/site-paths.js'
import { clinicSettings, type DeliveryContext } from '../../context.js'
import { problem } from '../../problem.js'
import { problemBody, type Produced } from '../../respond.js'

/** `articles` for article: the child sitemaps are named after the route table's collections. */
export function collectionName(type: RoutableType): string {
  return ROUTES[type].collection.slice(1)
}

/** The site path of a child sitemap: `/sitemaps/articles-1.xml`. */
export function sitemapPath(type: RoutableType, page: number): string {
  return `/sitemaps/${collectionName(type)}-${page}.xml`
}

/** `articles-2.xml` -> article page 2, or null when the name is not a child sitemap's. */
export function parseSitemapFile(file: string): { type: RoutableType; page: number } | null {
  const match = /^([a-z]+)-([1-9][0-9]{0,5})\.xml$/.exec(file)
  if (!match) return null
  const type = (Object.keys(ROUTES) as RoutableType[]).find((t) => collectionName(t) === match[1])
  return type ? { type, page: Number(match[2]) } : null
}

/** Sitemap URLs are absolute, on the clinic's site (this server until the clinic has a site URL). */
export async function siteBase(context: DeliveryContext): Promise<string> {
  return (await clinicSettings(context))?.siteUrl ?? context.publicUrl()
}

export function childSitemapNotFound(request: FastifyRequest, what: string): Produced {
  return problemBody(
    404,
    problem(
      'not-found',
      404,
      'Sitemap not found',
      `There is no sitemap ${what}. The sitemap index at /sitemap.xml lists every one.`,
      request.url,
    ),
  )
}
