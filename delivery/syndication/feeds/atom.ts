// Atom 1.0 writer (RFC 4287), with rel=self, rel=alternate and rel=hub (WebSub) links.
import type { Feed, FeedLinks, FeedPerson } from './model.js'
import { attributes, element, rfc3339 } from './xml.js'

function person(tag: string, p: FeedPerson): string {
  return `<${tag}>${element('name', p.name)}${p.url ? element('uri', p.url) : ''}</${tag}>`
}

function link(rel: string, href: string, type?: string): string {
  return `<link${attributes(type ? { rel, href, type } : { rel, href })}/>`
}

export function renderAtom(feed: Feed, links: FeedLinks): string {
  const out: string[] = []
  out.push('<?xml version="1.0" encoding="UTF-8"?>')
  out.push(`<feed xmlns="http://www.w3.org/2005/Atom"${attributes({ 'xml:lang': feed.language })}>`)
  out.push(element('id', feed.id))
  out.push(element('title', feed.title))
  out.push(element('subtitle', feed.description))
  out.push(element('updated', rfc3339(feed.updated)))
  out.push(link('self', links.self, 'application/atom+xml'))
  out.push(link('alternate', links.homePage, 'text/html'))
  if (links.hub) out.push(link('hub', links.hub))
  // RFC 4287: a feed needs an author unless every entry has one.
  for (const author of feed.authors) out.push(person('author', author))
  if (feed.rights) out.push(element('rights', feed.rights))
  if (feed.iconUrl) out.push(element('icon', feed.iconUrl))
  out.push(element('generator', 'clinic-content syndication'))
  for (const item of feed.items) {
    out.push('<entry>')
    out.push(element('id', item.id))
    out.push(element('title', item.title))
    out.push(link('alternate', item.url, 'text/html'))
    out.push(element('published', rfc3339(item.datePublished)))
    out.push(element('updated', rfc3339(item.dateModified)))
    for (const author of item.authors) out.push(person('author', author))
    for (const category of item.categories) out.push(`<category${attributes({ term: category })}/>`)
    if (item.summary) out.push(element('summary', item.summary))
    if (item.licence) out.push(element('rights', item.licence))
    out.push(element('content', item.contentHtml, { type: 'html' }))
    out.push('</entry>')
  }
  out.push('</feed>')
  return `${out.filter((line) => line !== '').join('\n')}\n`
}
