/**
 * One perspective view of a dataset (raw, published or drafts) with its indexes: documents by id,
 * by `_type`, by `slug.current`, by referenced id, plus ordered and text indexes built on first use.
 * Every change goes through `put`/`delete`, so all indexes move in step.
 */
import type { ExprNode } from 'groq-js'
import { scanning } from '../store/lazy.js'
import type { LakeDocument } from '../store/types.js'
import { insertSorted, removeSorted, type ViewEntry } from './entry-list.js'
import { FilteredOrderedIndex, FilterIndex, type DocumentTest } from './filter-index.js'
import { MemberIndex } from './member-index.js'
import { OrderedIndex } from './ordered-index.js'
import { TextIndex } from './text-index.js'
import { collectRefs, slugKey } from './values.js'

/** An index built on demand; told about every entry added or removed afterwards. */
interface DerivedIndex {
  add(entry: ViewEntry): void
  remove(entry: ViewEntry): void
}

/**
 * Entries all materialized filters of one view may hold together (pointers, plus an ordered
 * index's key per entry): a few MB at 100k documents, whatever queries arrive.
 */
const MATERIALIZED_BUDGET = 400_000

/** Changes a view remembers (ids), so a copy of it can be brought up to date (`changedSince`). */
const JOURNAL_MAX = 4096

let nextViewUid = 0

export class View {
  readonly name: string
  /** Distinguishes this view from a rebuilt one of the same name (a copy of one is no use for the other). */
  readonly uid = nextViewUid++
  /** Ids put or deleted since the view was built, from change number `journalBase` on. */
  private journal: string[] = []
  private journalBase = 0
  private readonly byId = new Map<string, ViewEntry>()
  private readonly all: ViewEntry[] = []
  private readonly byType = new Map<string, ViewEntry[]>()
  private readonly bySlug = new Map<string, ViewEntry[]>()
  private readonly byRef = new Map<string, ViewEntry[]>()
  private readonly derived = new Map<string, DerivedIndex | null>()
  /** Materialized filters (filter-index.ts) by key, least recently used first, with their sizes. */
  private readonly bounded = new Map<string, number>()
  private docsCache: LakeDocument[] | null = null

  constructor(name: string) {
    this.name = name
  }

  get size(): number {
    return this.all.length
  }

  /** The view's documents in `*` order (shared array: do not modify). */
  documents(): readonly LakeDocument[] {
    if (!this.docsCache) this.docsCache = this.all.map((e) => e.doc)
    return this.docsCache
  }

  entries(): readonly ViewEntry[] {
    return this.all
  }

  get(id: string): ViewEntry | undefined {
    return this.byId.get(id)
  }

  ofType(type: string): readonly ViewEntry[] {
    return this.byType.get(type) ?? []
  }

  withSlug(slug: string): readonly ViewEntry[] {
    return this.bySlug.get(slug) ?? []
  }

  /** Entries with a `_ref` to `id` somewhere in them (a superset of `references(id)`). */
  referencing(id: string): readonly ViewEntry[] {
    return this.byRef.get(id) ?? []
  }

  /** Sets (or replaces) the document shown under `id`, at position `pos`. */
  put(id: string, doc: LakeDocument, pos: number): void {
    const old = this.byId.get(id)
    if (old && old.doc === doc && old.pos === pos) return
    if (old) this.unlink(old)
    this.link({ id, doc, pos })
    this.noteChange(id)
  }

  delete(id: string): void {
    const old = this.byId.get(id)
    if (!old) return
    this.unlink(old)
    this.noteChange(id)
  }

  /** How many puts and deletes the view has seen: with `uid`, which state a copy of it holds. */
  get changeCount(): number {
    return this.journalBase + this.journal.length
  }

  /**
   * The ids put or deleted after change number `count` (repeats possible), or undefined when the
   * view no longer remembers that far back: then only a whole copy will do.
   */
  changedSince(count: number): readonly string[] | undefined {
    if (count < this.journalBase || count > this.changeCount) return undefined
    return this.journal.slice(count - this.journalBase)
  }

  private noteChange(id: string): void {
    this.journal.push(id)
    if (this.journal.length > JOURNAL_MAX) {
      const dropped = this.journal.length - JOURNAL_MAX / 2
      this.journal.splice(0, dropped)
      this.journalBase += dropped
    }
  }

  private link(entry: ViewEntry): void {
    this.byId.set(entry.id, entry)
    insertSorted(this.all, entry)
    addTo(this.byType, entry.doc._type, entry)
    const slug = slugKey(entry.doc)
    if (slug !== undefined) addTo(this.bySlug, slug, entry)
    for (const ref of collectRefs(entry.doc)) addTo(this.byRef, ref, entry)
    for (const [key, index] of this.derived) {
      if (!index) continue
      try {
        index.add(entry)
      } catch {
        this.derived.set(key, null) // cannot be kept: the planner stops using it
      }
    }
    this.docsCache = null
  }

  private unlink(entry: ViewEntry): void {
    this.byId.delete(entry.id)
    removeSorted(this.all, entry)
    removeFrom(this.byType, entry.doc._type, entry)
    const slug = slugKey(entry.doc)
    if (slug !== undefined) removeFrom(this.bySlug, slug, entry)
    // The references of the (never modified in place) document, read again rather than kept.
    for (const ref of collectRefs(entry.doc)) removeFrom(this.byRef, ref, entry)
    for (const [key, index] of this.derived) {
      if (!index) continue
      try {
        index.remove(entry)
      } catch {
        this.derived.set(key, null)
      }
    }
    this.docsCache = null
  }

  /** The ordered index over an attribute path, built on first use. */
  ordered(path: readonly string[]): OrderedIndex | undefined {
    const key = `order:${JSON.stringify(path)}`
    return this.derive(key, () => new OrderedIndex(path, this.all)) as OrderedIndex | undefined
  }

  /** The index over the elements of an array attribute (`$v in path`), built on first use. */
  members(path: readonly string[]): MemberIndex | undefined {
    const key = `member:${JSON.stringify(path)}`
    return this.derive(key, () => new MemberIndex(path, this.all)) as MemberIndex | undefined
  }

  /**
   * The token index over a text expression (`key` identifies it), built on first use; undefined
   * when groq-js cannot evaluate the expression synchronously.
   */
  text(key: string, expr: ExprNode): TextIndex | undefined {
    return this.derive(`text:${key}`, () => new TextIndex(expr, this.all)) as TextIndex | undefined
  }

  /**
   * The entries passing `test`, a native filter the caller names by `key` (equal keys must mean
   * equal predicates), built on first use and kept in step. Materialized filters share a budget
   * of MATERIALIZED_BUDGET entries per view: the least recently used are dropped beyond it.
   */
  filtered(key: string, test: DocumentTest): FilterIndex | undefined {
    return this.deriveBounded(`filter:${key}`, () => new FilterIndex(test, this.all)) as FilterIndex | undefined
  }

  /** The entries passing `test` ordered on `path` (see `filtered`). */
  filteredOrdered(key: string, path: readonly string[], test: DocumentTest): FilteredOrderedIndex | undefined {
    return this.deriveBounded(
      `filterOrder:${JSON.stringify(path)}:${key}`,
      () => new FilteredOrderedIndex(path, test, this.all),
    ) as FilteredOrderedIndex | undefined
  }

  /** Whether a materialized filter (`kind`: 'filter' or 'filterOrder:<path JSON>') is kept now. */
  hasMaterialized(kind: string, key: string): boolean {
    return this.bounded.has(`${kind}:${key}`)
  }

  private deriveBounded(key: string, build: () => FilterIndex | FilteredOrderedIndex): DerivedIndex | undefined {
    const known = this.bounded.has(key)
    const index = this.derive(key, build) as FilterIndex | FilteredOrderedIndex | undefined
    this.bounded.delete(key)
    this.bounded.set(key, index?.size ?? 0)
    if (!known) {
      let total = 0
      for (const size of this.bounded.values()) total += size
      for (const [old, size] of this.bounded) {
        if (total <= MATERIALIZED_BUDGET || old === key) break
        this.bounded.delete(old)
        this.derived.delete(old)
        total -= size
      }
    }
    return index
  }

  private derive(key: string, build: () => DerivedIndex): DerivedIndex | undefined {
    if (this.derived.has(key)) return this.derived.get(key) ?? undefined
    let index: DerivedIndex | null
    try {
      // A build reads every entry once: lazy fields it reads are not kept (lake/store/lazy.ts).
      index = scanning(build)
    } catch {
      index = null
    }
    this.derived.set(key, index)
    return index ?? undefined
  }

  /** Names of the derived indexes built so far (for `explain` and tests). */
  derivedIndexes(): string[] {
    return [...this.derived].filter(([, v]) => v).map(([k]) => k)
  }
}

function addTo(map: Map<string, ViewEntry[]>, key: string, entry: ViewEntry): void {
  let list = map.get(key)
  if (!list) map.set(key, (list = []))
  insertSorted(list, entry)
}

function removeFrom(map: Map<string, ViewEntry[]>, key: string, entry: ViewEntry): void {
  const list = map.get(key)
  if (!list) return
  removeSorted(list, entry)
  if (list.length === 0) map.delete(key)
}
