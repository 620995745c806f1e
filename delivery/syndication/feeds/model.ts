// The format-neutral feed model the RSS, Atom and JSON Feed writers render.

export interface FeedPerson {
  name: string
  url?: string
}

export interface FeedItem {
  /** Stable, unique id: the article's canonical URL on the clinic's site. */
  id: string
  /** Canonical URL on the clinic's site. */
  url: string
  title: string
  /** Plain-text summary (the excerpt). */
  summary?: string
  /** Full HTML, embed-ready, with the attribution block and disclaimer. */
  contentHtml: string
  datePublished: Date
  dateModified: Date
  authors: FeedPerson[]
  categories: string[]
  imageUrl?: string
  /** Dates (YYYY-MM-DD) of the last medical review and the next one due. */
  lastReviewed?: string
  nextReviewDue?: string
  reviewedBy?: FeedPerson
  licence?: string
  attribution?: string
}

export interface FeedLinks {
  /** This feed's own URL in this format (`rel=self`). */
  self: string
  /** The clinic's site (`rel=alternate`, `home_page_url`). */
  homePage: string
  /** WebSub hub (`rel=hub`), when one is configured. */
  hub?: string
  /** Where the JSON Feed extension `_syndication` is described (its `about` field). */
  extensionAbout: string
}

export interface Feed {
  /** Stable feed id (an absolute URI that does not contain secrets). */
  id: string
  title: string
  description: string
  /** BCP 47 language tag, e.g. `en-US`. */
  language: string
  /** Latest dateModified of the items (or the time the feed was built when empty). */
  updated: Date
  authors: FeedPerson[]
  /** Licence terms (RSS `copyright`, Atom `rights`, JSON Feed extension). */
  rights?: string
  iconUrl?: string
  items: FeedItem[]
}
