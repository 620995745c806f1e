/** A stored document: what the lake keeps and answers with. Never mutated in place once stored. */
export interface LakeDocument {
  _id: string
  _type: string
  _rev: string
  _createdAt: string
  _updatedAt: string
  [field: string]: unknown
}

/** What one committed transaction did to one document (`before`/`after` null = absent). */
export interface DocumentChange {
  id: string
  before: LakeDocument | null
  after: LakeDocument | null
  /** The submitted mutations that touched this document, normalised to target it by id. */
  mutations: Record<string, unknown>[]
}

export interface CommittedTransaction {
  /** Position in the dataset's transaction log (1, 2, 3...). */
  seq: number
  transactionId: string
  timestamp: string
  /** User id of the author, or '' for the system (imports). */
  author: string
  changes: DocumentChange[]
}

export type MutationOperation = 'create' | 'update' | 'delete' | 'none'

export interface MutationResultItem {
  id: string
  operation: MutationOperation
  document?: LakeDocument | null
}

export interface CommitResult {
  transactionId: string
  /** One entry per document the transaction touched, in the order first touched. */
  results: MutationResultItem[]
  /** The committed transaction, or null when nothing changed or on a dry run. */
  transaction: CommittedTransaction | null
}

export interface CommitOptions {
  /** Becomes every touched document's `_rev`; random when absent. */
  transactionId?: string
  /** User id recorded as the author (history, listener `identity`). */
  author?: string
  /** Validate and compute the result, write nothing. */
  dryRun?: boolean
  /** Add `_key` to objects in arrays that lack one (Sanity's `autoGenerateArrayKeys`). */
  autoGenerateArrayKeys?: boolean
  /**
   * Imports: keep `_createdAt`/`_updatedAt` given in created documents, and their `_rev` when the
   * document is new (an export re-imported is identical). Default: stamp now.
   */
  preserveSystemFields?: boolean
  /** `mutationError` (mutate, import) or `actionError` (actions): the error type for failed items. */
  errorKind?: 'mutationError' | 'actionError'
}

export interface RevisionEntry {
  documentId: string
  rev: string
  seq: number
  transactionId: string
  timestamp: string
  author: string
  /** The document as this transaction left it (null = deleted). */
  document: LakeDocument | null
}
