/**
 * The planner builds some indexes on the first query that needs them (ordered, member, text and
 * materialized filter indexes; lake/index/view.ts). Under a query budget's watchdog such a build
 * could be stopped half-way again and again: a watched query reaches them through a gated view,
 * which throws IndexNeeded the first time an index of this view is asked for, so the caller builds
 * it outside the watchdog and runs the query again.
 */
import type { View } from '../../indexes/view.js'
import { IndexNeeded } from '../evaluate.js'

/** A gated view answers this key with the view it wraps: per-view state must use that one. */
export const UNGATED = Symbol('ungated view')

/** The view itself, when `view` is a gated wrapper of it. */
export function ungated(view: View): View {
  return (view as View & { [UNGATED]?: View })[UNGATED] ?? view
}

// Per view: the indexes built (or tried) outside a watchdog. A view is replaced when its store is
// re-indexed, and its set goes with it.
const asked = new WeakMap<View, Set<string>>()

function askedOf(view: View): Set<string> {
  let set = asked.get(view)
  if (!set) asked.set(view, (set = new Set()))
  return set
}

/** `view` with its building methods gated (the rest delegates to it unchanged). */
export function gatedView(view: View): View {
  const seen = askedOf(view)
  const gate = <T>(key: string, get: () => T): T => {
    if (!seen.has(key)) {
      throw new IndexNeeded(() => {
        seen.add(key)
        get()
      })
    }
    return get()
  }
  const gated: Partial<View> = {
    ordered: (path) => gate(`order:${JSON.stringify(path)}`, () => view.ordered(path)),
    members: (path) => gate(`member:${JSON.stringify(path)}`, () => view.members(path)),
    text: (key, expr) => gate(`text:${key}`, () => view.text(key, expr)),
    filtered: (key, test) => gate(`filter:${key}`, () => view.filtered(key, test)),
    filteredOrdered: (key, path, test) =>
      gate(`filterOrder:${JSON.stringify(path)}:${key}`, () => view.filteredOrdered(key, path, test)),
  }
  return new Proxy(view, {
    get(target, prop) {
      if (prop === UNGATED) return target
      const own = (gated as Record<PropertyKey, unknown>)[prop]
      if (own !== undefined) return own
      const value = Reflect.get(target, prop, target) as unknown
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}
