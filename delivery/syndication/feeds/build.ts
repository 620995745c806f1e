// From syndicated article payloads to the format-neutral feed model.
import type { SyndicatedArticle, SyndicationClinic } from '../articles.js'
import type { Feed, FeedItem } from './model.js'

function date(value: string | null, fallback: Date): Date {
  const parsed = value ? Date.parse(value) : Number.NaN
  return Number.isNaN(parsed) ? fallback : new Date(parsed)
}

export function feedItemOf(
  article: SyndicatedArticle,
  clinic: SyndicationClinic,
  imageUrl: string | undefined,
  fallbackDate: Date,
): FeedItem {
  const modified = date(article.dateModified, fallbackDate)
  const item: FeedItem = {
    id: article.canonicalUrl,
    url: article.canonicalUrl,
    title: article.title,
    contentHtml: article.html,
    datePublished: date(article.datePublished, modified),
    dateModified: modified,
    authors: article.author ? [{ name: article.author.name }] : [],
    categories: article.categories.map((c) => c.title).filter((t): t is string => typeof t === 'string' && t !== ''),
  }
  if (article.excerpt) item.summary = article.excerpt
  if (imageUrl) item.imageUrl = imageUrl
  if (article.lastReviewed) item.lastReviewed = article.lastReviewed
  if (article.nextReviewDue) item.nextReviewDue = article.nextReviewDue
  if (article.medicalReviewer) item.reviewedBy = { name: article.medicalReviewer.name }
  if (clinic.syndicationLicence) item.licence = clinic.syndicationLicence
  if (clinic.attributionText) item.attribution = clinic.attributionText
  return item
}

export function buildFeed(options: {
  id: string
  title: string
  description: string
  clinic: SyndicationClinic & { name: string; siteUrl: string }
  items: FeedItem[]
  builtAt: Date
  /** BCP 47 locale of the feed's language (`es-US`): RSS `<language>`, Atom `xml:lang`, JSON Feed `language`. */
  language: string
}): Feed {
  const updated = options.items.reduce<Date | null>(
    (latest, item) => (!latest || item.dateModified > latest ? item.dateModified : latest),
    null,
  )
  const feed: Feed = {
    id: options.id,
    title: options.title,
    description: options.description,
    language: options.language,
    updated: updated ?? options.builtAt,
    authors: [{ name: options.clinic.name, url: options.clinic.siteUrl }],
    items: options.items,
  }
  if (options.clinic.syndicationLicence) feed.rights = options.clinic.syndicationLicence
  return feed
}
