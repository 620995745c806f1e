/**
 * Query evaluation for the lake: cut the dataset to a perspective and the caller's rights, then
 * evaluate GROQ (evaluate.ts). `runQuery` is the single entry point the HTTP layer calls, so the
 * query planner (planner/) sits in front of the full groq-js evaluation without touching routes.
 */
import { LakeError } from '../errors.js'
import { DRAFTS_PREFIX, isDraftId, isPrivateId, isPublicId, isVersionId, publishedIdOf, releaseOf } from '../ids.js'
import { canReadPrivate, type Identity } from '../auth/index.js'
import type { DatasetStore, LakeDocument } from '../store/index.js'
import { evaluateGroq } from './evaluate.js'
import { plannerEnabled, runPlannedQuery } from './planner/index.js'

export { evaluateGroq, parseGroq } from './evaluate.js'

/**
 * `raw`: every document the caller may read. `published`: no drafts or versions. `drafts`: drafts
 * stand in for their published documents (`_id` = published id, `_originalId` = draft id). A list
 * (`['rel1', 'drafts']`) stacks releases over drafts over published, first one wins.
 */
export type Perspective = 'raw' | 'published' | 'drafts' | { stack: string[] }

const NAMED = ['raw', 'published', 'drafts', 'previewDrafts']

/**
 * Reads the `perspective` parameter. Without one, Sanity answers `published` from API version
 * 2025-02-19 on and `raw` before it; anonymous callers always get `published`.
 */
export function parsePerspective(value: unknown, apiVersion: string): Perspective {
  if (value === undefined || value === null || value === '') {
    return apiVersionAtLeast(apiVersion, '2025-02-19') ? 'published' : 'raw'
  }
  const items = Array.isArray(value) ? value : String(value).split(',')
  const names = items.map((s) => String(s).trim()).filter(Boolean)
  if (names.length === 1 && NAMED.includes(names[0])) {
    return names[0] === 'previewDrafts' ? 'drafts' : (names[0] as Perspective)
  }
  if (names.includes('raw'))
    throw new LakeError(400, 'invalidPerspectiveError', '"raw" cannot be combined with other perspectives')
  for (const name of names) {
    if (!/^[A-Za-z0-9_-]+$/.test(name)) {
      throw new LakeError(
        400,
        'invalidPerspectiveError',
        `perspective "${name}" is invalid: use raw, published, drafts, or a list of release names ending with drafts/published`,
      )
    }
  }
  return { stack: names.map((n) => (n === 'previewDrafts' ? 'drafts' : n)) }
}

export function apiVersionAtLeast(apiVersion: string, date: string): boolean {
  if (apiVersion === 'X') return true
  if (apiVersion === '1') return false
  return apiVersion >= date
}

function perspectiveKey(p: Perspective): string {
  return typeof p === 'string' ? p : p.stack.join(',')
}

const viewCache = new WeakMap<DatasetStore, Map<string, { version: number; docs: readonly LakeDocument[] }>>()

/** The documents `*` ranges over for this perspective and identity (cached per store version). */
export function perspectiveDocuments(
  store: DatasetStore,
  perspective: Perspective,
  identity: Identity,
): readonly LakeDocument[] {
  const privateOk = canReadPrivate(identity)
  const effective: Perspective = privateOk ? perspective : 'published'
  // Anonymous callers read the published view less every sub-path (dotted) id.
  const key = privateOk ? perspectiveKey(effective) : 'public'
  let cache = viewCache.get(store)
  if (!cache) viewCache.set(store, (cache = new Map()))
  const hit = cache.get(key)
  if (hit && hit.version === store.version) return hit.docs
  const view = buildView(store.documents(), effective)
  const docs = privateOk ? view : view.filter((d) => isPublicId(d._id))
  cache.set(key, { version: store.version, docs })
  return docs
}

function buildView(all: readonly LakeDocument[], perspective: Perspective): readonly LakeDocument[] {
  if (perspective === 'raw') return all
  if (perspective === 'published') return all.filter((d) => !isPrivateId(d._id))
  const layers = perspective === 'drafts' ? ['drafts'] : perspective.stack
  const byId = new Map<string, LakeDocument>()
  for (const doc of all) if (!isPrivateId(doc._id)) byId.set(doc._id, doc)
  // Lowest priority first, so higher layers overwrite.
  for (const layer of [...layers].reverse()) {
    if (layer === 'published') continue
    for (const doc of all) {
      const matches = layer === 'drafts' ? isDraftId(doc._id) : isVersionId(doc._id) && releaseOf(doc._id) === layer
      if (!matches) continue
      const id = publishedIdOf(doc._id)
      byId.set(id, { ...doc, _id: id, _originalId: doc._id })
    }
  }
  return [...byId.values()]
}

export interface QueryInput {
  store: DatasetStore
  query: string
  params?: Record<string, unknown>
  perspective: Perspective
  identity: Identity
  projectId: string
}

export async function runQuery(input: QueryInput): Promise<unknown> {
  // The planner: the same result as evaluateGroq over perspectiveDocuments, from indexed views
  // kept in step with the store, so large datasets are not scanned per query. Release stacks are not indexed and take the path below.
  const privateOk = canReadPrivate(input.identity)
  const effective: Perspective = privateOk ? input.perspective : 'published'
  if (typeof effective === 'string' && plannerEnabled()) {
    return runPlannedQuery({
      store: input.store,
      // Anonymous callers get the 'public' view: published documents with root-path ids only.
      perspective: privateOk ? effective : 'public',
      query: input.query,
      params: input.params,
      identity: input.identity.kind === 'user' ? input.identity.user.id : undefined,
      sanity: { projectId: input.projectId, dataset: input.store.name },
    })
  }
  return evaluateGroq({
    query: input.query,
    params: input.params,
    documents: perspectiveDocuments(input.store, input.perspective, input.identity),
    identity: input.identity.kind === 'user' ? input.identity.user.id : undefined,
    sanity: { projectId: input.projectId, dataset: input.store.name },
  })
}

/** Whether a document id may be read by this identity (any dotted id needs credentials). */
export function mayRead(identity: Identity, id: string): boolean {
  return canReadPrivate(identity) || isPublicId(id)
}

export { DRAFTS_PREFIX }
