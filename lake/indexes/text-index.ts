/**
 * A token index of one view over one text expression (the left side of `match`, e.g. `title` or
 * `pt::text(body)`; an array literal such as `[title, excerpt, pt::text(body)]` is answered by
 * combining the indexes of its elements, see lake/query/planner/text-score.ts): token key ->
 * postings with how many times each document's text has a token of that key, which is what
 * groq-js's `match` score counts. The text of each document is groq-js's value of the expression
 * (`evaluateSync` with the document as `@`), computed natively for attribute paths and
 * `pt::text(path)` when the document is JSON-shaped (text-value.ts; groq-js evaluates anything
 * else), then cut into tokens exactly as `match` cuts it
 * (values.ts `textParts`, `matchTokenKeys`: `matchTokens` and `tokenKey` in one pass). Keys are
 * tokens with ASCII letters lower-cased
 * (values.ts `tokenKey`), so a term's regular expression tested on a key gives what it gives on
 * the token, and a term is answered by testing groq-js's own regex on the keys of the sorted
 * vocabulary that start with the term's literal prefix.
 *
 * Memory: a key's postings are a PostingList (postings.ts: plain numbers while short, a Uint32Array
 * of slots and a Uint16Array of counts, 6 bytes a posting, once long); documents are numbered by
 * slot. A removed document's slot is only marked dead (its
 * postings are skipped) and the postings are compacted once dead ones are as many as half the
 * live ones, so a transaction never re-tokenises the old document.
 */
import { evaluateSync, type ExprNode } from 'groq-js'
import type { ViewEntry } from './entry-list.js'
import { PostingList } from './postings.js'
import { lowerBound } from './sorted.js'
import { nativeTextReader, UNSURE, type TextValueReader } from './text-value.js'
import { matchTokenKeys, textParts } from './values.js'

const MAX_COUNT = 65535

/** Term frequencies of one term in one index: the entries with a matching token, and how many. */
export interface TermFrequencies {
  readonly entries: readonly ViewEntry[]
  readonly counts: readonly number[]
}

export class TextIndex {
  readonly expr: ExprNode
  /** The expression's value without groq-js, for the expressions text-value.ts knows. */
  private readonly native: TextValueReader | undefined
  private readonly postings = new Map<string, PostingList>()
  private sortedKeys: string[] | null = null
  private readonly slots: Array<ViewEntry | null> = []
  /** Postings per slot, to know how many become dead when its document goes. */
  private readonly slotPostings: number[] = []
  private readonly slotOf = new Map<ViewEntry, number>()
  /** Slots whose value is an array (its string elements are tokenised; see `notAString`). */
  private readonly arrayValued = new Set<number>()
  /** Slots with a token key more than MAX_COUNT times (the stored count is not the real one). */
  private readonly overflowed = new Set<number>()
  private livePostings = 0
  /**
   * How many of the indexed documents have a number as `_score`, which groq-js's `score()` adds to
   * (see `hasOwnScores`).
   */
  private ownScores = 0
  /** Token key -> id, only for counting in `tokens` (reset at compaction so it stays bounded). */
  private keyIds = new Map<string, number>()
  private keyNames: string[] = []
  /** Count per key id of the document being added (all zero between adds). */
  private scratch = new Uint32Array(1024)
  private readonly touched: number[] = []
  private deadPostings = 0

  constructor(expr: ExprNode, entries: Iterable<ViewEntry>) {
    this.expr = expr
    this.native = nativeTextReader(expr)
    for (const entry of entries) this.add(entry)
    // Lists grown by push keep spare capacity: cut each to its exact size once built.
    for (const list of this.postings.values()) list.trim()
    this.keyIds = new Map() // only for counting: regrown by later adds, bounded by compaction
    this.keyNames = []
  }

  /**
   * Counts the expression's token keys for `doc` into `scratch` (by key id; the ids with a count
   * are listed in `touched`, in first-seen order) and says whether its value is an array. One
   * lookup per token in a shared key -> id map, instead of a fresh Map per document, because
   * counting was the largest cost of building a body index once tokenising was one pass.
   */
  private tokens(doc: unknown): boolean {
    const native = this.native ? this.native(doc) : UNSURE
    const value = native === UNSURE ? evaluateSync(this.expr, { root: doc }).data : native
    for (const part of textParts(value)) {
      for (const key of matchTokenKeys(part)) {
        let id = this.keyIds.get(key)
        if (id === undefined) {
          id = this.keyNames.length
          this.keyIds.set(key, id)
          this.keyNames.push(key)
          if (id >= this.scratch.length) {
            const grown = new Uint32Array(this.scratch.length * 2)
            grown.set(this.scratch)
            this.scratch = grown
          }
        }
        if (this.scratch[id]++ === 0) this.touched.push(id)
      }
    }
    return Array.isArray(value)
  }

  add(entry: ViewEntry): void {
    let isArray: boolean
    try {
      isArray = this.tokens(entry.doc)
    } catch (error) {
      // groq-js threw on this document: leave the counting state clean for the next one.
      for (const id of this.touched) this.scratch[id] = 0
      this.touched.length = 0
      throw error
    }
    const touched = this.touched
    const size = touched.length
    if (size === 0) return // no token: no posting, every term's frequency is 0
    const slot = this.slots.length
    this.slots.push(entry)
    this.slotPostings.push(size)
    this.slotOf.set(entry, slot)
    if (isArray) this.arrayValued.add(slot)
    if (hasNumericScore(entry)) this.ownScores++
    for (const id of touched) {
      const key = this.keyNames[id] as string
      const count = this.scratch[id] as number
      this.scratch[id] = 0
      if (count > MAX_COUNT) this.overflowed.add(slot)
      let list = this.postings.get(key)
      if (!list) {
        list = new PostingList()
        this.postings.set(key, list)
        if (this.sortedKeys) this.sortedKeys.splice(lowerBound(this.sortedKeys, key), 0, key)
      }
      list.push(slot, Math.min(count, MAX_COUNT))
    }
    touched.length = 0
    this.livePostings += size
  }

  remove(entry: ViewEntry): void {
    const slot = this.slotOf.get(entry)
    if (slot === undefined) return
    this.slotOf.delete(entry)
    this.slots[slot] = null
    if (hasNumericScore(entry)) this.ownScores--
    this.arrayValued.delete(slot)
    this.overflowed.delete(slot)
    const n = this.slotPostings[slot] as number
    this.livePostings -= n
    this.deadPostings += n
    if (this.deadPostings > 10000 && this.deadPostings > this.livePostings / 2) this.compact()
  }

  /** Drops the postings of removed documents (and keys left without any). */
  private compact(): void {
    const live = (slot: number): boolean => this.slots[slot] !== null
    for (const [key, list] of this.postings) if (list.retain(live) === 0) this.postings.delete(key)
    this.sortedKeys = null
    this.deadPostings = 0
    this.keyIds = new Map()
    this.keyNames = []
  }

  /** Keys the term's regex matches, found among the sorted keys starting with `prefix`. */
  private keysMatching(regex: RegExp, prefix: string): string[] {
    if (!this.sortedKeys) this.sortedKeys = [...this.postings.keys()].sort()
    const keys = this.sortedKeys
    const out: string[] = []
    for (let i = lowerBound(keys, prefix); i < keys.length; i++) {
      const key = keys[i] as string
      if (!key.startsWith(prefix)) break
      if (regex.test(key)) out.push(key)
    }
    return out
  }

  /**
   * For one term (groq-js's regex for it, and the literal prefix every matching key starts with,
   * values.ts `termRegex`/`termKeyPrefix`): each entry with a matching token and how many of its
   * tokens match, the `freq` of groq-js's match score.
   */
  frequencies(regex: RegExp, prefix: string): TermFrequencies {
    const keys = this.keysMatching(regex, prefix)
    const entries: ViewEntry[] = []
    const counts: number[] = []
    if (keys.length === 1) {
      // One key: a document is in its postings once.
      const list = this.postings.get(keys[0] as string) as PostingList
      for (let p = 0; p < list.length; p++) {
        const slot = list.slotAt(p)
        const entry = this.slots[slot]
        if (!entry) continue
        entries.push(entry)
        counts.push(list.countAt(p))
      }
      return { entries, counts }
    }
    // Several keys: a document's counts are summed (slot -> its place in the result).
    const at = new Map<number, number>()
    for (const key of keys) {
      const list = this.postings.get(key) as PostingList
      for (let p = 0; p < list.length; p++) {
        const slot = list.slotAt(p)
        const entry = this.slots[slot]
        if (!entry) continue
        const count = list.countAt(p)
        const i = at.get(slot)
        if (i === undefined) {
          at.set(slot, entries.length)
          entries.push(entry)
          counts.push(count)
        } else counts[i] = (counts[i] as number) + count
      }
    }
    return { entries, counts }
  }

  /**
   * Entries whose frequencies this index cannot give exactly for a use: a token key repeated more
   * than 65,535 times, or (`asArrayElement`: the expression as an element of an array literal,
   * where groq-js skips a value that is not a string) a value that is an array.
   */
  unproven(asArrayElement: boolean): ViewEntry[] {
    const out: ViewEntry[] = []
    for (const slot of this.overflowed) out.push(this.slots[slot] as ViewEntry)
    if (asArrayElement)
      for (const slot of this.arrayValued) if (!this.overflowed.has(slot)) out.push(this.slots[slot] as ViewEntry)
    return out
  }

  /**
   * Whether some indexed document has a number as `_score`. A document is indexed when its text has
   * a token, so when no index a search's candidates come from has one, no candidate has one and the
   * scorer need not read `_score` from each (measured at 100k: that read cost ~2 us a document,
   * 8 ms of a 3,800-candidate search, the documents being spread over the whole heap).
   */
  hasOwnScores(): boolean {
    return this.ownScores > 0
  }

  /** Sizes, for memory checks and `explain`. */
  stats(): { keys: number; documents: number; postings: number } {
    return { keys: this.postings.size, documents: this.slotOf.size, postings: this.livePostings }
  }
}

/** Whether the document has a number as `_score` (documents are never changed in place). */
function hasNumericScore(entry: ViewEntry): boolean {
  return typeof (entry.doc as { _score?: unknown })._score === 'number'
}
