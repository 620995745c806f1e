/**
 * Indexes of the lake's perspective views, kept in step with every committed transaction; the
 * query planner (lake/query/planner) reads them. Knows nothing of any schema: it indexes `_id`,
 * `_type`, `slug.current`, every `_ref`, and on demand any attribute path (ordered) or text
 * expression (tokens).
 *
 *   const view = indexesFor(store).view('published')
 *   view.ofType('article'); view.withSlug('knee-pain'); view.referencing('condition-1')
 */
export { DatasetIndexes, indexesFor, type IndexableStore, type ViewName } from './dataset-indexes.js'
export { View } from './view.js'
export type { ViewEntry } from './entry-list.js'
export { MemberIndex } from './member-index.js'
export { OrderedIndex } from './ordered-index.js'
export { TextIndex } from './text-index.js'
