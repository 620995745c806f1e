// JSON Feed 1.1 writer (https://www.jsonfeed.org/version/1.1/).
//
// Review dates, licence and attribution travel in the extension object `_syndication` on each item
// (JSON Feed extensions are keys starting with `_`, with an `about` URL describing them), and the
// feed-level licence in `_syndication` on the feed.
import type { Feed, FeedLinks, FeedPerson } from './model.js'
import { rfc3339 } from './xml.js'

export const JSON_FEED_VERSION = 'https://jsonfeed.org/version/1.1'

export interface JsonFeedAuthor {
  name: string
  url?: string
}

export interface JsonFeedItemExtension {
  about: string
  canonical_url: string
  last_reviewed: string | null
  next_review_due: string | null
  reviewed_by: JsonFeedAuthor | null
  licence: string | null
  attribution: string | null
}

export interface JsonFeedItem {
  id: string
  url: string
  title: string
  content_html: string
  summary?: string
  image?: string
  date_published: string
  date_modified: string
  authors?: JsonFeedAuthor[]
  tags?: string[]
  language: string
  _syndication: JsonFeedItemExtension
}

export interface JsonFeedDocument {
  version: typeof JSON_FEED_VERSION
  title: string
  home_page_url: string
  feed_url: string
  description: string
  icon?: string
  authors: JsonFeedAuthor[]
  language: string
  hubs?: Array<{ type: string; url: string }>
  _syndication: { about: string; licence: string | null; date_modified: string }
  items: JsonFeedItem[]
}

function author(p: FeedPerson): JsonFeedAuthor {
  return p.url ? { name: p.name, url: p.url } : { name: p.name }
}

export function buildJsonFeed(feed: Feed, links: FeedLinks): JsonFeedDocument {
  const doc: JsonFeedDocument = {
    version: JSON_FEED_VERSION,
    title: feed.title,
    home_page_url: links.homePage,
    feed_url: links.self,
    description: feed.description,
    authors: feed.authors.map(author),
    language: feed.language,
    _syndication: { about: links.extensionAbout, licence: feed.rights ?? null, date_modified: rfc3339(feed.updated) },
    items: feed.items.map((item) => {
      const out: JsonFeedItem = {
        id: item.id,
        url: item.url,
        title: item.title,
        content_html: item.contentHtml,
        date_published: rfc3339(item.datePublished),
        date_modified: rfc3339(item.dateModified),
        language: feed.language,
        _syndication: {
          about: links.extensionAbout,
          canonical_url: item.url,
          last_reviewed: item.lastReviewed ?? null,
          next_review_due: item.nextReviewDue ?? null,
          reviewed_by: item.reviewedBy ? author(item.reviewedBy) : null,
          licence: item.licence ?? null,
          attribution: item.attribution ?? null,
        },
      }
      if (item.summary) out.summary = item.summary
      if (item.imageUrl) out.image = item.imageUrl
      if (item.authors.length > 0) out.authors = item.authors.map(author)
      if (item.categories.length > 0) out.tags = [...item.categories]
      return out
    }),
  }
  if (feed.iconUrl) doc.icon = feed.iconUrl
  if (links.hub) doc.hubs = [{ type: 'WebSub', url: links.hub }]
  return doc
}

export function renderJsonFeed(feed: Feed, links: FeedLinks): string {
  return `${JSON.stringify(buildJsonFeed(feed, links), null, 2)}\n`
}
