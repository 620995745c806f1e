// Feed writers, parsed by a real feed parser (python3-feedparser, bozo must be 0) and the JSON Feed
// checked against its published structure.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { renderRss } from '../../delivery/syndication/feeds/rss.js'
import { renderAtom } from '../../delivery/syndication/feeds/atom.js'
import { buildJsonFeed } from '../../delivery/syndication/feeds/jsonFeed.js'
import type { Feed, FeedLinks } from '../../delivery/syndication/feeds/model.js'
import { feedparserAvailable, jsonFeedProblems, parseWithFeedparser } from './feedTools.js'

const test = suite('feed writers')

const tricky = 'Needles & "pins" <b>not</b> ]]> end \u0001 café 🌿'
const feed: Feed = {
  id: 'https://api.clinic.example/feeds/public',
  title: 'Dynamic Physical Therapy & Wellness: patient education',
  description: 'Articles you may republish',
  language: 'en-US',
  updated: new Date('2025-05-02T10:00:00Z'),
  authors: [{ name: 'Dynamic Physical Therapy & Wellness', url: 'https://clinic.example' }],
  rights: 'CC BY-ND 4.0 with attribution',
  items: [
    {
      id: 'https://clinic.example/articles/needles',
      url: 'https://clinic.example/articles/needles',
      title: tricky,
      summary: 'Why you should not be afraid <of> needles',
      contentHtml: `<p>${'Body with ]]> inside &amp; entities'}</p><aside class="attribution">From <a href="https://clinic.example">DPT</a></aside>`,
      datePublished: new Date('2025-05-01T09:00:00Z'),
      dateModified: new Date('2025-05-02T10:00:00Z'),
      authors: [{ name: 'Kellie Gomia' }],
      categories: ['Dry needling', 'Pain & recovery'],
      lastReviewed: '2025-04-30',
      nextReviewDue: '2026-04-30',
      reviewedBy: { name: 'Dr. Reviewer' },
      licence: 'CC BY-ND 4.0',
      attribution: 'Originally published by DPT',
    },
    {
      id: 'https://clinic.example/articles/second',
      url: 'https://clinic.example/articles/second',
      title: 'Second',
      contentHtml: '<p>Two</p>',
      datePublished: new Date('2025-04-01T09:00:00Z'),
      dateModified: new Date('2025-04-01T09:00:00Z'),
      authors: [],
      categories: [],
    },
  ],
}
const links = (self: string): FeedLinks => ({
  self,
  homePage: 'https://clinic.example',
  hub: 'https://hub.example/',
  extensionAbout: 'https://api.clinic.example/syndication/v1/#json-feed-extension',
})

const haveParser = feedparserAvailable()
if (!haveParser) console.warn('python3-feedparser missing: apt-get install -y python3-feedparser')

test('RSS 2.0 parses with bozo == 0, content:encoded intact, self and hub links', () => {
  assert.ok(haveParser, 'python3-feedparser is required (apt-get install -y python3-feedparser)')
  const xml = renderRss(feed, links('https://api.clinic.example/feeds/rss.xml'))
  const parsed = parseWithFeedparser(xml)
  assert.is(parsed.bozo, 0, String(parsed.bozo_exception))
  assert.is(parsed.version, 'rss20')
  assert.ok(parsed.links.some((l) => l.rel === 'self' && l.href === 'https://api.clinic.example/feeds/rss.xml'))
  assert.ok(parsed.links.some((l) => l.rel === 'hub' && l.href === 'https://hub.example/'))
  assert.is(parsed.entries.length, 2)
  const [first] = parsed.entries
  assert.is(first!.title, 'Needles & "pins" <b>not</b> ]]> end  café 🌿')
  assert.is(first!.link, 'https://clinic.example/articles/needles')
  assert.match(first!.content[0]!, /Body with \]\]> inside/)
  assert.match(first!.content[0]!, /class="attribution"/)
  assert.equal(first!.tags, ['Dry needling', 'Pain & recovery'])
  assert.equal(first!.authors, ['Kellie Gomia'])
})

test('Atom 1.0 parses with bozo == 0, ids, html content, self and hub links', () => {
  assert.ok(haveParser, 'python3-feedparser is required')
  const xml = renderAtom(feed, links('https://api.clinic.example/feeds/atom.xml'))
  const parsed = parseWithFeedparser(xml)
  assert.is(parsed.bozo, 0, String(parsed.bozo_exception))
  assert.is(parsed.version, 'atom10')
  assert.ok(parsed.links.some((l) => l.rel === 'self' && l.href === 'https://api.clinic.example/feeds/atom.xml'))
  assert.ok(parsed.links.some((l) => l.rel === 'hub'))
  assert.is(parsed.entries[0]!.id, 'https://clinic.example/articles/needles')
  assert.match(parsed.entries[0]!.content[0]!, /Body with \]\]> inside/)
})

test('an empty feed is still valid', () => {
  assert.ok(haveParser, 'python3-feedparser is required')
  const empty = { ...feed, items: [] }
  for (const xml of [renderRss(empty, links('https://x.example/r')), renderAtom(empty, links('https://x.example/a'))]) {
    assert.is(parseWithFeedparser(xml).bozo, 0)
  }
  assert.equal(jsonFeedProblems(buildJsonFeed(empty, links('https://x.example/j'))), [])
})

test('JSON Feed 1.1 matches its published structure and carries the review/licence extension', () => {
  const doc = buildJsonFeed(feed, links('https://api.clinic.example/feeds/feed.json'))
  assert.equal(jsonFeedProblems(JSON.parse(JSON.stringify(doc))), [])
  assert.is(doc.language, 'en-US')
  assert.equal(doc.hubs, [{ type: 'WebSub', url: 'https://hub.example/' }])
  const item = doc.items[0]!
  assert.equal(item.authors, [{ name: 'Kellie Gomia' }])
  assert.is(item.date_modified, '2025-05-02T10:00:00.000Z')
  assert.equal(item._syndication, {
    about: 'https://api.clinic.example/syndication/v1/#json-feed-extension',
    canonical_url: 'https://clinic.example/articles/needles',
    last_reviewed: '2025-04-30',
    next_review_due: '2026-04-30',
    reviewed_by: { name: 'Dr. Reviewer' },
    licence: 'CC BY-ND 4.0',
    attribution: 'Originally published by DPT',
  })
  assert.is(doc.items[1]!.authors, undefined)
  // The validator does catch broken feeds.
  assert.ok(jsonFeedProblems({ version: 'x', items: [{}] }).length >= 3)
})

test.run()
