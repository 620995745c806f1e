// Partners and their credentials in the lake: look-ups for request authentication, and the
// issuing/revoking operations behind `npm run partner`.
import { DEFAULT_LANGUAGE, isLanguage } from '../../model/languages.js'
import type { SanityClient } from '@sanity/client'
import {
  credentialMatchesHash,
  constantTimeEqual,
  issueCredential,
  issueWebhookSecret,
  parseCredential,
  type CredentialKind,
  type IssuedCredential,
} from './credentials.js'
import { DOC_TYPES, docIds, isRecord, optString, reqString, StateDocumentError, stringArray } from './documents.js'

export type PartnerStatus = 'active' | 'suspended'

export interface PartnerRecord {
  id: string
  name: string
  status: PartnerStatus
  siteUrl: string | null
  /** Category document ids. */
  allowedCategories: string[]
  /** The languages the partner is licensed for (model/languages.ts); English when the document names none. */
  languages: string[]
  webhookUrl: string | null
}

// A partner document holds the partner's contact e-mail, webhook URL and licensed categories, so
// it lives at a private id like every other syndication record: `syndication.partner.<partnerId>`.
// On hosted Sanity and in the local lake a dotted id is never readable without a token (query,
// doc, export, listen). The partner id (what keys, ledgers, usage and webhooks name) is the part
// after the prefix, so moving an older root-id partner here keeps every key and record working.

/** Document id prefix of partners (a private path). */
export const PARTNER_ID_PREFIX = 'syndication.partner.'

/** The partner's document id. Accepts a partner id or, as typed from the Studio, a document id. */
export function partnerDocId(partnerId: string): string {
  return partnerId.startsWith(PARTNER_ID_PREFIX) ? partnerId : `${PARTNER_ID_PREFIX}${partnerId}`
}

/** The partner id of a published partner document id; null for any other id (drafts, root ids). */
export function partnerIdOfDoc(docId: string): string | null {
  if (!docId.startsWith(PARTNER_ID_PREFIX)) return null
  const id = docId.slice(PARTNER_ID_PREFIX.length)
  return id === '' ? null : id
}

/** GROQ projection producing what toPartner reads. */
export const PARTNER_FIELDS = /* groq */ `{_id, name, status, siteUrl, "allowedCategories": allowedCategories[]._ref, languages, webhookUrl}`

/**
 * Published partners only, at their private id: a partner's draft (edited in the Studio, not yet
 * published) never counts, nor does a root-id partner document (public: readable by anyone; the
 * migration below moves it). `string::startsWith`, not `path()`: a path pattern's "." matches any
 * character in some engines, which would let `syndication-partner-x` pass.
 */
export const PUBLISHED_PARTNER_FILTER = /* groq */ `_type == "partner" && string::startsWith(_id, "${PARTNER_ID_PREFIX}")`

/** A partner's licensed languages: the known ones it names, English when it names none (or none known). */
function licensedLanguages(value: unknown): string[] {
  const named = stringArray(value).filter(isLanguage)
  return named.length > 0 ? [...new Set(named)] : [DEFAULT_LANGUAGE]
}

export function toPartner(value: unknown): PartnerRecord | null {
  if (!isRecord(value) || typeof value._id !== 'string') return null
  const id = partnerIdOfDoc(value._id)
  if (id === null) return null
  return {
    id,
    name: optString(value.name) ?? value._id,
    // Anything but an explicit "active" is treated as suspended: fail closed.
    status: value.status === 'active' ? 'active' : 'suspended',
    siteUrl: optString(value.siteUrl),
    allowedCategories: stringArray(value.allowedCategories),
    languages: licensedLanguages(value.languages),
    webhookUrl: optString(value.webhookUrl),
  }
}

// ---------------------------------------------------------------------------------------------
// Authentication

export type AuthFailure = 'missing' | 'malformed' | 'unknown' | 'revoked' | 'partner-missing' | 'partner-suspended'

export type AuthResult =
  | { ok: true; partner: PartnerRecord; credentialId: string }
  | { ok: false; failure: AuthFailure }

const KEY_LOOKUP = /* groq */ `*[_id == $docId][0]{
  _type, keyId, tokenId, hash, token, revokedAt, partnerId,
  "partner": *[_id == "${PARTNER_ID_PREFIX}" + ^.partnerId && ${PUBLISHED_PARTNER_FILTER}][0]${PARTNER_FIELDS}
}`

/**
 * Authenticates an API key (`kind: 'apiKey'`) or a feed token (`kind: 'feedToken'`). One lake
 * request, never cached: a revoked key or suspended partner fails on the very next request.
 */
export async function authenticate(
  client: SanityClient,
  presented: string | undefined,
  kind: 'apiKey' | 'feedToken',
): Promise<AuthResult> {
  if (presented === undefined || presented === '') return { ok: false, failure: 'missing' }
  const parsed = parseCredential(presented, kind)
  if (!parsed) return { ok: false, failure: 'malformed' }
  const docId = kind === 'apiKey' ? docIds.apiKey(parsed.id) : docIds.feedToken(parsed.id)
  const found: unknown = await client.fetch(
    KEY_LOOKUP,
    { docId },
    { tag: 'syndication.auth', perspective: 'raw', useCdn: false },
  )
  if (!isRecord(found)) return { ok: false, failure: 'unknown' }
  const expectedType = kind === 'apiKey' ? DOC_TYPES.apiKey : DOC_TYPES.feedToken
  if (found._type !== expectedType) return { ok: false, failure: 'unknown' }
  const matches =
    kind === 'apiKey'
      ? typeof found.hash === 'string' && credentialMatchesHash(parsed.value, found.hash)
      : typeof found.token === 'string' && constantTimeEqual(parsed.value, found.token)
  if (!matches) return { ok: false, failure: 'unknown' }
  if (optString(found.revokedAt) !== null) return { ok: false, failure: 'revoked' }
  const partner = toPartner(found.partner)
  if (!partner) return { ok: false, failure: 'partner-missing' }
  if (partner.status !== 'active') return { ok: false, failure: 'partner-suspended' }
  return { ok: true, partner, credentialId: parsed.id }
}

// ---------------------------------------------------------------------------------------------
// Administration (the partner CLI)

export async function getPartner(client: SanityClient, partnerId: string): Promise<PartnerRecord | null> {
  const found: unknown = await client.fetch(
    `*[_id == $id && ${PUBLISHED_PARTNER_FILTER}][0]${PARTNER_FIELDS}`,
    { id: partnerDocId(partnerId) },
    { perspective: 'raw', useCdn: false, tag: 'syndication.partner' },
  )
  return toPartner(found)
}

export async function listPartners(client: SanityClient): Promise<PartnerRecord[]> {
  const found: unknown = await client.fetch(
    `*[${PUBLISHED_PARTNER_FILTER}] | order(name asc, _id asc)${PARTNER_FIELDS}`,
    {},
    { perspective: 'raw', useCdn: false, tag: 'syndication.partners' },
  )
  return Array.isArray(found) ? found.map(toPartner).filter((p): p is PartnerRecord => p !== null) : []
}

export interface CredentialInfo {
  kind: 'apiKey' | 'feedToken'
  id: string
  partnerId: string
  createdAt: string
  revokedAt: string | null
  label: string | null
}

function toCredentialInfo(value: unknown): CredentialInfo {
  if (!isRecord(value)) throw new StateDocumentError('credential document is not an object')
  const kind = value._type === DOC_TYPES.apiKey ? 'apiKey' : 'feedToken'
  const where = String(value._id)
  return {
    kind,
    id: reqString(value, kind === 'apiKey' ? 'keyId' : 'tokenId', where),
    partnerId: reqString(value, 'partnerId', where),
    createdAt: reqString(value, 'createdAt', where),
    revokedAt: optString(value.revokedAt),
    label: optString(value.label),
  }
}

export async function listCredentials(client: SanityClient, partnerId?: string): Promise<CredentialInfo[]> {
  const found: unknown = await client.fetch(
    `*[_type in [$apiKey, $feedToken] && ($partnerId == null || partnerId == $partnerId)] | order(createdAt asc){_id, _type, keyId, tokenId, partnerId, createdAt, revokedAt, label}`,
    { apiKey: DOC_TYPES.apiKey, feedToken: DOC_TYPES.feedToken, partnerId: partnerId ?? null },
    { perspective: 'raw', useCdn: false, tag: 'syndication.credentials' },
  )
  return Array.isArray(found) ? found.map(toCredentialInfo) : []
}

const CREATE_TAGS = { apiKey: 'syndication.key.create', feedToken: 'syndication.feedToken.create' } as const

/**
 * Issues a credential of `kind` for a partner and stores it: what is stored (a key's hash, a
 * token as issued) is `stored(credential)`. Returns the credential (the only time it is shown).
 */
async function storeCredential(
  client: SanityClient,
  kind: CredentialKind,
  partnerId: string,
  now: Date,
  stored: (credential: IssuedCredential) => Record<string, unknown>,
): Promise<IssuedCredential> {
  const credential = issueCredential(kind)
  await client.create(
    {
      _id: docIds[kind](credential.id),
      _type: DOC_TYPES[kind],
      ...stored(credential),
      partnerId,
      createdAt: now.toISOString(),
    },
    { tag: CREATE_TAGS[kind] },
  )
  return credential
}

/** Issues and stores a new API key for a partner; returns it (the only time it is shown). */
export function createApiKey(
  client: SanityClient,
  partnerId: string,
  label: string | null,
  now = new Date(),
): Promise<IssuedCredential> {
  return storeCredential(client, 'apiKey', partnerId, now, (key) => ({ keyId: key.id, hash: key.hash, label }))
}

/** Issues and stores a new feed token for a partner. */
export function createFeedToken(client: SanityClient, partnerId: string, now = new Date()): Promise<IssuedCredential> {
  return storeCredential(client, 'feedToken', partnerId, now, (token) => ({ tokenId: token.id, token: token.value }))
}

/** Creates (or replaces, when `rotate`) a partner's webhook signing secret; returns it. */
export async function setWebhookSecret(client: SanityClient, partnerId: string, now = new Date()): Promise<string> {
  const secret = issueWebhookSecret()
  await client.createOrReplace(
    {
      _id: docIds.webhookSecret(partnerId),
      _type: DOC_TYPES.webhookSecret,
      partnerId,
      secret,
      createdAt: now.toISOString(),
    },
    { tag: 'syndication.webhookSecret.set' },
  )
  return secret
}

export async function getWebhookSecret(client: SanityClient, partnerId: string): Promise<string | null> {
  const found: unknown = await client.fetch(
    `*[_id == $id][0].secret`,
    { id: docIds.webhookSecret(partnerId) },
    { perspective: 'raw', useCdn: false, tag: 'syndication.webhookSecret' },
  )
  return optString(found)
}

/** Revokes one API key or feed token by its public id. Returns false when there is no such credential. */
export async function revokeCredential(
  client: SanityClient,
  credentialId: string,
  now = new Date(),
): Promise<CredentialInfo | null> {
  const found: unknown = await client.fetch(
    `*[_id in [$keyDoc, $tokenDoc]][0]{_id, _type, keyId, tokenId, partnerId, createdAt, revokedAt, label}`,
    { keyDoc: docIds.apiKey(credentialId), tokenDoc: docIds.feedToken(credentialId) },
    { perspective: 'raw', useCdn: false, tag: 'syndication.credential' },
  )
  if (!isRecord(found)) return null
  const info = toCredentialInfo(found)
  if (info.revokedAt === null) {
    const revokedAt = now.toISOString()
    await client.patch(String(found._id)).set({ revokedAt }).commit({ tag: 'syndication.credential.revoke' })
    info.revokedAt = revokedAt
  }
  return info
}

/** Sets a partner's status (published document; a draft, if any, is patched too so it does not revert it on publish). */
export async function setPartnerStatus(client: SanityClient, partnerId: string, status: PartnerStatus): Promise<void> {
  const docId = partnerDocId(partnerId)
  const draftId = `drafts.${docId}`
  const hasDraft: unknown = await client.fetch(
    `defined(*[_id == $draftId][0]._id)`,
    { draftId },
    { perspective: 'raw', useCdn: false },
  )
  const tx = client.transaction().patch(docId, (p) => p.set({ status }))
  if (hasDraft === true) tx.patch(draftId, (p) => p.set({ status }))
  await tx.commit({ tag: 'syndication.partner.status' })
}

// ---------------------------------------------------------------------------------------------
// Migration: root-id partners to private ids

/** One partner document moved (or, with `dryRun`, to be moved). */
export interface PartnerMove {
  from: string
  to: string
  /** Documents whose references to `from` now point at `to`. */
  referrers: string[]
}

export interface PartnerMigrationResult {
  moved: PartnerMove[]
  /** Legacy ids left in place because their private id already exists (fix by hand; nothing was changed). */
  conflicts: Array<{ from: string; to: string }>
}

/** `drafts.x` -> `drafts.syndication.partner.x`, `versions.r.x` -> `versions.r.syndication.partner.x`, `x` -> `syndication.partner.x`. */
export function privatePartnerIdFor(legacyId: string): string {
  if (legacyId.startsWith('drafts.')) return `drafts.${partnerDocId(legacyId.slice('drafts.'.length))}`
  const version = /^(versions\.[^.]+\.)(.+)$/.exec(legacyId)
  if (version) return `${version[1]}${partnerDocId(version[2]!)}`
  return partnerDocId(legacyId)
}

/** Published partner documents not at a private partner id (what the migration moves). */
const LEGACY_PARTNERS_QUERY = /* groq */ `*[_type == "partner" && !string::startsWith(_id, $prefix)
  && !(_id in path("drafts.**")) && !(_id in path("versions.**"))]`

/** Drafts and release versions of partners (few: grouped in code with their published document). */
const PARTNER_EDITS_QUERY = /* groq */ `*[_type == "partner" && (_id in path("drafts.**") || _id in path("versions.**"))]`

/** `drafts.x` / `versions.r.x` -> `x`. */
function publishedIdOf(id: string): string {
  if (id.startsWith('drafts.')) return id.slice('drafts.'.length)
  const version = /^versions\.[^.]+\.(.+)$/.exec(id)
  return version ? version[1]! : id
}

/** Replaces `_ref: from` by `_ref: to` anywhere in a value; returns the new value and whether it changed. */
function rewriteRefs(value: unknown, from: string, to: string): { value: unknown; changed: boolean } {
  if (Array.isArray(value)) {
    let changed = false
    const out = value.map((item) => {
      const r = rewriteRefs(item, from, to)
      changed ||= r.changed
      return r.value
    })
    return { value: changed ? out : value, changed }
  }
  if (isRecord(value)) {
    let changed = false
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      if (k === '_ref' && v === from) {
        out[k] = to
        changed = true
        continue
      }
      const r = rewriteRefs(v, from, to)
      changed ||= r.changed
      out[k] = r.value
    }
    return { value: changed ? out : value, changed }
  }
  return { value, changed: false }
}

/**
 * Moves every partner document that still has a public (root-path) id, with its draft and release
 * versions, to its private id `syndication.partner.<id>`, keeping the partner id (so API keys, feed
 * tokens, webhook secrets, ledgers, deliveries and usage records, which name the partner by id,
 * keep working) and rewriting references to it. Each partner moves in one transaction (the new
 * document is created, referrers patched guarded by their revision, the old one deleted), so a
 * crash leaves each partner either moved or untouched. Idempotent: a second run finds nothing.
 *
 * A legacy document whose private id already exists is left alone and reported as a conflict
 * (something other than this migration wrote both; a person must decide which to keep).
 */
export async function migratePartnersToPrivateIds(
  client: SanityClient,
  options: { dryRun?: boolean } = {},
): Promise<PartnerMigrationResult> {
  const raw = client.withConfig({ perspective: 'raw', useCdn: false })
  const result: PartnerMigrationResult = { moved: [], conflicts: [] }
  const found: unknown = await raw.fetch(
    LEGACY_PARTNERS_QUERY,
    { prefix: PARTNER_ID_PREFIX },
    { tag: 'syndication.partner.migrate' },
  )
  const legacy = Array.isArray(found) ? found.filter(isRecord) : []
  if (legacy.length === 0) return result
  const edits: unknown = await raw.fetch(PARTNER_EDITS_QUERY, {}, { tag: 'syndication.partner.migrate' })
  const groups = new Map<string, Array<Record<string, unknown> & { _id: string }>>()
  for (const doc of legacy)
    if (typeof doc._id === 'string') groups.set(doc._id, [doc as Record<string, unknown> & { _id: string }])
  for (const doc of Array.isArray(edits) ? edits.filter(isRecord) : []) {
    if (typeof doc._id !== 'string') continue
    groups.get(publishedIdOf(doc._id))?.push(doc as Record<string, unknown> & { _id: string })
  }
  for (const [partnerId, group] of groups) {
    // A partner that is only a draft (an editor is creating it) is private already: it moves with
    // its published document once that exists.
    const moves = group.map((d) => ({ doc: d, to: privatePartnerIdFor(d._id) }))
    const taken: unknown = await raw.fetch(
      `*[_id in $ids]._id`,
      { ids: moves.map((m) => m.to) },
      { tag: 'syndication.partner.migrate' },
    )
    if (Array.isArray(taken) && taken.length > 0) {
      for (const m of moves) if (taken.includes(m.to)) result.conflicts.push({ from: m.doc._id, to: m.to })
      continue
    }
    const from = partnerId
    const to = partnerDocId(partnerId)
    const referrers: unknown = await raw.fetch(
      `*[references($from) && !(_id in $moving)]`,
      { from, moving: moves.map((m) => m.doc._id) },
      { tag: 'syndication.partner.migrate' },
    )
    const tx = raw.transaction()
    const patched: string[] = []
    for (const m of moves) {
      const { _rev, _updatedAt, _id, ...fields } = m.doc
      void _rev
      void _updatedAt
      void _id
      const rewritten = rewriteRefs(fields, from, to).value as Record<string, unknown>
      tx.create({ ...rewritten, _id: m.to, _type: 'partner' })
    }
    for (const referrer of Array.isArray(referrers) ? referrers.filter(isRecord) : []) {
      if (typeof referrer._id !== 'string' || typeof referrer._rev !== 'string') continue
      const set: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(referrer)) {
        if (k.startsWith('_')) continue
        const r = rewriteRefs(v, from, to)
        if (r.changed) set[k] = r.value
      }
      if (Object.keys(set).length === 0) continue
      tx.patch(referrer._id, (p) => p.ifRevisionId(referrer._rev as string).set(set))
      patched.push(referrer._id)
    }
    for (const m of moves) tx.delete(m.doc._id)
    if (!options.dryRun) await tx.commit({ tag: 'syndication.partner.migrate', visibility: 'sync' })
    for (const m of moves) result.moved.push({ from: m.doc._id, to: m.to, referrers: m.to === to ? patched : [] })
  }
  return result
}
