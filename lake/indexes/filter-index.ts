/**
 * Materialized filters: the entries of a view that pass a predicate the planner decides natively
 * (lake/query/planner/native.ts), kept in step with every change like the other derived indexes.
 * The planner builds one for a filter over many documents (a sitemap's `_type == $type &&
 * defined(slug.current) && !(seo.noIndex == true)`), so `count()` of it is its length and a deep
 * ordered slice is a position in an array instead of a walk that tests every document before it.
 *
 * The predicate may throw (a document groq-js itself would fail on, native.ts `Undecidable`): the
 * view then drops the index and the planner goes back to evaluating the filter per query.
 */
import type { LakeDocument } from '../store/types.js'
import { insertSorted, removeSorted, type ViewEntry } from './entry-list.js'
import { OrderedIndex } from './ordered-index.js'

export type DocumentTest = (doc: LakeDocument) => boolean

/** The passing entries in position (`*`) order. */
export class FilterIndex {
  private readonly test: DocumentTest
  private readonly list: ViewEntry[]

  constructor(test: DocumentTest, entries: readonly ViewEntry[]) {
    this.test = test
    this.list = entries.filter((e) => test(e.doc))
  }

  get size(): number {
    return this.list.length
  }

  /** The passing entries (shared array: do not modify). */
  entries(): readonly ViewEntry[] {
    return this.list
  }

  add(entry: ViewEntry): void {
    if (this.test(entry.doc)) insertSorted(this.list, entry)
  }

  remove(entry: ViewEntry): void {
    removeSorted(this.list, entry)
  }
}

/** The passing entries ordered on an attribute path (an OrderedIndex over them only). */
export class FilteredOrderedIndex {
  private readonly test: DocumentTest
  readonly index: OrderedIndex

  constructor(path: readonly string[], test: DocumentTest, entries: readonly ViewEntry[]) {
    this.test = test
    this.index = new OrderedIndex(
      path,
      entries.filter((e) => test(e.doc)),
    )
  }

  get size(): number {
    return this.index.size
  }

  add(entry: ViewEntry): void {
    if (this.test(entry.doc)) this.index.add(entry)
  }

  remove(entry: ViewEntry): void {
    // A no-op for an entry that did not pass (OrderedIndex.remove checks the entry it holds).
    this.index.remove(entry)
  }
}
