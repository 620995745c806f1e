import type { FastifyPluginAsync } from 'fastify'
import { hasStrongReference } from '../../store/integrity.js'
import { LakeError } from '../../errors.js'
import { invalidIdReason } from '../../ids.js'
import type { RouteOptions } from '../context.js'

interface ReferencesQuery {
  excludeInternalReferences?: string
  excludePaths?: string
}

/**
 * `GET /data/references/<dataset>/documents/<id>/to`: the documents that reference `<id>`. The
 * Studio's delete and unpublish dialogs call it for cross-dataset references (with
 * `excludeInternalReferences=true`); a local lake is one project, so it never has any, and lists
 * the same dataset's referrers only when asked. Referrers include drafts, so a token is needed.
 */
const referenceRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  app.get<{ Params: { dataset: string; id: string }; Querystring: ReferencesQuery }>(
    '/data/references/:dataset/documents/:id/to',
    async (request) => {
      if (request.identity.kind === 'anonymous') {
        throw new LakeError(
          401,
          'unauthorizedError',
          'Listing the references to a document needs a token: send "Authorization: Bearer <token>"',
        )
      }
      const { dataset, id } = request.params
      const reason = invalidIdReason(id)
      if (reason) throw new LakeError(400, 'invalidDocumentIdError', reason)
      if (request.query.excludeInternalReferences === 'true') return { totalCount: 0, references: [] }
      const store = ctx.store.dataset(dataset)
      const references = store.referrers(id).map((doc) => ({
        documentId: doc._id,
        documentType: doc._type,
        projectId: ctx.config.projectId,
        datasetName: dataset,
        weak: !hasStrongReference(doc, id),
      }))
      return { totalCount: references.length, references }
    },
  )
}

export default referenceRoutes
