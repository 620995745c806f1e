// Partners and their credentials in the lake: look-ups for request authentication, and the
// issuing/revoking operations behind `npm run partner`.
import type { SanityClient } from '@sanity/client'
import {
  credentialMatchesHash,
  constantTimeEqual,
  issueCredential,
  issueWebhookSecret,
  parseCredential,
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
  webhookUrl: string | null
}

/** GROQ projection producing what toPartner reads. */
export const PARTNER_FIELDS = /* groq */ `{_id, name, status, siteUrl, "allowedCategories": allowedCategories[]._ref, webhookUrl}`

/** Published partners only: a partner's draft (edited in the Studio, not yet published) never counts. */
export const PUBLISHED_PARTNER_FILTER = /* groq */ `_type == "partner" && !(_id in path("drafts.**")) && !(_id in path("versions.**"))`

export function toPartner(value: unknown): PartnerRecord | null {
  if (!isRecord(value) || typeof value._id !== 'string') return null
  return {
    id: value._id,
    name: optString(value.name) ?? value._id,
    // Anything but an explicit "active" is treated as suspended: fail closed.
    status: value.status === 'active' ? 'active' : 'suspended',
    siteUrl: optString(value.siteUrl),
    allowedCategories: stringArray(value.allowedCategories),
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
  "partner": *[_id == ^.partnerId && ${PUBLISHED_PARTNER_FILTER}][0]${PARTNER_FIELDS}
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
    { id: partnerId },
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

/** Issues and stores a new API key for a partner; returns it (the only time it is shown). */
export async function createApiKey(
  client: SanityClient,
  partnerId: string,
  label: string | null,
  now = new Date(),
): Promise<IssuedCredential> {
  const key = issueCredential('apiKey')
  await client.create(
    {
      _id: docIds.apiKey(key.id),
      _type: DOC_TYPES.apiKey,
      keyId: key.id,
      partnerId,
      hash: key.hash,
      label,
      createdAt: now.toISOString(),
    },
    { tag: 'syndication.key.create' },
  )
  return key
}

/** Issues and stores a new feed token for a partner. */
export async function createFeedToken(
  client: SanityClient,
  partnerId: string,
  now = new Date(),
): Promise<IssuedCredential> {
  const token = issueCredential('feedToken')
  await client.create(
    {
      _id: docIds.feedToken(token.id),
      _type: DOC_TYPES.feedToken,
      tokenId: token.id,
      partnerId,
      token: token.value,
      createdAt: now.toISOString(),
    },
    { tag: 'syndication.feedToken.create' },
  )
  return token
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
  const draftId = `drafts.${partnerId}`
  const hasDraft: unknown = await client.fetch(
    `defined(*[_id == $draftId][0]._id)`,
    { draftId },
    { perspective: 'raw', useCdn: false },
  )
  const tx = client.transaction().patch(partnerId, (p) => p.set({ status }))
  if (hasDraft === true) tx.patch(draftId, (p) => p.set({ status }))
  await tx.commit({ tag: 'syndication.partner.status' })
}
