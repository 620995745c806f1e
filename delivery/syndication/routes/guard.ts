// Who may ask, and how often. Every syndication path is metered:
//
// - API-key routes: the key is authenticated (one lake read, never cached) and then takes a token
//   from its own bucket (`key:<credential id>`); feed-token routes likewise (`feed:<id>`);
// - a credential that fails (missing, malformed, unknown, revoked, suspended partner) takes a token
//   from its address's failure bucket (`fail:<address>`): once that is empty, requests from the
//   address are refused before the lake is asked, so guessing keys is as slow as the limit;
// - public paths (public feeds, embed, oEmbed, the index) take a token per address (`ip:<address>`).
//
// A refusal is a 429 problem with Retry-After. The address is the connection's (Fastify's
// request.ip): behind a proxy, configure Fastify's trustProxy or every caller shares one bucket.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { HttpProblem } from '../../http/problem.js'
import { apiKeyFromHeaders } from '../credentials.js'
import { authenticate, type PartnerRecord } from '../partners.js'
import type { RateDecision } from '../rateLimit.js'
import type { Syndication } from '../service.js'
import type { UsageRoute } from '../usage.js'
import { AUTH_DETAIL, FEED_AUTH_DETAIL } from './common.js'

function tooMany(decision: RateDecision & { allowed: false }, who: string): HttpProblem {
  return new HttpProblem(
    429,
    'rate-limited',
    'Too many requests',
    `${who} has used its ${decision.limit} requests; retry after ${decision.retryAfterSeconds} s (Retry-After).`,
    {
      headers: {
        'retry-after': String(decision.retryAfterSeconds),
        'ratelimit-limit': String(decision.limit),
        'ratelimit-remaining': '0',
      },
    },
  )
}

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>

/**
 * The checks run as `onRequest` hooks, before the request is validated: every request is metered,
 * a malformed one too, and a caller without a valid credential learns nothing about parameters.
 */
export interface Guard {
  /** Hook: the request's API key must be valid; it is metered and counted under `route`. */
  apiKey(route: UsageRoute): Hook
  /** Hook: the feed token in the path (`:token`) must be valid; it is metered and counted. */
  feedToken: Hook
  /** Hook: a public path, metered by address. */
  publicPath: Hook
  /** The partner the apiKey or feedToken hook authenticated for this request. */
  partnerOf(request: FastifyRequest): PartnerRecord
}

const partners = new WeakMap<FastifyRequest, PartnerRecord>()

export function guardOf(syndication: Syndication): Guard {
  const failures = (request: FastifyRequest) => `fail:${request.ip}`

  /** Before authenticating: an address out of failure tokens is refused without a lake read. */
  const refuseKnownGuesser = (request: FastifyRequest) => {
    const decision = syndication.publicLimiter.peek(failures(request))
    if (!decision.allowed) throw tooMany(decision, 'This address, after failed credentials,')
  }

  const failed = (request: FastifyRequest, problem: HttpProblem): HttpProblem => {
    const decision = syndication.publicLimiter.take(failures(request))
    return decision.allowed ? problem : tooMany(decision, 'This address, after failed credentials,')
  }

  const meter = (reply: FastifyReply, decision: RateDecision, partnerId: string, route: UsageRoute, who: string) => {
    reply.header('RateLimit-Limit', String(decision.limit))
    if (!decision.allowed) {
      syndication.usage.record(partnerId, route, 'rate-limited')
      throw tooMany(decision, who)
    }
    reply.header('RateLimit-Remaining', String(decision.remaining))
    syndication.usage.record(partnerId, route)
  }

  return {
    apiKey: (route) => async (request, reply) => {
      refuseKnownGuesser(request)
      const auth = await authenticate(syndication.client, apiKeyFromHeaders(request.headers), 'apiKey')
      if (!auth.ok) {
        throw failed(
          request,
          new HttpProblem(401, 'unauthorized', 'Unauthorized', AUTH_DETAIL[auth.failure], {
            headers: { 'www-authenticate': 'Bearer realm="syndication"' },
          }),
        )
      }
      meter(reply, syndication.limiter.take(`key:${auth.credentialId}`), auth.partner.id, route, 'This key')
      partners.set(request, auth.partner)
    },

    feedToken: async (request, reply) => {
      refuseKnownGuesser(request)
      const { token } = request.params as { token?: string }
      const auth = await authenticate(syndication.client, token, 'feedToken')
      if (!auth.ok)
        throw failed(request, new HttpProblem(401, 'unauthorized', 'Unauthorized', FEED_AUTH_DETAIL[auth.failure]))
      meter(
        reply,
        syndication.feedLimiter.take(`feed:${auth.credentialId}`),
        auth.partner.id,
        'feed',
        'This feed token',
      )
      partners.set(request, auth.partner)
    },

    publicPath: async (request, reply) => {
      const decision = syndication.publicLimiter.take(`ip:${request.ip}`)
      reply.header('RateLimit-Limit', String(decision.limit))
      if (!decision.allowed) throw tooMany(decision, 'This address')
      reply.header('RateLimit-Remaining', String(decision.remaining))
    },

    partnerOf(request) {
      const partner = partners.get(request)
      if (!partner) throw new Error(`${request.url}: no credential was checked (the route lacks its guard hook)`)
      return partner
    },
  }
}
