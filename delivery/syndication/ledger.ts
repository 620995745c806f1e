// The change ledger of one audience (a partner, or the public feed): pure logic, no I/O.
//
// A ledger holds, for every article the audience has ever been allowed to see, the latest change
// about it: an upsert (it is visible, at this version) or a tombstone (it was removed, and why).
// Each change carries a sequence number from a per-ledger counter. Because only the latest change of
// each article is kept (older ones are superseded, so the ledger compacts itself), a partner that
// has applied everything up to cursor `c` and then applies every entry with `seq > c` in order ends
// with exactly the current scope, whatever `c` was. Articles the audience never saw never appear, so
// the ledger reveals nothing outside the scope.
//
// Entries recorded together form a change set (`changeSet`: the seq of its first entry): one
// reconcile pass reads the lake at one point in time, so the documents of one lake transaction (a
// release publish writes all of its documents at once) always land in the same set. A page of
// changes never ends inside a set, so a partner applying page by page never shows half a release.
//
// Cursors are opaque strings `<epoch>.<seq>`: `epoch` is random per ledger, so a cursor from a ledger
// that was reset cannot be mistaken for one of the new ledger (the partner is told to resync).
import { randomBytes } from 'node:crypto'
import type { ExclusionReason } from './scope.js'

export type ChangeOp = 'upsert' | 'delete'

export interface LedgerEntry {
  seq: number
  /** Published id of the article. */
  articleId: string
  /** Slug at the time of the change (the last known slug for tombstones). */
  slug: string
  op: ChangeOp
  /** Version fingerprint of an upsert (article revision + licence terms). */
  version?: string
  /** Why a tombstone was written. */
  reason?: ExclusionReason
  /** ISO time the change was recorded. */
  at: string
  /**
   * The change set: the seq of the first entry recorded together with this one. Absent on entries
   * written before change sets existed (each is a set of its own).
   */
  changeSet?: number
}

/** The change set of an entry (an entry of an older ledger is a set of its own). */
export function changeSetOf(entry: LedgerEntry): number {
  return entry.changeSet ?? entry.seq
}

export interface LedgerState {
  epoch: string
  lastSeq: number
  entries: LedgerEntry[]
}

/** What is visible now: article id -> slug and version. */
export interface VisibleArticle {
  articleId: string
  slug: string
  version: string
}

export function newEpoch(): string {
  return randomBytes(6).toString('hex')
}

export function emptyLedger(epoch: string = newEpoch()): LedgerState {
  return { epoch, lastSeq: 0, entries: [] }
}

/**
 * Brings a ledger up to date with what is visible now. `reasonFor` says why an article that was
 * visible is not any more. Returns the new state and the entries appended (in seq order; empty when
 * nothing changed). The input is not modified.
 */
export function advanceLedger(
  ledger: LedgerState,
  visible: ReadonlyArray<VisibleArticle>,
  reasonFor: (articleId: string) => ExclusionReason,
  at: Date,
): { state: LedgerState; appended: LedgerEntry[] } {
  const latest = new Map(ledger.entries.map((e) => [e.articleId, e]))
  const appended: LedgerEntry[] = []
  let seq = ledger.lastSeq
  const changeSet = seq + 1
  const iso = at.toISOString()
  const visibleIds = new Set<string>()
  // Deterministic order of new entries: by article id.
  for (const article of [...visible].sort((a, b) =>
    a.articleId < b.articleId ? -1 : a.articleId > b.articleId ? 1 : 0,
  )) {
    visibleIds.add(article.articleId)
    const previous = latest.get(article.articleId)
    if (previous && previous.op === 'upsert' && previous.version === article.version && previous.slug === article.slug)
      continue
    const entry: LedgerEntry = {
      seq: ++seq,
      articleId: article.articleId,
      slug: article.slug,
      op: 'upsert',
      version: article.version,
      at: iso,
      changeSet,
    }
    latest.set(article.articleId, entry)
    appended.push(entry)
  }
  for (const previous of [...ledger.entries].sort((a, b) => a.seq - b.seq)) {
    if (previous.op !== 'upsert' || visibleIds.has(previous.articleId)) continue
    const entry: LedgerEntry = {
      seq: ++seq,
      articleId: previous.articleId,
      slug: previous.slug,
      op: 'delete',
      reason: reasonFor(previous.articleId),
      at: iso,
      changeSet,
    }
    latest.set(previous.articleId, entry)
    appended.push(entry)
  }
  if (appended.length === 0) return { state: ledger, appended }
  const entries = [...latest.values()].sort((a, b) => a.seq - b.seq)
  return { state: { epoch: ledger.epoch, lastSeq: seq, entries }, appended }
}

/** A position in a ledger. seq 0 = the beginning. */
export interface Cursor {
  epoch: string
  seq: number
}

export function encodeCursor(cursor: Cursor): string {
  return `${cursor.epoch}.${cursor.seq}`
}

export class CursorError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CursorError'
  }
}

/** Parses a cursor given by a client; throws a CursorError explaining the expected form. */
export function decodeCursor(value: string): Cursor {
  const match = /^([0-9a-f]{12})\.(\d{1,15})$/.exec(value)
  if (!match) {
    throw new CursorError(
      `"since" must be a cursor returned by an earlier response (its "next" field, e.g. "3f9a0c1b2d4e.42"), got ${JSON.stringify(value.slice(0, 80))}; omit "since" to start from the beginning`,
    )
  }
  return { epoch: match[1]!, seq: Number(match[2]) }
}

export interface ChangesPage {
  /** Entries after the cursor, in seq order. */
  entries: LedgerEntry[]
  /** Cursor to pass as `since` next time. */
  next: Cursor
  /** More entries are waiting after `next`. */
  hasMore: boolean
  /**
   * The given cursor belonged to another ledger epoch (the ledger was reset): the page starts from
   * the beginning and the client must drop everything not upserted from here on.
   */
  reset: boolean
}

/**
 * The changes after `since` (undefined = from the beginning): at most `limit` of them, except that
 * a page never ends inside a change set (it takes the rest of the set, however many that is).
 */
export function changesSince(ledger: LedgerState, since: Cursor | undefined, limit: number): ChangesPage {
  const reset = since !== undefined && since.epoch !== ledger.epoch
  let after = since === undefined || reset ? 0 : since.seq
  if (after > ledger.lastSeq) after = ledger.lastSeq // a cursor from the future: nothing new yet
  const pending = ledger.entries.filter((e) => e.seq > after).sort((a, b) => a.seq - b.seq)
  let end = Math.min(limit, pending.length)
  const lastSet = end > 0 ? changeSetOf(pending[end - 1]!) : undefined
  while (end < pending.length && changeSetOf(pending[end]!) === lastSet) end++
  const entries = pending.slice(0, end)
  const hasMore = pending.length > entries.length
  const nextSeq = hasMore ? entries[entries.length - 1]!.seq : ledger.lastSeq
  return { entries, next: { epoch: ledger.epoch, seq: nextSeq }, hasMore, reset }
}
