// GET /syndication/v1/: what the syndication API offers, its problem types and the JSON Feed
// extension (the prefix is given where the plugin is registered). Public, metered by address.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { PROBLEM_TYPE_BASE } from '../../../http/problem.js'
import { noQuery } from '../../../http/route-schemas.js'
import { LICENCE_REQUIREMENTS } from '../../articles.js'
import { FEEDS_PREFIX, SYNDICATION_PREFIX, sendJson, type SyndicationRouteOptions } from '../common.js'
import { guardOf } from '../guard.js'

export const aboutRoutes: FastifyPluginAsyncTypebox<SyndicationRouteOptions> = async (app, { syndication }) => {
  const guard = guardOf(syndication)
  app.get(
    '/',
    {
      onRequest: guard.publicPath,
      schema: {
        summary: 'What the syndication API offers, its problem types and the JSON Feed extension',
        tags: ['syndication'],
        querystring: noQuery,
      },
    },
    async (request, reply) => {
      const base = syndication.apiBaseUrl()
      return sendJson(
        request,
        reply,
        {
          name: 'Partner syndication API',
          authentication:
            'Send your API key as "Authorization: Bearer <key>". Feeds take a feed token in the URL instead.',
          endpoints: {
            articles: `${base}${SYNDICATION_PREFIX}/articles?offset=0&limit=20`,
            article: `${base}${SYNDICATION_PREFIX}/articles/{slug}`,
            changes: `${base}${SYNDICATION_PREFIX}/changes?since={cursor}`,
            deliveries: `${base}${SYNDICATION_PREFIX}/webhooks/deliveries`,
            usage: `${base}${SYNDICATION_PREFIX}/usage?days=30`,
            oembed: `${base}${SYNDICATION_PREFIX}/oembed?url={article URL}&format=json`,
            publicFeeds: ['rss.xml', 'atom.xml', 'feed.json'].map((f) => `${base}${FEEDS_PREFIX}/${f}`),
            partnerFeeds: `${base}${FEEDS_PREFIX}/partners/{feed token}/{rss.xml|atom.xml|feed.json}`,
          },
          changes:
            'Apply changes in order: "upsert" (store or replace by id) or "delete" (remove by id); then poll again with "since" = "next". ' +
            'When "reset" is true, your cursor belongs to an earlier ledger: drop every article not upserted during this sync.',
          licenceRequirements: LICENCE_REQUIREMENTS,
          webhooks:
            'POST with a JSON event {id, type: article.published|article.updated|article.removed, article, reason, cursor}, signed in the header ' +
            '"sanity-webhook-signature: t=<unix ms>,v1=<base64url HMAC-SHA256 of `${t}.${raw body}` with your webhook secret>" ' +
            '(verify with @sanity/webhook isValidSignature). Answer 2xx; failures are retried with exponential backoff. De-duplicate on "id".',
          jsonFeedExtension: {
            name: '_syndication',
            fields: {
              about: 'this page',
              canonical_url: 'the article on the clinic site; point rel=canonical here',
              last_reviewed: 'date (YYYY-MM-DD) of the last medical review',
              next_review_due: 'date the next review is due',
              reviewed_by: 'the medical reviewer {name}',
              licence: 'licence text',
              attribution: 'attribution text to show',
            },
          },
          problemTypes: `${base}${PROBLEM_TYPE_BASE}<type> describes each problem type; the ones this API raises:`,
          problems: {
            unauthorized: 'missing, unknown or revoked key, or suspended partner (401)',
            'rate-limited': 'too many requests from this key, feed token or address: wait Retry-After seconds (429)',
            'not-found': 'no such article in your scope (404)',
            'invalid-parameters': 'a parameter is wrong: see errors[] (400)',
            'not-implemented': 'a format this API does not produce (501)',
            'clinic-not-configured': 'the clinic settings are incomplete (503)',
            'content-source-unavailable': 'the Content Lake cannot be reached (503)',
            'internal-error': 'the server failed; retry, and tell the clinic if it persists (500)',
          },
        },
        'public, max-age=3600',
      )
    },
  )
}
