/**
 * Content Releases (`sanity.action.release.*`), as hosted Sanity runs them: a release is a
 * `system.release` document at `_.releases.<releaseId>`; its content is the version documents
 * `versions.<releaseId>.<documentId>`. The state machine:
 *
 *   active --schedule--> scheduled --unschedule--> active
 *   active --publish--> published          (one transaction: every version becomes published)
 *   active --archive--> archived --unarchive--> active
 *   archived | published --delete--> (gone)
 *
 * A scheduled release's versions are locked (see `lockedReleaseOf`); the lake's scheduler
 * publishes it at `publishAt`.
 */
import { isRecord } from '../errors.js'
import { invalidIdReason, isVersionId, publishedIdOf, releaseOf, VERSIONS_PREFIX } from '../ids.js'
import type { LakeDocument, TransactionBuilder } from '../store/index.js'

export const RELEASE_PREFIX = '_.releases.'
export const RELEASE_TYPE = 'system.release'

export const RELEASE_ACTIONS = [
  'sanity.action.release.create',
  'sanity.action.release.edit',
  'sanity.action.release.schedule',
  'sanity.action.release.unschedule',
  'sanity.action.release.publish',
  'sanity.action.release.archive',
  'sanity.action.release.unarchive',
  'sanity.action.release.delete',
  'sanity.action.release.import',
] as const

const RELEASE_TYPES = ['asap', 'scheduled', 'undecided']
const RELEASE_NAME = /^[A-Za-z0-9_-]{1,64}$/

/** What release actions read besides the transaction: earlier revisions (to unarchive). */
export interface ReleaseHistory {
  revision(documentId: string, rev: string): LakeDocument | null | undefined
}

export function releaseDocumentId(releaseId: string): string {
  return RELEASE_PREFIX + releaseId
}

/** The release a version id belongs to when that release is scheduled (its versions are locked). */
export function lockedReleaseOf(tx: TransactionBuilder, id: string): string | undefined {
  const release = releaseOf(id)
  if (!release) return undefined
  const doc = tx.get(releaseDocumentId(release))
  return doc?.state === 'scheduled' || doc?.state === 'scheduling' ? release : undefined
}

/** The version documents of a release, as the transaction sees them. */
export function versionsOf(tx: TransactionBuilder, releaseId: string): LakeDocument[] {
  const prefix = `${VERSIONS_PREFIX}${releaseId}.`
  return tx.documents().filter((doc) => doc._id.startsWith(prefix))
}

/** A published copy of a version: without the version's bookkeeping. */
function publishedCopy(version: LakeDocument, id: string): Record<string, unknown> {
  const { _rev, _updatedAt, _originalId, _system, ...rest } = version
  void _rev
  void _updatedAt
  void _originalId
  void _system
  return { ...rest, _id: id }
}

export async function applyReleaseAction(
  tx: TransactionBuilder,
  action: Record<string, unknown>,
  index: number,
  history: ReleaseHistory,
  publishDocument: (doc: Record<string, unknown>) => Record<string, unknown>,
): Promise<void> {
  const type = action.actionType as string
  const fail = (status: number, errorType: string, description: string, id?: string): never =>
    tx.fail(index, status, errorType, description, id)
  const releaseId = action.releaseId
  if (typeof releaseId !== 'string' || !RELEASE_NAME.test(releaseId))
    return fail(
      400,
      'invalidActionError',
      `${type} (action ${index}) needs "releaseId": 1-64 letters, digits, "_" or "-" (got ${JSON.stringify(releaseId)})`,
    )
  const id = releaseDocumentId(releaseId)
  const release = tx.get(id)
  const requireRelease = (): LakeDocument =>
    release ?? fail(404, 'releaseNotFoundError', `There is no release "${releaseId}"`, id)
  const requireState = (doc: LakeDocument, allowed: string[], verb: string): void => {
    if (!allowed.includes(String(doc.state)))
      fail(
        409,
        'releaseStateError',
        `Cannot ${verb} release "${releaseId}": it is ${String(doc.state)} (it must be ${allowed.join(' or ')})`,
        id,
      )
  }
  const update = (doc: LakeDocument, changes: Record<string, unknown>, unset: string[] = []): Promise<void> => {
    const next: Record<string, unknown> = { ...doc, ...changes }
    for (const key of unset) delete next[key]
    return tx.apply({ createOrReplace: next }, index)
  }

  switch (type) {
    case 'sanity.action.release.create': {
      if (release) return fail(409, 'documentAlreadyExistsError', `Release "${releaseId}" already exists`, id)
      const metadata = isRecord(action.metadata) ? action.metadata : {}
      const releaseType = metadata.releaseType ?? 'undecided'
      if (!RELEASE_TYPES.includes(String(releaseType)))
        return fail(400, 'invalidActionError', `metadata.releaseType must be one of ${RELEASE_TYPES.join(', ')}`)
      return tx.apply(
        {
          create: {
            _id: id,
            _type: RELEASE_TYPE,
            name: releaseId,
            state: 'active',
            metadata: { ...metadata, releaseType },
          },
        },
        index,
      )
    }
    case 'sanity.action.release.edit': {
      const doc = requireRelease()
      requireState(doc, ['active', 'scheduled'], 'edit')
      if (!isRecord(action.patch))
        return fail(
          400,
          'invalidActionError',
          `${type} (action ${index}) needs "patch", e.g. {"set": {"metadata.title": "..."}}`,
        )
      const { id: _ignoredId, query: _ignoredQuery, ...operations } = action.patch
      void _ignoredId
      void _ignoredQuery
      await tx.apply({ patch: { ...operations, id } }, index)
      const after = tx.get(id)
      if (after?._type !== RELEASE_TYPE || after.name !== releaseId || after.state !== doc.state)
        return fail(
          400,
          'invalidActionError',
          'a release edit may change its metadata only, not its name, type or state',
        )
      return
    }
    case 'sanity.action.release.schedule': {
      const doc = requireRelease()
      requireState(doc, ['active'], 'schedule')
      const publishAt = action.publishAt
      if (typeof publishAt !== 'string' || Number.isNaN(Date.parse(publishAt)))
        return fail(400, 'invalidActionError', `${type} (action ${index}) needs "publishAt", an ISO date-time`)
      return update(doc, { state: 'scheduled', publishAt: new Date(publishAt).toISOString() })
    }
    case 'sanity.action.release.unschedule': {
      const doc = requireRelease()
      requireState(doc, ['scheduled'], 'unschedule')
      return update(doc, { state: 'active' }, ['publishAt'])
    }
    case 'sanity.action.release.publish': {
      const doc = requireRelease()
      requireState(doc, ['active', 'scheduled'], 'publish')
      // An empty release may be published (it publishes nothing) and scheduled: the Studio probes
      // both with a dry run right after it creates a release, and remembers a refusal as "not
      // permitted" for the rest of the session, which would leave its buttons disabled.
      const versions = versionsOf(tx, releaseId)
      const finalDocumentStates: Array<{ id: string }> = []
      for (const version of versions) {
        const publishedId = publishedIdOf(version._id)
        const marker = isRecord(version._system) && version._system.delete === true
        if (marker) {
          if (tx.get(publishedId)) await tx.apply({ delete: { id: publishedId } }, index)
        } else {
          const published = tx.get(publishedId)
          const copy = publishDocument(publishedCopy(version, publishedId))
          copy._createdAt = published?._createdAt ?? version._createdAt
          await tx.apply({ createOrReplace: copy }, index)
        }
        await tx.apply({ delete: { id: version._id } }, index)
        finalDocumentStates.push({ id: version._id })
      }
      return update(
        doc,
        { state: 'published', publishedAt: new Date(tx.timestamp).toISOString(), finalDocumentStates },
        ['publishAt'],
      )
    }
    case 'sanity.action.release.archive': {
      const doc = requireRelease()
      requireState(doc, ['active'], 'archive')
      const versions = versionsOf(tx, releaseId)
      // The revisions kept here are what unarchive restores from history.
      const finalDocumentStates = versions.map((version) => ({ id: version._id, rev: version._rev }))
      for (const version of versions) await tx.apply({ delete: { id: version._id } }, index)
      return update(doc, { state: 'archived', finalDocumentStates })
    }
    case 'sanity.action.release.unarchive': {
      const doc = requireRelease()
      requireState(doc, ['archived'], 'unarchive')
      const states = Array.isArray(doc.finalDocumentStates) ? doc.finalDocumentStates : []
      for (const state of states) {
        if (!isRecord(state) || typeof state.id !== 'string' || typeof state.rev !== 'string') continue
        if (tx.get(state.id)) continue
        const earlier = history.revision(state.id, state.rev)
        if (!earlier)
          return fail(
            409,
            'releaseStateError',
            `Cannot unarchive release "${releaseId}": revision ${state.rev} of "${state.id}" is no longer in the history`,
            state.id,
          )
        await tx.apply({ create: { ...publishedCopy(earlier, state.id), _system: earlier._system } }, index)
      }
      return update(doc, { state: 'active' }, ['finalDocumentStates'])
    }
    case 'sanity.action.release.delete': {
      const doc = requireRelease()
      requireState(doc, ['archived', 'published'], 'delete')
      return tx.apply({ delete: { id } }, index)
    }
    case 'sanity.action.release.import': {
      const attributes = isRecord(action.attributes)
        ? action.attributes
        : isRecord(action.document)
          ? action.document
          : null
      if (!attributes)
        return fail(400, 'invalidActionError', `${type} (action ${index}) needs "attributes", the release document`)
      const ifExists = action.ifExists ?? 'fail'
      if (!['fail', 'ignore', 'replace'].includes(String(ifExists)))
        return fail(400, 'invalidActionError', 'ifExists must be "fail", "ignore" or "replace"')
      if (release && ifExists === 'fail')
        return fail(409, 'documentAlreadyExistsError', `Release "${releaseId}" already exists`, id)
      if (release && ifExists === 'ignore') return
      const state = typeof attributes.state === 'string' ? attributes.state : 'active'
      return tx.apply(
        { createOrReplace: { ...attributes, _id: id, _type: RELEASE_TYPE, name: releaseId, state } },
        index,
      )
    }
  }
}

/** Why a write to `id` is refused because its release is locked, or undefined. */
export function lockedVersionReason(tx: TransactionBuilder, id: string): string | undefined {
  if (!isVersionId(id) || invalidIdReason(id)) return undefined
  const release = lockedReleaseOf(tx, id)
  return release
    ? `"${id}" belongs to release "${release}", which is scheduled: unschedule the release before changing its documents`
    : undefined
}
