// Partner records are private: a partner's document (contact e-mail, webhook URL, licensed
// categories) and every syndication record (keys, feed tokens, webhook secrets, ledgers, webhook
// deliveries, usage) live at dotted ids, which anonymous callers never read: not by query in any
// perspective, not by id, not in the export, not on the listen stream. A dataset from before this
// (partners at root ids) is moved by the migration (`npm run partner -- migrate`, and the
// syndication worker before each reconcile): keys, feed tokens and references keep working, and a
// second run changes nothing.
import { spawn } from 'node:child_process'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createPartner } from '../../delivery/syndication/admin.js'
import { createApiKey, createFeedToken, migratePartnersToPrivateIds } from '../../delivery/syndication/partners.js'
import { articleDocument, startBed, type Bed } from '../syndication/fixture.js'

const test = suite('reliability: partner records are private')
let bed: Bed

test.before(async () => {
  bed = await startBed({ webhooks: { enabled: true, intervalMs: 200, timeoutMs: 1000 } })
})
test.after(async () => bed?.close())

const SECRET_MARKERS = ['contact@harbor.example', 'https://harbor.example/hooks/dpt', 'Harbor Physio']

async function anonymousLakeOutputs(): Promise<Record<string, string>> {
  const anon = bed.lake.anonymousClient
  const out: Record<string, string> = {}
  for (const perspective of ['raw', 'published', 'drafts'] as const) {
    out[`query * (${perspective})`] = JSON.stringify(await anon.fetch('*', {}, { perspective }))
    out[`query partner fields (${perspective})`] = JSON.stringify(
      await anon.fetch('*[_type=="partner"]{contactEmail, webhookUrl, status, allowedCategories}', {}, { perspective }),
    )
    out[`query syndication.* (${perspective})`] = JSON.stringify(
      await anon.fetch('*[_type match "syndication*" || _id in path("syndication.**")]', {}, { perspective }),
    )
  }
  const base = `${bed.lake.httpUrl}/v2025-02-19/data`
  const exported = await fetch(`${base}/export/${bed.lake.dataset}`)
  out.export = `${exported.status} ${await exported.text()}`
  const ids: string[] = await bed.client.fetch('*[_type == "partner" || _type match "syndication*"]._id', {}, {})
  assert.ok(ids.length > 0, 'the editor sees the partner records')
  const byId = await fetch(`${base}/doc/${bed.lake.dataset}/${ids.map(encodeURIComponent).join(',')}`)
  out['doc by id'] = `${byId.status} ${await byId.text()}`
  return out
}

function assertNoPartnerData(outputs: Record<string, string>): void {
  for (const [where, body] of Object.entries(outputs)) {
    for (const marker of SECRET_MARKERS) assert.not.ok(body.includes(marker), `${where} shows ${marker}`)
    assert.not.ok(/"_type":"partner"/.test(body), `${where} shows a partner document`)
    assert.not.ok(/"_type":"syndication\./.test(body), `${where} shows a syndication record`)
    assert.not.ok(/"_id":"syndication\./.test(body), `${where} shows a syndication record`)
  }
}

test('a partner and its syndication records are invisible anonymously, readable with a token', async () => {
  const created = await createPartner(bed.client, {
    name: 'Harbor Physio',
    contactEmail: 'contact@harbor.example',
    webhookUrl: 'https://harbor.example/hooks/dpt',
    allowedCategories: ['category-treatments'],
  })
  assert.is(created.id, 'partner-harbor-physio')
  const doc = await bed.client.fetch('*[_type == "partner"][0]{_id, contactEmail}', {}, { perspective: 'raw' })
  assert.equal(doc, { _id: 'syndication.partner.partner-harbor-physio', contactEmail: 'contact@harbor.example' })
  // Syndication works with the private partner: an API call (usage), a reconcile (ledgers, deliveries).
  await bed.article('article-privacy', { slug: 'privacy-article' })
  const list = await bed.get('/syndication/v1/articles', bed.key(created))
  assert.is(list.status, 200)
  await bed.syndication.reconcile()
  await bed.syndication.usage.flush()
  const types: string[] = await bed.client.fetch('array::unique(*[_id in path("syndication.**")]._type)', {}, {})
  for (const type of ['partner', 'syndication.apiKey', 'syndication.feedToken', 'syndication.webhookSecret']) {
    assert.ok(types.includes(type), `a ${type} record was written (${types.join(', ')})`)
  }
  assert.ok(types.includes('syndication.ledger') && types.includes('syndication.usage'), types.join(', '))
  // Nothing the syndication code writes is at a root id.
  const publicRecords: string[] = await bed.client.fetch(
    '*[(_type == "partner" || _type match "syndication*") && !(_id in path("drafts.**")) && !(_id match "syndication.*")]._id',
    {},
    { perspective: 'raw' },
  )
  assert.equal(publicRecords, [])
  assertNoPartnerData(await anonymousLakeOutputs())
})

test('the migration moves an old dataset: keys, feed tokens and references keep working; idempotent', async () => {
  // An old dataset: a partner at a root id (readable by anyone), its draft, a document referring
  // to it, and credentials naming it by id.
  await bed.client
    .transaction()
    .create({
      _id: 'partner-old-clinic',
      _type: 'partner',
      name: 'Old Clinic',
      status: 'active',
      contactEmail: 'old@old-clinic.example',
      webhookUrl: 'https://old-clinic.example/hook',
      allowedCategories: [{ _key: 'k1', _type: 'reference', _ref: 'category-treatments' }],
    })
    .create({ _id: 'drafts.partner-old-clinic', _type: 'partner', name: 'Old Clinic (edited)', status: 'active' })
    .create({ _id: 'note-old', _type: 'partnerNote', about: { _type: 'reference', _ref: 'partner-old-clinic' } })
    .commit({ visibility: 'sync' })
  const key = await createApiKey(bed.client, 'partner-old-clinic', 'old')
  const token = await createFeedToken(bed.client, 'partner-old-clinic')
  const before = JSON.stringify(await bed.lake.anonymousClient.fetch('*[_type=="partner"]{contactEmail}'))
  assert.ok(before.includes('old@old-clinic.example'), 'the old layout is public (what the migration fixes)')

  // Dry run through the CLI: reports, changes nothing.
  const dry = await cli(['migrate', '--dry-run', '--json'])
  assert.is(dry.code, 0, dry.stderr)
  const dryOut = JSON.parse(dry.stdout) as { moved: Array<{ from: string; to: string }> }
  assert.equal(dryOut.moved.map((m) => `${m.from} -> ${m.to}`).sort(), [
    'drafts.partner-old-clinic -> drafts.syndication.partner.partner-old-clinic',
    'partner-old-clinic -> syndication.partner.partner-old-clinic',
  ])
  assert.ok(await bed.client.getDocument('partner-old-clinic'), 'a dry run changes nothing')

  const run = await cli(['migrate', '--json'])
  assert.is(run.code, 0, run.stderr)
  const out = JSON.parse(run.stdout) as { moved: Array<{ from: string; to: string; referrers: string[] }> }
  assert.is(out.moved.length, 2)
  assert.equal(out.moved.find((m) => m.from === 'partner-old-clinic')?.referrers, ['note-old'])

  const raw = bed.client.withConfig({ perspective: 'raw' })
  assert.is(await raw.getDocument('partner-old-clinic'), undefined)
  assert.is(await raw.getDocument('drafts.partner-old-clinic'), undefined)
  const moved = await raw.getDocument('syndication.partner.partner-old-clinic')
  assert.is(moved?.contactEmail, 'old@old-clinic.example')
  assert.is((await raw.getDocument('drafts.syndication.partner.partner-old-clinic'))?.name, 'Old Clinic (edited)')
  assert.equal((await raw.getDocument('note-old'))?.about, {
    _type: 'reference',
    _ref: 'syndication.partner.partner-old-clinic',
  })
  // The old key and feed token still work (they name the partner id, which did not change).
  const api = await bed.get('/syndication/v1/articles', { authorization: `Bearer ${key.value}` })
  assert.is(api.status, 200, await api.text())
  const feed = await bed.get(`/feeds/partners/${token.value}/feed.json`)
  assert.is(feed.status, 200)
  assertNoPartnerData(await anonymousLakeOutputs())
  assert.not.ok(JSON.stringify(await bed.lake.anonymousClient.fetch('*')).includes('old@old-clinic.example'))

  // Idempotent: nothing left to move.
  const again = await cli(['migrate', '--json'])
  assert.is(again.code, 0, again.stderr)
  assert.equal((JSON.parse(again.stdout) as { moved: unknown[] }).moved, [])
})

test('the syndication worker moves a partner published at a root id before it reconciles', async () => {
  await bed.client.create({ _id: 'partner-late', _type: 'partner', name: 'Late', status: 'active' })
  await bed.syndication.reconcile()
  const raw = bed.client.withConfig({ perspective: 'raw' })
  assert.is(await raw.getDocument('partner-late'), undefined)
  assert.is((await raw.getDocument('syndication.partner.partner-late'))?.name, 'Late')
  // A draft-only partner (an editor creating one) is left where it is: drafts are private anyway.
  await bed.client.create({ _id: 'drafts.partner-new', _type: 'partner', name: 'New' })
  const result = await migratePartnersToPrivateIds(bed.client)
  assert.equal(result, { moved: [], conflicts: [] })
})

test('a legacy id whose private id exists already is a reported conflict; nothing is changed', async () => {
  await bed.client.create({ _id: 'partner-late', _type: 'partner', name: 'Late again', status: 'active' })
  const result = await migratePartnersToPrivateIds(bed.client)
  assert.equal(result.conflicts, [{ from: 'partner-late', to: 'syndication.partner.partner-late' }])
  assert.is((await bed.client.getDocument('partner-late'))?.name, 'Late again')
  const run = await cli(['migrate'])
  assert.is(run.code, 1)
  assert.match(run.stdout, /CONFLICT partner-late/)
  await bed.client.delete('partner-late')
})

test('articles: the fixture article helper still writes at root ids (content stays public)', async () => {
  await bed.client.createOrReplace(articleDocument('article-public-check', { slug: 'public-check' }))
  const anon: unknown = await bed.lake.anonymousClient.fetch('*[_id == "article-public-check"][0]._id')
  assert.is(anon, 'article-public-check')
})

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--loader', 'ts-node/esm', '--no-warnings', 'scripts/partner.ts', ...args], {
      env: { ...process.env, LAKE_URL: bed.lake.httpUrl, SYNDICATION_TOKEN: bed.lake.token, SANITY_PROJECT_ID: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d))
    child.stderr.on('data', (d: Buffer) => (stderr += d))
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }))
  })
}

test.run()
