/**
 * The Live Content API's event log for one dataset (`GET /data/live/events/<dataset>`): one entry
 * per committed transaction, with the sync tags (lake/query/sync-tags.ts) of every document it
 * changed, computed once when the store announces the commit (after it is durable) and kept for the
 * last LIVE_LOG_SIZE transactions so that a client can resume with `Last-Event-ID`.
 *
 * Three audiences see different parts of a transaction: anonymous callers (root-path ids only),
 * callers with a token that did not ask for drafts (everything but drafts and release versions),
 * and `includeDrafts=true` (everything). A transaction with nothing for an audience sends it no
 * message; one that changed more than MAX_EVENT_DOCUMENTS documents for it (an import) sends a
 * `restart` instead: refetch everything.
 *
 * Positions (event ids) are `<epoch>.<n>`: `n` counts transactions since this log started and the
 * epoch is random per log, so an id from before a lake restart (or from another lake) is
 * recognised as unusable and answered with `restart`, as hosted Sanity does for a position it no
 * longer holds.
 */
import { randomBytes } from 'node:crypto'
import { draftIdOf, isPrivateId, isPublicId, publishedIdOf } from '../ids.js'
import { addDocumentKeys, DATASET_KEY, syncTag, type TagKey } from '../query/sync-tags.js'
import type { CommittedTransaction, DatasetStore, DocumentChange } from '../store/index.js'

export type LiveAudience = 'public' | 'published' | 'all'

const AUDIENCES: readonly LiveAudience[] = ['public', 'published', 'all']

/** Transactions kept for resuming, at most (and at most LIVE_LOG_TAGS tags in all). */
export const LIVE_LOG_SIZE = 4096
const LIVE_LOG_TAGS = 200_000

/** More changed documents than this in one transaction: a `restart` rather than a message. */
export const MAX_EVENT_DOCUMENTS = 1000

/** What one audience gets for a transaction: tags, `restart`, or nothing (`null`). */
export type LiveOutcome = string[] | 'restart' | null

export interface LiveEntry {
  n: number
  id: string
  outcome: Record<LiveAudience, LiveOutcome>
}

export class LiveLog {
  readonly store: DatasetStore
  readonly epoch = randomBytes(4).toString('hex')
  private entries: LiveEntry[] = []
  private tagCount = 0
  private n = 0
  private readonly subscribers = new Set<(entry: LiveEntry) => void>()

  constructor(store: DatasetStore) {
    this.store = store
    store.subscribe((tx) => this.add(tx))
  }

  /** The position after the latest transaction. */
  get position(): string {
    return this.idOf(this.n)
  }

  idOf(n: number): string {
    return `${this.epoch}.${n.toString(36)}`
  }

  /**
   * The entries after an event id, or undefined when the id cannot be resumed from (malformed,
   * another epoch, older than the log holds, or ahead of it).
   */
  after(id: string): LiveEntry[] | undefined {
    const dot = id.indexOf('.')
    if (dot === -1 || id.slice(0, dot) !== this.epoch) return undefined
    const text = id.slice(dot + 1)
    if (!/^[0-9a-z]{1,12}$/.test(text)) return undefined
    const n = Number.parseInt(text, 36)
    if (n > this.n) return undefined
    const first = this.entries[0]?.n ?? this.n + 1
    if (n < first - 1) return undefined
    return this.entries.filter((e) => e.n > n)
  }

  /** Whether an event id names a position of this log (at or before the latest transaction). */
  knows(id: string): boolean {
    return this.after(id) !== undefined
  }

  subscribe(fn: (entry: LiveEntry) => void): () => void {
    this.subscribers.add(fn)
    return () => this.subscribers.delete(fn)
  }

  private add(tx: CommittedTransaction): void {
    this.n++
    const entry: LiveEntry = { n: this.n, id: this.idOf(this.n), outcome: transactionTags(this.store, tx) }
    this.entries.push(entry)
    this.tagCount += tagsIn(entry)
    if (this.entries.length > LIVE_LOG_SIZE || this.tagCount > LIVE_LOG_TAGS) {
      // Older positions then get `restart`, which hosted Sanity allows for any position.
      let drop = 0
      while (
        drop < this.entries.length - 1 &&
        (this.entries.length - drop > LIVE_LOG_SIZE / 2 || this.tagCount > LIVE_LOG_TAGS / 2)
      ) {
        this.tagCount -= tagsIn(this.entries[drop] as LiveEntry)
        drop++
      }
      this.entries = this.entries.slice(drop)
    }
    for (const fn of this.subscribers) {
      try {
        fn(entry)
      } catch (err) {
        console.error('lake: a live events subscriber failed', err)
      }
    }
  }
}

function tagsIn(entry: LiveEntry): number {
  const seen = new Set<LiveOutcome>()
  let n = 0
  for (const audience of AUDIENCES) {
    const o = entry.outcome[audience]
    if (Array.isArray(o) && !seen.has(o)) n += o.length
    seen.add(o)
  }
  return n
}

/** Tags of a transaction for each audience (exported for tests). */
export function transactionTags(store: DatasetStore, tx: CommittedTransaction): Record<LiveAudience, LiveOutcome> {
  const out = {} as Record<LiveAudience, LiveOutcome>
  const changed = new Set(tx.changes.map((c) => c.id))
  let previous: { count: number; outcome: LiveOutcome } | undefined
  for (const audience of AUDIENCES) {
    const changes = tx.changes.filter((c) =>
      audience === 'public' ? isPublicId(c.id) : audience === 'published' ? !isPrivateId(c.id) : true,
    )
    // The same changes as the narrower audience (no private ids in the transaction): the same
    // outcome, one array kept. Not for 'all', which adds the draft/published counterparts.
    const outcome =
      audience !== 'all' && previous?.count === changes.length
        ? previous.outcome
        : outcomeOf(store, changes, changed, audience === 'all')
    out[audience] = outcome
    previous = { count: changes.length, outcome }
  }
  return out
}

function outcomeOf(
  store: DatasetStore,
  changes: readonly DocumentChange[],
  changed: ReadonlySet<string>,
  counterparts: boolean,
): LiveOutcome {
  if (changes.length === 0) return null
  if (changes.length > MAX_EVENT_DOCUMENTS) return 'restart'
  const keys = new Set<TagKey>([DATASET_KEY])
  for (const change of changes) {
    if (change.before) addDocumentKeys(change.before, keys)
    if (change.after) addDocumentKeys(change.after, keys)
    else keys.add(`d:${publishedIdOf(change.id)}`)
    if (!counterparts) continue
    // A perspective view shows one of a document's draft and published versions under its id:
    // a change to one can bring the other into view (discarding a draft shows the published
    // document again), so the other one's tags are the change's too.
    const published = publishedIdOf(change.id)
    for (const other of [published, draftIdOf(published)]) {
      if (changed.has(other)) continue
      const doc = store.get(other)
      if (doc) addDocumentKeys(doc, keys)
    }
  }
  const tags = new Set<string>()
  for (const k of keys) tags.add(syncTag(store.name, k))
  return [...tags].sort()
}

const logs = new WeakMap<DatasetStore, LiveLog>()

/** The dataset's live log, started on first use (it then follows every commit). */
export function liveLogOf(store: DatasetStore): LiveLog {
  let log = logs.get(store)
  if (!log) logs.set(store, (log = new LiveLog(store)))
  return log
}
