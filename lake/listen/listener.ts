/**
 * One listener (`/data/listen`): decides which committed document changes it may see (its GROQ
 * filter matched the document before and/or after, and its identity may read the id) and turns
 * them into Sanity's mutation events.
 */
import { canReadPrivate, type Identity } from '../auth/index.js'
import { isPublicId, isVersionId } from '../ids.js'
import { evaluate } from 'groq-js'
import { parseGroq } from '../query/evaluate.js'
import type { CommittedTransaction, DocumentChange, LakeDocument } from '../store/index.js'
import { effectsOf } from './effects.js'

export interface ListenOptions {
  query: string
  params: Record<string, unknown>
  identity: Identity
  includeResult: boolean
  includePreviousRevision: boolean
  includeMutations: boolean
  includeAllVersions: boolean
  /** Effects only in mendoza format (`effectFormat=mendoza`). */
  effects: boolean
  /** `visibility` of the listen request, echoed in events as Sanity does ('query' by default). */
  visibility: string
}

export type Transition = 'appear' | 'update' | 'disappear'

export interface MutationEvent {
  eventId: string
  documentId: string
  transactionId: string
  transition: Transition
  identity: string
  mutations?: Record<string, unknown>[]
  previousRev?: string
  resultRev: string
  timestamp: string
  effects?: { apply: unknown[]; revert: unknown[] }
  result?: LakeDocument
  previous?: LakeDocument | null
  transactionTotalEvents: number
  transactionCurrentEvent: number
  visibility: string
}

export class Listener {
  readonly options: ListenOptions
  /** The filter, parsed once: it runs twice per changed document (before and after). */
  private readonly tree: ReturnType<typeof parseGroq>

  constructor(options: ListenOptions) {
    // Fail early (400 on the listen request) on a filter that does not parse.
    this.tree = parseGroq(options.query, options.params)
    this.options = options
  }

  private visible(id: string): boolean {
    // Anonymous listeners see root-path ids only (drafts, versions and every other dotted id are private).
    if (!canReadPrivate(this.options.identity) && !isPublicId(id)) return false
    if (isVersionId(id) && !this.options.includeAllVersions) return false
    return true
  }

  async matches(doc: LakeDocument | null): Promise<boolean> {
    if (!doc || !this.visible(doc._id)) return false
    let result: unknown
    try {
      // As evaluateGroq (lake/query/evaluate.ts) evaluates, without parsing the filter again.
      result = await (await evaluate(this.tree, { dataset: [doc], params: this.options.params })).get()
    } catch {
      // A filter that fails on this document (evaluateGroq's queryError) does not match it.
      return false
    }
    if (Array.isArray(result)) return result.length > 0
    return result !== null && result !== undefined && result !== false
  }

  /** The events this listener gets for a committed transaction (possibly none). */
  async eventsFor(tx: CommittedTransaction, afterDocumentId?: string): Promise<MutationEvent[]> {
    const picked: Array<{ change: DocumentChange; transition: Transition }> = []
    for (const change of tx.changes) {
      const before = await this.matches(change.before)
      const after = await this.matches(change.after)
      if (!before && !after) continue
      picked.push({ change, transition: before && after ? 'update' : after ? 'appear' : 'disappear' })
    }
    let events = picked.map(({ change, transition }, i) => this.event(tx, change, transition, i, picked.length))
    if (afterDocumentId !== undefined) {
      const at = events.findIndex((e) => e.documentId === afterDocumentId)
      events = at === -1 ? events : events.slice(at + 1)
    }
    return events
  }

  private event(
    tx: CommittedTransaction,
    change: DocumentChange,
    transition: Transition,
    index: number,
    total: number,
  ): MutationEvent {
    const o = this.options
    const event: MutationEvent = {
      eventId: `${tx.transactionId}#${change.id}`,
      documentId: change.id,
      transactionId: tx.transactionId,
      transition,
      identity: tx.author,
      resultRev: change.after?._rev ?? tx.transactionId,
      timestamp: tx.timestamp,
      transactionTotalEvents: total,
      transactionCurrentEvent: index + 1,
      visibility: o.visibility,
    }
    if (change.before) event.previousRev = change.before._rev
    if (o.includeMutations) {
      event.mutations = change.mutations
      if (o.effects) event.effects = effectsOf(change.before, change.after)
    }
    if (o.includeResult && change.after) event.result = change.after
    if (o.includePreviousRevision) event.previous = change.before
    return event
  }
}
