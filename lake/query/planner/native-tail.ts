/**
 * The end of a query the planner computes without groq-js once the documents are known: ordering
 * by attribute paths, slicing, and projections made of attribute paths, renamed attributes and
 * constants (`{_id, "slug": slug.current, "kind": "page", ...}`), which is what list endpoints and
 * sitemaps ask for. groq-js spends tens of microseconds per document on these through its scopes
 * and value wrappers; each function here gives exactly what groq-js 1.x gives:
 *
 * - `order(a, b desc)`: groq-js `totalCompare` per key (type order number < string < boolean <
 *   everything else, which compares equal), `desc` negates, ties keep the input order (its sort
 *   compares the element's index last). Keys are read as `AccessAttribute` reads them.
 * - `[a...b]`, `[a..b]`, `[i]`: JavaScript `slice` with negative ends counted from the end and
 *   clamped at 0; an element past the end is null.
 * - `{...}` over a value: null unless it is an object; then each attribute in order, assigned as
 *   groq-js assigns them (`result[name] = value`, a missing attribute gives null, a later equal
 *   name overwrites in the first one's place), `...` and `...path` copy an object's attributes.
 *
 * Anything else is not compiled (undefined) and groq-js evaluates that part as before. Reading an
 * attribute of a document whose `hasOwnProperty` is shadowed throws `Undecidable` (native.ts):
 * the caller then leaves the whole expression to groq-js, which decides what happens.
 */
import type { ExprNode } from 'groq-js'
import { compareKeys, orderClass } from '../../indexes/values.js'
import { elementPath, isConstant, NotConstant } from './analyze.js'
import { read } from './native.js'

type Node = { type: string; [key: string]: unknown }

/** What part of the order to compute, and of which items. */
export interface OrderOptions<T> {
  /** Only the first `limit` items of the order. */
  limit?: number
  /**
   * Only the items it accepts: asked only of an item that would be among the first `limit`, so a
   * costly test (reading the document) runs on few of them.
   */
  accept?: (item: T) => boolean
  /** groq-js's last tie-break, the position in its input, when the items come in another order. */
  rank?: (item: T) => number
}

/** A compiled `order(...)`: the items sorted as groq-js sorts them (a new array). */
export type NativeOrder<T = unknown> = (items: readonly T[], options?: OrderOptions<T>) => T[]

/** Compiles `order(args)` when every argument is an attribute path of the element, asc or desc. */
export function compileOrder(args: readonly ExprNode[]): NativeOrder | undefined {
  return compileOrderOf<unknown>(args, read)
}

/** An item with the order keys read so far (read lazily: most comparisons end at the first key). */
interface Row<T> {
  item: T
  idx: number
  readonly cls: number[]
  readonly vals: unknown[]
}

/**
 * `compileOrder` over items that stand for documents: `readPath(item, path)` gives what groq-js's
 * `AccessAttribute` path would read of the document the item stands for (so a scored document can
 * be ordered by `_score` without first copying it into `{...doc, _score}`). With a `limit` well
 * under the items' count, the first `limit` are selected without sorting the rest: a search for a
 * common word ties tens of thousands of documents on `_score` and wants 20 of them.
 */
export function compileOrderOf<T>(
  args: readonly ExprNode[],
  readPath: (item: T, path: readonly string[]) => unknown,
): NativeOrder<T> | undefined {
  const keys: Array<{ path: string[]; sign: number }> = []
  for (const arg of args as unknown as Node[]) {
    const desc = arg.type === 'Desc'
    const base = (arg.type === 'Desc' || arg.type === 'Asc' ? arg.base : arg) as ExprNode
    const path = elementPath(base)
    if (!path) return undefined
    keys.push({ path, sign: desc ? -1 : 1 })
  }
  if (keys.length === 0) return undefined
  const n = keys.length
  const key = (r: Row<T>, i: number): void => {
    while (r.vals.length <= i) {
      const v = readPath(r.item, (keys[r.vals.length] as { path: string[] }).path)
      r.cls.push(orderClass(v))
      r.vals.push(v)
    }
  }
  // groq-js compares the keys in turn, then the position in its input (its sort is stable).
  const compare = (a: Row<T>, b: Row<T>): number => {
    for (let i = 0; i < n; i++) {
      key(a, i)
      key(b, i)
      const c =
        compareKeys(a.cls[i] as number, a.vals[i], b.cls[i] as number, b.vals[i]) * (keys[i] as { sign: number }).sign
      if (c !== 0) return c
    }
    return a.idx - b.idx
  }
  return (items, options = {}) => {
    const { limit = items.length, accept, rank } = options
    if (limit <= 0) return []
    const rowOf = (item: T, idx: number): Row<T> => ({ item, idx: rank ? rank(item) : idx, cls: [], vals: [] })
    if (limit * 4 >= items.length) {
      const rows: Row<T>[] = []
      for (let idx = 0; idx < items.length; idx++) {
        const item = items[idx] as T
        if (!accept || accept(item)) rows.push(rowOf(item, idx))
      }
      rows.sort(compare)
      return rows.slice(0, limit).map((r) => r.item)
    }
    // The best `limit` rows so far, in order: a later row enters only when it sorts before the last.
    // One scratch row is reused until a row enters: most items are turned away at the first key.
    const best: Row<T>[] = []
    let r: Row<T> | undefined
    for (let idx = 0; idx < items.length; idx++) {
      const item = items[idx] as T
      if (!r) r = rowOf(item, idx)
      else {
        r.item = item
        r.idx = rank ? rank(item) : idx
        r.cls.length = 0
        r.vals.length = 0
      }
      if (best.length === limit && compare(r, best[limit - 1] as Row<T>) >= 0) continue
      if (accept && !accept(item)) continue
      let lo = 0
      let hi = best.length
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (compare(best[mid] as Row<T>, r) < 0) lo = mid + 1
        else hi = mid
      }
      best.splice(lo, 0, r)
      r = undefined
      if (best.length > limit) r = best.pop()
    }
    return best.map((r) => r.item)
  }
}

/** groq-js `Slice` over an array. */
export function sliceArray<T>(array: readonly T[], left: number, right: number, isInclusive: boolean): T[] {
  let l = left < 0 ? array.length + left : left
  let r = right < 0 ? array.length + right : right
  if (isInclusive) r++
  if (l < 0) l = 0
  if (r < 0) r = 0
  return array.slice(l, r)
}

/** groq-js `AccessElement` over an array (null past either end). */
export function elementAt<T>(array: readonly T[], index: number): T | null {
  const v = array[index < 0 ? index + array.length : index]
  return v === undefined ? null : v
}

/** A compiled projection: groq-js's value of `{...}` with the given value as `@`. */
export type NativeProjection = (value: unknown) => unknown

type Part =
  | { kind: 'path'; name: string; path: string[] }
  | { kind: 'this'; name: string }
  | { kind: 'constant'; name: string; value: unknown }
  | { kind: 'splat'; path: string[] | undefined }

/** Compiles an `Object` node (a projection's body) made only of paths, constants and splats. */
export function compileProjection(
  object: ExprNode,
  evalConstant: (n: ExprNode) => unknown,
): NativeProjection | undefined {
  const o = object as unknown as Node
  if (o.type !== 'Object' || !Array.isArray(o.attributes)) return undefined
  const parts: Part[] = []
  for (const attr of o.attributes as Node[]) {
    const v = attr.value as Node
    if (attr.type === 'ObjectSplat') {
      if (v.type === 'This') parts.push({ kind: 'splat', path: undefined })
      else {
        const path = elementPath(v as unknown as ExprNode)
        if (!path) return undefined
        parts.push({ kind: 'splat', path })
      }
      continue
    }
    if (attr.type !== 'ObjectAttributeValue' || typeof attr.name !== 'string') return undefined
    const name = attr.name
    if (v.type === 'This') {
      parts.push({ kind: 'this', name })
      continue
    }
    const path = elementPath(v as unknown as ExprNode)
    if (path) {
      parts.push({ kind: 'path', name, path })
      continue
    }
    if (!isConstant(v as unknown as ExprNode)) return undefined
    let value: unknown
    try {
      value = evalConstant(v as unknown as ExprNode)
    } catch (err) {
      if (err instanceof NotConstant) return undefined
      throw err
    }
    // groq-js's value data: a constant evaluating to undefined is null.
    parts.push({ kind: 'constant', name, value: value === undefined ? null : value })
  }
  return (doc) => {
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return null
    const result: Record<string, unknown> = {}
    for (const part of parts) {
      switch (part.kind) {
        case 'path':
          result[part.name] = read(doc, part.path)
          break
        case 'this':
          result[part.name] = doc
          break
        case 'constant':
          result[part.name] = part.value
          break
        case 'splat': {
          const v = part.path ? read(doc, part.path) : doc
          if (v !== null && typeof v === 'object' && !Array.isArray(v)) Object.assign(result, v)
          break
        }
      }
    }
    return result
  }
}

/**
 * A projection over each element (`X{...}` parses to a Map of `Projection(@, {...})`) or over one
 * value (`X[0]{...}`): the compiled body, or undefined when the node is neither or the body does
 * not compile.
 */
export function compileProjectionNode(
  n: ExprNode,
  evalConstant: (n: ExprNode) => unknown,
): { each: boolean; project: NativeProjection } | undefined {
  const node = n as unknown as Node
  if (node.type === 'Map') {
    const expr = node.expr as Node
    if (expr?.type !== 'Projection' || (expr.base as Node)?.type !== 'This') return undefined
    const project = compileProjection(expr.expr as ExprNode, evalConstant)
    return project && { each: true, project }
  }
  if (node.type === 'Projection') {
    const project = compileProjection(node.expr as ExprNode, evalConstant)
    return project && { each: false, project }
  }
  return undefined
}
