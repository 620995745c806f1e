/**
 * A delivery server on a free loopback port with syndication mounted through its `extraRoutes`
 * hook, reading the given test lake, the way `npm start` mounts it. Syndication learns the
 * server's URL (for the links it writes) once the server listens.
 *
 *   const server = await startSyndicatedServer(lake, { worker: false })
 */
import { type DeliveryServer, startDeliveryServer } from '../../delivery/http/server.js'
import { type MountOptions, syndicationRoutes } from '../../delivery/syndication/mount.js'
import { syndicationApi } from '../../delivery/syndication/routes/index.js'
import type { Syndication } from '../../delivery/syndication/service.js'
import type { TestLake } from './lake.js'

export async function startSyndicatedServer(
  lake: TestLake,
  options: Partial<Omit<MountOptions, 'client' | 'token' | 'publicUrl'>> = {},
): Promise<DeliveryServer> {
  let base = ''
  const mounted = syndicationRoutes({
    client: lake.anonymousClient,
    token: lake.token,
    publicUrl: () => base,
    onError: () => undefined,
    ...options,
  })
  const server = await startDeliveryServer({
    client: lake.anonymousClient,
    port: 0,
    host: '127.0.0.1',
    extraRoutes: mounted.register,
  })
  base = server.url
  return server
}

/**
 * A delivery server on a free loopback port serving the routes of a syndication the caller created
 * (and starts, or not: its background work is the caller's), reading the given test lake.
 */
export function startServerFor(lake: TestLake, syndication: Syndication): Promise<DeliveryServer> {
  return startDeliveryServer({
    client: lake.anonymousClient,
    port: 0,
    extraRoutes: async (app, context) => {
      await app.register(syndicationApi, { syndication, responses: context })
    },
  })
}
