/**
 * The indexed perspective views of one dataset store, kept in step with every committed transaction
 * (the store's `subscribe`). Perspectives are applied here, before any index answers, exactly as
 * lake/query/index.ts `perspectiveDocuments` builds them:
 *
 * - `raw`: every document, in the store's order (a Map: insertion order, an update keeps its place).
 * - `published`: the documents that are not drafts or versions, in that order.
 * - `public`: what anonymous callers read: `published` less every dotted (sub-path) id.
 * - `drafts`: published documents, each replaced by its draft when there is one
 *   (`{...draft, _id: publishedId, _originalId: draftId}`) in the published document's place; then
 *   drafts without a published document, in the order of the drafts.
 *
 * A view entry's position encodes that order: the store sequence number of the document (or of the
 * published document), plus DRAFT_ONLY for drafts without one. The differential tests compare these
 * views and every planned query against the lake's own perspective code and plain groq-js.
 */
import {isDraftId, isPrivateId, isPublicId, publishedIdOf, DRAFTS_PREFIX} from '../ids.js'
import type {CommittedTransaction, LakeDocument} from '../store/types.js'
import {View} from './view.js'

/** What the indexes need from a dataset store (lake/store/dataset.ts `DatasetStore`). */
export interface IndexableStore {
  readonly version: number
  documents(): readonly LakeDocument[]
  get(id: string): LakeDocument | undefined
  subscribe(listener: (transaction: CommittedTransaction) => void): () => void
}

export type ViewName = 'raw' | 'published' | 'public' | 'drafts'

const DRAFT_ONLY = 2 ** 40

export class DatasetIndexes {
  private readonly store: IndexableStore
  private readonly seq = new Map<string, number>()
  private nextSeq = 0
  private views!: Record<ViewName, View>
  private appliedVersion = -1
  private readonly unsubscribe: () => void

  constructor(store: IndexableStore) {
    this.store = store
    this.unsubscribe = store.subscribe((tx) => this.apply(tx))
    this.rebuild()
  }

  close(): void {
    this.unsubscribe()
  }

  /**
   * The view for a perspective, in step with the store. If the store's version moved without a
   * transaction reaching us (it should not happen), the views are rebuilt rather than trusted.
   */
  view(name: ViewName): View {
    if (this.appliedVersion !== this.store.version) this.rebuild()
    return this.views[name]
  }

  private rebuild(): void {
    this.seq.clear()
    this.nextSeq = 0
    for (const doc of this.store.documents()) this.seq.set(doc._id, this.nextSeq++)
    this.views = {raw: new View('raw'), published: new View('published'), public: new View('public'), drafts: new View('drafts')}
    const items: Array<{id: string; doc: LakeDocument; pos: number}> = []
    for (const doc of this.store.documents()) {
      const pos = this.seq.get(doc._id) as number
      this.views.raw.put(doc._id, doc, pos)
      if (!isPrivateId(doc._id)) this.views.published.put(doc._id, doc, pos)
      if (isPublicId(doc._id)) this.views.public.put(doc._id, doc, pos)
      if (!isPrivateId(doc._id) || isDraftId(doc._id)) {
        const base = publishedIdOf(doc._id)
        if (isDraftId(doc._id) || !this.store.get(DRAFTS_PREFIX + base)) {
          const entry = this.draftsEntry(base)
          if (entry) items.push({id: base, ...entry})
        }
      }
    }
    // Insert in position order so building is appends, not splices.
    items.sort((a, b) => a.pos - b.pos)
    for (const item of items) this.views.drafts.put(item.id, item.doc, item.pos)
    this.appliedVersion = this.store.version
  }

  /** The drafts view's document and position for a published id, or undefined when it has none. */
  private draftsEntry(base: string): {doc: LakeDocument; pos: number} | undefined {
    // Like perspectiveDocuments: only a non-private document can be the published one.
    const published = isPrivateId(base) ? undefined : this.store.get(base)
    const draft = this.store.get(DRAFTS_PREFIX + base)
    if (draft) {
      const doc: LakeDocument = {...draft, _id: base, _originalId: draft._id}
      const pos = published ? (this.seq.get(base) as number) : DRAFT_ONLY + (this.seq.get(draft._id) as number)
      return {doc, pos}
    }
    if (published) return {doc: published, pos: this.seq.get(base) as number}
    return undefined
  }

  private apply(tx: CommittedTransaction): void {
    if (this.appliedVersion === -1) return
    // The store bumps `version` once per transaction before telling subscribers; a gap means
    // something was missed, and the next `view()` call rebuilds.
    if (this.store.version !== this.appliedVersion + 1) return
    // A bulk transaction (an import) is cheaper to index from scratch than entry by entry (each
    // replaced entry is a splice in every list it is in); derived indexes are rebuilt on next use.
    if (tx.changes.length > Math.max(2000, this.seq.size / 10)) {
      this.rebuild()
      return
    }
    const draftsBases = new Set<string>()
    for (const change of tx.changes) {
      const id = change.id
      if (!change.after) this.seq.delete(id)
      else if (!this.seq.has(id)) this.seq.set(id, this.nextSeq++)
      const doc = this.store.get(id)
      const pos = this.seq.get(id)
      if (doc && pos !== undefined) this.views.raw.put(id, doc, pos)
      else this.views.raw.delete(id)
      if (!isPrivateId(id)) {
        if (doc && pos !== undefined) this.views.published.put(id, doc, pos)
        else this.views.published.delete(id)
      }
      if (isPublicId(id)) {
        if (doc && pos !== undefined) this.views.public.put(id, doc, pos)
        else this.views.public.delete(id)
      }
      if (!isPrivateId(id) || isDraftId(id)) draftsBases.add(publishedIdOf(id))
    }
    for (const base of draftsBases) {
      const entry = this.draftsEntry(base)
      if (entry) this.views.drafts.put(base, entry.doc, entry.pos)
      else this.views.drafts.delete(base)
    }
    this.appliedVersion = this.store.version
  }
}

const registry = new WeakMap<IndexableStore, DatasetIndexes>()

/** The indexes of a store, created (and subscribed) on first use. */
export function indexesFor(store: IndexableStore): DatasetIndexes {
  let indexes = registry.get(store)
  if (!indexes) {
    indexes = new DatasetIndexes(store)
    registry.set(store, indexes)
  }
  return indexes
}
