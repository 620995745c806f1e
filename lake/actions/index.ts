/**
 * Sanity's document actions (`POST /data/actions/<ds>`), as the Studio uses them, compiled into
 * mutations inside one store transaction (`transact`), so every action sees what the previous
 * ones in the same request did, and the request is atomic.
 */
import { isRecord } from '../errors.js'
import { DRAFTS_PREFIX, invalidIdReason, isDraftId, isVersionId, publishedIdOf } from '../ids.js'
import type { LakeDocument, TransactionBuilder } from '../store/index.js'

const ACTIONS = [
  'sanity.action.document.create',
  'sanity.action.document.edit',
  'sanity.action.document.publish',
  'sanity.action.document.unpublish',
  'sanity.action.document.discard',
  'sanity.action.document.delete',
  'sanity.action.document.replaceDraft',
]

/** Strips the system fields a copy must not carry over. */
function copyAs(doc: LakeDocument, id: string): Record<string, unknown> {
  const { _rev, _updatedAt, _originalId, ...rest } = doc
  void _rev
  void _updatedAt
  void _originalId
  return { ...rest, _id: id }
}

export async function applyAction(tx: TransactionBuilder, action: unknown, index: number): Promise<void> {
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
      const doc = copyAs(draft, pub)
      doc._createdAt = published?._createdAt ?? draft._createdAt
      await tx.apply({ createOrReplace: doc }, index)
      return tx.apply({ delete: { id: draftId } }, index)
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
  }
}
