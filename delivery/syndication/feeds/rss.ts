// RSS 2.0 writer (https://www.rssboard.org/rss-specification) with the full article HTML in
// `content:encoded` (RSS content module), `atom:link` for rel=self and rel=hub (WebSub), and
// `dc:creator` for authors (RSS's own `author` element requires an e-mail address).
import { escapeHtml } from '../../render/escape.js'
import type { Feed, FeedLinks } from './model.js'
import { attributes, cdata, element, rfc822 } from './xml.js'

export function renderRss(feed: Feed, links: FeedLinks): string {
  const out: string[] = []
  out.push('<?xml version="1.0" encoding="UTF-8"?>')
  out.push(
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">',
  )
  out.push('<channel>')
  out.push(element('title', feed.title))
  out.push(element('link', links.homePage))
  // RSS readers render <description> as HTML: plain text is HTML-escaped first (then XML-escaped),
  // so markup in a summary shows as text instead of running in the reader.
  out.push(element('description', escapeHtml(feed.description)))
  out.push(element('language', feed.language))
  out.push(element('lastBuildDate', rfc822(feed.updated)))
  if (feed.rights) out.push(element('copyright', feed.rights))
  out.push(`<atom:link${attributes({ rel: 'self', href: links.self, type: 'application/rss+xml' })}/>`)
  if (links.hub) out.push(`<atom:link${attributes({ rel: 'hub', href: links.hub })}/>`)
  if (feed.iconUrl) {
    out.push(
      `<image>${element('url', feed.iconUrl)}${element('title', feed.title)}${element('link', links.homePage)}</image>`,
    )
  }
  for (const item of feed.items) {
    out.push('<item>')
    out.push(element('title', item.title))
    out.push(element('link', item.url))
    out.push(element('guid', item.id, { isPermaLink: item.id === item.url ? 'true' : 'false' }))
    out.push(element('pubDate', rfc822(item.datePublished)))
    if (item.summary) out.push(element('description', escapeHtml(item.summary)))
    for (const author of item.authors) out.push(element('dc:creator', author.name))
    for (const category of item.categories) out.push(element('category', category))
    out.push(`<content:encoded>${cdata(item.contentHtml)}</content:encoded>`)
    out.push('</item>')
  }
  out.push('</channel>')
  out.push('</rss>')
  return `${out.filter((line) => line !== '').join('\n')}\n`
}
