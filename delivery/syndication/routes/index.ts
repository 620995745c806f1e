// The syndication HTTP API, mounted on the delivery server (its problems, validation, error
// handler and response cache): one plugin per resource folder, each given its prefix here.
//
//   GET /syndication/v1/                        what is here, problem types, the JSON Feed extension
//   GET /syndication/v1/articles                in-scope articles, licensed payloads (API key)
//   GET /syndication/v1/articles/:slug          one article (API key; 404 outside the scope)
//   GET /syndication/v1/changes?since=<cursor>  upserts and tombstones since a cursor (API key)
//   GET /syndication/v1/webhooks/deliveries     the partner's webhook delivery log (API key)
//   GET /syndication/v1/usage                   the partner's daily usage counts (API key)
//   GET /syndication/v1/oembed?url=...          oEmbed 1.0 (JSON) for an article URL on the clinic's site
//   GET /syndication/v1/embed/:slug             the iframe page the embed snippet loads
//   GET /feeds/{rss.xml,atom.xml,feed.json}     public feeds
//   GET /feeds/partners/:token/{rss.xml,atom.xml,feed.json}  a partner's feeds (feed token in the URL)
//
// API keys go in `Authorization: Bearer <key>` (or `X-Api-Key`). Every path is rate limited
// (guard.ts). Anything outside a partner's scope is a 404 indistinguishable from an article that
// does not exist.
import type { FastifyPluginAsync } from 'fastify'
import { HttpProblem } from '../../http/problem.js'
import { securityHeadersHook } from '../../http/security-headers.js'
import { ClinicNotConfiguredError } from '../articles.js'
import { aboutRoutes } from './about/index.js'
import { articleRoutes } from './articles/index.js'
import { changeRoutes } from './changes/index.js'
import { FEEDS_PREFIX, SYNDICATION_PREFIX, type SyndicationRouteOptions } from './common.js'
import { embedRoutes } from './embed/index.js'
import { feedRoutes } from './feeds/index.js'
import { oembedRoutes } from './oembed/index.js'
import { usageRoutes } from './usage/index.js'
import { webhookRoutes } from './webhooks/index.js'

export { FEEDS_PREFIX, SYNDICATION_PREFIX, type SyndicationRouteOptions } from './common.js'

export const syndicationApi: FastifyPluginAsync<SyndicationRouteOptions> = async (app, options) => {
  // Not a second error handler: it only names syndication's own failure in HTTP terms and hands
  // every error on (a throw from a child's handler goes to the server's handler, which answers).
  app.setErrorHandler((error) => {
    if (error instanceof ClinicNotConfiguredError)
      throw new HttpProblem(503, 'clinic-not-configured', 'Syndication is not configured', `${error.message}.`)
    throw error
  })
  // The delivery server adds these too; here they also cover an app that mounts only this API
  // (the embed page keeps its frame policy). Applying them twice gives the same headers.
  app.addHook('onSend', securityHeadersHook())
  await app.register(aboutRoutes, { ...options, prefix: SYNDICATION_PREFIX })
  await app.register(articleRoutes, { ...options, prefix: `${SYNDICATION_PREFIX}/articles` })
  await app.register(changeRoutes, { ...options, prefix: `${SYNDICATION_PREFIX}/changes` })
  await app.register(webhookRoutes, { ...options, prefix: `${SYNDICATION_PREFIX}/webhooks` })
  await app.register(usageRoutes, { ...options, prefix: `${SYNDICATION_PREFIX}/usage` })
  await app.register(oembedRoutes, { ...options, prefix: `${SYNDICATION_PREFIX}/oembed` })
  await app.register(embedRoutes, { ...options, prefix: `${SYNDICATION_PREFIX}/embed` })
  await app.register(feedRoutes, { ...options, prefix: FEEDS_PREFIX })
}
