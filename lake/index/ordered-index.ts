/**
 * An ordered index of one view over one attribute path (e.g. `publishedAt`): entries sorted the way
 * groq-js `order()` sorts that key (its `totalCompare`), ties by position. The planner walks it
 * from either end, one group of equal keys at a time, to find the few documents an
 * `order(path ...)[a...b]` can return.
 */
import type {ViewEntry} from './entry-list.js'
import {compareKeys, orderClass, readPath, ORDER_OTHER} from './values.js'

interface Item {
  entry: ViewEntry
  cls: number
  key: unknown
  /** Null/missing value (a subset of class ORDER_OTHER that `defined(path)` excludes). */
  nullish: boolean
}

function compareItems(a: Item, b: Item): number {
  return compareKeys(a.cls, a.key, b.cls, b.key) || a.entry.pos - b.entry.pos
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
    return {entry, cls: orderClass(key), key, nullish: key === null}
  }

  get size(): number {
    return this.items.length
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
    const probe: Item = {entry: {id: '', doc: null as never, pos: -Infinity}, cls, key: value, nullish: false}
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
   * `skipNullish`, null/missing keys are left out (the filter requires `defined(path)`).
   */
  *groups(direction: 'asc' | 'desc', skipNullish: boolean): Generator<ViewEntry[]> {
    const items = this.items
    const n = items.length
    const same = (a: Item, b: Item): boolean => a.cls === b.cls && (a.cls === ORDER_OTHER || compareKeys(a.cls, a.key, b.cls, b.key) === 0)
    if (direction === 'asc') {
      let i = 0
      while (i < n) {
        const first = items[i] as Item
        let j = i + 1
        while (j < n && same(first, items[j] as Item)) j++
        const group = collect(items, i, j, skipNullish)
        if (group.length) yield group
        i = j
      }
    } else {
      let j = n
      while (j > 0) {
        const last = items[j - 1] as Item
        let i = j - 1
        while (i > 0 && same(last, items[i - 1] as Item)) i--
        const group = collect(items, i, j, skipNullish)
        if (group.length) yield group
        j = i
      }
    }
  }
}

function collect(items: readonly Item[], from: number, to: number, skipNullish: boolean): ViewEntry[] {
  const out: ViewEntry[] = []
  for (let k = from; k < to; k++) {
    const item = items[k] as Item
    if (skipNullish && item.nullish) continue
    out.push(item.entry)
  }
  return out
}
