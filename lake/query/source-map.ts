/**
 * Content Source Maps (`resultSourceMap=true|withKeyArraySelector`): for each value of a query's
 * result, the document and path it was read from, in the shape of Sanity's content-source-maps
 * spec, which `@sanity/client`'s stega encoder and edit-URL helpers consume.
 *
 * How: the query's tree is evaluated a second time by a tracing evaluator that carries, next to
 * every value, where it came from: attribute access, `[]`, `->`, projections (renames, `...`,
 * conditional `=>` splats, nested objects), array projections, `[i]`/slices and `coalesce()`
 * (the branch that gave the value). Everything else (filters, `order()`, `score()`, functions,
 * operators) is handed to groq-js (the planner's indexes where there are) in the same scopes; its
 * value has no origin, except a document of the view returned as it is (`*[...]`, `order()`).
 *
 * A mapping is emitted only for a leaf of the real result (string, number, boolean) whose traced
 * origin, read back from the source document, equals it: whatever the tracer could not follow, or
 * followed to a different value, gets no mapping rather than a wrong one. Computed values
 * (`count()`, `pt::text()`, `a + b`, string concatenation) have no origin and so no mapping.
 */
import type { ExprNode } from 'groq-js'
import type { LakeDocument } from '../store/index.js'
import { IndexNeeded } from './evaluate.js'

/** Numeric array indices in source paths (`true`), or `_key` selectors for keyed items. */
export type SourceMapMode = 'index' | 'key'

export interface ContentSourceMap {
  documents: Array<{ _id: string; _type: string }>
  paths: string[]
  mappings: Record<string, { type: 'value'; source: { type: 'documentValue'; document: number; path: number } }>
}

/** How the tracer reaches the data: groq-js for what it does not trace, and the view's documents. */
export interface TraceSource {
  /** groq-js's value of a tree at the root scope, over the query's view (throws on failure). */
  evaluate(tree: ExprNode): unknown
  /** What `->` gives for a reference id (null when nothing is there). */
  dereference(id: string): unknown
  /** The view's document with this `_id`. */
  document(id: string): LakeDocument | undefined
}

/** Reads `resultSourceMap`: undefined when not asked for; throws a message for a bad value. */
export function parseSourceMapMode(value: unknown): SourceMapMode | undefined {
  if (value === undefined || value === null || value === false || value === 'false' || value === '') return undefined
  if (value === true || value === 'true') return 'index'
  if (value === 'withKeyArraySelector') return 'key'
  throw new Error(
    `resultSourceMap=${JSON.stringify(value)} is invalid: use true (array items by index) or withKeyArraySelector (keyed array items by _key)`,
  )
}

export function emptySourceMap(): ContentSourceMap {
  return { documents: [], paths: [], mappings: {} }
}

/** A path segment; `first`: a `_key` selector would find this very item (keys can repeat). */
type Seg = string | number | { key: string; index: number; first: boolean }
interface Origin {
  doc: LakeDocument
  path: Seg[]
}
/** A value and, when it is a document's value as stored, where (`v` is then exactly that value). */
interface Traced {
  v: unknown
  src?: Origin
  /** Attributes of an object the tracer built (a projection), each with its own origin. */
  fields?: Map<string, Traced>
  /** Elements of an array the tracer built. */
  items?: Traced[]
}
interface Scope {
  value: Traced
  parent: Scope | null
  hidden: boolean
}

type Node = { type: string; [key: string]: unknown }

const NULL: Traced = { v: null }

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)

const hasOwn = (v: Record<string, unknown>, k: string): boolean => Object.hasOwn(v, k)

function child(t: Traced, name: string): Traced {
  if (!isObject(t.v) || !hasOwn(t.v, name)) return NULL
  const built = t.fields?.get(name)
  if (built) return built
  const v = t.v[name] ?? null
  if (t.fields || !t.src) return { v }
  return { v, src: { doc: t.src.doc, path: [...t.src.path, name] } }
}

function item(t: Traced, i: number): Traced {
  if (!Array.isArray(t.v) || i < 0 || i >= t.v.length) return NULL
  if (t.items) return t.items[i] ?? NULL
  const v = t.v[i] ?? null
  if (!t.src) return { v }
  const seg: Seg =
    isObject(v) && typeof v._key === 'string' ? { key: v._key, index: i, first: firstWithKey(t.v, v._key) === i } : i
  return { v, src: { doc: t.src.doc, path: [...t.src.path, seg] } }
}

const keyIndexes = new WeakMap<readonly unknown[], Map<string, number>>()

/** The index a `[?(@._key=='k')]` selector finds (the first item with that key). */
function firstWithKey(array: readonly unknown[], key: string): number | undefined {
  let map = keyIndexes.get(array)
  if (!map) {
    map = new Map()
    for (let i = 0; i < array.length; i++) {
      const k = (array[i] as { _key?: unknown } | null)?._key
      if (typeof k === 'string' && !map.has(k)) map.set(k, i)
    }
    keyIndexes.set(array, map)
  }
  return map.get(key)
}

/** The scope chain groq-js builds: a hidden scope (`[]` maps) hands its parent to nested scopes. */
function nested(scope: Scope, value: Traced, hidden = false): Scope {
  return { value, parent: scope.hidden ? scope.parent : scope, hidden }
}

const STREAM = new Set(['Everything', 'Filter', 'PipeFuncCall', 'Slice', 'AccessElement', 'Group'])

/** `*[...]`, `| order(...)`, `[a...b]`, `[i]` of documents: left whole to groq-js (and the planner). */
function isDocumentStream(n: Node): boolean {
  if (n.type === 'Everything') return true
  return STREAM.has(n.type) && isNode(n.base) && isDocumentStream(n.base)
}

function isNode(v: unknown): v is Node {
  return isObject(v) && typeof v.type === 'string'
}

function contains(n: unknown, type: string): boolean {
  if (Array.isArray(n)) return n.some((x) => contains(x, type))
  if (!isObject(n)) return false
  if (n.type === type) return true
  if (n.type === 'Value') return false
  return Object.values(n).some((x) => contains(x, type))
}

class Tracer {
  constructor(private readonly source: TraceSource) {}

  /** groq-js's value of `n` in `scope`: the scope chain rebuilt around it (projections, a map). */
  raw(n: Node, scope: Scope): { ok: true; value: unknown } | { ok: false } {
    const quick = equalsConstant(n, scope.value.v)
    if (quick !== undefined) return { ok: true, value: quick }
    const chain: Scope[] = []
    for (let s: Scope | null = scope; s?.parent; s = s.parent) chain.unshift(s)
    let expr: Node = n
    for (let i = chain.length - 1; i >= 0; i--) {
      const s = chain[i] as Scope
      if (s.hidden) {
        expr = {
          type: 'AccessElement',
          base: { type: 'Map', base: { type: 'Value', value: [s.value.v] }, expr },
          index: 0,
        }
      } else if (isObject(s.value.v)) {
        expr = { type: 'Projection', base: { type: 'Value', value: s.value.v }, expr }
      } else return { ok: false }
    }
    try {
      return { ok: true, value: this.source.evaluate(expr as unknown as ExprNode) }
    } catch (err) {
      if (err instanceof IndexNeeded) throw err
      return { ok: false }
    }
  }

  /** A value groq-js computed: a document of the view as it is keeps its origin. */
  adopt(value: unknown): Traced {
    if (Array.isArray(value)) return { v: value, items: value.map((x) => this.adopt(x)) }
    if (isObject(value) && typeof value._id === 'string') {
      const doc = this.source.document(value._id)
      if (doc === value) return { v: value, src: { doc, path: [] } }
      // `score()` copies documents with `_score` added: the document's attributes keep their origin.
      if (doc && Object.keys(doc).every((k) => value[k] === doc[k])) {
        const whole: Traced = { v: doc, src: { doc, path: [] } }
        const fields = new Map<string, Traced>()
        for (const k of Object.keys(value)) fields.set(k, hasOwn(doc, k) ? child(whole, k) : { v: value[k] ?? null })
        return { v: value, fields }
      }
    }
    return { v: value ?? null }
  }

  fallback(n: Node, scope: Scope): Traced {
    const r = this.raw(n, scope)
    return r.ok ? this.adopt(r.value) : NULL
  }

  trace(n: Node, scope: Scope): Traced {
    switch (n.type) {
      case 'This':
        return scope.value
      case 'Parent': {
        let s: Scope | null = scope
        for (let i = 0; i < (n.n as number); i++) s = s?.parent ?? null
        return s ? s.value : NULL
      }
      case 'Group':
        return this.trace(n.base as Node, scope)
      case 'Value':
        return { v: n.value ?? null }
      case 'AccessAttribute':
        return child(isNode(n.base) ? this.trace(n.base, scope) : scope.value, n.name as string)
      case 'AccessElement': {
        if (isDocumentStream(n)) return this.fallback(n, scope)
        const base = this.trace(n.base as Node, scope)
        if (!Array.isArray(base.v)) return NULL
        const index = n.index as number
        return item(base, index < 0 ? index + base.v.length : index)
      }
      case 'Slice': {
        if (isDocumentStream(n)) return this.fallback(n, scope)
        const base = this.trace(n.base as Node, scope)
        if (!Array.isArray(base.v)) return NULL
        const len = base.v.length
        let left = n.left as number
        let right = n.right as number
        if (left < 0) left += len
        if (right < 0) right += len
        if (n.isInclusive) right++
        left = Math.max(0, left)
        right = Math.min(len, Math.max(0, right))
        const items: Traced[] = []
        for (let i = left; i < right; i++) items.push(item(base, i))
        return { v: items.map((t) => t.v), items }
      }
      case 'ArrayCoerce': {
        const base = this.trace(n.base as Node, scope)
        return Array.isArray(base.v) ? base : NULL
      }
      case 'Deref': {
        const base = this.trace(n.base as Node, scope)
        if (!isObject(base.v) || typeof base.v._ref !== 'string') return NULL
        return this.adopt(this.source.dereference(base.v._ref))
      }
      case 'Projection': {
        const base = this.trace(n.base as Node, scope)
        if (!isObject(base.v)) return NULL
        return this.trace(n.expr as Node, nested(scope, base))
      }
      case 'Map':
      case 'FlatMap': {
        const base = this.trace(n.base as Node, scope)
        if (!Array.isArray(base.v)) return NULL
        const items: Traced[] = []
        for (let i = 0; i < base.v.length; i++) {
          const inner = this.trace(n.expr as Node, nested(scope, item(base, i), true))
          if (n.type === 'FlatMap' && Array.isArray(inner.v)) {
            for (let j = 0; j < inner.v.length; j++) items.push(item(inner, j))
          } else items.push(inner)
        }
        return { v: items.map((t) => t.v), items }
      }
      case 'Object':
        return this.object(n, scope)
      case 'Array': {
        const items: Traced[] = []
        for (const el of n.elements as Node[]) {
          const t = this.trace(el.value as Node, scope)
          if (!el.isSplat) items.push(t)
          else if (Array.isArray(t.v)) for (let j = 0; j < t.v.length; j++) items.push(item(t, j))
        }
        return { v: items.map((t) => t.v), items }
      }
      case 'Select': {
        for (const alt of n.alternatives as Node[]) {
          const cond = this.raw(alt.condition as Node, scope)
          if (!cond.ok) return NULL
          if (cond.value === true) return this.trace(alt.value as Node, scope)
        }
        return isNode(n.fallback) ? this.trace(n.fallback, scope) : NULL
      }
      case 'FuncCall':
        if (n.namespace === 'global' && n.name === 'coalesce') {
          for (const arg of n.args as Node[]) {
            const t = this.trace(arg, scope)
            if (t.v !== null && t.v !== undefined) return t
          }
          return NULL
        }
        return this.fallback(n, scope)
      default:
        return this.fallback(n, scope)
    }
  }

  private object(n: Node, scope: Scope): Traced {
    const v: Record<string, unknown> = {}
    const fields = new Map<string, Traced>()
    const splat = (t: Traced): void => {
      if (!isObject(t.v)) return
      for (const key of Object.keys(t.v)) {
        const c = child(t, key)
        v[key] = t.v[key]
        fields.set(key, c)
      }
    }
    for (const attr of n.attributes as Node[]) {
      if (attr.type === 'ObjectAttributeValue') {
        const t = this.trace(attr.value as Node, scope)
        v[attr.name as string] = t.v
        fields.set(attr.name as string, t)
      } else if (attr.type === 'ObjectConditionalSplat') {
        const cond = this.raw(attr.condition as Node, scope)
        if (!cond.ok) return { v: null }
        if (cond.value !== true) continue
        splat(this.trace(attr.value as Node, scope))
      } else if (attr.type === 'ObjectSplat') {
        splat(this.trace(attr.value as Node, scope))
      } else return { v: null }
    }
    return { v, fields }
  }
}

/**
 * `attr.path == "constant"` (the `_type == "block" => {...}` of Portable Text projections) decided
 * without groq-js: groq-js's `==` of a string, number or boolean constant is true exactly for the
 * same type and value (a missing attribute is null, never equal). Undefined for anything else.
 */
function equalsConstant(n: Node, self: unknown): boolean | undefined {
  if (n.type !== 'OpCall' || n.op !== '==') return undefined
  const right = n.right as Node
  if (right.type !== 'Value') return undefined
  const c = right.value
  if (typeof c !== 'string' && typeof c !== 'boolean' && (typeof c !== 'number' || Number.isNaN(c))) return undefined
  const names: string[] = []
  let left = n.left as Node | undefined
  while (left && left.type === 'AccessAttribute') {
    names.unshift(left.name as string)
    left = left.base as Node | undefined
  }
  if (names.length === 0 || (left !== undefined && left.type !== 'This')) return undefined
  let v: unknown = self
  for (const name of names) v = isObject(v) && hasOwn(v, name) ? v[name] : null
  return v === c
}

const ESCAPE: Record<string, string> = { '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', "'": "\\'", '\\': '\\\\' }

const attributeSegments = new Map<string, string>()

function segment(seg: Seg, mode: SourceMapMode): string {
  if (typeof seg === 'string') {
    // Attribute names repeat in every item (`_key`, `_type`, `text`): escaped once.
    let text = attributeSegments.get(seg)
    if (text === undefined) {
      text = `['${seg.replace(/[\f\n\r\t'\\]/g, (m) => ESCAPE[m] as string)}']`
      if (attributeSegments.size < 10_000) attributeSegments.set(seg, text)
    }
    return text
  }
  if (typeof seg === 'number') return `[${seg}]`
  if (mode === 'key') return `[?(@._key=='${seg.key.replace(/['\\]/g, (m) => ESCAPE[m] as string)}')]`
  return `[${seg.index}]`
}

/**
 * The source map of `result` (the query's answer, as sent): `tree` is the parsed query with its
 * parameters in place, evaluated again by the tracer over `source`.
 */
export function buildSourceMap(
  tree: ExprNode,
  result: unknown,
  source: TraceSource,
  mode: SourceMapMode,
): ContentSourceMap {
  const tracer = new Tracer(source)
  const root: Scope = { value: NULL, parent: null, hidden: false }
  const traced = tracer.trace(tree as unknown as Node, root)
  const map = emptySourceMap()
  const docIndex = new Map<string, number>()
  const pathIndex = new Map<string, number>()

  const emit = (resultPath: string, r: unknown, t: Traced): void => {
    if (r === null || r === undefined) return
    if (Array.isArray(r)) {
      for (let i = 0; i < r.length; i++) emit(`${resultPath}[${i}]`, r[i], item(t, i))
      return
    }
    if (isObject(r)) {
      for (const key of Object.keys(r)) emit(`${resultPath}${segment(key, mode)}`, r[key], child(t, key))
      return
    }
    const src = t.src
    if (!src) return
    const doc = src.doc
    const originalId = typeof doc._originalId === 'string' ? doc._originalId : doc._id
    // A drafts or release view renames `_id` (and adds `_originalId`): not what the source document holds.
    if (originalId !== doc._id && (src.path[0] === '_id' || src.path[0] === '_originalId')) return
    // `t.v` is the document's value at the path (child/item read it there): it must be the result's.
    if (t.v !== r) return
    // A `_key` selector must find this item: with a repeated key it would find another.
    if (mode === 'key' && src.path.some((s) => typeof s === 'object' && !s.first)) return
    let d = docIndex.get(originalId)
    if (d === undefined) {
      d = map.documents.length
      docIndex.set(originalId, d)
      map.documents.push({ _id: originalId, _type: String(doc._type) })
    }
    const pathText = `$${src.path.map((s) => segment(s, mode)).join('')}`
    let p = pathIndex.get(pathText)
    if (p === undefined) {
      p = map.paths.length
      pathIndex.set(pathText, p)
      map.paths.push(pathText)
    }
    map.mappings[resultPath] = { type: 'value', source: { type: 'documentValue', document: d, path: p } }
  }
  emit('$', result, traced)
  return map
}

/** Whether a tree needs the planner for its `*` (else plain groq-js over nothing but scopes). */
export function readsDataset(tree: ExprNode): boolean {
  return contains(tree, 'Everything')
}
