// The partner CLI through a subprocess (`npm run partner -- ...` runs exactly this), against a real
// lake: create shows the secrets once and stores only a hash; list, revoke, suspend; bad usage
// exits 2 with the usage text.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn } from 'node:child_process'
import { startTestLake, type TestLake } from '../helpers/lake.js'
import { hashCredential } from '../../delivery/syndication/credentials.js'
import { authenticate } from '../../delivery/syndication/partners.js'
import { SEED } from './fixture.js'

const test = suite('partner CLI')
let lake: TestLake

test.before(async () => {
  lake = await startTestLake({ seed: SEED })
})
test.after(async () => lake?.close())

function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--loader', 'ts-node/esm', '--no-warnings', 'scripts/partner.ts', ...args], {
      env: { ...process.env, LAKE_URL: lake.httpUrl, SYNDICATION_TOKEN: lake.token, SANITY_PROJECT_ID: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d))
    child.stderr.on('data', (d: Buffer) => (stderr += d))
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }))
  })
}

test('create issues an API key, feed token and webhook secret once; only the key hash is stored', async () => {
  const created = await cli([
    'create',
    '--name',
    'Harbor Physio',
    '--categories',
    'treatments',
    '--webhook-url',
    'https://harbor.example/hook',
    '--json',
  ])
  assert.is(created.code, 0, created.stderr)
  const out = JSON.parse(created.stdout) as {
    id: string
    apiKey: string
    apiKeyId: string
    feedToken: string
    webhookSecret: string
  }
  assert.is(out.id, 'partner-harbor-physio')
  assert.match(out.apiKey, /^dptk_[0-9a-f]{16}_/)
  const keyDoc = await lake.client.fetch(
    '*[_id == $id][0]',
    { id: `syndication.key.${out.apiKeyId}` },
    { perspective: 'raw' },
  )
  assert.is(keyDoc.hash, hashCredential(out.apiKey))
  assert.not.ok(JSON.stringify(keyDoc).includes(out.apiKey), 'the key itself is not stored')
  const auth = await authenticate(lake.client, out.apiKey, 'apiKey')
  assert.ok(auth.ok)
  const partner = await lake.client.getDocument('syndication.partner.partner-harbor-physio')
  assert.equal(partner?.allowedCategories, [
    { _key: 'category-treatments', _type: 'reference', _ref: 'category-treatments' },
  ])

  const listed = await cli(['list', '--keys'])
  assert.is(listed.code, 0, listed.stderr)
  assert.match(listed.stdout, /partner-harbor-physio {2}Harbor Physio {2}\[active\] {2}categories: category-treatments/)
  assert.match(listed.stdout, new RegExp(`API key    ${out.apiKeyId}`))
  assert.not.match(listed.stdout, /dptk_/, 'list never shows secrets')

  const revoked = await cli(['revoke', out.apiKeyId])
  assert.is(revoked.code, 0, revoked.stderr)
  assert.equal(await authenticate(lake.client, out.apiKey, 'apiKey'), { ok: false, failure: 'revoked' })

  const rotated = JSON.parse((await cli(['rotate-key', 'partner-harbor-physio', '--json'])).stdout) as {
    apiKey: string
  }
  assert.ok((await authenticate(lake.client, rotated.apiKey, 'apiKey')).ok)
  assert.is((await cli(['suspend', 'partner-harbor-physio'])).code, 0)
  assert.equal(await authenticate(lake.client, rotated.apiKey, 'apiKey'), { ok: false, failure: 'partner-suspended' })
})

test('bad usage: clear messages and exit codes', async () => {
  const none = await cli(['create', '--name', 'No Cats'])
  assert.is(none.code, 2)
  assert.match(none.stderr, /create needs --categories/)
  const unknownCategory = await cli(['create', '--name', 'Bad Cats', '--categories', 'nope'])
  assert.is(unknownCategory.code, 1)
  assert.match(unknownCategory.stderr, /unknown category "nope"; known category slugs: .*treatments/)
  const unknownPartner = await cli(['suspend', 'partner-nobody'])
  assert.is(unknownPartner.code, 1)
  assert.match(unknownPartner.stderr, /no published partner with id "partner-nobody"/)
  const noToken = await cli(['list'], { SYNDICATION_TOKEN: '', SANITY_API_TOKEN: '' })
  assert.is(noToken.code, 2)
  assert.match(noToken.stderr, /no token: set SYNDICATION_TOKEN/)
  const unknownCommand = await cli(['frobnicate'])
  assert.is(unknownCommand.code, 2)
  assert.match(unknownCommand.stderr, /unknown command "frobnicate"[\s\S]*usage: npm run partner/)
})

test.run()
