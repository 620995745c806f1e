import type { FastifyPluginAsync } from 'fastify'
import { requireWriter, type User } from '../../auth/index.js'
import { LakeError, badRequest, isRecord } from '../../errors.js'
import type { RouteOptions } from '../context.js'
import { listDatasets, PROJECT_FEATURES } from './addons.js'
import { SCHEDULER_AUTHOR } from '../../releases/scheduler.js'
import { LAKE_FEATURES } from './releases.js'

/** The author of the transactions the release scheduler commits, as a project member. */
const SCHEDULER_MEMBER: Record<string, unknown> = {
  id: SCHEDULER_AUTHOR,
  displayName: 'Scheduled publishing',
  givenName: 'Scheduled publishing',
  familyName: null,
  imageUrl: null,
  isCurrentUser: false,
}

const ROLE_TITLES: Record<string, string> = { administrator: 'Administrator', editor: 'Editor', viewer: 'Viewer' }

export function userView(user: User): Record<string, unknown> {
  return {
    id: user.id,
    name: user.name,
    // What `/users/<ids>` answers on hosted Sanity: the Studio lists mentionable editors and
    // task assignees by `displayName` (and sorts them by it).
    displayName: user.name,
    email: user.email,
    profileImage: null,
    imageUrl: null,
    role: user.role,
    roles: [{ name: user.role, title: ROLE_TITLES[user.role] ?? user.role }],
    provider: 'local',
  }
}

/**
 * What the Studio asks about the project and the signed-in user: `/users/me`, key-value settings,
 * the dataset ACL, `/projects/<id>`, `/features`, `/ping`.
 */
const accountRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  app.get('/ping', async (_request, reply) => reply.type('text/plain').send('PONG'))
  // Comments and tasks (add-on datasets) and content releases: the Studio shows upsell screens
  // or refuses the actions of any feature not listed.
  app.get('/features', async () => [...PROJECT_FEATURES, ...LAKE_FEATURES])

  app.get('/users/me', async (request) => {
    // Sanity answers an anonymous /users/me with an empty object: "not logged in".
    return request.identity.kind === 'user' ? userView(request.identity.user) : {}
  })

  // Other editors by id (`/users/<id>` or `/users/<id1>,<id2>`), as the Studio resolves the
  // people behind presence avatars, mentions and document authors (the release scheduler, which
  // authors scheduled publishes, included). Signed-in callers only: an anonymous caller sees no
  // editor's identity anywhere. One id answers the user (404 if unknown), several answer the
  // known ones in a list.
  app.get<{ Params: { ids: string } }>('/users/:ids', async (request) => {
    signedIn(request.identity, 'Looking up editors')
    const ids = request.params.ids.split(',').filter(Boolean)
    const find = (id: string): Record<string, unknown> | undefined => {
      if (id === SCHEDULER_AUTHOR) return SCHEDULER_MEMBER
      const user = ctx.accounts.findById(id)
      return user ? userView(user) : undefined
    }
    if (ids.length === 1) {
      const user = find(ids[0]!)
      if (!user) throw new LakeError(404, 'notFoundError', `no editor with id "${ids[0]}" in this lake`)
      return user
    }
    return ids.flatMap((id) => {
      const user = find(id)
      return user ? [user] : []
    })
  })

  app.get<{ Params: { keys: string } }>('/users/me/keyvalue/:keys', async (request) => {
    const user = signedIn(request.identity)
    const keys = request.params.keys.split(',').filter(Boolean)
    const get = ctx.store.db.prepare('SELECT value FROM keyvalue WHERE user_id = ? AND key = ?')
    return keys.map((key) => {
      const row = get.get(user.id, key) as { value: string } | undefined
      return { key, value: row ? (JSON.parse(row.value) as unknown) : null }
    })
  })

  app.put('/users/me/keyvalue', async (request) => {
    const user = signedIn(request.identity)
    const body = request.body
    const items = Array.isArray(body) ? body : [body]
    const put = ctx.store.db.prepare(
      'INSERT INTO keyvalue (user_id, key, value) VALUES (?, ?, ?) ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value',
    )
    const out: Array<{ key: string; value: unknown }> = []
    for (const item of items) {
      if (!isRecord(item) || typeof item.key !== 'string')
        throw badRequest('each key-value item must be {"key": "...", "value": ...}')
      put.run(user.id, item.key, JSON.stringify(item.value ?? null))
      out.push({ key: item.key, value: item.value ?? null })
    }
    return out
  })

  app.get<{ Params: { projectId: string; dataset: string } }>(
    '/projects/:projectId/datasets/:dataset/acl',
    async (request) => {
      const identity = request.identity
      if (identity.kind === 'anonymous') return [{ filter: '_id in path("*")', permissions: ['read'] }]
      const permissions =
        identity.user.role === 'viewer' ? ['read', 'history'] : ['read', 'create', 'history', 'update', 'manage']
      return [{ filter: '_id in path("**")', permissions }]
    },
  )

  app.get<{ Params: { projectId: string } }>('/projects/:projectId', async (request) => {
    const id = request.params.projectId
    const members =
      request.identity.kind === 'user'
        ? ctx.accounts.listUsers().map((u) => ({
            id: u.id,
            role: u.role,
            roles: [{ name: u.role, title: ROLE_TITLES[u.role] }],
            isCurrentUser: request.identity.kind === 'user' && request.identity.user.id === u.id,
            isRobot: false,
          }))
        : []
    return { id, displayName: id, studioHost: null, isBlocked: false, isDisabled: false, members, metadata: {} }
  })

  // `client.datasets.create(name)` (hosted: `sanity dataset create`): writers only, like every way
  // of creating a dataset here; 409 when it exists.
  app.put<{ Params: { dataset: string } }>('/datasets/:dataset', async (request) => {
    requireWriter(request.identity, 'Creating a dataset')
    const name = request.params.dataset
    if (!ctx.store.createDataset(name)) throw new LakeError(409, 'conflict', `dataset "${name}" already exists`)
    return { datasetName: name, aclMode: 'public' }
  })

  // The list of datasets is project data, for signed-in callers only (the Studio reads it signed
  // in, for its dataset switcher): anonymously it listed every name ever read or written.
  app.get<{ Params: { projectId: string } }>('/projects/:projectId/datasets', async (request) => {
    signedIn(request.identity, 'Listing datasets')
    // `?datasetProfile=comments&addonFor=<dataset>`: the Studio's lookup of its comments add-on.
    return listDatasets(ctx, request.query as Record<string, unknown>)
  })
}

function signedIn(identity: import('../../auth/index.js').Identity, what = 'This'): User {
  if (identity.kind !== 'user')
    throw new LakeError(
      401,
      'unauthorizedError',
      `${what} needs a token: sign in first, or send "Authorization: Bearer <token>" (\`npm run lake -- create-token\`)`,
    )
  return identity.user
}

export default accountRoutes
