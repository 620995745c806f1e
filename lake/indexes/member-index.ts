/**
 * An index of one view over the elements of an array attribute (e.g. `icd10Codes`): element value
 * -> entries whose array holds it, for `$code in icd10Codes`. groq-js `in` over an array is true
 * when an element is of the same type as the left value and `===` to it (its `isEqual`), so only
 * string, number and boolean elements are indexed (a Map keeps "1" and 1 apart, as `isEqual` does).
 * Nothing is stored per entry: removing one reads its (never mutated) document again.
 */
import { insertSorted, removeSorted, type ViewEntry } from './entry-list.js'
import { readPath } from './values.js'

export type MemberKey = string | number | boolean

export class MemberIndex {
  readonly path: readonly string[]
  private readonly byValue = new Map<MemberKey, ViewEntry[]>()

  constructor(path: readonly string[], entries: Iterable<ViewEntry>) {
    this.path = path
    for (const entry of entries) this.add(entry)
  }

  /** The distinct indexable elements of the entry's array (none when the value is not an array). */
  private keys(entry: ViewEntry): Set<MemberKey> {
    const value = readPath(entry.doc, this.path)
    const out = new Set<MemberKey>()
    if (!Array.isArray(value)) return out
    for (const v of value) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out.add(v)
    return out
  }

  add(entry: ViewEntry): void {
    for (const key of this.keys(entry)) {
      let list = this.byValue.get(key)
      if (!list) this.byValue.set(key, (list = []))
      insertSorted(list, entry)
    }
  }

  remove(entry: ViewEntry): void {
    for (const key of this.keys(entry)) {
      const list = this.byValue.get(key)
      if (!list) continue
      removeSorted(list, entry)
      if (list.length === 0) this.byValue.delete(key)
    }
  }

  /** Entries whose array holds `value`, in position order. */
  holding(value: MemberKey): readonly ViewEntry[] {
    return this.byValue.get(value) ?? []
  }
}
