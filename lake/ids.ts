/**
 * Document id rules as Sanity has them: 1-128 characters from `a-zA-Z0-9._-`, not starting with
 * `-` or `.`, no empty path segments. `drafts.<id>` is the draft of `<id>`;
 * `versions.<release>.<id>` is the version of `<id>` in a release. Both are private: never readable
 * without credentials.
 */
const ID_CHARS = /^[A-Za-z0-9._-]+$/

/** Why `id` is not a valid document id, or `undefined` when it is valid. */
export function invalidIdReason(id: unknown): string | undefined {
  if (typeof id !== 'string') return `a document id must be a string, got ${id === null ? 'null' : typeof id}`
  if (id.length === 0) return 'a document id must not be empty'
  if (id.length > 128) return `a document id is at most 128 characters long, this one has ${id.length}`
  if (!ID_CHARS.test(id)) {
    const bad = [...id].find((c) => !/[A-Za-z0-9._-]/.test(c))
    return `document id "${id}" contains "${bad}": only letters a-z A-Z, digits, "_", "-" and "." are allowed`
  }
  if (id.startsWith('-')) return `document id "${id}" must not start with "-"`
  if (id.startsWith('.') || id.endsWith('.') || id.includes('..'))
    return `document id "${id}" has an empty path segment (a leading, trailing or doubled ".")`
  return undefined
}

export const DRAFTS_PREFIX = 'drafts.'
export const VERSIONS_PREFIX = 'versions.'

export function isDraftId(id: string): boolean {
  return id.startsWith(DRAFTS_PREFIX)
}

export function isVersionId(id: string): boolean {
  return id.startsWith(VERSIONS_PREFIX)
}

/**
 * Whether an id is a root-path id (no `.`). As on hosted Sanity, only root-path documents are
 * readable without credentials: any dotted id is a sub-path (`drafts.x`, `versions.r.x`,
 * `secrets.x`) that anonymous requests never see, under any perspective.
 */
export function isPublicId(id: string): boolean {
  return !id.includes('.')
}

/** Drafts and release versions: only readable with credentials. */
export function isPrivateId(id: string): boolean {
  return isDraftId(id) || isVersionId(id)
}

export function publishedIdOf(id: string): string {
  if (isDraftId(id)) return id.slice(DRAFTS_PREFIX.length)
  if (isVersionId(id)) {
    const rest = id.slice(VERSIONS_PREFIX.length)
    const dot = rest.indexOf('.')
    return dot === -1 ? rest : rest.slice(dot + 1)
  }
  return id
}

export function draftIdOf(id: string): string {
  return DRAFTS_PREFIX + publishedIdOf(id)
}

/** The release name of a `versions.<release>.<id>` id. */
export function releaseOf(id: string): string | undefined {
  if (!isVersionId(id)) return undefined
  const rest = id.slice(VERSIONS_PREFIX.length)
  const dot = rest.indexOf('.')
  return dot === -1 ? undefined : rest.slice(0, dot)
}

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** A random id shaped like Sanity's revision and generated document ids (22 base62 characters). */
export function randomId(length = 22): string {
  const bytes = new Uint8Array(length)
  crypto.getRandomValues(bytes)
  let out = ''
  for (const b of bytes) out += BASE62[b % 62]
  return out
}

const DATASET_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/

export function invalidDatasetReason(name: string): string | undefined {
  if (DATASET_NAME.test(name)) return undefined
  return `dataset name "${name}" is invalid: use 1-64 lowercase letters, digits, "_" or "-", starting with a letter or digit`
}
