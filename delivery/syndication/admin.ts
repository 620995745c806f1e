// Partner administration, used by `npm run partner` (scripts/partner.ts) and by tests: the same
// operations the clinic would otherwise do by hand in the Studio plus the lake's private documents.
import { DEFAULT_LANGUAGE, isLanguage, LANGUAGE_IDS } from '../../model/languages.js'
import type { SanityClient } from '@sanity/client'
import {
  createApiKey,
  createFeedToken,
  getPartner,
  listCredentials,
  migratePartnersToPrivateIds,
  PARTNER_ID_PREFIX,
  partnerDocId,
  listPartners,
  revokeCredential,
  setPartnerStatus,
  setWebhookSecret,
  type CredentialInfo,
  type PartnerRecord,
  type PartnerMigrationResult,
  type PartnerStatus,
} from './partners.js'

export class AdminError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'AdminError'
  }
}

export interface NewPartner {
  name: string
  siteUrl?: string | null
  contactName?: string | null
  contactEmail?: string | null
  /** Category document ids or slugs. */
  allowedCategories: string[]
  /** Licensed languages (model/languages.ts ids); English when absent. */
  languages?: string[]
  webhookUrl?: string | null
  status?: PartnerStatus
  /** Partner id; default `partner-<slug of name>`. The document is `syndication.partner.<id>` (private). */
  id?: string
}

export interface CreatedPartner {
  id: string
  name: string
  apiKey: string
  apiKeyId: string
  feedToken: string
  feedTokenId: string
  webhookSecret: string
}

export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
}

/** Resolves category ids or slugs to category document ids; throws naming the unknown ones. */
export async function resolveCategories(client: SanityClient, refs: readonly string[]): Promise<string[]> {
  if (refs.length === 0) return []
  const found: unknown = await client.fetch(
    `*[_type == "category" && !(_id in path("drafts.**")) && (_id in $refs || slug.current in $refs)]{_id, "slug": slug.current}`,
    { refs: [...refs] },
    { perspective: 'raw' },
  )
  const categories = Array.isArray(found) ? (found as Array<{ _id: string; slug: string | null }>) : []
  const ids: string[] = []
  const missing: string[] = []
  for (const ref of refs) {
    const match = categories.find((c) => c._id === ref || c.slug === ref)
    if (match) ids.push(match._id)
    else missing.push(ref)
  }
  if (missing.length > 0) {
    const all: unknown = await client.fetch(
      `*[_type == "category" && !(_id in path("drafts.**"))].slug.current`,
      {},
      { perspective: 'raw' },
    )
    throw new AdminError(
      `unknown categor${missing.length > 1 ? 'ies' : 'y'} ${missing.map((m) => JSON.stringify(m)).join(', ')}; known category slugs: ${Array.isArray(all) && all.length ? all.join(', ') : '(none: create categories in the Studio first)'}`,
    )
  }
  return [...new Set(ids)]
}

function checkUrl(value: string | null | undefined, what: string): void {
  if (!value) return
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new AdminError(
      `${what} ${JSON.stringify(value)} is not an absolute URL (e.g. https://partner.example/hooks/clinic)`,
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new AdminError(`${what} must be an https URL, got ${url.protocol}`)
}

/** Creates the partner document, its first API key, a feed token and a webhook secret. */
export async function createPartner(client: SanityClient, input: NewPartner): Promise<CreatedPartner> {
  if (!input.name.trim()) throw new AdminError('a partner needs a name (--name "Partner Clinic")')
  checkUrl(input.siteUrl, 'site URL')
  checkUrl(input.webhookUrl, 'webhook URL')
  const given = input.id?.startsWith(PARTNER_ID_PREFIX) ? input.id.slice(PARTNER_ID_PREFIX.length) : input.id
  const id = given ?? `partner-${slugify(input.name)}`
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,100}$/.test(id))
    throw new AdminError(
      `partner id ${JSON.stringify(id)} is not valid: use letters, digits, "-" and "_" (at most 101), e.g. partner-harbor-physio`,
    )
  const categories = await resolveCategories(client, input.allowedCategories)
  const unknown = (input.languages ?? []).filter((l) => !isLanguage(l))
  if (unknown.length > 0)
    throw new AdminError(
      `language ${JSON.stringify(unknown[0])} is not one of this clinic's: use ${LANGUAGE_IDS.join(', ')} (e.g. --language es)`,
    )
  const doc: Record<string, unknown> & { _id: string; _type: string } = {
    _id: partnerDocId(id),
    _type: 'partner',
    name: input.name.trim(),
    status: input.status ?? 'active',
    allowedCategories: categories.map((ref) => ({
      _key: ref.replace(/[^A-Za-z0-9_-]/g, '_'),
      _type: 'reference',
      _ref: ref,
    })),
  }
  doc.languages = input.languages && input.languages.length > 0 ? [...new Set(input.languages)] : [DEFAULT_LANGUAGE]
  if (input.siteUrl) doc.siteUrl = input.siteUrl
  if (input.contactName) doc.contactName = input.contactName
  if (input.contactEmail) doc.contactEmail = input.contactEmail
  if (input.webhookUrl) doc.webhookUrl = input.webhookUrl
  try {
    await client.create(doc, { tag: 'syndication.partner.create' })
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 409)
      throw new AdminError(`a partner with id ${id} already exists: use "list", or pass --id`)
    throw error
  }
  const key = await createApiKey(client, id, 'initial')
  const token = await createFeedToken(client, id)
  const webhookSecret = await setWebhookSecret(client, id)
  return {
    id,
    name: doc.name as string,
    apiKey: key.value,
    apiKeyId: key.id,
    feedToken: token.value,
    feedTokenId: token.id,
    webhookSecret,
  }
}

export async function requirePartner(client: SanityClient, partnerId: string): Promise<PartnerRecord> {
  const partner = await getPartner(client, partnerId)
  if (partner) return partner
  const all = await listPartners(client)
  throw new AdminError(
    `no published partner with id ${JSON.stringify(partnerId)}; partners: ${all.map((p) => p.id).join(', ') || '(none)'}`,
  )
}

/**
 * Issues a new API key for a partner. Existing keys are revoked at once unless `keepOld` (then the
 * partner switches over and the old key is revoked later with `revoke <keyId>`).
 */
export async function rotateApiKey(
  client: SanityClient,
  partnerId: string,
  options: { keepOld?: boolean } = {},
): Promise<{ apiKey: string; apiKeyId: string; revoked: string[] }> {
  const { id } = await requirePartner(client, partnerId)
  const key = await createApiKey(client, id, 'rotated')
  const revoked: string[] = []
  if (!options.keepOld) {
    for (const c of await listCredentials(client, id)) {
      if (c.kind === 'apiKey' && c.id !== key.id && c.revokedAt === null) {
        await revokeCredential(client, c.id)
        revoked.push(c.id)
      }
    }
  }
  return { apiKey: key.value, apiKeyId: key.id, revoked }
}

/** Issues a new feed token and revokes the partner's other feed tokens. */
export async function rotateFeedToken(
  client: SanityClient,
  partnerId: string,
): Promise<{ feedToken: string; feedTokenId: string; revoked: string[] }> {
  const { id } = await requirePartner(client, partnerId)
  const token = await createFeedToken(client, id)
  const revoked: string[] = []
  for (const c of await listCredentials(client, id)) {
    if (c.kind === 'feedToken' && c.id !== token.id && c.revokedAt === null) {
      await revokeCredential(client, c.id)
      revoked.push(c.id)
    }
  }
  return { feedToken: token.value, feedTokenId: token.id, revoked }
}

export async function rotateWebhookSecret(client: SanityClient, partnerId: string): Promise<string> {
  const { id } = await requirePartner(client, partnerId)
  return setWebhookSecret(client, id)
}

export async function revoke(client: SanityClient, credentialId: string): Promise<CredentialInfo> {
  const info = await revokeCredential(client, credentialId)
  if (!info)
    throw new AdminError(
      `no API key or feed token with id ${JSON.stringify(credentialId)} (ids are the 16 hex digits after dptk_/dptf_; see "list")`,
    )
  return info
}

export async function setStatus(client: SanityClient, partnerId: string, status: PartnerStatus): Promise<void> {
  const { id } = await requirePartner(client, partnerId)
  await setPartnerStatus(client, id, status)
}

/** Moves partners still at public (root) ids to private ids; see migratePartnersToPrivateIds. */
export async function migratePartners(
  client: SanityClient,
  options: { dryRun?: boolean } = {},
): Promise<PartnerMigrationResult> {
  return migratePartnersToPrivateIds(client, options)
}

export { listCredentials, listPartners }
