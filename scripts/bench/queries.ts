// The queries `npm run bench` times: the reference queries Q1-Q5, and every query of delivery/queries.ts with
// parameters picked from the loaded dataset (the way the delivery API issues them).
import { SITEMAP_PAGE_SIZE } from '../../delivery/content/site.js'
import { CONDITION_PAGE_SIZE } from '../../delivery/content/conditions.js'
import { TREATMENT_PAGE_SIZE } from '../../delivery/content/treatments.js'
import { RARE_WORDS } from './synthetic-text.js'

export interface BenchQuery {
  name: string
  query: string
  params: Record<string, unknown>
  /** Q1-Q5 (the reference queries the performance targets are stated for) or a delivery query. */
  kind: 'reference' | 'delivery'
}

interface Doc {
  _id: string
  _type: string
  [field: string]: unknown
}

/** Values from the dataset that make the queries find something (a middle article, its condition...). */
export interface PickedParams {
  articleSlug: string
  conditionSlug: string
  categorySlug: string
  treatmentSlug: string
  bodyRegion: string
  icd10Code: string
  searchTerm: string
  searchTerms: string[]
  /** Keyset cursors from the middle of the name-ordered lists (a later page, as a client pages). */
  conditionAfter: { name: string; id: string }
  treatmentAfter: { name: string; id: string }
  /** Sitemap page sizes, and a middle page of the article sitemap (a slice from the middle). */
  sitemapPageSize: number
  articleSitemapMiddleStart: number
  /** Ids of the chosen article and its condition and treatment (a translation-versions read of a page). */
  pageIds: string[]
  conditionId: string
  treatmentId: string
}

const slugOf = (d: Doc | undefined): string | undefined => {
  const slug = d?.slug as { current?: unknown } | undefined
  return typeof slug?.current === 'string' ? slug.current : undefined
}

const RARE = new Set(RARE_WORDS)

/** A made-up rare word in the article's title or excerpt (see synthetic-text.ts). */
function rareWordOf(article: Doc): string | undefined {
  const text = `${String(article.title ?? '')} ${String(article.excerpt ?? '')}`
  return text
    .toLowerCase()
    .split(/[^a-z]+/)
    .find((w) => RARE.has(w))
}

/** Picks parameters from the published documents, deterministically (the middle of each type). */
export function pickParams(documents: readonly Doc[]): PickedParams {
  const published = documents.filter((d) => !d._id.startsWith('drafts.'))
  const ofType = (type: string): Doc[] => published.filter((d) => d._type === type)
  const middle = <T>(list: readonly T[], what: string): T => {
    if (list.length === 0) throw new Error(`the dataset has no ${what}: generate a bigger one`)
    return list[Math.floor(list.length / 2)] as T
  }
  const byId = new Map(published.map((d) => [d._id, d]))
  const articles = ofType('article').filter((a) => slugOf(a) && a.publishedAt)
  const article = middle(articles, 'published article')
  const refId = (value: unknown): string | undefined => {
    const list = Array.isArray(value) ? value : []
    const first = list[0] as { _ref?: unknown } | undefined
    return typeof first?._ref === 'string' ? first._ref : undefined
  }
  const condition = byId.get(refId(article.conditions) ?? '') ?? middle(ofType('condition'), 'condition')
  const category = byId.get(refId(article.categories) ?? '') ?? middle(ofType('category'), 'category')
  const treatmentRef = (article.treatments as unknown[] | undefined)?.length ? refId(article.treatments) : undefined
  const treatment = byId.get(treatmentRef ?? '') ?? middle(ofType('treatment'), 'treatment')
  // The item in the middle of a list ordered by (name, _id), as the last item of a previous page.
  const middleByName = (type: string): { name: string; id: string } => {
    const named = ofType(type)
      .filter((d) => slugOf(d) && typeof d.name === 'string')
      .sort((a, b) =>
        String(a.name) < String(b.name)
          ? -1
          : String(a.name) > String(b.name)
            ? 1
            : a._id < b._id
              ? -1
              : a._id > b._id
                ? 1
                : 0,
      )
    const item = middle(named, `named ${type}`)
    return { name: String(item.name), id: item._id }
  }
  const sitemapArticles = ofType('article').filter(
    (a) => slugOf(a) && (a.seo as { noIndex?: unknown } | undefined)?.noIndex !== true,
  ).length
  const half = Math.floor(articles.length / 2)
  const rare =
    [...articles.slice(half), ...articles.slice(0, half)].map(rareWordOf).find((w) => w !== undefined) ?? 'tendon'
  return {
    articleSlug: slugOf(article) ?? '',
    conditionSlug: slugOf(condition) ?? '',
    categorySlug: slugOf(category) ?? '',
    treatmentSlug: slugOf(treatment) ?? '',
    bodyRegion: String(condition.bodyRegion ?? 'knee'),
    icd10Code: String((condition.icd10Codes as unknown[] | undefined)?.[0] ?? 'M10.0'),
    // A rare word of the chosen article (so the search finds something), like a patient's search.
    searchTerm: rare,
    searchTerms: [`${rare.slice(0, 5)}*`],
    conditionAfter: middleByName('condition'),
    treatmentAfter: middleByName('treatment'),
    sitemapPageSize: SITEMAP_PAGE_SIZE,
    articleSitemapMiddleStart: Math.floor(sitemapArticles / 2 / SITEMAP_PAGE_SIZE) * SITEMAP_PAGE_SIZE,
    pageIds: [article._id, condition._id, treatment._id],
    conditionId: condition._id,
    treatmentId: treatment._id,
  }
}

/**
 * Q1-Q5: the reference queries the lake's performance targets are stated for (docs/performance.md),
 * one per access pattern the site relies on (slug lookup with joins, newest first, reverse
 * references, text search, counts).
 */
export function referenceQueries(p: PickedParams): BenchQuery[] {
  return [
    {
      name: 'Q1 article by slug + joins',
      kind: 'reference',
      query: `*[_type == "article" && slug.current == $slug][0]{
        ..., "author": author->{name, role}, "conditions": conditions[]->{name, "slug": slug.current},
        "categories": categories[]->{title, "slug": slug.current}}`,
      params: { slug: p.articleSlug },
    },
    {
      name: 'Q2 newest 20 articles',
      kind: 'reference',
      query: `*[_type == "article" && defined(publishedAt)] | order(publishedAt desc)[0...20]{_id, title, "slug": slug.current, publishedAt}`,
      params: {},
    },
    {
      name: 'Q3 condition + referencing articles',
      kind: 'reference',
      query: `*[_type == "condition" && slug.current == $slug][0]{_id, name,
        "articles": *[_type == "article" && references(^._id)]{_id, title, "slug": slug.current}}`,
      params: { slug: p.conditionSlug },
    },
    {
      name: 'Q4 article search (match)',
      kind: 'reference',
      query: `*[_type == "article" && [title, excerpt] match $term]{_id, title, "slug": slug.current}`,
      params: { term: p.searchTerm },
    },
    {
      name: 'Q5 counts per type',
      kind: 'reference',
      query: `{
        "article": count(*[_type == "article"]), "condition": count(*[_type == "condition"]),
        "treatment": count(*[_type == "treatment"]), "faq": count(*[_type == "faq"]),
        "careInstruction": count(*[_type == "careInstruction"]), "clinician": count(*[_type == "clinician"]),
        "category": count(*[_type == "category"])}`,
      params: {},
    },
  ]
}

/** Parameters for each delivery query, by its export name in delivery/queries.ts. */
function deliveryParams(p: PickedParams): Record<string, Array<{ label: string; params: Record<string, unknown> }>> {
  const page = { category: null, condition: null, treatment: null, afterId: null, afterPublishedAt: null, limit: 21 }
  // Default page sizes plus one, as the content functions ask.
  const conditionPage = { bodyRegion: null, limit: CONDITION_PAGE_SIZE + 1 }
  const treatmentPage = { limit: TREATMENT_PAGE_SIZE + 1 }
  // Spanish, as `?lang=es` asks: served from the index of `language` (no Spanish document in a
  // generated dataset: the lookup's cost, not a page of results). `versions`/`versionIds` as a
  // content function passes them after reading translation metadata (none here).
  const es = { lang: 'es', fallback: false }
  const esFallback = { lang: 'es', fallback: true }
  return {
    ARTICLE_BY_SLUG_QUERY: [
      { label: '', params: { slug: p.articleSlug } },
      { label: 'es, fallback en', params: { slug: p.articleSlug, ...esFallback } },
    ],
    ARTICLE_LIST_QUERY: [
      { label: 'first page', params: page },
      { label: 'by category', params: { ...page, category: p.categorySlug } },
      { label: 'es', params: { ...page, ...es } },
      { label: 'es, fallback en', params: { ...page, ...esFallback } },
    ],
    CONDITION_BY_SLUG_QUERY: [
      { label: '', params: { slug: p.conditionSlug } },
      // A Spanish page's `$versionIds`: the ids of its document's versions (here only the English one).
      { label: 'es, fallback en', params: { slug: p.conditionSlug, ...esFallback, versionIds: [p.conditionId] } },
    ],
    CONDITIONS_BY_BODY_REGION_QUERY: [
      { label: '', params: { bodyRegion: p.bodyRegion } },
      { label: 'es', params: { bodyRegion: p.bodyRegion, ...es } },
    ],
    CONDITIONS_BY_ICD10_QUERY: [{ label: '', params: { code: p.icd10Code } }],
    CONDITION_LIST_QUERY: [
      { label: 'first page', params: { ...conditionPage, afterName: null, afterId: null } },
      {
        label: 'middle page',
        params: { ...conditionPage, afterName: p.conditionAfter.name, afterId: p.conditionAfter.id },
      },
      {
        label: 'by body region',
        params: { ...conditionPage, bodyRegion: p.bodyRegion, afterName: null, afterId: null },
      },
    ],
    TREATMENT_BY_SLUG_QUERY: [
      { label: '', params: { slug: p.treatmentSlug } },
      { label: 'es, fallback en', params: { slug: p.treatmentSlug, ...esFallback, versionIds: [p.treatmentId] } },
    ],
    TREATMENT_LIST_QUERY: [
      { label: 'first page', params: { ...treatmentPage, afterName: null, afterId: null } },
      {
        label: 'middle page',
        params: { ...treatmentPage, afterName: p.treatmentAfter.name, afterId: p.treatmentAfter.id },
      },
    ],
    FAQS_BY_TOPIC_QUERY: [
      { label: '', params: { treatment: p.treatmentSlug, condition: null } },
      { label: 'es', params: { treatment: p.treatmentSlug, condition: null, ...es } },
    ],
    CARE_INSTRUCTIONS_QUERY: [{ label: '', params: { treatment: p.treatmentSlug, phase: null } }],
    ARTICLE_SEARCH_QUERY: [
      { label: '', params: { terms: p.searchTerms, limit: 20 } },
      { label: 'es', params: { terms: p.searchTerms, limit: 20, ...es } },
    ],
    TRANSLATION_VERSIONS_QUERY: [{ label: 'a page and its relations', params: { ids: p.pageIds } }],
    DOCUMENT_IN_LANGUAGE_QUERY: [
      { label: 'es', params: { type: 'article', slug: p.articleSlug, ...es } },
      { label: 'es, fallback en', params: { type: 'article', slug: p.articleSlug, ...esFallback } },
    ],
    SITEMAP_INDEX_QUERY: [{ label: '', params: {} }],
    SITEMAP_PAGE_QUERY: [
      { label: 'articles, first page', params: { type: 'article', start: 0, end: p.sitemapPageSize } },
      {
        label: 'articles, middle page',
        params: {
          type: 'article',
          start: p.articleSitemapMiddleStart,
          end: p.articleSitemapMiddleStart + p.sitemapPageSize,
        },
      },
      { label: 'conditions, first page', params: { type: 'condition', start: 0, end: p.sitemapPageSize } },
    ],
    CLINIC_SETTINGS_QUERY: [{ label: '', params: {} }],
    HEALTH_PROBE_QUERY: [{ label: '', params: {} }],
  }
}

/**
 * Exports of delivery/queries.ts that are not queries the API runs, and why the bench does not time
 * them as delivery queries.
 */
/**
 * The language parameters of a delivery query that takes them: English, no fallback (what every
 * request without `?lang=` runs). Only the ones the query names: a parameter the query uses but
 * is not sent is an error.
 */
export function languageParams(query: string): Record<string, unknown> {
  return {
    ...(/\$lang\b/.test(query) ? { lang: 'en' } : {}),
    ...(/\$fallback\b/.test(query) ? { fallback: false } : {}),
    ...(/\$versions\b/.test(query) ? { versions: [] } : {}),
    ...(/\$versionIds\b/.test(query) ? { versionIds: [] } : {}),
  }
}

export const NOT_TIMED: Readonly<Record<string, string>> = {
  PUBLISHED_CHANGES_LISTEN_QUERY:
    'a listen filter (cache invalidation subscribes with it), never run as a query: its cost is the listen latency figure',
}

/**
 * Every `*_QUERY` export of delivery/queries.ts with parameters. A query added later without
 * known parameters is listed in `skipped` (the bench says so rather than guessing); the exports of
 * NOT_TIMED are listed in `notTimed` with the reason.
 */
export async function deliveryQueries(
  p: PickedParams,
): Promise<{ queries: BenchQuery[]; skipped: string[]; notTimed: Array<{ name: string; why: string }> }> {
  const mod = (await import('../../delivery/queries.js')) as Record<string, unknown>
  const known = deliveryParams(p)
  const queries: BenchQuery[] = []
  const skipped: string[] = []
  const notTimed: Array<{ name: string; why: string }> = []
  for (const [name, value] of Object.entries(mod)) {
    if (!name.endsWith('_QUERY') || typeof value !== 'string') continue
    const why = NOT_TIMED[name]
    if (why) {
      notTimed.push({ name, why })
      continue
    }
    const variants = known[name] ?? (value.includes('$') ? undefined : [{ label: '', params: {} }])
    if (!variants) {
      skipped.push(name)
      continue
    }
    for (const v of variants) {
      queries.push({
        name: `${name.replace(/_QUERY$/, '')}${v.label ? ` (${v.label})` : ''}`,
        kind: 'delivery',
        query: value,
        params: { ...languageParams(value), ...v.params },
      })
    }
  }
  return { queries, skipped, notTimed }
}
