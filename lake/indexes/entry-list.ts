/**
 * A list of view entries kept sorted by position (`pos`): the order `*` yields documents in. Index
 * lookups return these lists, so candidates come out in dataset order without sorting.
 */
import type { LakeDocument } from '../store/types.js'

/** One document of a perspective view: its view id, the document as the view shows it, its position. */
export interface ViewEntry {
  /** The document's `_id` in this view (the published id for a draft standing in). */
  readonly id: string
  readonly doc: LakeDocument
  /** Sort key of the view's order; unique within a view. */
  readonly pos: number
}

/** Index of the first entry with `pos >= target`. */
function lowerBound(list: readonly ViewEntry[], target: number): number {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((list[mid] as ViewEntry).pos < target) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Whether `entry` is in the position-sorted `list` (a binary search: no set to build per query). */
export function hasSorted(list: readonly ViewEntry[], entry: ViewEntry): boolean {
  return list[lowerBound(list, entry.pos)] === entry
}

export function insertSorted(list: ViewEntry[], entry: ViewEntry): void {
  const at = lowerBound(list, entry.pos)
  if (at === list.length) list.push(entry)
  else list.splice(at, 0, entry)
}

/** Removes `entry` (same position); false when it was not there. */
export function removeSorted(list: ViewEntry[], entry: ViewEntry): boolean {
  const at = lowerBound(list, entry.pos)
  if (list[at] !== entry) return false
  if (at === list.length - 1) list.pop()
  else list.splice(at, 1)
  return true
}

/** Union of position-sorted lists, position-sorted, without duplicates. */
export function unionSorted(lists: ReadonlyArray<readonly ViewEntry[]>): readonly ViewEntry[] {
  const nonEmpty = lists.filter((l) => l.length > 0)
  if (nonEmpty.length === 0) return []
  if (nonEmpty.length === 1) return nonEmpty[0] as readonly ViewEntry[]
  let acc = nonEmpty[0] as readonly ViewEntry[]
  for (let i = 1; i < nonEmpty.length; i++) acc = mergeTwo(acc, nonEmpty[i] as readonly ViewEntry[])
  return acc
}

function mergeTwo(a: readonly ViewEntry[], b: readonly ViewEntry[]): ViewEntry[] {
  const out: ViewEntry[] = []
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    const x = a[i] as ViewEntry
    const y = b[j] as ViewEntry
    if (x.pos < y.pos) {
      out.push(x)
      i++
    } else if (y.pos < x.pos) {
      out.push(y)
      j++
    } else {
      out.push(x)
      i++
      j++
    }
  }
  while (i < a.length) out.push(a[i++] as ViewEntry)
  while (j < b.length) out.push(b[j++] as ViewEntry)
  return out
}

/** Entries of `base` that are also in every one of `others` (all position-sorted). */
export function intersectSorted(
  base: readonly ViewEntry[],
  others: ReadonlyArray<readonly ViewEntry[]>,
): readonly ViewEntry[] {
  let acc = base
  for (const other of others) {
    if (acc.length === 0) return acc
    const ids = new Set<ViewEntry>(other.length < acc.length * 4 ? other : [])
    if (ids.size > 0 || other.length === 0) {
      acc = acc.filter((e) => ids.has(e))
    } else {
      // `other` is much longer: binary-search each of the few entries in it.
      acc = acc.filter((e) => other[lowerBound(other, e.pos)] === e)
    }
  }
  return acc
}

/** Sorts entries by position (for candidate sets gathered out of order). */
export function sortByPos(entries: ViewEntry[]): ViewEntry[] {
  return entries.sort((a, b) => a.pos - b.pos)
}
