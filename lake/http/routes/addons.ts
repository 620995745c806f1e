import type { FastifyPluginAsync } from 'fastify'
import { setUpAddon } from '../../addons.js'
import { requireWriter, type User } from '../../auth/index.js'
import { LakeError } from '../../errors.js'
import type { LakeContext, RouteOptions } from '../context.js'

/**
 * Project features the lake provides, as hosted Sanity lists a project's plan features at
 * `GET /features`. The Studio switches comments and tasks from their upsell screens to the real
 * thing when these are listed.
 */
export const PROJECT_FEATURES: readonly string[] = ['studioComments', 'sanityTasks']

/** A dataset as `GET /projects/<id>/datasets` lists it (hosted's fields the Studio reads). */
export function datasetView(
  ctx: LakeContext,
  name: string,
): { name: string; aclMode: 'public' | 'private'; addonFor: string | null; datasetProfile: string } {
  const addon = ctx.addons.get(name)
  return addon
    ? { name, aclMode: 'private', addonFor: addon.addonFor, datasetProfile: addon.profile }
    : { name, aclMode: 'public', addonFor: null, datasetProfile: 'content' }
}

/**
 * The datasets `GET /projects/<id>/datasets` answers: every dataset, or with
 * `?datasetProfile=comments&addonFor=<dataset>` the add-on the Studio keeps comments and tasks in
 * (an empty list until the Studio's first comment or task sets it up).
 */
export function listDatasets(ctx: LakeContext, query: Record<string, unknown>): ReturnType<typeof datasetView>[] {
  const profile = typeof query.datasetProfile === 'string' ? query.datasetProfile : undefined
  const addonFor = typeof query.addonFor === 'string' ? query.addonFor : undefined
  const names = ctx.store.datasetNames()
  if (!names.includes(ctx.config.dataset)) names.push(ctx.config.dataset)
  return names
    .map((name) => datasetView(ctx, name))
    .filter(
      (dataset) =>
        (profile === undefined || dataset.datasetProfile === profile) &&
        (addonFor === undefined || dataset.addonFor === addonFor),
    )
}

/**
 * A user as `/users/<ids>` answers (hosted's public user profile): the Studio shows comment
 * authors, mentions and task assignees by these.
 */
function publicUser(user: User, currentUserId: string): Record<string, unknown> {
  const [givenName = user.name, ...rest] = user.name.split(/\s+/)
  return {
    id: user.id,
    displayName: user.name,
    givenName,
    familyName: rest.length > 0 ? rest.join(' ') : null,
    middleName: null,
    imageUrl: null,
    email: user.email,
    createdAt: user.createdAt,
    updatedAt: user.createdAt,
    isCurrentUser: user.id === currentUserId,
    projectUserId: user.id,
    provider: 'local',
    sanityUserId: user.id,
  }
}

/** At most this many ids in one `/users/<ids>` request (the Studio batches up to 400). */
const MAX_USER_IDS = 1000

/**
 * What the Studio's comments and tasks need besides the document API:
 * - `POST /comments/<dataset>/setup`: creates the dataset's comments add-on (`<dataset>-comments`)
 *   on the first comment or task, or answers the existing one; `{datasetName}`;
 * - `GET /users/<id1>,<id2>`: the editors named in comments, mentions and tasks;
 * - the add-on lookup (`/projects/<id>/datasets?datasetProfile=comments&addonFor=...`) and
 *   `/features` are answered by the account routes with `listDatasets` and `PROJECT_FEATURES`.
 * Comments (`comment`) and tasks (`tasks.task`) are ordinary documents in the add-on dataset,
 * written through `/data/mutate` like any other.
 */
const addonRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  app.post<{ Params: { dataset: string } }>('/comments/:dataset/setup', async (request) => {
    requireWriter(request.identity, 'Setting up comments and tasks')
    const addon = await setUpAddon(ctx, request.params.dataset, 'comments')
    return { datasetName: addon.name, addonFor: addon.addonFor, datasetProfile: addon.profile, aclMode: 'private' }
  })

  app.get<{ Params: { ids: string } }>('/users/:ids', async (request) => {
    const identity = request.identity
    if (identity.kind !== 'user')
      throw new LakeError(
        401,
        'unauthorizedError',
        'Reading editors\' profiles needs a token: sign in first, or send "Authorization: Bearer <token>"',
      )
    const ids = request.params.ids.split(',').filter(Boolean)
    if (ids.length > MAX_USER_IDS)
      throw new LakeError(
        400,
        'httpBadRequest',
        `ask for at most ${MAX_USER_IDS} user ids at a time, not ${ids.length}`,
      )
    const users = ids.map((id) => ctx.accounts.findById(id)).filter((user): user is User => user !== undefined)
    const views = users.map((user) => publicUser(user, identity.user.id))
    // Hosted answers one id with the user object (404 when unknown) and several with an array.
    if (ids.length === 1) {
      const only = views[0]
      if (!only) throw new LakeError(404, 'notFoundError', `no editor with id "${ids[0]}" in this project`)
      return only
    }
    return views
  })
}

export default addonRoutes
