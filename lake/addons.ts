import type { Accounts } from './auth/index.js'
import { syncSystemGroups } from './auth/groups.js'
import { LakeError } from './errors.js'
import type { SqliteDatabase } from './store/db.js'
import type { LakeStore } from './store/index.js'

/**
 * Add-on datasets: datasets that belong to another dataset and hold data about it rather than
 * content, as hosted Sanity keeps them. The Studio's comments and tasks live in the `comments`
 * add-on of the dataset they are about (`<dataset>-comments`), created by the Studio's first
 * comment or task (`POST /comments/<dataset>/setup`) and found again with
 * `GET /projects/<id>/datasets?datasetProfile=comments&addonFor=<dataset>`.
 *
 * An add-on dataset is private: anonymous callers get 401 on every path that names it (a comment
 * holds editors' names, mentions and unpublished text).
 */
export type AddonProfile = 'comments'

export const ADDON_PROFILES: readonly AddonProfile[] = ['comments']

export interface AddonDataset {
  name: string
  addonFor: string
  profile: AddonProfile
  createdAt: string
}

interface AddonRow {
  name: string
  addon_for: string
  profile: string
  created_at: string
}

/** The add-on datasets of a lake, recorded in its database so they outlive a restart. */
export class AddonDatasets {
  private readonly db: SqliteDatabase
  /** Names of add-on datasets, asked on every request (the privacy check): kept in memory. */
  private readonly names = new Set<string>()

  constructor(db: SqliteDatabase) {
    this.db = db
    // Its own table (not a schema version of the store): add-ons are an HTTP-API concept the
    // store knows nothing of.
    db.exec(`CREATE TABLE IF NOT EXISTS addon_datasets (
      name TEXT PRIMARY KEY,
      addon_for TEXT NOT NULL,
      profile TEXT NOT NULL,
      created_at TEXT NOT NULL
    ) WITHOUT ROWID`)
    for (const row of this.rows()) this.names.add(row.name)
  }

  private rows(): AddonRow[] {
    return this.db.prepare('SELECT * FROM addon_datasets ORDER BY name').all() as AddonRow[]
  }

  isAddon(name: string): boolean {
    return this.names.has(name)
  }

  /** Every add-on dataset, or those of one profile and/or main dataset. */
  list(filter: { profile?: string; addonFor?: string } = {}): AddonDataset[] {
    return this.rows()
      .filter(
        (row) =>
          (filter.profile === undefined || row.profile === filter.profile) &&
          (filter.addonFor === undefined || row.addon_for === filter.addonFor),
      )
      .map((row) => ({
        name: row.name,
        addonFor: row.addon_for,
        profile: row.profile as AddonProfile,
        createdAt: row.created_at,
      }))
  }

  get(name: string): AddonDataset | undefined {
    return this.list().find((addon) => addon.name === name)
  }

  /**
   * The `profile` add-on of dataset `addonFor`, created (an empty dataset named
   * `<addonFor>-<profile>`, as hosted Sanity names them) when it does not exist yet.
   */
  ensure(store: LakeStore, addonFor: string, profile: AddonProfile): { addon: AddonDataset; created: boolean } {
    const existing = this.list({ profile, addonFor })[0]
    if (existing) return { addon: existing, created: false }
    const name = `${addonFor}-${profile}`
    if (store.hasDataset(name))
      throw new LakeError(
        409,
        'conflict',
        `cannot set up the ${profile} add-on of dataset "${addonFor}": a dataset named "${name}" exists and is not an add-on. Rename or delete it first`,
      )
    const createdAt = new Date().toISOString()
    store.createDataset(name)
    this.db
      .prepare('INSERT OR IGNORE INTO addon_datasets (name, addon_for, profile, created_at) VALUES (?, ?, ?, ?)')
      .run(name, addonFor, profile, createdAt)
    this.names.add(name)
    return { addon: { name, addonFor, profile, createdAt }, created: true }
  }
}

/**
 * Sets up the `profile` add-on of `dataset` (what `POST /comments/<dataset>/setup` does), or finds
 * the existing one, and writes the project's `system.group` documents into both datasets: the
 * Studio's mention and assignee pickers read them from the dataset it edits.
 */
export async function setUpAddon(
  ctx: { store: LakeStore; accounts: Accounts; addons: AddonDatasets },
  dataset: string,
  profile: AddonProfile,
): Promise<AddonDataset> {
  if (!ADDON_PROFILES.includes(profile)) throw new LakeError(400, 'httpBadRequest', `unknown add-on "${profile}"`)
  if (ctx.addons.isAddon(dataset))
    throw new LakeError(
      400,
      'httpBadRequest',
      `"${dataset}" is itself an add-on dataset: set up ${profile} for the dataset it belongs to (${ctx.addons.get(dataset)?.addonFor})`,
    )
  const { addon } = ctx.addons.ensure(ctx.store, dataset, profile)
  await syncGroupsOfAddons(ctx)
  return addon
}

/**
 * Brings the `system.group` documents of every dataset with an add-on (and of the add-ons) in
 * step with the accounts. Other datasets get none: their content stays exactly what was written
 * to them (imports, exports and counts of `*` see no system documents).
 */
export async function syncGroupsOfAddons(ctx: {
  store: LakeStore
  accounts: Accounts
  addons: AddonDatasets
}): Promise<void> {
  const names = new Set(ctx.addons.list().flatMap((addon) => [addon.addonFor, addon.name]))
  for (const name of names) await syncSystemGroups(ctx.store.dataset(name), ctx.accounts)
}
