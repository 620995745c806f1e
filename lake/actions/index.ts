/**
 * Sanity's document actions (`POST /data/actions/<ds>`), as the Studio uses them, compiled into
 * mutations inside one store transaction (`transact`), so every action sees what the previous
 * ones in the same request did, and the request is atomic.
 */
import { isRecord } from '../errors.js'
import { DRAFTS_PREFIX, invalidIdReason, isDraftId, isVersionId, publishedIdOf } from '../ids.js'
import type { LakeDocument, TransactionBuilder } from '../store/index.js'
import { applyReleaseAction, lockedVersionReason, RELEASE_ACTIONS, type ReleaseHistory } from './releases.js'

export type { ReleaseHistory } from './releases.js'

const ACTIONS = [
  'sanity.action.document.create',
  'sanity.action.document.edit',
  'sanity.action.document.publish',
  'sanity.action.document.unpublish',
  'sanity.action.document.discard',
  'sanity.action.document.delete',
  'sanity.action.document.replaceDraft',
  'sanity.action.document.version.create',
  'sanity.action.document.version.discard',
  'sanity.action.document.version.replace',
  'sanity.action.document.version.unpublish',
  ...RELEASE_ACTIONS,
]

/** Strips the system fields a copy must not carry over (`_system` is a version's bookkeeping). */
function copyAs(doc: LakeDocument, id: string): Record<string, unknown> {
  const { _rev, _updatedAt, _originalId, _system, ...rest } = doc
  void _rev
  void _updatedAt
  void _originalId
  void _system
  return { ...rest, _id: id }
}

/**
 * What publishing does to references: the Studio writes a new document's references weak with
 * `_strengthenOnPublish` (the target may not be published yet); once published they become strong
 * (unless the schema asked for a weak reference, `_strengthenOnPublish.weak`), provided the target
 * exists, so referential integrity then protects them.
 */
function strengthenReferences(value: unknown, exists: (id: string) => boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => strengthenReferences(item, exists))
  if (!isRecord(value)) return value
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) out[key] = strengthenReferences(item, exists)
  const strengthen = out._strengthenOnPublish
  if (isRecord(strengthen) && typeof out._ref === 'string' && exists(out._ref)) {
    delete out._strengthenOnPublish
    if (strengthen.weak === true) out._weak = true
    else delete out._weak
  }
  return out
}

/**
 * The other half of `_strengthenOnPublish`: a published document that referred weakly to a
 * document not yet published (e.g. a link to a translation still in draft) gets a strong
 * reference once that document is published, as Sanity's Content Lake does. Only published
 * referrers: drafts and versions strengthen when they are published themselves.
 */
async function strengthenReferrersOf(tx: TransactionBuilder, id: string, index: number): Promise<void> {
  for (const referrer of tx.mayReference(id)) {
    if (referrer._id === id || isDraftId(referrer._id) || isVersionId(referrer._id)) continue
    const strengthened = strengthenReferences(referrer, (target) => target === id) as LakeDocument
    if (JSON.stringify(strengthened) === JSON.stringify(referrer)) continue
    await tx.apply({ createOrReplace: strengthened }, index)
  }
}

/** No history: releases cannot be unarchived (the lake's routes always pass the store's). */
const NO_HISTORY: ReleaseHistory = { revision: () => undefined }

/**
 * Applies one action. A document action may not change a version of a scheduled release (those
 * are locked until the release is unscheduled).
 */
export async function applyAction(
  tx: TransactionBuilder,
  action: unknown,
  index: number,
  history: ReleaseHistory = NO_HISTORY,
): Promise<void> {
  await applyOneAction(tx, action, index, history)
  if (
    isRecord(action) &&
    typeof action.actionType === 'string' &&
    action.actionType.startsWith('sanity.action.release.')
  )
    return
  for (const change of tx.changes()) {
    if (change.index !== index) continue
    const reason = lockedVersionReason(tx, change.id)
    if (reason) tx.fail(index, 409, 'releaseLockedError', reason, change.id)
  }
}

async function applyOneAction(
  tx: TransactionBuilder,
  action: unknown,
  index: number,
  history: ReleaseHistory,
): Promise<void> {
  const fail = (status: number, type: string, description: string, id?: string): never =>
    tx.fail(index, status, type, description, id)
  if (!isRecord(action)) return fail(400, 'invalidActionError', `action ${index} must be an object with "actionType"`)
  const type = action.actionType
  if (typeof type !== 'string' || !ACTIONS.includes(type)) {
    return fail(
      400,
      'invalidActionError',
      `action ${index} has unknown actionType ${JSON.stringify(type)}: supported are ${ACTIONS.join(', ')}`,
    )
  }
  const str = (name: string, required = true): string | undefined => {
    const v = action[name]
    if (v === undefined && !required) return undefined
    if (typeof v !== 'string')
      return fail(400, 'invalidActionError', `${type} (action ${index}) needs "${name}", a document id`)
    const reason = invalidIdReason(v)
    if (reason) return fail(400, 'invalidDocumentIdError', `${type} (action ${index}) "${name}": ${reason}`)
    return v
  }
  const publishedId = (): string => {
    const id = str('publishedId') as string
    if (isDraftId(id) || isVersionId(id))
      fail(
        400,
        'invalidActionError',
        `${type} (action ${index}): publishedId "${id}" must not be a draft or version id`,
      )
    return id
  }
  const draftIdFor = (pub: string): string => {
    const id = str('draftId', false) ?? DRAFTS_PREFIX + pub
    if (!(isDraftId(id) || isVersionId(id)) || publishedIdOf(id) !== pub) {
      fail(
        400,
        'invalidActionError',
        `${type} (action ${index}): draftId "${id}" is not a draft or version of "${pub}"`,
      )
    }
    return id
  }

  if ((RELEASE_ACTIONS as readonly string[]).includes(type))
    return applyReleaseAction(
      tx,
      action,
      index,
      history,
      (doc) => strengthenReferences(doc, (id) => tx.get(id) !== null) as Record<string, unknown>,
    )

  switch (type) {
    case 'sanity.action.document.create': {
      const pub = publishedId()
      const attributes = action.attributes
      if (!isRecord(attributes))
        return fail(400, 'invalidActionError', `${type} (action ${index}) needs "attributes", the new document`)
      const id = typeof attributes._id === 'string' ? attributes._id : DRAFTS_PREFIX + pub
      if (!(isDraftId(id) || isVersionId(id)) || publishedIdOf(id) !== pub) {
        return fail(
          400,
          'invalidActionError',
          `${type} (action ${index}): attributes._id "${id}" must be the draft (drafts.${pub}) or a version of "${pub}"`,
        )
      }
      const ifExists = action.ifExists ?? 'fail'
      if (ifExists !== 'fail' && ifExists !== 'ignore')
        return fail(400, 'invalidActionError', `${type} (action ${index}): ifExists must be "fail" or "ignore"`)
      if (tx.get(id)) {
        if (ifExists === 'ignore') return
        return fail(409, 'documentAlreadyExistsError', `Document by ID "${id}" already exists`, id)
      }
      return tx.apply({ create: { ...attributes, _id: id } }, index)
    }
    case 'sanity.action.document.edit': {
      const pub = publishedId()
      const draftId = draftIdFor(pub)
      const patch = action.patch
      if (!isRecord(patch))
        return fail(
          400,
          'invalidActionError',
          `${type} (action ${index}) needs "patch", e.g. {"set": {"title": "..."}}`,
        )
      if (!tx.get(draftId)) {
        const published = tx.get(pub)
        if (!published)
          return fail(
            409,
            'documentNotFoundError',
            `Cannot edit "${pub}": neither its draft nor its published document exists (create it first)`,
            pub,
          )
        await tx.apply({ create: copyAs(published, draftId) }, index)
      }
      const { id, query, ...operations } = patch
      void id
      void query
      return tx.apply({ patch: { ...operations, id: draftId } }, index)
    }
    case 'sanity.action.document.publish': {
      const pub = publishedId()
      const draftId = draftIdFor(pub)
      const draft = tx.get(draftId)
      if (!draft)
        return fail(409, 'documentNotFoundError', `Cannot publish "${pub}": it has no draft "${draftId}"`, draftId)
      const published = tx.get(pub)
      if (action.ifDraftRevisionId !== undefined && action.ifDraftRevisionId !== draft._rev) {
        return fail(
          409,
          'conflict',
          `Cannot publish "${pub}": the draft changed (revision "${draft._rev}", expected "${String(action.ifDraftRevisionId)}")`,
          draftId,
        )
      }
      if (action.ifPublishedRevisionId !== undefined && action.ifPublishedRevisionId !== (published?._rev ?? null)) {
        return fail(
          409,
          'conflict',
          `Cannot publish "${pub}": the published document changed (revision "${published?._rev ?? 'none'}", expected "${String(action.ifPublishedRevisionId)}")`,
          pub,
        )
      }
      const doc = strengthenReferences(copyAs(draft, pub), (id) => tx.get(id) !== null) as Record<string, unknown>
      doc._createdAt = published?._createdAt ?? draft._createdAt
      await tx.apply({ createOrReplace: doc }, index)
      await tx.apply({ delete: { id: draftId } }, index)
      return strengthenReferrersOf(tx, pub, index)
    }
    case 'sanity.action.document.unpublish': {
      const pub = publishedId()
      const draftId = draftIdFor(pub)
      const published = tx.get(pub)
      if (!published) return fail(409, 'documentNotFoundError', `Cannot unpublish "${pub}": it is not published`, pub)
      if (!tx.get(draftId)) await tx.apply({ create: copyAs(published, draftId) }, index)
      return tx.apply({ delete: { id: pub } }, index)
    }
    case 'sanity.action.document.discard': {
      const draftId = str('draftId') as string
      if (!isDraftId(draftId) && !isVersionId(draftId))
        return fail(400, 'invalidActionError', `${type} (action ${index}): draftId "${draftId}" is not a draft id`)
      if (!tx.get(draftId))
        return fail(409, 'documentNotFoundError', `Cannot discard "${draftId}": there is no such draft`, draftId)
      return tx.apply({ delete: { id: draftId } }, index)
    }
    case 'sanity.action.document.delete': {
      const pub = publishedId()
      const extra = Array.isArray(action.includeDrafts)
        ? action.includeDrafts.filter((d): d is string => typeof d === 'string')
        : []
      const ids = [pub, DRAFTS_PREFIX + pub, ...extra]
      if (!ids.some((id) => tx.get(id)))
        return fail(409, 'documentNotFoundError', `Cannot delete "${pub}": neither it nor its draft exists`, pub)
      for (const id of ids) if (tx.get(id)) await tx.apply({ delete: { id } }, index)
      return
    }
    case 'sanity.action.document.replaceDraft': {
      const pub = publishedId()
      const attributes = action.attributes
      if (!isRecord(attributes))
        return fail(400, 'invalidActionError', `${type} (action ${index}) needs "attributes", the new draft`)
      const id = typeof attributes._id === 'string' ? attributes._id : DRAFTS_PREFIX + pub
      if (!(isDraftId(id) || isVersionId(id)) || publishedIdOf(id) !== pub) {
        return fail(
          400,
          'invalidActionError',
          `${type} (action ${index}): attributes._id "${id}" must be the draft of "${pub}"`,
        )
      }
      return tx.apply({ createOrReplace: { ...attributes, _id: id } }, index)
    }
    case 'sanity.action.document.version.create': {
      const pub = publishedId()
      if (action.document !== undefined) {
        const document = action.document
        if (!isRecord(document) || typeof document._id !== 'string')
          return fail(
            400,
            'invalidActionError',
            `${type} (action ${index}): "document" must be an object with an "_id"`,
          )
        const id = versionOf(pub, document._id, 'document._id')
        if (tx.get(id)) return fail(409, 'documentAlreadyExistsError', `Document by ID "${id}" already exists`, id)
        return tx.apply({ create: { ...document, _id: id } }, index)
      }
      const baseId = str('baseId') as string
      const id = versionOf(pub, str('versionId') as string, 'versionId')
      const base = tx.get(baseId)
      if (!base)
        return fail(409, 'documentNotFoundError', `Cannot create "${id}" from "${baseId}": no such document`, baseId)
      if (action.ifBaseRevisionId !== undefined && action.ifBaseRevisionId !== base._rev) {
        return fail(
          409,
          'conflict',
          `Cannot create "${id}": "${baseId}" changed (revision "${base._rev}", expected "${String(action.ifBaseRevisionId)}")`,
          baseId,
        )
      }
      if (tx.get(id)) return fail(409, 'documentAlreadyExistsError', `Document by ID "${id}" already exists`, id)
      // `_system.base` tells the Studio which revision the version started from.
      return tx.apply({ create: { ...copyAs(base, id), _system: { base: { id: baseId, rev: base._rev } } } }, index)
    }
    case 'sanity.action.document.version.discard': {
      const versionId = str('versionId') as string
      if (!isDraftId(versionId) && !isVersionId(versionId))
        return fail(
          400,
          'invalidActionError',
          `${type} (action ${index}): versionId "${versionId}" is not a draft or release version id (use sanity.action.document.delete for published documents)`,
        )
      if (!tx.get(versionId))
        return fail(409, 'documentNotFoundError', `Cannot discard "${versionId}": it does not exist`, versionId)
      return tx.apply({ delete: { id: versionId } }, index)
    }
    case 'sanity.action.document.version.replace': {
      const document = action.document
      if (!isRecord(document) || typeof document._id !== 'string')
        return fail(400, 'invalidActionError', `${type} (action ${index}) needs "document", an object with an "_id"`)
      const id = versionOf(publishedIdOf(document._id), document._id, 'document._id')
      if (!tx.get(id))
        return fail(
          409,
          'documentNotFoundError',
          `Cannot replace "${id}": it does not exist (create it with sanity.action.document.version.create)`,
          id,
        )
      return tx.apply({ createOrReplace: { ...document, _id: id } }, index)
    }
    case 'sanity.action.document.version.unpublish': {
      const pub = publishedId()
      const versionId = str('versionId') as string
      if (!isVersionId(versionId) || publishedIdOf(versionId) !== pub)
        return fail(
          400,
          'invalidActionError',
          `${type} (action ${index}): versionId "${versionId}" must be a release version of "${pub}" (versions.<release>.${pub})`,
        )
      if (!tx.get(pub))
        return fail(409, 'documentNotFoundError', `Cannot unpublish "${pub}" in a release: it is not published`, pub)
      const version = tx.get(versionId)
      // The marker the Studio and a release publish read: this version removes the published document.
      const marked = { ...(version ? copyAs(version, versionId) : copyAs(tx.get(pub) as LakeDocument, versionId)) }
      marked._system = { ...(isRecord(version?._system) ? version._system : {}), delete: true }
      return tx.apply({ createOrReplace: marked }, index)
    }
  }

  /** Checks that `id` is the draft or a release version of `pub`; fails the action otherwise. */
  function versionOf(pub: string, id: string, field: string): string {
    const reason = invalidIdReason(id)
    if (reason) return fail(400, 'invalidDocumentIdError', `${type} (action ${index}) "${field}": ${reason}`)
    if (!(isDraftId(id) || isVersionId(id)) || publishedIdOf(id) !== pub)
      return fail(
        400,
        'invalidActionError',
        `${type} (action ${index}): ${field} "${id}" must be the draft (drafts.${pub}) or a release version (versions.<release>.${pub}) of "${pub}"`,
      )
    return id
  }
}
