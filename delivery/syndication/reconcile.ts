// The reconciler: brings every audience's change ledger (partners and the public feed) up to date
// with the lake, and queues a webhook event for each change a partner with a webhook should hear of.
//
// It reads the current state in one query, computes each ledger's new entries with the pure
// advanceLedger, and writes each ledger with its new webhook deliveries in one transaction guarded
// by the ledger's revision (ifRevisionID): two reconcilers racing (two server instances, or a
// request-triggered run and the worker) cannot both append, the loser re-reads and retries, so no
// change is lost or recorded twice. Nothing here runs inside the publishing path: it is triggered by
// the lake's listener, a timer (embargoes expire without any write) and reads of the changes feed.
import { createHash } from 'node:crypto'
import type { SanityClient } from '@sanity/client'
import { DOC_TYPES, docIds, isRecord, optString, StateDocumentError } from './documents.js'
import { advanceLedger, changeSetOf, emptyLedger, encodeCursor, type LedgerEntry, type LedgerState } from './ledger.js'
import { PARTNER_FIELDS, PUBLISHED_PARTNER_FILTER, toPartner, type PartnerRecord } from './partners.js'
import {
  audienceKey,
  SCOPE_FIELDS,
  scopeDecision,
  type Audience,
  type ExclusionReason,
  type ScopeArticle,
} from './scope.js'

export type WebhookEventType = 'article.published' | 'article.updated' | 'article.removed'

/** The JSON body POSTed to a partner's webhook (signed; see webhooks/signature.ts). */
export interface WebhookEvent {
  /** Unique and stable across retries: receivers de-duplicate on it. */
  id: string
  type: WebhookEventType
  createdAt: string
  partnerId: string
  /** `language`: the article's (model/languages.ts); null when it is gone (deleted). */
  article: { id: string; slug: string; language: string | null; href: string | null }
  /** For article.removed: why (unpublished, deleted, embargoed, licence-withdrawn, out-of-scope). */
  reason: ExclusionReason | null
  /** The changes-feed cursor just after this change. */
  cursor: string
  /**
   * The change set this change belongs to (the seq of its first change) and how many changes of
   * yours it holds: the changes of one set were published together (e.g. a content release), so
   * a receiver may wait for all `changeSetSize` of them before showing any.
   */
  changeSet: number
  changeSetSize: number
}

interface StoredLedger {
  rev: string | null
  state: LedgerState
}

export interface ReconcileOptions {
  /** Base URL of this API, for `href`s in webhook events. */
  apiBaseUrl: string
  now?: Date
  /** Called after a ledger gained entries (for WebSub pings and waking the webhook dispatcher). */
  onAppended?: (audience: Audience, appended: LedgerEntry[], cause: AppendCause) => void
}

/** Why a ledger gained entries. */
export interface AppendCause {
  /**
   * Some entry may come from the clock rather than from a lake write: an article whose embargo
   * ended shows up without any document changing, so nothing but the ledger notices it.
   */
  clock: boolean
}

export interface ReconcileResult {
  /** Entries appended per audience key. */
  appended: Record<string, number>
  webhookEvents: number
}

const SNAPSHOT_QUERY = /* groq */ `{
  "clinic": *[_id == "clinic"][0]{name, siteUrl, syndicationLicence, attributionText, medicalDisclaimer},
  "articles": *[_type == "article" && !(_id in path("drafts.**")) && !(_id in path("versions.**"))]{_rev, ...${SCOPE_FIELDS}},
  "draftIds": *[_type == "article" && _id in path("drafts.**")]._id,
  "partners": *[${PUBLISHED_PARTNER_FILTER}]${PARTNER_FIELDS},
  "ledgers": *[_type == $ledgerType]{_id, _rev, audience, epoch, lastSeq, entries}
}`

/**
 * An article's scope fields as the scope rule reads them. Content is data: a field of the wrong
 * type (written by an API client or an import) reads as not set, which keeps the article out of
 * every scope instead of failing the whole reconcile.
 */
function toScopeArticle(value: unknown): (ScopeArticle & { _rev: string }) | null {
  if (!isRecord(value) || typeof value._id !== 'string' || typeof value._rev !== 'string') return null
  const str = (v: unknown) => (typeof v === 'string' ? v : null)
  const bool = (v: unknown) => (typeof v === 'boolean' ? v : null)
  return {
    _id: value._id,
    _rev: value._rev,
    slug: str(value.slug),
    allowed: bool(value.allowed),
    embargoUntil: str(value.embargoUntil),
    categories: Array.isArray(value.categories)
      ? value.categories.filter((c): c is string => typeof c === 'string')
      : null,
    noIndex: bool(value.noIndex),
    language: str(value.language),
  }
}

function toLedgerEntry(value: unknown, where: string): LedgerEntry {
  if (
    !isRecord(value) ||
    typeof value.seq !== 'number' ||
    typeof value.articleId !== 'string' ||
    typeof value.slug !== 'string' ||
    (value.op !== 'upsert' && value.op !== 'delete') ||
    typeof value.at !== 'string'
  ) {
    throw new StateDocumentError(`${where}: a ledger entry is malformed: ${JSON.stringify(value).slice(0, 200)}`)
  }
  const entry: LedgerEntry = {
    seq: value.seq,
    articleId: value.articleId,
    slug: value.slug,
    op: value.op,
    at: value.at,
  }
  if (typeof value.version === 'string') entry.version = value.version
  if (typeof value.reason === 'string') entry.reason = value.reason as ExclusionReason
  if (typeof value.changeSet === 'number') entry.changeSet = value.changeSet
  return entry
}

export function toStoredLedger(value: unknown): StoredLedger & { audience: string } {
  if (!isRecord(value) || typeof value._id !== 'string')
    throw new StateDocumentError('a ledger document is not an object with an _id')
  const where = value._id
  if (typeof value.epoch !== 'string' || typeof value.lastSeq !== 'number' || typeof value.audience !== 'string') {
    throw new StateDocumentError(`${where}: epoch, lastSeq and audience are required`)
  }
  const entries = Array.isArray(value.entries) ? value.entries.map((e) => toLedgerEntry(e, where)) : []
  return {
    rev: optString(value._rev),
    audience: value.audience,
    state: { epoch: value.epoch, lastSeq: value.lastSeq, entries },
  }
}

/** Loads one audience's ledger (an empty one when it was never written). */
export async function loadLedger(client: SanityClient, key: string): Promise<StoredLedger> {
  const found: unknown = await client.fetch(
    `*[_id == $id][0]`,
    { id: docIds.ledger(key) },
    { perspective: 'raw', useCdn: false, tag: 'syndication.ledger' },
  )
  if (found === null || found === undefined) return { rev: null, state: emptyLedger() }
  return toStoredLedger(found)
}

/** The version fingerprint of an article as partners see it: its revision plus the licence terms. */
function versionOf(rev: string, termsFingerprint: string): string {
  return createHash('sha256').update(`${rev}\n${termsFingerprint}`).digest('hex').slice(0, 20)
}

function ledgerDocument(key: string, state: LedgerState): Record<string, unknown> & { _id: string; _type: string } {
  return {
    _id: docIds.ledger(key),
    _type: DOC_TYPES.ledger,
    audience: key,
    epoch: state.epoch,
    lastSeq: state.lastSeq,
    entries: state.entries.map((e) => ({ _key: `s${e.seq}`, ...e })),
  }
}

function isConflict(error: unknown): boolean {
  return isRecord(error) && (error.statusCode === 409 || error.statusCode === 412)
}

/**
 * Reconciles all audiences once. Safe to call concurrently from several processes (each ledger
 * write is conditional on the revision read; on a conflict the whole pass is retried, at most 5 times).
 */
export async function reconcileOnce(client: SanityClient, options: ReconcileOptions): Promise<ReconcileResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await reconcilePass(client, options)
    } catch (error) {
      if (!isConflict(error) || attempt >= 5) throw error
    }
  }
}

async function reconcilePass(client: SanityClient, options: ReconcileOptions): Promise<ReconcileResult> {
  const now = options.now ?? new Date()
  const snapshot: unknown = await client.fetch(
    SNAPSHOT_QUERY,
    { ledgerType: DOC_TYPES.ledger },
    { perspective: 'raw', useCdn: false, tag: 'syndication.reconcile' },
  )
  if (!isRecord(snapshot))
    throw new Error('syndication reconcile: the lake answered the snapshot query with a non-object')
  const articles = (Array.isArray(snapshot.articles) ? snapshot.articles : [])
    .map(toScopeArticle)
    .filter((a): a is ScopeArticle & { _rev: string } => a !== null)
  const byId = new Map(articles.map((a) => [a._id, a]))
  const drafts = new Set(
    Array.isArray(snapshot.draftIds) ? snapshot.draftIds.filter((x): x is string => typeof x === 'string') : [],
  )
  const partners = (Array.isArray(snapshot.partners) ? snapshot.partners : [])
    .map(toPartner)
    .filter((p): p is PartnerRecord => p !== null)
  const ledgers = new Map<string, StoredLedger>()
  for (const raw of Array.isArray(snapshot.ledgers) ? snapshot.ledgers : []) {
    const stored = toStoredLedger(raw)
    ledgers.set(stored.audience, stored)
  }
  const clinic = isRecord(snapshot.clinic) ? snapshot.clinic : {}
  const terms = JSON.stringify([
    clinic.name,
    clinic.siteUrl,
    clinic.syndicationLicence,
    clinic.attributionText,
    clinic.medicalDisclaimer,
  ])

  const audiences: Array<{ audience: Audience; partner: PartnerRecord | null }> = [
    { audience: { kind: 'public' }, partner: null },
    ...partners.map((p) => ({
      audience: {
        kind: 'partner',
        partnerId: p.id,
        allowedCategories: p.allowedCategories,
        languages: p.languages,
      } as Audience,
      partner: p,
    })),
  ]
  const result: ReconcileResult = { appended: {}, webhookEvents: 0 }
  const base = options.apiBaseUrl.replace(/\/+$/, '')
  for (const { audience, partner } of audiences) {
    const key = audienceKey(audience)
    const stored = ledgers.get(key) ?? { rev: null, state: emptyLedger() }
    const visible = articles
      .filter((a) => scopeDecision(a, audience, now).visible)
      .map((a) => ({ articleId: a._id, slug: a.slug as string, version: versionOf(a._rev, terms) }))
    const reasonFor = (articleId: string): ExclusionReason => {
      const article = byId.get(articleId)
      if (!article) return drafts.has(`drafts.${articleId}`) ? 'unpublished' : 'deleted'
      const decision = scopeDecision(article, audience, now)
      return decision.visible ? 'out-of-scope' : decision.reason
    }
    const previous = new Map(stored.state.entries.map((e) => [e.articleId, e]))
    const { state, appended } = advanceLedger(stored.state, visible, reasonFor, now)
    if (appended.length === 0) continue
    const tx = client.transaction()
    const doc = ledgerDocument(key, state)
    if (stored.rev === null) tx.create(doc)
    else
      tx.patch(doc._id, (p) =>
        p.set({ epoch: doc.epoch, lastSeq: doc.lastSeq, entries: doc.entries }).ifRevisionId(stored.rev as string),
      )
    let events = 0
    // Webhooks go to active partners with a webhook URL; the ledger itself is kept for everyone.
    if (partner && partner.status === 'active' && partner.webhookUrl) {
      for (const entry of appended) {
        const before = previous.get(entry.articleId)
        const type: WebhookEventType =
          entry.op === 'delete' ? 'article.removed' : before?.op === 'upsert' ? 'article.updated' : 'article.published'
        const eventId = `evt_${state.epoch}_${entry.seq}`
        const event: WebhookEvent = {
          id: eventId,
          type,
          createdAt: now.toISOString(),
          partnerId: partner.id,
          article: {
            id: entry.articleId,
            slug: entry.slug,
            language: byId.get(entry.articleId)?.language ?? null,
            href: entry.op === 'upsert' ? `${base}/syndication/v1/articles/${encodeURIComponent(entry.slug)}` : null,
          },
          reason: entry.reason ?? null,
          cursor: encodeCursor({ epoch: state.epoch, seq: entry.seq }),
          changeSet: changeSetOf(entry),
          changeSetSize: appended.length,
        }
        tx.create({
          _id: docIds.delivery(key, state.epoch, entry.seq),
          _type: DOC_TYPES.delivery,
          partnerId: partner.id,
          eventId,
          seq: entry.seq,
          body: JSON.stringify(event),
          eventType: type,
          status: 'pending',
          attemptCount: 0,
          attempts: [],
          createdAt: now.toISOString(),
          nextAttemptAt: now.toISOString(),
        })
        events++
      }
    }
    await tx.commit({ tag: 'syndication.reconcile.write', visibility: 'sync' })
    result.appended[key] = appended.length
    result.webhookEvents += events
    const clock = appended.some((entry) => entry.op === 'upsert' && Boolean(byId.get(entry.articleId)?.embargoUntil))
    options.onAppended?.(audience, appended, { clock })
  }
  return result
}
