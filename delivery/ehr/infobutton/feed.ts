// The knowledge response in MedlinePlus Connect's shapes: an Atom feed (`text/xml`, the HL7
// Infobutton SOA implementation guide's format) and the same feed as JSON (`application/json`,
// optionally JSONP), with the request echoed as categories, one entry per ranked result, the
// clinic's attribution in each summary and its licence as `rights`.
//
// JSON follows MedlinePlus Connect's mapping of Atom: text nodes as `{"_value": ...}`, attributes as
// plain keys, `feed.entry[]` with `title._value`, `link[0].href` and `summary._value`, so a client
// written for MedlinePlus Connect reads this answer unchanged.
import type { ClinicSettings } from '../../content/site.js'
import { xmlEscape } from '../../syndication/feeds/xml.js'
import type { KnowledgeEntry } from './rank.js'
import type { KnowledgeRequest } from './request.js'

export interface FeedCategory {
  scheme: string
  term: string
}

export interface KnowledgeFeed {
  id: string
  title: string
  subtitle: string
  /** The language of the content served (entries say theirs too). */
  language: string
  base: string
  author: { name: string; uri: string }
  updated: string
  rights: string | null
  selfUrl: string
  categories: FeedCategory[]
  entries: KnowledgeEntry[]
}

/** The tag: URI authority of ids: the site's (or this server's) host name. */
function tagAuthority(url: string): string {
  try {
    return new URL(url).hostname || 'localhost'
  } catch {
    return 'localhost'
  }
}

export function entryId(authority: string, entry: KnowledgeEntry): string {
  return `tag:${authority},2026:${entry.kind}/${entry.id}`
}

export interface FeedInput {
  request: KnowledgeRequest
  entries: KnowledgeEntry[]
  clinic: ClinicSettings | null
  publicUrl: string
  /** The request's absolute URL (the feed's self link). */
  selfUrl: string
  servedLanguage: string
  now: Date
}

export function buildKnowledgeFeed(input: FeedInput): KnowledgeFeed {
  const { request, entries, clinic } = input
  const base = clinic?.siteUrl ?? input.publicUrl
  const clinicName = clinic?.name ?? 'Clinic'
  const categories: FeedCategory[] = []
  for (const criterion of request.criteria) {
    const suffix = criterion.index.replace(/#.*$/, '')
    categories.push({ scheme: `mainSearchCriteria.v.c${suffix}`, term: criterion.code })
    categories.push({ scheme: `mainSearchCriteria.v.cs${suffix}`, term: criterion.systemOid })
    categories.push({ scheme: `mainSearchCriteria.v.dn${suffix}`, term: criterion.displayName ?? '' })
  }
  categories.push({ scheme: 'InformationRecipient', term: request.recipient })
  categories.push({ scheme: 'informationRecipient.languageCode.c', term: request.requestedLanguage })
  const described = request.criteria
    .map((c) => `${c.system?.name ?? `code system ${c.systemOid}`} ${c.code}`)
    .join(', ')
  // ISO timestamps sort as strings: the newest is last.
  const updated =
    entries
      .map((e) => e.updated)
      .sort()
      .at(-1) ?? ''
  const rights = [clinic?.attributionText, clinic?.syndicationLicence].filter(Boolean).join(' ') || null
  const criteriaKey = request.criteria.map((c) => `${c.systemOid}|${c.code}`).join(',')
  return {
    id: `tag:${tagAuthority(base)},2026:infobutton/${encodeURIComponent(criteriaKey)}/${request.recipient}/${input.servedLanguage}`,
    title: `${clinicName}: patient education`,
    subtitle: `${clinicName} results for ${described}`,
    language: input.servedLanguage,
    base,
    author: { name: clinicName, uri: base },
    updated: updated || input.now.toISOString(),
    rights,
    selfUrl: input.selfUrl,
    categories,
    entries,
  }
}

/** The Atom feed document (RFC 4287). */
export function renderAtom(feed: KnowledgeFeed): string {
  const authority = tagAuthority(feed.base)
  const lines: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xml:base="${xmlEscape(feed.base)}" xml:lang="${xmlEscape(feed.language)}">`,
    `  <title type="text">${xmlEscape(feed.title)}</title>`,
    `  <subtitle type="text">${xmlEscape(feed.subtitle)}</subtitle>`,
    `  <author><name>${xmlEscape(feed.author.name)}</name><uri>${xmlEscape(feed.author.uri)}</uri></author>`,
    `  <updated>${xmlEscape(feed.updated)}</updated>`,
    ...feed.categories.map((c) => `  <category scheme="${xmlEscape(c.scheme)}" term="${xmlEscape(c.term)}"/>`),
    `  <id>${xmlEscape(feed.id)}</id>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlEscape(feed.selfUrl)}"/>`,
    ...(feed.rights ? [`  <rights type="text">${xmlEscape(feed.rights)}</rights>`] : []),
  ]
  for (const entry of feed.entries) {
    lines.push(
      `  <entry xml:lang="${xmlEscape(entry.language)}">`,
      `    <title type="text">${xmlEscape(entry.title)}</title>`,
      `    <link title="${xmlEscape(entry.title)}" rel="alternate" type="text/html" href="${xmlEscape(entry.url)}"/>`,
      `    <id>${xmlEscape(entryId(authority, entry))}</id>`,
      `    <updated>${xmlEscape(entry.updated)}</updated>`,
      `    <category scheme="contentType" term="${xmlEscape(entry.kind)}"/>`,
      `    <summary type="html">${xmlEscape(entry.summaryHtml)}</summary>`,
      '  </entry>',
    )
  }
  lines.push('</feed>', '')
  return lines.join('\n')
}

/** MedlinePlus Connect's JSON rendering of the same feed. */
export function renderJson(feed: KnowledgeFeed) {
  const authority = tagAuthority(feed.base)
  return {
    feed: {
      xsi: 'http://www.w3.org/2001/XMLSchema-instance',
      base: feed.base,
      lang: feed.language,
      title: { _value: feed.title, type: 'text' },
      subtitle: { _value: feed.subtitle, type: 'text' },
      author: { name: { _value: feed.author.name }, uri: { _value: feed.author.uri } },
      updated: { _value: feed.updated },
      category: feed.categories.map((c) => ({ scheme: c.scheme, term: c.term })),
      id: { _value: feed.id },
      ...(feed.rights ? { rights: { _value: feed.rights, type: 'text' } } : {}),
      entry: feed.entries.map((entry) => ({
        lang: entry.language,
        title: { _value: entry.title, type: 'text' },
        link: [{ title: entry.title, rel: 'alternate', type: 'html', href: entry.url }],
        id: { _value: entryId(authority, entry) },
        updated: { _value: entry.updated },
        category: [{ scheme: 'contentType', term: entry.kind }],
        summary: { _value: entry.summaryHtml, type: 'html' },
      })),
    },
  }
}

/** JSONP: the JSON passed to `callback` (the name is checked by the request parser). */
export function renderJsonp(feed: KnowledgeFeed, callback: string): string {
  // U+2028/2029 are valid in JSON but end a line in older JavaScript parsers.
  const json = JSON.stringify(renderJson(feed))
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
  return `/**/${callback}(${json});`
}
