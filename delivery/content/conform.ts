// Content read from a lake is data, not code: the Studio's validation keeps documents to the schema,
// but an API write, an import or a hand-edited document can hold anything (a citation's `authors`
// as a string, a number as a title, `citations` as an object). This module checks a query result
// against the shape the renderers read (conformance specs, ./shapes.ts) before it reaches them:
//
// - a single document (an article page, a syndicated article) keeps what is valid: each field that
//   does not match is set to null (as GROQ returns a missing field) and reported;
// - a list, feed or sitemap skips a document with any field that does not match, and reports it.
//
// Either way one malformed document never turns a page or list of other documents into an error.
// Reports name the document's id, the field path, what was expected and what was found, and go to
// a handler (default: console.warn, each document/field at most once per 10 minutes, so a hot list
// does not flood the log).

/** What a value must be. Every value may also be null/undefined (GROQ's "not set"). */
export type Spec =
  | 'string'
  | 'number'
  | 'boolean'
  /** A string or a number (citation year, volume, PubMed id). */
  | 'stringOrNumber'
  /** A string `Date.parse` understands (dates and datetimes). */
  | 'date'
  | 'any'
  | ArraySpec
  | ObjectSpec
  | CheckSpec

export interface ArraySpec {
  kind: 'array'
  of: Spec
}

/** An object; fields not listed are kept as they are (the renderers do not read them or check them). */
export interface ObjectSpec {
  kind: 'object'
  fields: Readonly<Record<string, Spec>>
}

/** A string with a custom rule: `problem` returns what is wrong, or null when it is fine. */
export interface CheckSpec {
  kind: 'check'
  expected: string
  problem: (value: string) => string | null
}

export const arrayOf = (of: Spec): ArraySpec => ({ kind: 'array', of })
export const objectOf = (fields: Record<string, Spec>): ObjectSpec => ({ kind: 'object', fields })
export const checked = (expected: string, problem: (value: string) => string | null): CheckSpec => ({
  kind: 'check',
  expected,
  problem,
})

/** One field of one document that does not match its shape. */
export interface ContentProblem {
  /** The document's `_id` (or what identifies it, e.g. `clinic`). */
  documentId: string
  /** The document's type as the list or page knows it (`article`, `condition`, ...). */
  documentType: string
  /** Where in the document: `title`, `citations[0].authors`, `author.credentials[1]`. */
  field: string
  expected: string
  got: string
  /** `dropped`: the field was left out of a single document; `skipped`: the document was left out of a list. */
  action: 'dropped' | 'skipped'
  /** Which output: `article page`, `article list`, `syndication feed`, ... */
  where: string
  /** What is used instead meanwhile, when something is. */
  note?: string
}

export type ContentProblemHandler = (problem: ContentProblem) => void

const THROTTLE_MS = 10 * 60_000
const lastLogged = new Map<string, number>()

export function formatContentProblem(p: ContentProblem): string {
  const what = `${p.documentType} ${JSON.stringify(p.documentId)}: ${p.field} must be ${p.expected}, got ${p.got}`
  const until = 'until it is fixed (edit and publish it in the Studio)'
  return p.action === 'skipped'
    ? `[content] ${what}; the ${p.documentType} is left out of the ${p.where} ${until}`
    : `[content] ${what}; the field is ignored in the ${p.where}${p.note ? ` (${p.note})` : ''} ${until}`
}

const defaultHandler: ContentProblemHandler = (problem) => {
  const key = `${problem.documentId}\u0000${problem.field}\u0000${problem.action}\u0000${problem.where}`
  const now = Date.now()
  const last = lastLogged.get(key)
  if (last !== undefined && now - last < THROTTLE_MS) return
  if (lastLogged.size > 5000) lastLogged.clear()
  lastLogged.set(key, now)
  console.warn(formatContentProblem(problem))
}

let handler: ContentProblemHandler = defaultHandler

/** Sets where content problems are reported (tests, structured logs); returns the previous handler. */
export function setContentProblemHandler(next: ContentProblemHandler | null): ContentProblemHandler {
  const previous = handler
  handler = next ?? defaultHandler
  return previous
}

export function reportContentProblem(problem: ContentProblem): void {
  try {
    handler(problem)
  } catch {
    // A failing log handler must not fail the request.
  }
}

/** A short description of a value for a report (never the whole value: it may be large). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return `an array of ${value.length}`
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`
    case 'number':
    case 'boolean':
      return `the ${typeof value} ${String(value)}`
    case 'object':
      return 'an object'
    default:
      return `a ${typeof value}`
  }
}

function expectedOf(spec: Spec): string {
  if (typeof spec === 'string') {
    switch (spec) {
      case 'string':
        return 'a string'
      case 'number':
        return 'a number'
      case 'boolean':
        return 'true or false'
      case 'stringOrNumber':
        return 'a string or a number'
      case 'date':
        return 'a date (YYYY-MM-DD or an ISO date-time)'
      default:
        return 'anything'
    }
  }
  if (spec.kind === 'array') return `an array of ${expectedOf(spec.of).replace(/^an? /, '')}s`.replace(/ss$/, 's')
  if (spec.kind === 'object') return 'an object'
  return spec.expected
}

interface Found {
  field: string
  expected: string
  got: string
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Checks one value; returns the value to keep (possibly a cleaned copy) or `INVALID`. */
const INVALID = Symbol('invalid')

function check(value: unknown, spec: Spec, path: string, found: Found[]): unknown {
  if (value === null || value === undefined || spec === 'any') return value
  const fail = (): typeof INVALID => {
    found.push({ field: path, expected: expectedOf(spec), got: describeValue(value) })
    return INVALID
  }
  if (typeof spec === 'string') {
    switch (spec) {
      case 'string':
        return typeof value === 'string' ? value : fail()
      case 'number':
        return typeof value === 'number' && Number.isFinite(value) ? value : fail()
      case 'boolean':
        return typeof value === 'boolean' ? value : fail()
      case 'stringOrNumber':
        return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) ? value : fail()
      case 'date':
        return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : fail()
    }
  }
  if (spec.kind === 'check') {
    if (typeof value !== 'string') return fail()
    const problem = spec.problem(value)
    if (problem === null) return value
    found.push({ field: path, expected: spec.expected, got: `${describeValue(value)} (${problem})` })
    return INVALID
  }
  if (spec.kind === 'array') {
    if (!Array.isArray(value)) return fail()
    let changed = false
    const kept: unknown[] = []
    value.forEach((item: unknown, i) => {
      const result = check(item, spec.of, `${path}[${i}]`, found)
      if (result === INVALID) changed = true
      else {
        if (result !== item) changed = true
        kept.push(result)
      }
    })
    return changed ? kept : value
  }
  if (!isPlainObject(value)) return fail()
  let copy: Record<string, unknown> | null = null
  for (const [field, fieldSpec] of Object.entries(spec.fields)) {
    if (!(field in value)) continue
    const original = value[field]
    const result = check(original, fieldSpec, path === '' ? field : `${path}.${field}`, found)
    if (result === original) continue
    copy ??= { ...value }
    copy[field] = result === INVALID ? null : result
  }
  return copy ?? value
}

/** The problems of a value against a spec, and the value with every mismatching field set to null. */
export function conform<T>(value: T, spec: ObjectSpec): { value: T; problems: Found[] } {
  const found: Found[] = []
  const result = check(value, spec, '', found)
  return { value: (result === INVALID ? null : result) as T, problems: found }
}

function identify(value: unknown, fallbackType: string): { id: string; type: string } {
  const record = isPlainObject(value) ? value : {}
  return {
    id: typeof record._id === 'string' ? record._id : '(no id)',
    type: typeof record._type === 'string' ? record._type : fallbackType,
  }
}

/**
 * One document for a single-document output: every field that does not match is dropped (null)
 * and reported. A value that is not an object at all is returned as null.
 */
export function conformDocument<T>(
  value: T,
  spec: ObjectSpec,
  type: string,
  where: string,
  notes: Readonly<Record<string, string>> = {},
): T {
  if (value === null || value === undefined) return value
  const { value: clean, problems } = conform(value, spec)
  if (problems.length > 0) {
    const { id, type: docType } = identify(value, type)
    for (const p of problems)
      reportContentProblem({
        documentId: id,
        documentType: docType,
        ...p,
        action: 'dropped',
        where,
        note: notes[p.field],
      })
  }
  return clean
}

/** Whether a document matches its spec entirely; reports each mismatch as `skipped` when not. */
export function acceptListItem(value: unknown, spec: ObjectSpec, type: string, where: string): boolean {
  if (!isPlainObject(value)) return false
  const { problems } = conform(value, spec)
  if (problems.length === 0) return true
  const { id, type: docType } = identify(value, type)
  for (const p of problems)
    reportContentProblem({ documentId: id, documentType: docType, ...p, action: 'skipped', where })
  return false
}

/** The items of a list that match their spec (each other one is reported and left out). */
export function conformList<T>(items: readonly T[], spec: ObjectSpec, type: string, where: string): T[] {
  return items.filter((item) => acceptListItem(item, spec, type, where))
}
