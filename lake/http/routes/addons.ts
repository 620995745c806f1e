import type { FastifyPluginAsync } from 'fastify'
import { setUpAddon } from '../../addons.js'
import { requireWriter } from '../../auth/index.js'
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
 * What the Studio's comments and tasks need besides the document API:
 * - `POST /comments/<dataset>/setup`: creates the dataset's comments add-on (`<dataset>-comments`)
 *   on the first comment or task, or answers the existing one; `{datasetName}`;
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
}

export default addonRoutes
