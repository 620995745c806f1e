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
import { isDraftId, isPrivateId, isPublicId, publishedIdOf, DRAFTS_PREFIX } from '../ids.js'
import type { CommittedTransaction, LakeDocument } from '../store/types.js'
import { View } from './view.js'

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
  /** Views are built on first use: a lake read only anonymously indexes only 'public'. */
  private views: Partial<Record<ViewName, View>> = {}
  private appliedVersion = -1
  private readonly unsubscribe: () => void

  constructor(store: IndexableStore) {
    this.store = store
    this.unsubscribe = store.subscribe((tx) => this.apply(tx))
    this.reset()
  }

  close(): void {
    this.unsubscribe()
  }

  /**
   * The view for a perspective, in step with the store. If the store's version moved without a
   * transaction reaching us (it should not happen), the views are rebuilt rather than trusted.
   */
  view(name: ViewName): View {
    if (this.appliedVersion !== this.store.version) this.reset()
    let view = this.views[name]
    if (!view) this.views[name] = view = this.build(name)
    return view
  }

  /** Names of the views built so far (for tests and memory checks). */
  builtViews(): ViewName[] {
    return (Object.keys(this.views) as ViewName[]).filter((k) => this.views[k])
  }

  /** Forgets every view (they are built again on next use) and renumbers the store's order. */
  private reset(): void {
    this.seq.clear()
    this.nextSeq = 0
    for (const doc of this.store.documents()) this.seq.set(doc._id, this.nextSeq++)
    this.views = {}
    this.appliedVersion = this.store.version
  }

  private build(name: ViewName): View {
    const view = new View(name)
    if (name !== 'drafts') {
      for (const doc of this.store.documents()) {
        const id = doc._id
        const shown = name === 'raw' || (name === 'published' ? !isPrivateId(id) : isPublicId(id))
        if (shown) view.put(id, doc, this.seq.get(id) as number)
      }
      return view
    }
    const items: Array<{ id: string; doc: LakeDocument; pos: number }> = []
    for (const doc of this.store.documents()) {
      if (!isPrivateId(doc._id) || isDraftId(doc._id)) {
        const base = publishedIdOf(doc._id)
        if (isDraftId(doc._id) || !this.store.get(DRAFTS_PREFIX + base)) {
          const entry = this.draftsEntry(base)
          if (entry) items.push({ id: base, ...entry })
        }
      }
    }
    // Insert in position order so building is appends, not splices.
    items.sort((a, b) => a.pos - b.pos)
    for (const item of items) view.put(item.id, item.doc, item.pos)
    return view
  }

  /** The drafts view's document and position for a published id, or undefined when it has none. */
  private draftsEntry(base: string): { doc: LakeDocument; pos: number } | undefined {
    // Like perspectiveDocuments: only a non-private document can be the published one.
    const published = isPrivateId(base) ? undefined : this.store.get(base)
    const draft = this.store.get(DRAFTS_PREFIX + base)
    if (draft) {
      const doc: LakeDocument = { ...draft, _id: base, _originalId: draft._id }
      const pos = published ? (this.seq.get(base) as number) : DRAFT_ONLY + (this.seq.get(draft._id) as number)
      return { doc, pos }
    }
    if (published) return { doc: published, pos: this.seq.get(base) as number }
    return undefined
  }

  private apply(tx: CommittedTransaction): void {
    // The store bumps `version` once per transaction before telling subscribers; a gap means
    // something was missed, and the next `view()` call rebuilds.
    if (this.store.version !== this.appliedVersion + 1) return
    // A bulk transaction (an import) is cheaper to index from scratch than entry by entry (each
    // replaced entry is a splice in every list it is in): views are built again on next use.
    if (tx.changes.length > Math.max(2000, this.seq.size / 10)) {
      this.reset()
      return
    }
    const { raw, published, public: pub, drafts } = this.views
    const draftsBases = new Set<string>()
    for (const change of tx.changes) {
      const id = change.id
      if (!change.after) this.seq.delete(id)
      else if (!this.seq.has(id)) this.seq.set(id, this.nextSeq++)
      const doc = this.store.get(id)
      const pos = this.seq.get(id)
      const set = (view: View | undefined): void => {
        if (!view) return
        if (doc && pos !== undefined) view.put(id, doc, pos)
        else view.delete(id)
      }
      set(raw)
      if (!isPrivateId(id)) set(published)
      if (isPublicId(id)) set(pub)
      if (drafts && (!isPrivateId(id) || isDraftId(id))) draftsBases.add(publishedIdOf(id))
    }
    if (drafts) {
      for (const base of draftsBases) {
        const entry = this.draftsEntry(base)
        if (entry) drafts.put(base, entry.doc, entry.pos)
        else drafts.delete(base)
      }
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
