import type { FastifyPluginAsync } from 'fastify'
import { RELEASE_PREFIX, RELEASE_TYPE } from '../../actions/releases.js'
import { LakeError } from '../../errors.js'
import type { LakeDocument } from '../../store/index.js'
import type { RouteOptions } from '../context.js'

/**
 * The plan features this lake offers, as hosted Sanity's `GET /features` lists a project's. The
 * Studio turns its Releases tool and "Schedule publish" off (every click answering "Unable to
 * perform this action") unless `contentReleases` and `singleDocRelease` are listed, and the lake
 * runs both: release actions, version documents and the release scheduler.
 */
export const LAKE_FEATURES: readonly string[] = ['contentReleases', 'singleDocRelease']

/**
 * Active releases one dataset may hold before the Studio offers an upgrade instead of a new
 * release. A local lake has no plan to sell; the number only keeps the release list a size the
 * Studio's Releases tool handles well. Informational like hosted Sanity's: the Studio enforces it
 * in its UI, the actions API does not.
 */
export const DATASET_RELEASE_LIMIT = 200

/** A release counts against the limits until it is published or archived. */
const INACTIVE_STATES = new Set(['archived', 'published', 'deleted'])

/** What `GET /projects/<id>/new-content-release-allowed` answers, inside `{data}`. */
export interface ReleaseLimits {
  /** Active releases in every dataset of the project. */
  orgActiveReleaseCount: number
  /** Those that count against a plan: single-document schedules ("Schedule publish") do not. */
  orgMeteredActiveReleaseCount: number
  datasetReleaseLimit: number
  /** `null`: no organisation-wide limit (a local lake has no organisation). */
  orgActiveReleaseLimit: number | null
  defaultOrgActiveReleaseLimit: number | null
}

function isActiveRelease(doc: LakeDocument): boolean {
  return doc._type === RELEASE_TYPE && doc._id.startsWith(RELEASE_PREFIX) && !INACTIVE_STATES.has(String(doc.state))
}

/** A release of cardinality one is a single document's schedule, not a release a plan meters. */
function isMetered(doc: LakeDocument): boolean {
  const metadata = doc.metadata
  return !(
    typeof metadata === 'object' &&
    metadata !== null &&
    (metadata as { cardinality?: unknown }).cardinality === 'one'
  )
}

/**
 * The release-limit endpoint the Studio's Releases tool calls before it creates, unarchives or
 * reverts a release (`vX/projects/<projectId>/new-content-release-allowed`): hosted Sanity answers
 * `{data: {orgActiveReleaseCount, datasetReleaseLimit, orgActiveReleaseLimit, ...}}` (403 with the
 * same body at the organisation's limit). Without an answer the Studio refuses to create a release.
 */
const releaseRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  app.get<{ Params: { projectId: string } }>('/projects/:projectId/new-content-release-allowed', async (request) => {
    if (request.identity.kind !== 'user')
      throw new LakeError(
        401,
        'unauthorizedError',
        'Release limits need a token: sign in first, or send "Authorization: Bearer <token>"',
      )
    const { projectId } = request.params
    if (projectId !== ctx.config.projectId)
      throw new LakeError(
        404,
        'projectNotFoundError',
        `This lake serves project "${ctx.config.projectId}", not "${projectId}": check the Studio's projectId`,
      )
    let active = 0
    let metered = 0
    for (const name of ctx.store.datasetNames()) {
      for (const doc of ctx.store.dataset(name).documents()) {
        if (!isActiveRelease(doc)) continue
        active += 1
        if (isMetered(doc)) metered += 1
      }
    }
    const data: ReleaseLimits = {
      orgActiveReleaseCount: active,
      orgMeteredActiveReleaseCount: metered,
      datasetReleaseLimit: DATASET_RELEASE_LIMIT,
      orgActiveReleaseLimit: null,
      defaultOrgActiveReleaseLimit: null,
    }
    return { data }
  })
}

export default releaseRoutes
