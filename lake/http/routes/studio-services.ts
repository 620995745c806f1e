import type { FastifyPluginAsync } from 'fastify'
import { badRequest, isRecord, LakeError } from '../../errors.js'
import type { RouteOptions } from '../context.js'

/** How many schema descriptors the lake keeps (a Studio's schema is a few hundred). */
const MAX_DESCRIPTORS = 20_000

/**
 * The project services a Studio calls besides the content API, answered as a local lake can
 * answer them truthfully instead of with 404s that fill the browser console:
 * - `/intake/telemetry-status`: telemetry is never collected here ("denied");
 * - `/journey/<feature>`: no upsell offers (`null`, which the Studio reads as "none");
 * - `/help`: no remote help resources (`{}`: the Studio shows its built-in links);
 * - `/schedules/<project>/<dataset>`: the legacy Scheduled Publishing plugin's list, always
 *   empty (scheduling is done with releases);
 * - `/projects/<id>/user-applications`: no deployed Studios or apps;
 * - `/data/ping/<dataset>`: the latency probe (`X-Sanity-Shard: local`);
 * - `/descriptors/claim` and `/descriptors/synchronize`: the schema descriptor exchange. The
 *   Studio claims its schema by id; the lake answers which descriptors it lacks, stores those the
 *   Studio then sends, and says "complete" once it holds them all.
 */
const studioServiceRoutes: FastifyPluginAsync<RouteOptions> = async (app) => {
  const descriptors = new Map<string, unknown>()

  app.get('/intake/telemetry-status', async () => ({ status: 'denied' }))
  app.get('/journey/:feature', async (_request, reply) => reply.type('application/json').send('null'))
  app.get('/help', async () => ({}))
  app.get('/schedules/:projectId/:dataset', async () => ({ schedules: [] }))
  app.get('/projects/:projectId/user-applications', async () => [])
  // The Studio measures its latency to the dataset's shard here and reads the shard's name from
  // `X-Sanity-Shard`; a local lake is one shard.
  app.get('/data/ping/:dataset', async (_request, reply) =>
    reply.header('x-sanity-shard', 'local').type('text/plain').send('PONG'),
  )

  /** What the lake still needs of descriptor `id` and everything it refers to. */
  function synchronization(id: string): { type: 'complete' } | { type: 'incomplete'; missingIds: string[] } {
    const missing = new Set<string>()
    const seen = new Set<string>()
    const visit = (descriptorId: string): void => {
      if (seen.has(descriptorId)) return
      seen.add(descriptorId)
      const descriptor = descriptors.get(descriptorId)
      if (descriptor === undefined) {
        missing.add(descriptorId)
        return
      }
      for (const child of referencedIds(descriptor)) visit(child)
    }
    visit(id)
    return missing.size === 0 ? { type: 'complete' } : { type: 'incomplete', missingIds: [...missing] }
  }

  app.post('/descriptors/claim', async (request) => {
    requireSignedIn(request.identity.kind)
    const body = request.body
    if (!isRecord(body) || typeof body.descriptorId !== 'string')
      throw badRequest('the body must be {"descriptorId": "<id>", "contextKey": "..."}')
    return { synchronization: synchronization(body.descriptorId) }
  })

  app.post('/descriptors/synchronize', async (request) => {
    requireSignedIn(request.identity.kind)
    const body = request.body
    if (!isRecord(body) || typeof body.id !== 'string')
      throw badRequest('the body must be {"id": "<descriptor set id>", "descriptors": [...]}')
    const sent = Array.isArray(body.descriptors) ? body.descriptors : []
    for (const [index, descriptor] of sent.entries()) {
      if (!isRecord(descriptor) || typeof descriptor.id !== 'string')
        throw badRequest(`descriptors[${index}] must be an object with a string "id"`)
      if (descriptors.size >= MAX_DESCRIPTORS && !descriptors.has(descriptor.id))
        throw new LakeError(413, 'tooManyDescriptors', `the lake keeps at most ${MAX_DESCRIPTORS} schema descriptors`)
      descriptors.set(descriptor.id, descriptor)
    }
    return synchronization(body.id)
  })
}

function requireSignedIn(kind: string): void {
  if (kind === 'anonymous')
    throw new LakeError(401, 'unauthorizedError', 'Schema synchronization needs a token: sign in to the Studio first')
}

/** The members of a descriptor set (`{id, type, keys: [member ids]}`); other descriptors have none. */
function referencedIds(descriptor: unknown): string[] {
  if (!isRecord(descriptor) || !Array.isArray(descriptor.keys)) return []
  return descriptor.keys.filter((key): key is string => typeof key === 'string')
}

export default studioServiceRoutes
