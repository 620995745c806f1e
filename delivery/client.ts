// The one place a `@sanity/client` for delivery is configured. Delivery talks to a Content Lake
// only through this client, so the same code reads the local lake (`lake/`) or a hosted Sanity
// project; only the configuration differs.
//
// - `apiVersion` is pinned: a new API version changes query semantics only when we choose to.
// - `perspective: 'published'`: drafts are never delivered, whatever token the client carries.
// - Hosted reads go through the API CDN (`useCdn`); the local lake has no CDN.
// - Tokens stay on the server: this module is imported by the Node delivery server only, and the
//   token is never put in a response (see delivery/http).
// - Every request carries a tag (`clinic.delivery.<name>`), visible in Sanity's request logs.
import { createClient, type ClientConfig, type QueryParams, type SanityClient } from '@sanity/client'
import type { ClientReturn } from '@sanity/client'
import {
  DEFAULT_SOURCE_RETRY_BUDGET_MS,
  retryTooMany,
  SourceGate,
  type SourceGateOptions,
} from './cache/source-gate.js'
import { currentLastLiveEventId, recordSyncTags } from './cache/sync-tags.js'
import type { ContentSourceConfig } from './config.js'

/** The Content Lake API version every delivery query is written against. */
export const DELIVERY_API_VERSION = '2025-02-19'

/** Prefix of every request tag delivery sends. */
export const REQUEST_TAG_PREFIX = 'clinic.delivery'

/**
 * Network behaviour: fail fast enough that a down content source is noticed (and cached responses
 * served stale) within seconds, while riding out a single dropped connection.
 */
const NETWORK: Pick<ClientConfig, 'timeout' | 'maxRetries'> = { timeout: 5_000, maxRetries: 1 }

/** Builds the delivery client for the local lake or a hosted Sanity project. */
export function createDeliveryClient(source: ContentSourceConfig): SanityClient {
  if (source.kind === 'local') {
    return createClient({
      projectId: 'local',
      dataset: source.dataset,
      apiHost: source.lakeUrl,
      useProjectHostname: false,
      apiVersion: DELIVERY_API_VERSION,
      perspective: 'published',
      useCdn: false,
      token: source.token,
      requestTagPrefix: REQUEST_TAG_PREFIX,
      ...NETWORK,
    })
  }
  return createClient({
    projectId: source.projectId,
    dataset: source.dataset,
    apiVersion: DELIVERY_API_VERSION,
    perspective: 'published',
    useCdn: source.useCdn,
    token: source.token,
    requestTagPrefix: REQUEST_TAG_PREFIX,
    ...NETWORK,
  })
}

/**
 * A new client with `overrides` applied to `client`'s configuration. Unlike `withConfig`, this
 * also applies the retry settings (`maxRetries` is fixed when a client's requester is built, so
 * `withConfig({maxRetries})` is silently ignored).
 */
export function reconfigureClient(client: SanityClient, overrides: Partial<ClientConfig>): SanityClient {
  const {
    url: _url,
    cdnUrl: _cdnUrl,
    isDefaultApi: _isDefaultApi,
    ...config
  } = client.config() as ClientConfig & {
    url?: string
    cdnUrl?: string
    isDefaultApi?: boolean
  }
  return createClient({ ...config, ...overrides })
}

/** The gate of each delivery client (delivery/cache/source-gate.ts): its queries at the source. */
const gates = new WeakMap<SanityClient, SourceGate>()

/**
 * Takes any client pointed at a lake (e.g. one a test helper or another area built) and returns a
 * new client with delivery's settings: pinned API version, published perspective, request tags,
 * fail-fast retries, and a gate bounding its concurrent queries (`gate`, default
 * DELIVERY_SOURCE_CONCURRENCY queries at once). The original client is not changed.
 */
export function asDeliveryClient(client: SanityClient, gate: SourceGateOptions = {}): SanityClient {
  const delivery = reconfigureClient(client, {
    apiVersion: DELIVERY_API_VERSION,
    perspective: 'published',
    requestTagPrefix: REQUEST_TAG_PREFIX,
    ...NETWORK,
  })
  gates.set(delivery, new SourceGate(gate))
  return delivery
}

/** The gate of a client made by `asDeliveryClient` (undefined for any other client). */
export function sourceGateOf(client: SanityClient): SourceGate | undefined {
  return gates.get(client)
}

/** A client for `client.listen` (the listen API is never served by the CDN). */
export function listenerClient(client: SanityClient): SanityClient {
  return client.config().useCdn ? client.withConfig({ useCdn: false }) : client
}

/**
 * The result type of a delivery query: the type TypeGen generated for it, or `unknown` when the
 * query is not registered (so an unregistered query fails the typecheck instead of leaking `any`).
 */
export type QueryResult<Q extends string> = ClientReturn<Q, unknown>

/**
 * Runs one delivery query with its parameters and a request tag (`[a-z0-9._-]`). Typed by the
 * query string: the result is the TypeGen type of that exact query.
 *
 * The response's `syncTags` go to the cached response being produced, if any
 * (delivery/cache/sync-tags.ts), so a change invalidates exactly the responses that read it.
 */
export async function runQuery<const Q extends string>(
  client: SanityClient,
  query: Q,
  params: QueryParams,
  tag: string,
): Promise<QueryResult<Q>> {
  const result: unknown = await fetchTagged(client, query, params, { tag })
  return result as QueryResult<Q>
}

/**
 * `client.fetch` for everything a cached response is built from: asks for the raw response, reports
 * its `syncTags` to the production in progress and returns the result. With a Live Content API
 * event seen, its id goes along as `lastLiveEventId` (the API CDN then answers with content at
 * least that new).
 */
export async function fetchTagged(
  client: SanityClient,
  query: string,
  params: QueryParams,
  options: { tag: string; perspective?: 'published' | 'raw' },
): Promise<unknown> {
  const lastLiveEventId = currentLastLiveEventId()
  const request = () =>
    client.fetch(query, params, {
      ...options,
      filterResponse: false,
      ...(lastLiveEventId ? { lastLiveEventId } : {}),
    })
  // A client without a gate (a preview or probe client) still waits out a brief 429.
  const gate = gates.get(client)
  const response = await (gate ? gate.run(request) : retryTooMany(request, DEFAULT_SOURCE_RETRY_BUDGET_MS))
  recordSyncTags(response.syncTags)
  return response.result
}
