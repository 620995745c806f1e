// Partner administration for syndication (the clinic's side):
//
//   npm run partner -- create --name "Harbor Physio" --categories treatments [--site-url URL]
//                     [--contact-name NAME] [--contact-email EMAIL] [--webhook-url URL] [--id ID]
//   npm run partner -- list [--keys]
//   npm run partner -- rotate-key <partnerId> [--keep-old]
//   npm run partner -- rotate-feed-token <partnerId>
//   npm run partner -- rotate-webhook-secret <partnerId>
//   npm run partner -- revoke <keyId or feedTokenId>
//   npm run partner -- suspend <partnerId>       (every key and feed token refused at once)
//   npm run partner -- activate <partnerId>
//   npm run partner -- deliveries [<partnerId>] [--limit 20]   the webhook delivery log
//   npm run partner -- usage [<partnerId>] [--days 7]          daily request counts
//   npm run partner -- migrate [--dry-run]   move partners at public ids to private ids (idempotent)
//
// Partner documents live at private ids, `syndication.partner.<partnerId>`; commands take the
// partner id (or that document id, as the Studio shows it).
//
// Add --json for machine-readable output. Secrets (API key, feed token, webhook secret) are shown
// once, when issued; only the API key's hash is stored.
//
// Where: the local lake (LAKE_URL, default http://127.0.0.1:3333) or a hosted project
// (SANITY_PROJECT_ID, SANITY_DATASET), with a token that may write: SYNDICATION_TOKEN or
// SANITY_API_TOKEN (for the local lake, the editor token `npm start` prints).
import { parseArgs } from 'node:util'
import { createClient, type SanityClient } from '@sanity/client'
import { ConfigError, loadDeliveryConfig } from '../delivery/config.js'
import { DELIVERY_API_VERSION } from '../delivery/client.js'
import {
  AdminError,
  createPartner,
  listCredentials,
  listPartners,
  migratePartners,
  requirePartner,
  revoke,
  rotateApiKey,
  rotateFeedToken,
  rotateWebhookSecret,
  setStatus,
} from '../delivery/syndication/admin.js'
import { listDeliveries } from '../delivery/syndication/webhooks/dispatcher.js'
import { readUsage, utcDay } from '../delivery/syndication/usage.js'

const USAGE = `usage: npm run partner -- <command> [options]

commands:
  create --name NAME --categories SLUG[,SLUG...] [--site-url URL] [--contact-name NAME]
         [--contact-email EMAIL] [--webhook-url URL] [--id ID]
  list [--keys]
  rotate-key PARTNER_ID [--keep-old]
  rotate-feed-token PARTNER_ID
  rotate-webhook-secret PARTNER_ID
  revoke KEY_OR_TOKEN_ID
  suspend PARTNER_ID
  activate PARTNER_ID
  deliveries [PARTNER_ID] [--limit N]
  usage [PARTNER_ID] [--days N]
  migrate [--dry-run]   move partner documents still at public ids to private ids (idempotent)

options: --json (machine-readable output)
environment: LAKE_URL or SANITY_PROJECT_ID/SANITY_DATASET; SYNDICATION_TOKEN or SANITY_API_TOKEN (write access)`

class UsageError extends Error {}

function makeClient(): SanityClient {
  const config = loadDeliveryConfig()
  const token = process.env.SYNDICATION_TOKEN?.trim() || process.env.SANITY_API_TOKEN?.trim()
  if (!token) {
    throw new UsageError(
      'no token: set SYNDICATION_TOKEN (or SANITY_API_TOKEN) to a token that may write. ' +
        'For the local lake, use the editor token `npm start` prints; for hosted Sanity, an Editor robot token from sanity.io/manage.',
    )
  }
  const common = {
    dataset: config.source.dataset,
    apiVersion: DELIVERY_API_VERSION,
    useCdn: false,
    token,
    perspective: 'raw' as const,
  }
  return config.source.kind === 'local'
    ? createClient({ ...common, projectId: 'local', apiHost: config.source.lakeUrl, useProjectHostname: false })
    : createClient({ ...common, projectId: config.source.projectId })
}

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new UsageError(`--${name} must be a whole number of at least 1, got ${JSON.stringify(value)}`)
  return Number(value)
}

function one(positionals: string[], what: string): string {
  const value = positionals[0]
  if (!value) throw new UsageError(`missing ${what}`)
  if (positionals.length > 1) throw new UsageError(`unexpected arguments: ${positionals.slice(1).join(' ')}`)
  return value
}

function print(json: boolean, value: unknown, text: () => string): void {
  console.log(json ? JSON.stringify(value, null, 2) : text())
}

const SHOWN_ONCE = 'Store these now: they are shown only this once (the API key is kept only as a hash).'

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE)
    return
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: {
      name: { type: 'string' },
      categories: { type: 'string' },
      'site-url': { type: 'string' },
      'contact-name': { type: 'string' },
      'contact-email': { type: 'string' },
      'webhook-url': { type: 'string' },
      id: { type: 'string' },
      keys: { type: 'boolean' },
      'keep-old': { type: 'boolean' },
      limit: { type: 'string' },
      days: { type: 'string' },
      json: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
    },
  })
  const json = values.json === true
  const client = makeClient()

  switch (command) {
    case 'create': {
      if (positionals.length) throw new UsageError(`unexpected arguments: ${positionals.join(' ')}`)
      if (!values.name) throw new UsageError('create needs --name "Partner clinic name"')
      if (!values.categories)
        throw new UsageError(
          'create needs --categories with the category slugs the partner may republish, e.g. --categories treatments,conditions',
        )
      const created = await createPartner(client, {
        name: values.name,
        allowedCategories: values.categories
          .split(',')
          .map((c) => c.trim())
          .filter(Boolean),
        siteUrl: values['site-url'] ?? null,
        contactName: values['contact-name'] ?? null,
        contactEmail: values['contact-email'] ?? null,
        webhookUrl: values['webhook-url'] ?? null,
        id: values.id,
      })
      print(json, created, () =>
        [
          `Created partner ${created.name} (${created.id}).`,
          `  API key         ${created.apiKey}`,
          `  API key id      ${created.apiKeyId}`,
          `  feed token      ${created.feedToken}   (feeds: <api>/feeds/partners/<token>/rss.xml | atom.xml | feed.json)`,
          `  webhook secret  ${created.webhookSecret}`,
          SHOWN_ONCE,
        ].join('\n'),
      )
      return
    }
    case 'list': {
      if (positionals.length) throw new UsageError(`unexpected arguments: ${positionals.join(' ')}`)
      const partners = await listPartners(client)
      const credentials = values.keys ? await listCredentials(client) : []
      print(json, values.keys ? { partners, credentials } : { partners }, () => {
        if (partners.length === 0) return 'No partners yet: npm run partner -- create --name NAME --categories SLUGS'
        return partners
          .map((p) => {
            const lines = [
              `${p.id}  ${p.name}  [${p.status}]  categories: ${p.allowedCategories.join(', ') || '(none: sees nothing)'}${p.webhookUrl ? `  webhook: ${p.webhookUrl}` : ''}`,
            ]
            for (const c of credentials.filter((c) => c.partnerId === p.id)) {
              lines.push(
                `    ${c.kind === 'apiKey' ? 'API key   ' : 'feed token'} ${c.id}  created ${c.createdAt}${c.revokedAt ? `  REVOKED ${c.revokedAt}` : ''}`,
              )
            }
            return lines.join('\n')
          })
          .join('\n')
      })
      return
    }
    case 'rotate-key': {
      const partnerId = one(positionals, 'PARTNER_ID')
      const rotated = await rotateApiKey(client, partnerId, { keepOld: values['keep-old'] === true })
      print(json, rotated, () =>
        [
          `New API key for ${partnerId}: ${rotated.apiKey}`,
          `  key id ${rotated.apiKeyId}`,
          rotated.revoked.length
            ? `  revoked: ${rotated.revoked.join(', ')}`
            : '  old keys kept: revoke them with `npm run partner -- revoke <keyId>` once the partner has switched',
          SHOWN_ONCE,
        ].join('\n'),
      )
      return
    }
    case 'rotate-feed-token': {
      const partnerId = one(positionals, 'PARTNER_ID')
      const rotated = await rotateFeedToken(client, partnerId)
      print(
        json,
        rotated,
        () =>
          `New feed token for ${partnerId}: ${rotated.feedToken}\n  revoked: ${rotated.revoked.join(', ') || '(none)'}\n${SHOWN_ONCE}`,
      )
      return
    }
    case 'rotate-webhook-secret': {
      const partnerId = one(positionals, 'PARTNER_ID')
      const secret = await rotateWebhookSecret(client, partnerId)
      print(
        json,
        { partnerId, webhookSecret: secret },
        () => `New webhook secret for ${partnerId}: ${secret}\n${SHOWN_ONCE}`,
      )
      return
    }
    case 'revoke': {
      const info = await revoke(client, one(positionals, 'KEY_OR_TOKEN_ID'))
      print(
        json,
        info,
        () =>
          `Revoked ${info.kind === 'apiKey' ? 'API key' : 'feed token'} ${info.id} of ${info.partnerId} (${info.revokedAt}). It is refused from the next request on.`,
      )
      return
    }
    case 'suspend':
    case 'activate': {
      const partnerId = one(positionals, 'PARTNER_ID')
      await setStatus(client, partnerId, command === 'suspend' ? 'suspended' : 'active')
      print(json, { partnerId, status: command === 'suspend' ? 'suspended' : 'active' }, () =>
        command === 'suspend'
          ? `Suspended ${partnerId}: its keys and feed tokens are refused from the next request on.`
          : `Activated ${partnerId}.`,
      )
      return
    }
    case 'deliveries': {
      const partnerId = positionals[0] ? (await requirePartner(client, positionals[0])).id : undefined
      const deliveries = await listDeliveries(client, { partnerId, limit: positiveInt(values.limit, 'limit', 20) })
      print(json, deliveries, () =>
        deliveries.length === 0
          ? 'No webhook deliveries yet.'
          : deliveries
              .map((d) => {
                const last = d.attempts[d.attempts.length - 1]
                return `${d.createdAt}  ${d.partnerId}  ${d.eventType}  ${d.status}  attempts ${d.attemptCount}${last ? `  last: ${last.httpStatus ?? '-'} ${last.error ?? ''}` : ''}${d.note ? `  (${d.note})` : ''}${d.nextAttemptAt && d.status === 'pending' ? `  next ${d.nextAttemptAt}` : ''}`
              })
              .join('\n'),
      )
      return
    }
    case 'usage': {
      const partnerId = positionals[0] ? (await requirePartner(client, positionals[0])).id : null
      const days = positiveInt(values.days, 'days', 7)
      const today = new Date()
      const usage = await readUsage(
        client,
        partnerId,
        utcDay(new Date(today.getTime() - (days - 1) * 86_400_000)),
        utcDay(today),
      )
      print(json, usage, () =>
        usage.length === 0
          ? 'No requests in that period.'
          : usage
              .map(
                (u) =>
                  `${u.day}  ${u.partnerId}  ${u.requests} requests (${u.rateLimited} rate-limited)  ${Object.entries(
                    u.byRoute,
                  )
                    .map(([k, v]) => `${k}=${v}`)
                    .join(' ')}`,
              )
              .join('\n'),
      )
      return
    }
    case 'migrate': {
      if (positionals.length) throw new UsageError(`unexpected arguments: ${positionals.join(' ')}`)
      const dryRun = values['dry-run'] === true
      const result = await migratePartners(client, { dryRun })
      print(json, { dryRun, ...result }, () => {
        const lines = result.moved.map(
          (m) =>
            `${dryRun ? 'would move' : 'moved'} ${m.from} -> ${m.to}${m.referrers.length ? ` (references updated in ${m.referrers.join(', ')})` : ''}`,
        )
        for (const c of result.conflicts)
          lines.push(
            `CONFLICT ${c.from}: ${c.to} already exists; nothing changed for this partner. Compare both in the Studio, keep one, delete the other, and run migrate again.`,
          )
        return lines.length ? lines.join('\n') : 'Nothing to migrate: every partner is at a private id.'
      })
      if (result.conflicts.length > 0) process.exitCode = 1
      return
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`)
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (
    error instanceof UsageError ||
    (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
  ) {
    console.error(`partner: ${error.message}\n\n${USAGE}`)
    process.exit(2)
  }
  if (error instanceof AdminError || error instanceof ConfigError) {
    console.error(`partner: ${error.message}`)
    process.exit(1)
  }
  console.error('partner: failed:', error instanceof Error ? error.message : error)
  process.exit(1)
})
