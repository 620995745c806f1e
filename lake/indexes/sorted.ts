/** Index of the first element of the ascending `list` that is not below `target` (a binary search). */
export function lowerBound<T extends number | string>(list: readonly T[], target: T): number {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((list[mid] as T) < target) lo = mid + 1
    else hi = mid
  }
  return lo
}
