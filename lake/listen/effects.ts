/**
 * Mendoza effects (the patch format of Sanity's listener `effects: {apply, revert}`), verified
 * against the `mendoza` package's `applyPatch`. Top-level fields are diffed: unchanged fields are
 * kept, changed ones are set, removed ones deleted; a document that appears or disappears is
 * replaced whole. Opcodes (mendoza's OPS table): 0 Value, 17 ObjectSetFieldValue (value, key),
 * 19 ObjectDeleteField (index in the input's sorted keys, `_rev` not counted).
 */
import type { LakeDocument } from '../store/index.js'

const VALUE = 0
const OBJECT_SET_FIELD_VALUE = 17
const OBJECT_DELETE_FIELD = 19

export type MendozaPatch = unknown[]

export function mendozaPatch(from: LakeDocument | null, to: LakeDocument | null): MendozaPatch {
  if (from === null || to === null) return [VALUE, to]
  const ops: unknown[] = []
  // The Studio applies effects to its copy without `_rev` (it sets `_rev` itself), so a deleted
  // field's index counts the input's keys without `_rev`, as hosted Sanity computes it; counted
  // with it, every delete after `_rev` in key order removed the next field instead (a release's
  // `metadata` when its revert deleted `finalDocumentStates`).
  const inputKeys = Object.keys(from)
    .filter((key) => key !== '_rev')
    .sort()
  for (const [key, value] of Object.entries(to)) {
    if (!(key in from) || !sameJson(from[key], value)) ops.push(OBJECT_SET_FIELD_VALUE, value, key)
  }
  inputKeys.forEach((key, index) => {
    if (!(key in to)) ops.push(OBJECT_DELETE_FIELD, index)
  })
  return ops
}

export function effectsOf(
  before: LakeDocument | null,
  after: LakeDocument | null,
): { apply: MendozaPatch; revert: MendozaPatch } {
  return { apply: mendozaPatch(before, after), revert: mendozaPatch(after, before) }
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true
  return JSON.stringify(a) === JSON.stringify(b)
}
