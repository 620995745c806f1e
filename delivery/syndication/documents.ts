// Syndication state kept in the Content Lake as private documents (ids with a dot), written with a
// server-side token. On hosted Sanity and in the local lake, dotted ids are never readable
// anonymously, so none of this is visible through the public API or the CDN.
//
//   syndication.partner.<partnerId>      the partner (type `partner`, edited in the Studio; partners.ts)
//   syndication.key.<keyId>              one API key: public id, SHA-256 hash, partner, revokedAt
//   syndication.feedToken.<tokenId>      one feed token (as issued: WebSub pings need the URL)
//   syndication.webhookSecret.<partner>  the HMAC secret pushes to that partner are signed with
//   syndication.ledger.<audience>        the self-compacting change ledger of a partner / `public`
//   syndication.delivery.<audience>.<epoch>-<seq>  one webhook event and its delivery log
//   syndication.usage.<partner>.<YYYY-MM-DD>       daily request counts
//
// Values read back are narrowed at runtime (they are data, not trusted code), so a document edited
// by hand into a wrong shape is reported instead of crashing a request.

export const DOC_TYPES = {
  apiKey: 'syndication.apiKey',
  feedToken: 'syndication.feedToken',
  webhookSecret: 'syndication.webhookSecret',
  ledger: 'syndication.ledger',
  delivery: 'syndication.webhookDelivery',
  usage: 'syndication.usage',
} as const

/** Ids embed other ids; anything outside Sanity's id alphabet is replaced so the id stays valid. */
function idPart(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '_')
}

export const docIds = {
  apiKey: (keyId: string) => `syndication.key.${idPart(keyId)}`,
  feedToken: (tokenId: string) => `syndication.feedToken.${idPart(tokenId)}`,
  webhookSecret: (partnerId: string) => `syndication.webhookSecret.${idPart(partnerId)}`,
  ledger: (audienceKey: string) => `syndication.ledger.${idPart(audienceKey)}`,
  delivery: (audienceKey: string, epoch: string, seq: number) =>
    `syndication.delivery.${idPart(audienceKey)}.${epoch}-${seq}`,
  usage: (partnerId: string, day: string) => `syndication.usage.${idPart(partnerId)}.${day}`,
}

// ---------------------------------------------------------------------------------------------
// Narrowing helpers

export type Json = Record<string, unknown>

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function optString(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null
}

export function reqString(doc: Json, field: string, where: string): string {
  const value = doc[field]
  if (typeof value !== 'string' || value === '') {
    throw new StateDocumentError(`${where}: field "${field}" must be a non-empty string, got ${JSON.stringify(value)}`)
  }
  return value
}

export function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

/** A syndication state document that does not have the shape this code writes. */
export class StateDocumentError extends Error {
  constructor(message: string) {
    super(
      `${message} (syndication state documents are written by scripts/partner.ts and the syndication worker; fix or delete the document)`,
    )
    this.name = 'StateDocumentError'
  }
}
