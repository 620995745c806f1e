// Every media type the delivery server answers with, in one table: the API, the pages, sitemaps,
// feeds and problem bodies all take theirs from here.
export const CONTENT_TYPES = {
  json: 'application/json; charset=utf-8',
  problem: 'application/problem+json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  jsonFeed: 'application/feed+json; charset=utf-8',
} as const

export type MediaKind = keyof typeof CONTENT_TYPES

export const JSON_CONTENT_TYPE = CONTENT_TYPES.json
export const PROBLEM_CONTENT_TYPE = CONTENT_TYPES.problem
export const HTML_CONTENT_TYPE = CONTENT_TYPES.html
export const XML_CONTENT_TYPE = CONTENT_TYPES.xml

/** The bare media type (no parameters), as OpenAPI names it: `application/json`. */
export function mediaType(contentType: string): string {
  return contentType.split(';')[0]!.trim()
}
