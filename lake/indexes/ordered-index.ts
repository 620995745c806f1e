/**
 * An ordered index of one view over one attribute path (e.g. `publishedAt`): entries sorted the way
 * groq-js `order()` sorts that key (its `totalCompare`), ties by position. The planner walks it
 * from either end, one group of equal keys at a time, to find the few documents an
 * `order(path ...)[a...b]` can return.
 */
import type { ViewEntry } from './entry-list.js'
import { compareKeys, orderClass, readPath, ORDER_OTHER } from './values.js'

interface Item {
  entry: ViewEntry
  cls: number
  key: unknown
  /** Null/missing value (a subset of class ORDER_OTHER that `defined(path)` excludes). */
  nullish: boolean
}

/**
 * Key order, then (within the class of null/objects/arrays, which groq-js holds equal) non-null
 * before null, then position: the nulls are a run that `defined(path)` skips by binary search.
 */
function compareItems(a: Item, b: Item): number {
  return compareKeys(a.cls, a.key, b.cls, b.key) || Number(a.nullish) - Number(b.nullish) || a.entry.pos - b.entry.pos
}

export class OrderedIndex {
  readonly path: readonly string[]
  private items: Item[] = []
  private readonly byId = new Map<string, Item>()

  constructor(path: readonly string[], entries: Iterable<ViewEntry>) {
    this.path = path
    for (const entry of entries) {
      const item = this.itemOf(entry)
      this.items.push(item)
      this.byId.set(entry.id, item)
    }
    this.items.sort(compareItems)
  }

  private itemOf(entry: ViewEntry): Item {
    const key = readPath(entry.doc, this.path)
    return { entry, cls: orderClass(key), key, nullish: key === null }
  }

  get size(): number {
    return this.items.length
  }

  /** How many entries have a non-null key (nulls are the last run of the index). */
  definedCount(): number {
    return firstWhere(this.items, 0, this.items.length, (item) => item.nullish)
  }

  private lowerBound(item: Item): number {
    let lo = 0
    let hi = this.items.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (compareItems(this.items[mid] as Item, item) < 0) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  add(entry: ViewEntry): void {
    const item = this.itemOf(entry)
    const at = this.lowerBound(item)
    this.items.splice(at, 0, item)
    this.byId.set(entry.id, item)
  }

  remove(entry: ViewEntry): void {
    const item = this.byId.get(entry.id)
    if (!item || item.entry !== entry) return
    const at = this.lowerBound(item)
    if (this.items[at] === item) this.items.splice(at, 1)
    this.byId.delete(entry.id)
  }

  /**
   * Entries whose key equals `value` (a string, number or boolean) as groq-js `==` compares them,
   * in position order.
   */
  equal(value: string | number | boolean): ViewEntry[] {
    const cls = orderClass(value)
    const probe: Item = { entry: { id: '', doc: null as never, pos: -Infinity }, cls, key: value, nullish: false }
    const out: ViewEntry[] = []
    for (let i = this.lowerBound(probe); i < this.items.length; i++) {
      const item = this.items[i] as Item
      if (item.cls !== cls || compareKeys(cls, item.key, cls, value) !== 0) break
      out.push(item.entry)
    }
    return out
  }

  /**
   * Groups of entries with equal keys (in groq-js's comparison), in `direction` order. With
   * `skipNullish`, null/missing keys are left out (the filter requires `defined(path)`); with
   * `range`, only keys inside it (the filter requires them, e.g. a keyset cursor's
   * `publishedAt < $after`).
   */
  groups(direction: 'asc' | 'desc', skipNullish: boolean, range?: KeyRange): Generator<ViewEntry[]> {
    const from = range ? this.firstInRange(range) : 0
    const to = range ? this.endOfRange(range) : this.items.length
    return groupsOf(this.items, Math.min(from, to), to, direction, skipNullish)
  }

  /**
   * The groups `groups(direction, skipNullish)` yields, less the whole groups that lie
   * within its first `skip` entries (found by position, not by stepping through them), and how
   * many entries those dropped groups held. For an index of only documents a filter keeps (a
   * FilteredOrderedIndex), a slice `[skip...]` starts in the first group yielded.
   */
  groupsSkipping(
    direction: 'asc' | 'desc',
    skipNullish: boolean,
    skip: number,
  ): { groups: Generator<ViewEntry[]>; dropped: number } {
    const items = this.items
    const from = 0
    const to = items.length
    // The walk: keys in order over [from, other), then the null/object class as one group over
    // [other, end) (nulls left out with skipNullish); descending, that group comes first.
    const other = firstWhere(items, from, to, (item) => item.cls === ORDER_OTHER)
    const end = skipNullish ? firstWhere(items, other, to, (item) => item.nullish) : to
    const same = (a: Item, b: Item): boolean => a.cls === b.cls && compareKeys(a.cls, a.key, b.cls, b.key) === 0
    const otherCount = end - other
    if (direction === 'asc') {
      const t = from + skip
      if (t >= end) return { groups: groupsOf(items, end, end, direction, skipNullish), dropped: end - from }
      if (t >= other) return { groups: groupsOf(items, other, to, direction, skipNullish), dropped: other - from }
      let g = t
      while (g > from && same(items[g - 1] as Item, items[t] as Item)) g--
      return { groups: groupsOf(items, g, to, direction, skipNullish), dropped: g - from }
    }
    if (skip < otherCount) return { groups: groupsOf(items, from, to, direction, skipNullish), dropped: 0 }
    const t = other - 1 - (skip - otherCount)
    if (t < from)
      return { groups: groupsOf(items, from, from, direction, skipNullish), dropped: otherCount + (other - from) }
    let j = t + 1
    while (j < other && same(items[j] as Item, items[t] as Item)) j++
    // [from, j) holds no null/object key: groupsOf walks it downwards from j.
    return { groups: groupsOf(items, from, j, direction, skipNullish), dropped: otherCount + (other - j) }
  }

  /**
   * The same groups, over `entries` only (a candidate set much smaller than the index): they are
   * keyed and sorted here instead of walking the whole index.
   */
  groupsAmong(
    entries: readonly ViewEntry[],
    direction: 'asc' | 'desc',
    skipNullish: boolean,
    range?: KeyRange,
  ): Generator<ViewEntry[]> {
    let items = entries.map((e) => this.itemOf(e))
    if (range) items = items.filter((item) => inRange(item, range))
    items.sort(compareItems)
    return groupsOf(items, 0, items.length, direction, skipNullish)
  }

  /** First position whose key is >= the range's start (its class's first when it has no lower bound). */
  private firstInRange(range: KeyRange): number {
    const lower = range.lower
    return this.search((item) => {
      if (item.cls !== range.cls) return item.cls > range.cls
      if (!lower) return true
      const c = compareKeys(item.cls, item.key, range.cls, lower.value)
      return lower.inclusive ? c >= 0 : c > 0
    })
  }

  /** First position past the range's end. */
  private endOfRange(range: KeyRange): number {
    const upper = range.upper
    return this.search((item) => {
      if (item.cls !== range.cls) return item.cls > range.cls
      if (!upper) return false
      const c = compareKeys(item.cls, item.key, range.cls, upper.value)
      return upper.inclusive ? c > 0 : c >= 0
    })
  }

  /** First position where `past` (monotone over the sorted items) holds. */
  private search(past: (item: Item) => boolean): number {
    let lo = 0
    let hi = this.items.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (past(this.items[mid] as Item)) hi = mid
      else lo = mid + 1
    }
    return lo
  }
}

/** Keys of one ordering class between optional bounds (groq-js `<`, `<=`, `==` compare within a type). */
export interface KeyRange {
  cls: number
  lower?: { value: string | number | boolean; inclusive: boolean }
  upper?: { value: string | number | boolean; inclusive: boolean }
}

function inRange(item: Item, range: KeyRange): boolean {
  if (item.cls !== range.cls) return false
  if (range.lower) {
    const c = compareKeys(item.cls, item.key, range.cls, range.lower.value)
    if (range.lower.inclusive ? c < 0 : c <= 0) return false
  }
  if (range.upper) {
    const c = compareKeys(item.cls, item.key, range.cls, range.upper.value)
    if (range.upper.inclusive ? c > 0 : c >= 0) return false
  }
  return true
}

function* groupsOf(
  items: readonly Item[],
  from: number,
  to: number,
  direction: 'asc' | 'desc',
  skipNullish: boolean,
): Generator<ViewEntry[]> {
  const same = (a: Item, b: Item): boolean => a.cls === b.cls && compareKeys(a.cls, a.key, b.cls, b.key) === 0
  // Null, objects and arrays (class ORDER_OTHER, the last class) are all equal in groq-js: one
  // group, found by binary search rather than stepped through (at 100k documents, every document
  // without the attribute is in it).
  const other = firstWhere(items, from, to, (item) => item.cls === ORDER_OTHER)
  const otherGroup = (): ViewEntry[] => {
    const end = skipNullish ? firstWhere(items, other, to, (item) => item.nullish) : to
    return collect(items, other, end)
  }
  if (direction === 'asc') {
    let i = from
    while (i < other) {
      const first = items[i] as Item
      let j = i + 1
      while (j < other && same(first, items[j] as Item)) j++
      yield collect(items, i, j)
      i = j
    }
    if (other < to) {
      const group = otherGroup()
      if (group.length) yield group
    }
  } else {
    if (other < to) {
      const group = otherGroup()
      if (group.length) yield group
    }
    let j = other
    while (j > from) {
      const last = items[j - 1] as Item
      let i = j - 1
      while (i > from && same(last, items[i - 1] as Item)) i--
      yield collect(items, i, j)
      j = i
    }
  }
}

/** First index in [from, to) where `past` holds (monotone over the range), else `to`. */
function firstWhere(items: readonly Item[], from: number, to: number, past: (item: Item) => boolean): number {
  let lo = from
  let hi = to
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (past(items[mid] as Item)) hi = mid
    else lo = mid + 1
  }
  return lo
}

function collect(items: readonly Item[], from: number, to: number): ViewEntry[] {
  const out: ViewEntry[] = []
  for (let k = from; k < to; k++) out.push((items[k] as Item).entry)
  return out
}
