import type { AddonDatasets } from '../addons.js'
import type { Accounts, Identity } from '../auth/index.js'
import type { LakeConfig } from '../config.js'
import type { LakeStore } from '../store/index.js'

/** What every route plugin receives: the store, the accounts and the configuration. */
export interface LakeContext {
  store: LakeStore
  accounts: Accounts
  config: LakeConfig
  /** Add-on datasets (the Studio's comments and tasks), private to signed-in callers. */
  addons: AddonDatasets
}

/** Options of a route plugin (`app.register(plugin, {ctx})`). */
export interface RouteOptions {
  ctx: LakeContext
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who sent the request (set by the auth hook). */
    identity: Identity
  }
}
