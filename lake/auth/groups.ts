import type { DatasetStore } from '../store/index.js'
import type { Accounts, Role, User } from './index.js'
import { ROLES } from './index.js'

/**
 * Hosted Sanity keeps a project's roles in every dataset as `system.group` documents
 * (`_.groups.<role>`: `{members: [user ids], grants: [{filter, permissions}]}`). The Studio reads
 * them (`*[_type == "system.group"]{members, grants}`) to decide which project members may be
 * mentioned in a comment or assigned a task: a member no group grants `read` on the document is
 * listed as "Unauthorized" and cannot be picked. The lake writes the same documents from its
 * local accounts and rewrites them when an account is added, so the lists always match
 * `/projects/<id>` and `/users/<ids>`. Their ids are dotted, so anonymous callers never see them.
 */
export const GROUP_PREFIX = '_.groups.'
export const GROUP_TYPE = 'system.group'

/** What each role may do everywhere; the same grants `/projects/<id>/datasets/<ds>/acl` answers. */
const ROLE_PERMISSIONS: Record<Role, string[]> = {
  administrator: ['read', 'create', 'history', 'update', 'manage'],
  editor: ['read', 'create', 'history', 'update', 'manage'],
  viewer: ['read', 'history'],
}

export interface SystemGroup {
  _id: string
  _type: typeof GROUP_TYPE
  members: string[]
  grants: Array<{ filter: string; permissions: string[] }>
}

/** The `system.group` documents for these users: one per role, members in account order. */
export function systemGroups(users: readonly User[]): SystemGroup[] {
  return ROLES.map((role) => ({
    _id: `${GROUP_PREFIX}${role}`,
    _type: GROUP_TYPE,
    members: users.filter((user) => user.role === role).map((user) => user.id),
    grants: [{ filter: '_id in path("**")', permissions: ROLE_PERMISSIONS[role] }],
  }))
}

function sameContent(stored: Record<string, unknown> | undefined, group: SystemGroup): boolean {
  if (!stored) return false
  return (
    stored._type === group._type &&
    JSON.stringify(stored.members) === JSON.stringify(group.members) &&
    JSON.stringify(stored.grants) === JSON.stringify(group.grants)
  )
}

/**
 * Writes the groups of `accounts` into `dataset` when they differ from what it holds: one
 * transaction by the system (no author), nothing at all when they are up to date, so a restart
 * or a repeated call adds no history.
 */
export async function syncSystemGroups(dataset: DatasetStore, accounts: Accounts): Promise<boolean> {
  const changed = systemGroups(accounts.listUsers()).filter((group) => !sameContent(dataset.get(group._id), group))
  if (changed.length === 0) return false
  await dataset.commit(changed.map((group) => ({ createOrReplace: group })))
  return true
}
