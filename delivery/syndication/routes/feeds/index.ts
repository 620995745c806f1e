// The feeds (the prefix /feeds is given where the plugin is registered):
//
//   GET /feeds/{rss.xml,atom.xml,feed.json}                  public feeds, metered by address and
//                                                            served from the delivery server's
//                                                            response cache (ETag, 304)
//   GET /feeds/partners/:token/{rss.xml,atom.xml,feed.json}  a partner's feeds (the feed token in the
//                                                            URL stands in for the API key; private)
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { CONTENT_TYPES } from '../../../http/content-types.js'
import { type Produced, sendWithEtag, serveCached } from '../../../http/respond.js'
import { noQuery } from '../../../http/route-schemas.js'
import { normaliseSiteUrl } from '../../../../model/site-paths.js'
import { buildSyndicatedArticle, fetchScopedArticles, heroImageUrl } from '../../articles.js'
import { renderAtom } from '../../feeds/atom.js'
import { buildFeed, feedItemOf } from '../../feeds/build.js'
import { renderJsonFeed } from '../../feeds/jsonFeed.js'
import type { FeedLinks } from '../../feeds/model.js'
import { renderRss } from '../../feeds/rss.js'
import { type Audience, audienceLanguages } from '../../scope.js'
import {
  DEFAULT_LANGUAGE,
  isLanguage,
  type Language,
  LANGUAGE_IDS,
  LANGUAGES,
  localeOf,
} from '../../../../model/languages.js'
import type { Syndication } from '../../service.js'
import {
  FEEDS_PREFIX,
  PRIVATE,
  PUBLIC_FEED,
  partnerAudience,
  payloadContext,
  SYNDICATION_PREFIX,
  type SyndicationRouteOptions,
  VARY,
} from '../common.js'
import { guardOf } from '../guard.js'

const FORMATS = {
  'rss.xml': { contentType: CONTENT_TYPES.rss, render: renderRss },
  'atom.xml': { contentType: CONTENT_TYPES.atom, render: renderAtom },
  'feed.json': { contentType: CONTENT_TYPES.jsonFeed, render: renderJsonFeed },
} as const
type FeedFormat = keyof typeof FORMATS

/** The public feeds' own cache tag (not a sync tag: those start with `s1:`). */
const PUBLIC_FEEDS_TAG = 'clinic:syndication.public-feeds'

const tokenParams = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200, description: 'The feed token the clinic issued' }) },
  { additionalProperties: false },
)

/**
 * The language a feed declares: its audience's only language, or the source language when a
 * partner is licensed for several (each item's payload still names its own `language`).
 */
function feedLanguage(audience: Audience): Language {
  const languages = audienceLanguages(audience) ?? []
  const only = languages.length === 1 ? languages[0] : undefined
  return isLanguage(only) ? only : DEFAULT_LANGUAGE
}

/** A feed of an audience's articles, newest first, as one of the formats. */
async function produceFeed(
  syndication: Syndication,
  audience: Audience,
  format: FeedFormat,
  where: { selfBase: string; id: string; title: string },
): Promise<Produced> {
  const now = syndication.now()
  const page = await fetchScopedArticles(syndication.client, audience, now, {
    offset: 0,
    limit: syndication.options.feedItems ?? 50,
  })
  const items = page.articles.map((source) => {
    const article = buildSyndicatedArticle({ clinic: page.clinic, article: source }, payloadContext(syndication))
    return feedItemOf(article, page.clinic, heroImageUrl(source, syndication.options.images), now)
  })
  const feed = buildFeed({
    id: where.id,
    title: where.title,
    description: `Patient-education articles from ${page.clinic.name}, licensed for republication with attribution.`,
    clinic: page.clinic,
    items,
    builtAt: now,
    language: localeOf(feedLanguage(audience)),
  })
  const links: FeedLinks = {
    self: `${where.selfBase}/${format}`,
    homePage: normaliseSiteUrl(page.clinic.siteUrl),
    extensionAbout: `${syndication.apiBaseUrl()}${SYNDICATION_PREFIX}/#json-feed-extension`,
  }
  if (syndication.options.websubHub) links.hub = syndication.options.websubHub
  const link = [`<${links.self}>; rel="self"`, ...(links.hub ? [`<${links.hub}>; rel="hub"`] : [])].join(', ')
  const { contentType, render } = FORMATS[format]
  return { status: 200, contentType, body: render(feed, links), headers: { link, ...VARY } }
}

export const feedRoutes: FastifyPluginAsyncTypebox<SyndicationRouteOptions> = async (
  app,
  { syndication, responses },
) => {
  const guard = guardOf(syndication)
  // The public feeds change with the public scope. Their cached copies carry the sync tags of the
  // query that built them (a publish refreshes them like any response), plus a tag of their own:
  // an embargo can end without any write, which only the syndication ledger notices, and then
  // only the feeds are dropped, not the whole cache (so a release publish is still one flush at
  // most, and with tags none).
  const unsubscribe = syndication.onAppended((audience) => {
    if (audience.kind === 'public') responses.cache.invalidateTags([PUBLIC_FEEDS_TAG])
  })
  app.addHook('onClose', async () => unsubscribe())
  const publicFeeds = { ...responses, cacheControl: PUBLIC_FEED }

  for (const format of Object.keys(FORMATS) as FeedFormat[]) {
    // One public feed per language: `/rss.xml` in English, `/es/rss.xml` in Spanish.
    for (const language of LANGUAGE_IDS) {
      const prefix = language === DEFAULT_LANGUAGE ? '' : `/${language}`
      app.get(
        `${prefix}/${format}`,
        {
          onRequest: guard.publicPath,
          schema: {
            summary: `Public feed of articles in ${LANGUAGES.find((l) => l.id === language)?.title} licensed for republication (RSS 2.0, Atom 1.0 or JSON Feed 1.1)`,
            tags: ['syndication'],
            produces: FORMATS[format].contentType,
            querystring: noQuery,
          },
        },
        (request, reply) =>
          serveCached(publicFeeds, request, reply, async () => {
            const base = `${syndication.apiBaseUrl()}${FEEDS_PREFIX}`
            const produced = await produceFeed(syndication, { kind: 'public', languages: [language] }, format, {
              selfBase: `${base}${prefix}`,
              id: `${base}${prefix}/public`,
              title:
                language === DEFAULT_LANGUAGE
                  ? 'Patient education'
                  : `Patient education (${LANGUAGES.find((l) => l.id === language)?.title})`,
            })
            // Rate limited: every request must reach the route, a cache hit too.
            return { ...produced, metered: true, extraTags: [PUBLIC_FEEDS_TAG] }
          }),
      )
    }

    app.get(
      `/partners/:token/${format}`,
      {
        onRequest: guard.feedToken,
        schema: {
          summary: "A partner's feed; the feed token in the URL stands in for the API key",
          tags: ['syndication'],
          produces: FORMATS[format].contentType,
          params: tokenParams,
          querystring: noQuery,
        },
      },
      async (request, reply) => {
        const partner = guard.partnerOf(request)
        const base = `${syndication.apiBaseUrl()}${FEEDS_PREFIX}`
        const produced = await produceFeed(syndication, partnerAudience(partner), format, {
          selfBase: `${base}/partners/${request.params.token}`,
          id: `${base}/partners/${encodeURIComponent(partner.id)}`,
          title: `Patient education for ${partner.name}`,
        })
        return sendWithEtag(request, reply, produced.body, produced.contentType, PRIVATE, produced.headers)
      },
    )
  }
}
