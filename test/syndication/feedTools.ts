// Test helpers for feeds: parse with Debian's python3-feedparser (a real feed reader's parser) and
// check a JSON Feed against the structure published at https://www.jsonfeed.org/version/1.1/.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

/** Debian's interpreter, which has python3-feedparser (`python3` on PATH may be another one). */
const PYTHON = '/usr/bin/python3'

export interface ParsedFeed {
  bozo: number
  bozo_exception: string | null
  version: string
  title: string
  /** RSS <language>, Atom xml:lang, JSON Feed language (null when the feed declares none). */
  language: string | null
  links: Array<{ rel: string; href: string }>
  entries: Array<{
    id: string
    title: string
    link: string
    content: string[]
    summary: string | null
    tags: string[]
    authors: string[]
  }>
}

const SCRIPT = `
import sys, json, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
f = d.feed
print(json.dumps({
  "bozo": int(d.bozo),
  "bozo_exception": str(d.get("bozo_exception")) if d.bozo else None,
  "version": d.version,
  "title": f.get("title", ""),
  "language": f.get("language"),
  "links": [{"rel": l.get("rel", ""), "href": l.get("href", "")} for l in f.get("links", [])],
  "entries": [{
    "id": e.get("id", ""),
    "title": e.get("title", ""),
    "link": e.get("link", ""),
    "content": [c.get("value", "") for c in e.get("content", [])],
    "summary": e.get("summary"),
    "tags": [t.get("term", "") for t in e.get("tags", [])],
    "authors": [a.get("name", "") for a in e.get("authors", [])],
  } for e in d.entries],
}))
`

export function feedparserAvailable(): boolean {
  if (!existsSync(PYTHON)) return false
  return spawnSync(PYTHON, ['-c', 'import feedparser'], { encoding: 'utf8' }).status === 0
}

export function parseWithFeedparser(xml: string): ParsedFeed {
  const result = spawnSync(PYTHON, ['-c', SCRIPT], { input: xml, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (result.status !== 0) {
    throw new Error(`feedparser failed (install it with: apt-get install -y python3-feedparser): ${result.stderr}`)
  }
  return JSON.parse(result.stdout) as ParsedFeed
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function checkAuthors(v: unknown, where: string, problems: string[]): void {
  if (v === undefined) return
  if (!Array.isArray(v)) return void problems.push(`${where}.authors must be an array`)
  v.forEach((a, i) => {
    if (!isRecord(a)) return void problems.push(`${where}.authors[${i}] must be an object`)
    if (!['name', 'url', 'avatar'].some((k) => typeof a[k] === 'string')) {
      problems.push(`${where}.authors[${i}] must have at least one of name, url, avatar`)
    }
  })
}

function checkUrl(v: unknown, where: string, problems: string[], required = false): void {
  if (v === undefined && !required) return
  if (typeof v !== 'string') return void problems.push(`${where} must be a string URL`)
  try {
    new URL(v)
  } catch {
    problems.push(`${where} is not an absolute URL: ${v}`)
  }
}

/**
 * The problems of a JSON Feed 1.1 document (empty when valid): required and typed top-level fields,
 * items with ids and content, RFC 3339 dates, authors objects, hubs, and extension names.
 */
export function jsonFeedProblems(doc: unknown): string[] {
  const problems: string[] = []
  if (!isRecord(doc)) return ['the feed must be a JSON object']
  if (doc.version !== 'https://jsonfeed.org/version/1.1')
    problems.push('version must be https://jsonfeed.org/version/1.1')
  if (typeof doc.title !== 'string' || doc.title === '') problems.push('title is required')
  checkUrl(doc.home_page_url, 'home_page_url', problems)
  checkUrl(doc.feed_url, 'feed_url', problems)
  checkUrl(doc.icon, 'icon', problems)
  for (const k of ['description', 'user_comment', 'language']) {
    if (doc[k] !== undefined && typeof doc[k] !== 'string') problems.push(`${k} must be a string`)
  }
  if ('author' in doc) problems.push('author is deprecated in 1.1: use authors')
  checkAuthors(doc.authors, 'feed', problems)
  if (doc.hubs !== undefined) {
    if (!Array.isArray(doc.hubs)) problems.push('hubs must be an array')
    else
      doc.hubs.forEach((h, i) => {
        if (!isRecord(h) || typeof h.type !== 'string' || typeof h.url !== 'string')
          problems.push(`hubs[${i}] needs type and url`)
      })
  }
  for (const key of Object.keys(doc)) {
    if (key.startsWith('_') && !/^_[A-Za-z]/.test(key)) problems.push(`extension ${key} must be _ followed by a letter`)
    if (key.startsWith('_') && isRecord(doc[key]) && typeof (doc[key] as Record<string, unknown>).about !== 'string')
      problems.push(`extension ${key} should have an about URL`)
  }
  if (!Array.isArray(doc.items)) return [...problems, 'items must be an array']
  const ids = new Set<string>()
  doc.items.forEach((item, i) => {
    const where = `items[${i}]`
    if (!isRecord(item)) return void problems.push(`${where} must be an object`)
    if (typeof item.id !== 'string' || item.id === '') problems.push(`${where}.id is required (a string)`)
    else if (ids.has(item.id)) problems.push(`${where}.id ${item.id} is not unique`)
    else ids.add(item.id)
    if (typeof item.content_html !== 'string' && typeof item.content_text !== 'string')
      problems.push(`${where} needs content_html or content_text`)
    checkUrl(item.url, `${where}.url`, problems)
    checkUrl(item.image, `${where}.image`, problems)
    for (const k of ['date_published', 'date_modified']) {
      if (item[k] !== undefined && (typeof item[k] !== 'string' || !RFC3339.test(item[k] as string)))
        problems.push(`${where}.${k} must be an RFC 3339 date`)
    }
    if (item.tags !== undefined && (!Array.isArray(item.tags) || item.tags.some((t) => typeof t !== 'string')))
      problems.push(`${where}.tags must be strings`)
    checkAuthors(item.authors, where, problems)
    for (const key of Object.keys(item)) {
      if (key.startsWith('_') && !/^_[A-Za-z]/.test(key))
        problems.push(`${where} extension ${key} must be _ followed by a letter`)
    }
  })
  return problems
}
