/**
 * Reading a groq-js syntax tree for the planner: which queries it may touch at all, which
 * expressions are constants or values of the enclosing scope, and which index lookup (a "spec")
 * covers every document a filter can keep. A spec is a promise of a superset: `exact` only when
 * the lookup gives precisely the documents the filter keeps.
 */
import type { ExprNode } from 'groq-js'

/** Where a lookup key comes from: computed before evaluation, or per enclosing document. */
export type KeySource = { kind: 'static'; value: unknown } | { kind: 'runtime'; node: ExprNode }

export type LookupIndex = 'type' | 'id' | 'slug' | 'ref' | 'derefSlug'

export type Spec =
  | { k: 'all'; exact: boolean }
  | { k: 'none' }
  | { k: 'lookup'; index: LookupIndex; key: KeySource; exact: boolean }
  /** `path == value` for any other attribute path: answered by an ordered index's equal range. */
  | { k: 'eq'; path: string[]; value: string | number | boolean }
  /** `value in path` where `path` holds an array: answered by the member index of that path. */
  | { k: 'member'; path: string[]; value: string | number | boolean }
  | { k: 'text'; exprKey: string; expr: ExprNode; key: KeySource }
  | { k: 'and' | 'or'; parts: Spec[] }

export const ALL: Spec = { k: 'all', exact: false }
const ALL_EXACT: Spec = { k: 'all', exact: true }
const NONE: Spec = { k: 'none' }

/** Functions that never throw and depend only on their arguments and the scope (groq-js 1.x). */
const SAFE_FUNCTIONS = new Set([
  'global::coalesce',
  'global::count',
  'global::dateTime',
  'global::defined',
  'global::identity',
  'global::length',
  'global::path',
  'global::string',
  'global::references',
  'global::round',
  'global::now',
  'global::lower',
  'global::upper',
  'string::lower',
  'string::upper',
  'string::split',
  'string::startsWith',
  'array::join',
  'array::compact',
  'array::unique',
  'array::intersects',
  'math::min',
  'math::max',
  'math::sum',
  'math::avg',
  'pt::text',
  'dateTime::now',
  'sanity::projectId',
  'sanity::dataset',
  'sanity::versionOf',
  'sanity::partOfRelease',
])

/** Safe functions that read the current document (`@`) implicitly, like a path would. */
const READS_THIS = new Set(['global::references', 'sanity::versionOf', 'sanity::partOfRelease'])

const SAFE_NODES = new Set([
  'AccessAttribute',
  'AccessElement',
  'And',
  'Array',
  'ArrayCoerce',
  'ArrayElement',
  'Asc',
  'Deref',
  'Desc',
  'Everything',
  'Filter',
  'FlatMap',
  'FuncCall',
  'Group',
  'InRange',
  'Map',
  'Neg',
  'Not',
  'Object',
  'ObjectAttributeValue',
  'ObjectConditionalSplat',
  'ObjectSplat',
  'OpCall',
  'Or',
  'Parameter',
  'Parent',
  'PipeFuncCall',
  'Pos',
  'Projection',
  'Select',
  'SelectAlternative',
  'Slice',
  'This',
  'Tuple',
  'Value',
])

type AnyNode = { type: string; [key: string]: unknown }

function isNode(value: unknown): value is AnyNode {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    typeof (value as { type?: unknown }).type === 'string'
  )
}

/** The sub-nodes of a node (never descending into a `Value`'s data). */
export function childNodes(node: AnyNode): AnyNode[] {
  if (node.type === 'Value') return []
  const out: AnyNode[] = []
  for (const key in node) {
    if (key === 'type') continue
    const v = node[key]
    if (isNode(v)) out.push(v)
    else if (Array.isArray(v)) for (const item of v) if (isNode(item)) out.push(item)
  }
  return out
}

/**
 * Whether the planner may rewrite this query. Narrowing changes how many documents a filter is
 * evaluated on, so a query using anything that can throw (functions groq-js does not implement,
 * `boost` outside `score`, `before()`/`after()`) or any node type not listed is left to plain
 * groq-js, which then fails or answers exactly as before.
 */
export function isPlannable(tree: ExprNode): boolean {
  const visit = (node: AnyNode, inScore: boolean): boolean => {
    if (!SAFE_NODES.has(node.type)) return false
    if (node.type === 'FuncCall') {
      const name = `${String(node.namespace)}::${String(node.name)}`
      if (!(SAFE_FUNCTIONS.has(name) || (inScore && name === 'global::boost'))) return false
    }
    if (node.type === 'PipeFuncCall') {
      if (node.name !== 'order' && node.name !== 'score') return false
      if (!isNode(node.base) || !visit(node.base, inScore)) return false
      const args = Array.isArray(node.args) ? node.args : []
      return args.every((a) => isNode(a) && visit(a, inScore || node.name === 'score'))
    }
    return childNodes(node).every((c) => visit(c, inScore))
  }
  return visit(tree as unknown as AnyNode, false)
}

/** Does the expression contain a node of one of these types (anywhere, scopes included)? */
export function contains(node: ExprNode, types: ReadonlySet<string>): boolean {
  const n = node as unknown as AnyNode
  if (types.has(n.type)) return true
  return childNodes(n).some((c) => contains(c as unknown as ExprNode, types))
}

/**
 * Is every node of the tree one of `types`, and every function call one that `allowsFunction`
 * admits (by its `namespace::name`)? The shape of the tree-wide checks below.
 */
function builtOnlyFrom(
  node: ExprNode,
  types: ReadonlySet<string>,
  allowsFunction: (qualifiedName: string) => boolean,
): boolean {
  const n = node as unknown as AnyNode
  if (!types.has(n.type)) return false
  if (n.type === 'FuncCall' && !allowsFunction(`${String(n.namespace)}::${String(n.name)}`)) return false
  return childNodes(n).every((c) => builtOnlyFrom(c as unknown as ExprNode, types, allowsFunction))
}

const CONSTANT_NODES = new Set([
  'Value',
  'Group',
  'Array',
  'ArrayElement',
  'OpCall',
  'And',
  'Or',
  'Not',
  'Neg',
  'Pos',
  'FuncCall',
])

/**
 * A constant: only literals (parameters are literals after parsing) and pure operators and
 * functions over them. Its value is the same in every scope; `now()` is fixed per query.
 */
export function isConstant(node: ExprNode): boolean {
  // Functions that read `@` (the document's _id) without naming it are never constants.
  return builtOnlyFrom(node, CONSTANT_NODES, (name) => SAFE_FUNCTIONS.has(name) && !READS_THIS.has(name))
}

/**
 * A value of the enclosing scopes: reads `^` (Parent) but never the filtered element itself, and
 * opens no scope of its own except `[]` traversals over closed expressions. Evaluated in a scope
 * nested like the filter's, it has the value the filter sees for every element.
 */
export function isOuterValue(node: ExprNode): boolean {
  const n = node as unknown as AnyNode
  switch (n.type) {
    case 'Value':
      return true
    case 'Parent':
      return typeof n.n === 'number' && n.n >= 1
    case 'AccessAttribute':
      return isNode(n.base) && isOuterValue(n.base as unknown as ExprNode)
    case 'AccessElement':
    case 'ArrayCoerce':
    case 'Group':
      return isNode(n.base) && isOuterValue(n.base as unknown as ExprNode)
    case 'Array':
      return childNodes(n).every((c) => isOuterValue(c as unknown as ExprNode))
    case 'ArrayElement':
      return isNode(n.value) && isOuterValue(n.value as unknown as ExprNode)
    case 'Map':
    case 'FlatMap':
      return (
        isNode(n.base) &&
        isOuterValue(n.base as unknown as ExprNode) &&
        isNode(n.expr) &&
        isClosedItemExpr(n.expr as unknown as ExprNode)
      )
    default:
      return false
  }
}

/** An expression over `@` of a traversal only: attributes and elements, no `^`, `*` or `->`. */
function isClosedItemExpr(node: ExprNode): boolean {
  const n = node as unknown as AnyNode
  switch (n.type) {
    case 'This':
    case 'Value':
      return true
    case 'AccessAttribute':
      return n.base === undefined || (isNode(n.base) && isClosedItemExpr(n.base as unknown as ExprNode))
    case 'AccessElement':
    case 'Group':
      return isNode(n.base) && isClosedItemExpr(n.base as unknown as ExprNode)
    default:
      return false
  }
}

/** Attribute path of the filtered element (`slug.current` -> ['slug', 'current']), or undefined. */
export function elementPath(node: ExprNode): string[] | undefined {
  const names: string[] = []
  let n = node as unknown as AnyNode
  for (;;) {
    if (n.type === 'This') break
    if (n.type !== 'AccessAttribute' || typeof n.name !== 'string') return undefined
    names.unshift(n.name)
    if (n.base === undefined) break
    if (!isNode(n.base)) return undefined
    n = n.base
  }
  return names.length ? names : undefined
}

/** `X->slug.current` where X is an element path: the X path, else undefined. */
function derefSlugBase(node: ExprNode): string[] | undefined {
  const n = node as unknown as AnyNode
  if (n.type !== 'AccessAttribute' || n.name !== 'current' || !isNode(n.base)) return undefined
  const slug = n.base
  if (slug.type !== 'AccessAttribute' || slug.name !== 'slug' || !isNode(slug.base)) return undefined
  const deref = slug.base
  if (deref.type !== 'Deref' || !isNode(deref.base)) return undefined
  return elementPath(deref.base as unknown as ExprNode)
}

/** `X[]->slug.current` (a Map over an element path's array): true when it has that shape. */
function isDerefSlugMap(node: ExprNode): boolean {
  const n = node as unknown as AnyNode
  if (n.type !== 'Map' || !isNode(n.base) || !isNode(n.expr)) return false
  const base = n.base
  if (base.type !== 'ArrayCoerce' || !isNode(base.base) || !elementPath(base.base as unknown as ExprNode)) return false
  const expr = n.expr
  // expr: AccessAttribute(current, AccessAttribute(slug, Deref(This)))
  if (expr.type !== 'AccessAttribute' || expr.name !== 'current' || !isNode(expr.base)) return false
  const slug = expr.base
  if (slug.type !== 'AccessAttribute' || slug.name !== 'slug' || !isNode(slug.base)) return false
  const deref = slug.base
  return deref.type === 'Deref' && isNode(deref.base) && deref.base.type === 'This'
}

/** Thrown by `evalConstant` when groq-js cannot evaluate an expression synchronously. */
export class NotConstant extends Error {}

function keyOf(node: ExprNode, evalConstant: (n: ExprNode) => unknown): KeySource | undefined {
  if (isConstant(node)) {
    try {
      return { kind: 'static', value: evalConstant(node) }
    } catch (err) {
      if (err instanceof NotConstant) return undefined
      throw err
    }
  }
  if (isOuterValue(node)) return { kind: 'runtime', node }
  return undefined
}

const pathIs = (path: string[] | undefined, ...names: string[]): boolean =>
  path !== undefined && path.length === names.length && path.every((p, i) => p === names[i])

function lookupFor(path: string[] | undefined, key: KeySource): Spec | undefined {
  if (!path) return undefined
  const exact = key.kind === 'static'
  if (pathIs(path, '_type')) return { k: 'lookup', index: 'type', key, exact }
  if (pathIs(path, '_id')) return { k: 'lookup', index: 'id', key, exact }
  if (pathIs(path, 'slug', 'current')) return { k: 'lookup', index: 'slug', key, exact }
  if (path[path.length - 1] === '_ref') return { k: 'lookup', index: 'ref', key, exact: false }
  return undefined
}

/**
 * The spec of a filter condition. `evalConstant` evaluates a constant expression with the query's
 * parameters and clock (groq-js itself).
 */
export function specOf(cond: ExprNode, evalConstant: (n: ExprNode) => unknown): Spec {
  const n = cond as unknown as AnyNode
  if (isConstant(cond)) {
    // A constant condition keeps every element when true, none otherwise.
    const key = keyOf(cond, evalConstant)
    if (key?.kind !== 'static') return ALL
    return key.value === true ? ALL_EXACT : NONE
  }
  switch (n.type) {
    case 'Group':
      return specOf(n.base as unknown as ExprNode, evalConstant)
    case 'And':
    case 'Or':
      return {
        k: n.type === 'And' ? 'and' : 'or',
        parts: [
          specOf(n.left as unknown as ExprNode, evalConstant),
          specOf(n.right as unknown as ExprNode, evalConstant),
        ],
      }
    case 'OpCall': {
      const left = n.left as unknown as ExprNode
      const right = n.right as unknown as ExprNode
      if (n.op === '==') {
        for (const [side, other] of [
          [left, right],
          [right, left],
        ] as const) {
          const key = keyOf(other, evalConstant)
          if (!key) continue
          if (key.kind === 'static' && typeof key.value !== 'string') {
            const path = elementPath(side)
            const v = key.value
            if (
              path &&
              (typeof v === 'number' || typeof v === 'boolean') &&
              !pathIs(path, '_type') &&
              !pathIs(path, '_id')
            ) {
              return { k: 'eq', path, value: v }
            }
            continue
          }
          const spec = lookupFor(elementPath(side), key)
          if (spec) return spec
          const derefBase = derefSlugBase(side)
          if (derefBase) return { k: 'lookup', index: 'derefSlug', key, exact: false }
          const path = elementPath(side)
          if (path && key.kind === 'static' && typeof key.value === 'string') return { k: 'eq', path, value: key.value }
        }
        return ALL
      }
      if (n.op === 'in') {
        // `_type in [...]`, `_id in ^.refs[]._ref`
        const key = keyOf(right, evalConstant)
        const path = elementPath(left)
        if (key && path && (pathIs(path, '_type') || pathIs(path, '_id') || pathIs(path, 'slug', 'current'))) {
          if (key.kind === 'static' && !Array.isArray(key.value)) return ALL
          return lookupFor(path, key) ?? ALL
        }
        // `$slug in categories[]->slug.current`
        const leftKey = keyOf(left, evalConstant)
        // `$code in icd10Codes`: documents whose array holds the value
        const arrayPath = elementPath(right)
        if (leftKey?.kind === 'static' && arrayPath) {
          const v = leftKey.value
          return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
            ? { k: 'member', path: arrayPath, value: v }
            : ALL
        }
        if (leftKey && isDerefSlugMap(right)) {
          if (leftKey.kind === 'static' && typeof leftKey.value !== 'string') return ALL
          return { k: 'lookup', index: 'derefSlug', key: leftKey, exact: false }
        }
        return ALL
      }
      if (n.op === 'match') {
        const key = keyOf(right, evalConstant)
        if (key?.kind !== 'static') return ALL
        if (!isTextExpr(left)) return ALL
        return { k: 'text', exprKey: JSON.stringify(left), expr: left, key }
      }
      return ALL
    }
    case 'FuncCall': {
      if (n.namespace === 'global' && n.name === 'references' && Array.isArray(n.args) && n.args.length === 1) {
        const key = keyOf(n.args[0] as ExprNode, evalConstant)
        if (key) return { k: 'lookup', index: 'ref', key, exact: false }
      }
      return ALL
    }
    default:
      return ALL
  }
}

const TEXT_NODES = new Set([
  'AccessAttribute',
  'AccessElement',
  'This',
  'Array',
  'ArrayElement',
  'ArrayCoerce',
  'Group',
  'Map',
  'FlatMap',
  'FuncCall',
])

/**
 * The text side of a `match` the text index can be built for: the element's own attributes,
 * arrays of them and `pt::text(...)`; nothing that reads another scope, the dataset or the clock.
 */
export function isTextExpr(node: ExprNode): boolean {
  return builtOnlyFrom(node, TEXT_NODES, (name) => name === 'pt::text')
}

/**
 * A filter condition with its constant parts folded (e.g. `$category == null || ...` when the
 * parameter is null). Only for a filter's condition, where groq-js keeps an element exactly when
 * the condition is `true`: there `a && b` is true exactly when both are true and `a || b` when
 * either is (groq-js evaluates both sides, so dropping one saves its whole cost), so a constant
 * conjunct or disjunct can be replaced by its truth. The safe nodes never throw, so dropping a
 * side cannot hide an error. Never applied below `!`, which tells false from null.
 */
export function foldCondition(cond: ExprNode, evalConstant: (n: ExprNode) => unknown): ExprNode {
  const n = cond as unknown as AnyNode
  if (n.type === 'Value') return typeof n.value === 'boolean' ? cond : truth(false)
  if (isConstant(cond)) {
    const key = keyOf(cond, evalConstant)
    return key?.kind === 'static' ? truth(key.value === true) : cond
  }
  switch (n.type) {
    case 'Group':
      return foldCondition(n.base as unknown as ExprNode, evalConstant)
    case 'And':
    case 'Or': {
      const left = foldCondition(n.left as unknown as ExprNode, evalConstant)
      const right = foldCondition(n.right as unknown as ExprNode, evalConstant)
      // `true && x` and `false || x` keep what x keeps; `false && x` nothing, `true || x` everything.
      const neutral = n.type === 'And'
      for (const [side, other] of [
        [left, right],
        [right, left],
      ] as const) {
        const v = truthOf(side)
        if (v === undefined) continue
        return v === neutral ? other : truth(!neutral)
      }
      if (left === n.left && right === n.right) return cond
      return { ...n, left, right } as unknown as ExprNode
    }
    default:
      return cond
  }
}

const truth = (v: boolean): ExprNode => ({ type: 'Value', value: v }) as unknown as ExprNode

function truthOf(node: ExprNode): boolean | undefined {
  const n = node as unknown as AnyNode
  return n.type === 'Value' && typeof n.value === 'boolean' ? n.value : undefined
}

type Bound = { value: string | number | boolean; inclusive: boolean }

/** Keys of one groq-js type between optional bounds (see lake/indexes/ordered-index.ts `KeyRange`). */
export interface PathRange {
  type: 'string' | 'number' | 'boolean'
  lower?: Bound
  upper?: Bound
}

const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==' }

/**
 * The keys of `path` a (folded) filter condition can keep, when it says: `path < v`, `<=`, `>`,
 * `>=`, `==` with a constant string, number or boolean (groq-js compares only values of one type,
 * anything else is null), combined by `&&` (both hold: the tighter bounds) and `||` (either: the
 * looser). A keyset cursor `publishedAt < $a || (publishedAt == $a && _id < $b)` gives `<= $a`.
 * Undefined when the condition does not confine the key.
 */
export function pathRange(
  cond: ExprNode,
  path: readonly string[],
  evalConstant: (n: ExprNode) => unknown,
): PathRange | undefined {
  const n = cond as unknown as AnyNode
  switch (n.type) {
    case 'Group':
      return pathRange(n.base as unknown as ExprNode, path, evalConstant)
    case 'And': {
      const a = pathRange(n.left as unknown as ExprNode, path, evalConstant)
      const b = pathRange(n.right as unknown as ExprNode, path, evalConstant)
      if (!a || !b || a.type !== b.type) return a ?? b
      return { type: a.type, lower: tighter(a.lower, b.lower, 1), upper: tighter(a.upper, b.upper, -1) }
    }
    case 'Or': {
      const a = pathRange(n.left as unknown as ExprNode, path, evalConstant)
      const b = pathRange(n.right as unknown as ExprNode, path, evalConstant)
      if (!a || !b || a.type !== b.type) return undefined
      return { type: a.type, lower: looser(a.lower, b.lower, -1), upper: looser(a.upper, b.upper, 1) }
    }
    case 'OpCall': {
      const op = String(n.op)
      if (!(op in FLIP)) return undefined
      for (const [side, other, o] of [
        [n.left, n.right, op],
        [n.right, n.left, FLIP[op] as string],
      ] as const) {
        const p = elementPath(side as unknown as ExprNode)
        if (!p || p.length !== path.length || !p.every((x, i) => x === path[i])) continue
        const key = keyOf(other as unknown as ExprNode, evalConstant)
        if (key?.kind !== 'static') return undefined
        const v = key.value
        if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return undefined
        const type = typeof v as PathRange['type']
        if (o === '==') return { type, lower: { value: v, inclusive: true }, upper: { value: v, inclusive: true } }
        const bound = { value: v, inclusive: o.endsWith('=') }
        return o.startsWith('<') ? { type, upper: bound } : { type, lower: bound }
      }
      return undefined
    }
    default:
      return undefined
  }
}

const cmp = (a: Bound['value'], b: Bound['value']): number => (a < b ? -1 : a > b ? 1 : 0)

/** Of two bounds on one side, the one keeping fewer keys (`sign` 1: lower bounds, -1: upper). */
function tighter(a: Bound | undefined, b: Bound | undefined, sign: number): Bound | undefined {
  if (!a || !b) return a ?? b
  const c = cmp(a.value, b.value) * sign
  if (c !== 0) return c > 0 ? a : b
  return a.inclusive ? b : a
}

/** Of two bounds on one side, the one keeping more keys; none when either side has none. */
function looser(a: Bound | undefined, b: Bound | undefined, sign: number): Bound | undefined {
  if (!a || !b) return undefined
  const c = cmp(a.value, b.value) * sign
  if (c !== 0) return c > 0 ? a : b
  return a.inclusive ? a : b
}

/** Whether a condition requires `defined(path)` (a top-level conjunct says so). */
export function requiresDefined(cond: ExprNode, path: readonly string[]): boolean {
  const n = cond as unknown as AnyNode
  if (n.type === 'Group') return requiresDefined(n.base as unknown as ExprNode, path)
  if (n.type === 'And')
    return requiresDefined(n.left as unknown as ExprNode, path) || requiresDefined(n.right as unknown as ExprNode, path)
  if (
    n.type === 'FuncCall' &&
    n.namespace === 'global' &&
    n.name === 'defined' &&
    Array.isArray(n.args) &&
    n.args.length === 1
  ) {
    const p = elementPath(n.args[0] as ExprNode)
    return p !== undefined && p.length === path.length && p.every((x, i) => x === path[i])
  }
  return false
}

/** Every runtime key of a spec, in a fixed order (their values are passed in that order). */
export function runtimeKeys(spec: Spec, out: ExprNode[] = []): ExprNode[] {
  if (spec.k === 'lookup' && spec.key.kind === 'runtime') out.push(spec.key.node)
  if (spec.k === 'and' || spec.k === 'or') for (const p of spec.parts) runtimeKeys(p, out)
  return out
}
