/**
 * Referential integrity as hosted Sanity keeps it: a transaction may not delete a document that
 * another document still references strongly (a `_ref` without `_weak: true`). The Studio's delete
 * and unpublish rely on the refusal (409 `documentHasExistingReferencesError` listing the
 * referrers) to tell the editor which documents to change first. Weak references, and references
 * from a document the same transaction deletes or rewrites without the reference, never block.
 */
import type { TransactionBuilder } from './transaction.js'
import type { LakeDocument } from './types.js'

/** The committed documents that may reference `id` (a superset is fine: each is checked). */
export type ReferrersLookup = (id: string) => Iterable<LakeDocument>

/** How many referrer ids an error lists before it says "and N more". */
const LISTED_REFERRERS = 10

/** Whether `value` holds, at any depth, a strong reference to `target`. */
export function hasStrongReference(value: unknown, target: string): boolean {
  return findReference(value, target, true)
}

/** Whether `value` holds, at any depth, a reference (weak or strong) to `target`. */
export function hasReference(value: unknown, target: string): boolean {
  return findReference(value, target, false)
}

function findReference(value: unknown, target: string, strongOnly: boolean): boolean {
  if (Array.isArray(value)) return value.some((item) => findReference(item, target, strongOnly))
  if (typeof value !== 'object' || value === null) return false
  const record = value as Record<string, unknown>
  if (record._ref === target && !(strongOnly && record._weak === true)) return true
  for (const key in record) {
    if (key !== '_ref' && findReference(record[key], target, strongOnly)) return true
  }
  return false
}

/** Fails the transaction (409) when it deletes a document that is still strongly referenced. */
export function checkReferentialIntegrity(tx: TransactionBuilder, referrersOf: ReferrersLookup): void {
  const changes = tx.changes()
  for (const deleted of changes) {
    if (deleted.after !== null || deleted.before === null) continue
    const id = deleted.id
    const referrers = new Set<string>()
    // Committed referrers, as this transaction leaves them (it may delete or rewrite them).
    for (const doc of referrersOf(id)) {
      const now = tx.get(doc._id)
      if (doc._id !== id && now && hasStrongReference(now, id)) referrers.add(doc._id)
    }
    // Documents this transaction wrote with a reference to it.
    for (const change of changes) {
      if (change.after && change.id !== id && hasStrongReference(change.after, id)) referrers.add(change.id)
    }
    if (referrers.size === 0) continue
    const ids = [...referrers].sort()
    const listed = ids.slice(0, LISTED_REFERRERS).map((r) => `"${r}"`)
    const more = ids.length > LISTED_REFERRERS ? ` and ${ids.length - LISTED_REFERRERS} more` : ''
    tx.fail(
      deleted.index,
      409,
      'documentHasExistingReferencesError',
      `Document "${id}" cannot be deleted as there are references to it from ${listed.join(', ')}${more}: ` +
        'remove those references (or make them weak) first',
      id,
      { referencingIDs: ids },
    )
  }
}
