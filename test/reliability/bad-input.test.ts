// Bad input, each answered with a clear 4xx (or, for the import CLI, exit code 1) that says what was
// wrong, and nothing written: the lake's transaction log, document count and assets, and the
// delivery cache, are unchanged after every refused request. Through public interfaces only: HTTP
// on the lake, the delivery server and syndication, and the import CLI as a child process.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import zlib from 'node:zlib'
import * as tar from 'tar'
import { encodeSignatureHeader } from '@sanity/webhook'
import { startDeliveryServer, type DeliveryServer } from '../../delivery/http/server.js'
import { bundleEntries, ROOT, type Bundles } from './helpers/bundle.js'
import { report } from './helpers/figures.js'
import { startTestLake, type TestLake } from '../helpers/lake.js'

const SEED = 'content/production.ndjson'
const WEBHOOK_SECRET = 'reliability-webhook-secret'
// A small asset limit for this lake, so the oversized upload is cheap (read by the asset routes).
process.env.LAKE_ASSET_MAX_BYTES = String(256 * 1024)

const test = suite('reliability: bad input')
let lake: TestLake
let delivery: DeliveryServer
let bundles: Bundles
let scratch: string
const cases: Array<{ where: string; status: number; reason: string }> = []

test.before(async () => {
  lake = await startTestLake({ seed: SEED })
  delivery = await startDeliveryServer({ client: lake.anonymousClient, port: 0, webhookSecret: WEBHOOK_SECRET })
  bundles = await bundleEntries()
  scratch = fs.mkdtempSync(path.join(lake.dataDir, 'bad-'))
})
test.after(async () => {
  await delivery?.close()
  await lake?.close()
  bundles?.remove()
})

/** What "nothing written" is measured by: transactions, documents, asset files. */
function snapshot(): { documents: number; transactions: number; assets: string[] } {
  const store = lake.lake.store.dataset(lake.dataset)
  const transactions = (lake.lake.store.db.prepare('SELECT COUNT(*) AS n FROM transactions').get() as { n: number }).n
  const assetsDir = path.join(lake.dataDir, 'assets')
  // Files only: the asset store keeps an (empty) staging folder for uploads in progress.
  const assets = fs.existsSync(assetsDir)
    ? fs
        .readdirSync(assetsDir, { recursive: true })
        .map(String)
        .filter((f) => fs.statSync(path.join(assetsDir, f)).isFile())
        .sort()
    : []
  return { documents: store.size, transactions, assets }
}

interface Answer {
  status: number
  text: string
  json: () => Record<string, unknown>
}

async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init)
  const text = await response.text()
  return { status: response.status, text, json: () => JSON.parse(text) as Record<string, unknown> }
}

/** The reason a refusal gives: the lake's `error.description`, or a problem's `detail`. */
function reasonOf(answer: Answer): string {
  try {
    const body = answer.json()
    const error = body.error as { description?: unknown } | undefined
    if (error && typeof error.description === 'string') return error.description
    if (typeof body.detail === 'string') return body.detail
    if (typeof body.message === 'string') return body.message
  } catch {
    // not JSON: fall through
  }
  return ''
}

/** Asserts a refusal: the status range, a reason matching `says`, and nothing written. */
async function refused(
  where: string,
  request: () => Promise<Answer>,
  status: number | [number, number],
  says: RegExp,
): Promise<Answer> {
  const before = snapshot()
  const answer = await request()
  const [low, high] = typeof status === 'number' ? [status, status] : status
  assert.ok(
    answer.status >= low && answer.status <= high,
    `${where}: expected ${low}${high !== low ? `-${high}` : ''}, got ${answer.status}: ${answer.text.slice(0, 300)}`,
  )
  const reason = reasonOf(answer)
  assert.ok(reason.length >= 15, `${where}: the refusal gives no reason: ${answer.text.slice(0, 300)}`)
  assert.match(reason, says, `${where}: reason "${reason}"`)
  assert.equal(snapshot(), before, `${where}: something was written`)
  cases.push({ where, status: answer.status, reason })
  return answer
}

const api = (p: string) => `${lake.httpUrl}/v2025-02-19${p}`
const auth = () => ({ authorization: `Bearer ${lake.token}` })
const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...auth(), ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
})
const mutate = (mutations: unknown) => call(api('/data/mutate/production'), json({ mutations }))

test('mutations: invalid ids, unknown types, patches on missing documents, malformed JSON, wrong content type', async () => {
  // (`drafts.` is not here: an id ending in "." asks Sanity for a generated id with that prefix.)
  for (const id of ['has space', 'a/b', '#hash', 'x'.repeat(300), '.leading', 'ümlaut', 'a..b']) {
    await refused(
      `create _id ${JSON.stringify(id.slice(0, 20))}`,
      () => mutate([{ create: { _id: id, _type: 'article' } }]),
      400,
      /id|ID/,
    )
  }
  await refused(
    'GET doc with an invalid id',
    () => call(api('/data/doc/production/has%20space'), { headers: auth() }),
    400,
    /id/i,
  )
  await refused(
    'unknown mutation type',
    () => mutate([{ frobnicate: { _id: 'x', _type: 'article' } }]),
    400,
    /frobnicate|mutation/i,
  )
  await refused('mutation without a body', () => mutate([{}]), 400, /mutation/i)
  await refused(
    'patch on a missing document',
    () => mutate([{ patch: { id: 'article-does-not-exist', set: { title: 'x' } } }]),
    [404, 409],
    /article-does-not-exist/,
  )
  await refused('create without _type', () => mutate([{ create: { _id: 'no-type' } }]), 400, /_type/)
  // A valid first mutation and a bad second one: the whole transaction is refused.
  await refused(
    'valid then invalid in one transaction',
    () =>
      mutate([
        { create: { _id: 'first-ok', _type: 'category', title: 'x' } },
        { patch: { id: 'missing-doc', set: { a: 1 } } },
      ]),
    [400, 409],
    /missing-doc/,
  )
  await refused('malformed JSON body', () => call(api('/data/mutate/production'), json('{"mutations": [')), 400, /JSON/)
  await refused('mutations not an array', () => mutate({ create: {} }), 400, /array/)
  await refused(
    'wrong content type (text)',
    () =>
      call(api('/data/mutate/production'), {
        method: 'POST',
        headers: { 'content-type': 'text/plain', ...auth() },
        body: 'create everything',
      }),
    [400, 415],
    /JSON|content type/i,
  )
  await refused(
    'wrong content type (form)',
    () =>
      call(api('/data/mutate/production'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth() },
        body: 'mutations=all',
      }),
    [400, 415],
    /JSON|content type/i,
  )
  await refused(
    'unknown dataset name',
    () => call(api('/data/mutate/Bad%20Dataset'), json({ mutations: [] })),
    [400, 404],
    /dataset/i,
  )
})

test('actions: unknown action types and bad ids', async () => {
  const action = (actions: unknown) => call(api('/data/actions/production'), json({ actions }))
  await refused(
    'unknown actionType',
    () => action([{ actionType: 'sanity.action.document.frobnicate', publishedId: 'x' }]),
    400,
    /unknown actionType/,
  )
  await refused(
    'publish with a draft id as publishedId',
    () => action([{ actionType: 'sanity.action.document.publish', draftId: 'drafts.x', publishedId: 'drafts.x' }]),
    400,
    /draft/,
  )
  await refused(
    'create with an invalid id',
    () =>
      action([
        {
          actionType: 'sanity.action.document.create',
          publishedId: 'bad id',
          attributes: { _id: 'drafts.bad id', _type: 'article' },
        },
      ]),
    400,
    /id/,
  )
  await refused(
    'publish a draft that does not exist',
    () =>
      action([
        { actionType: 'sanity.action.document.publish', draftId: 'drafts.nothing-here', publishedId: 'nothing-here' },
      ]),
    [404, 409],
    /nothing-here/,
  )
  await refused(
    'actions not an array',
    () => call(api('/data/actions/production'), json({ actions: 'publish' })),
    400,
    /actions/,
  )
})

test('queries: invalid GROQ and parameters', async () => {
  const q = (query: string, extra = '') =>
    call(api(`/data/query/production?query=${encodeURIComponent(query)}${extra}`), { headers: auth() })
  await refused('unterminated filter', () => q('*[_type == "article"'), 400, /./)
  await refused('unknown function', () => q('*[frobnicate(_id)]'), 400, /frobnicate|function/i)
  // As Sanity: a parameter the query uses but the request does not send is a 400, not null.
  await refused('missing parameter', () => q('*[_type == $type]'), 400, /\$type referenced, but not provided/)
  await refused('parameter that is not JSON', () => q('*[_type == $type]', '&%24type=article'), 400, /type|JSON/)
  await refused('missing query', () => call(api('/data/query/production'), { headers: auth() }), 400, /query/)
  await refused(
    'POST query body not an object',
    () => call(api('/data/query/production'), json('[1,2]')),
    400,
    /object/,
  )
  await refused('listen without a query', () => call(api('/data/listen/production'), { headers: auth() }), 400, /query/)
})

test('queries over their budget: too long, too large a result, too long a URL', async () => {
  const anonymous = (query: string) =>
    call(api('/data/query/production'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    })
  const chain = (bytes: number) =>
    Array(Math.floor(bytes / 2))
      .fill('1')
      .join('+')
  await refused('query text over LAKE_QUERY_MAX_SIZE', () => anonymous(chain(100 * 1024)), 413, /LAKE_QUERY_MAX_SIZE/)
  await refused(
    'GET query too long for a URL',
    () => call(api(`/data/query/production?query=${chain(100 * 1024)}`)),
    431,
    /POST/,
  )
  await refused(
    'result over LAKE_QUERY_MAX_RESULT_SIZE',
    () => anonymous('*[]{"y": *[]{"z": *[]}}'),
    [422, 504],
    /LAKE_QUERY_/,
  )
})

test('oversized bodies and uploads; uploads that are not what they claim', async () => {
  const big = JSON.stringify({
    mutations: [{ create: { _id: 'big', _type: 'category', title: 'x'.repeat(5 * 1024 * 1024) } }],
  })
  await refused('mutation body over 4 MiB', () => call(api('/data/mutate/production'), json(big)), 413, /limit/)
  const upload = (body: Buffer, type: string) =>
    call(api('/assets/images/production'), {
      method: 'POST',
      headers: { 'content-type': type, ...auth() },
      body: new Uint8Array(body),
    })
  await refused(
    'image upload over the asset limit',
    () => upload(Buffer.alloc(300 * 1024, 1), 'image/png'),
    413,
    /limit/,
  )
  await refused(
    'an "image" that is not an image',
    () => upload(Buffer.from('<svg onload=alert(1)>'.repeat(10)), 'image/png'),
    [400, 415],
    /image/i,
  )
  await refused('empty upload', () => upload(Buffer.alloc(0), 'image/png'), [400, 411], /empty|body|bytes/i)
})

test('asset URLs: path traversal and unknown files never reach the file system', async () => {
  const paths = [
    '/images/local/production/..%2F..%2Flake.sqlite',
    '/images/local/production/%2e%2e%2f%2e%2e%2flake.sqlite',
    '/files/local/production/..%2f..%2f..%2fetc%2fpasswd',
    '/images/local/production/....//....//lake.sqlite',
    '/images/local/..%2Fproduction/abc-1x1.png',
    '/images/local/production/abc-1x1.png%00.txt',
    `/files/local/production/${encodeURIComponent('/etc/passwd')}`,
  ]
  for (const p of paths) {
    const answer = await refused(`GET ${p}`, () => call(lake.httpUrl + p), [400, 404], /./)
    assert.not.match(answer.text, /SQLite format|root:x:0/, `${p} served a file it must not`)
  }
  // Raw request lines (fetch normalises ../ away): also refused.
  for (const raw of ['/images/local/production/../../lake.sqlite', '/files/local/production/../../../../etc/passwd']) {
    const answer = await new Promise<Answer>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: Number(new URL(lake.httpUrl).port), path: raw, method: 'GET' },
        (res) => {
          let text = ''
          res.on('data', (d: Buffer) => (text += d.toString()))
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text, json: () => JSON.parse(text) as Record<string, unknown> }),
          )
        },
      )
      req.on('error', reject)
      req.end()
    })
    assert.ok(answer.status >= 400 && answer.status < 500, `${raw}: ${answer.status}`)
    assert.not.match(answer.text, /SQLite format|root:x:0/)
    cases.push({ where: `raw GET ${raw}`, status: answer.status, reason: reasonOf(answer) })
  }
})

test('API versions, tokens', async () => {
  await refused(
    'unknown API version on the lake',
    () => call(`${lake.httpUrl}/v2099-99-99x/data/query/production?query=*`),
    404,
    /API version/,
  )
  await refused(
    'no version segment',
    () => call(`${lake.httpUrl}/data/query/production?query=*`),
    404,
    /v2025|version|no such endpoint/i,
  )
  await refused(
    'unknown API version on delivery',
    () => call(`${delivery.url}/api/v2/articles`),
    404,
    /api\/docs|Nothing is served/,
  )
  await refused(
    'malformed Authorization header',
    () => call(api('/data/query/production?query=*'), { headers: { authorization: 'Basic dXNlcjpwYXNz' } }),
    401,
    /Bearer/,
  )
  await refused(
    'unknown token',
    () => call(api('/data/query/production?query=*'), { headers: { authorization: 'Bearer sk-not-a-real-token' } }),
    401,
    /token/,
  )
  await refused(
    'anonymous write',
    () =>
      call(api('/data/mutate/production'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ mutations: [{ create: { _id: 'anon', _type: 'category' } }] }),
      }),
    401,
    /token/,
  )
  // A token that worked, then was revoked: refused from then on (local tokens do not expire; revocation is their end of life).
  const user = lake.lake.accounts.createUser({ name: 'Leaver', email: 'leaver@clinic.test' })
  const issued = lake.lake.accounts.issueToken(user.id, 'to revoke')
  assert.is(
    (await call(api('/data/query/production?query=count(*)'), { headers: { authorization: `Bearer ${issued.token}` } }))
      .status,
    200,
  )
  lake.lake.accounts.revokeToken(issued.tokenId)
  await refused(
    'revoked token',
    () =>
      call(
        api('/data/mutate/production'),
        json(
          { mutations: [{ create: { _id: 'by-leaver', _type: 'category' } }] },
          { authorization: `Bearer ${issued.token}` },
        ),
      ),
    401,
    /token/,
  )
})

test('access: anonymous history, unknown datasets, the dataset list, sign-in guessing', async () => {
  const anonymous = (p: string, init: RequestInit = {}) => call(api(p), init)
  // A published document, then deleted: its last content is in the history, for editors only.
  await mutate([{ create: { _id: 'bad-history', _type: 'category', title: 'Deleted category' } }])
  await mutate([{ delete: { id: 'bad-history' } }])
  for (const p of [
    '/data/history/production/documents/bad-history?lastRevision=true',
    '/data/history/production/transactions/bad-history',
    '/data/history/production/events/documents/bad-history',
  ]) {
    const answer = await refused(`anonymous GET ${p.split('?')[0]}`, () => anonymous(p), 401, /history/)
    assert.not.match(answer.text, /Deleted category/)
  }
  for (const [where, request] of [
    ['anonymous query of an unknown dataset', () => anonymous('/data/query/flood1?query=1')],
    [
      'anonymous POST query of an unknown dataset',
      () =>
        anonymous('/data/query/flood2', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"query":"1"}',
        }),
    ],
    ['anonymous doc of an unknown dataset', () => anonymous('/data/doc/flood3/x')],
    ['anonymous listen on an unknown dataset', () => anonymous('/data/listen/flood4?query=*')],
    ['anonymous export of an unknown dataset', () => anonymous('/data/export/flood5')],
    ['editor query of an unknown dataset', () => call(api('/data/query/flood6?query=1'), { headers: auth() })],
  ] as const) {
    await refused(where, request, 404, /Dataset "flood\d" not found/)
  }
  await refused(
    'anonymous mutation into an unknown dataset',
    () =>
      call(api('/data/mutate/flood7'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ mutations: [{ create: { _id: 'x', _type: 'category' } }] }),
      }),
    401,
    /token/,
  )
  for (let i = 1; i <= 7; i++) assert.not.ok(lake.lake.store.hasDataset(`flood${i}`), `flood${i} was created`)
  await refused('anonymous dataset list', () => anonymous('/projects/local/datasets'), 401, /token/)

  // Sign-in guessing: past the per-account limit the page answers 429 with Retry-After and does not
  // check the password any more (nothing is written either way).
  const user = lake.lake.accounts.createUser({ name: 'Guess Target', email: 'guess@clinic.test' })
  lake.lake.accounts.setPassword(user.id, 'the right password')
  const login = (password: string) =>
    fetch(`${lake.httpUrl}/auth/login/local`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ origin: 'http://localhost:3333', email: 'guess@clinic.test', password }).toString(),
      redirect: 'manual',
    })
  const before = snapshot()
  const statuses: number[] = []
  for (let i = 0; i < 12; i++) statuses.push((await login(`wrong ${i}`)).status)
  const locked = await login('the right password')
  assert.equal(statuses.slice(0, 10), Array(10).fill(401))
  assert.equal(statuses.slice(10), [429, 429])
  assert.is(locked.status, 429, 'the account stays throttled for the window, right password or not')
  assert.ok(Number(locked.headers.get('retry-after')) > 0, 'a 429 says when to retry')
  assert.match(await locked.text(), /Too many failed sign-in attempts for this account/)
  assert.equal(snapshot(), before, 'sign-in guessing wrote nothing')
  cases.push({ where: 'sign-in past the account limit', status: 429, reason: 'Too many failed sign-in attempts' })
})

test('delivery: bad parameters, methods and content types', async () => {
  await refused('limit not a number', () => call(`${delivery.url}/api/v1/articles?limit=lots`), 400, /limit/)
  await refused('unknown parameter', () => call(`${delivery.url}/api/v1/articles?colour=red`), 400, /colour/)
  await refused(
    'bad slug characters',
    () => call(`${delivery.url}/api/v1/articles/${encodeURIComponent('../../etc/passwd')}`),
    [400, 404],
    /./,
  )
  await refused(
    'POST on a read-only resource',
    () =>
      call(`${delivery.url}/api/v1/articles`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      }),
    [404, 405],
    /POST|served|allowed/,
  )
  await refused('search without q', () => call(`${delivery.url}/api/v1/search`), 400, /q/)
})

test('delivery webhook: unsigned, badly signed, expired, replayed and non-JSON calls change nothing', async () => {
  const url = `${delivery.url}/api/v1/webhooks/sanity`
  await call(`${delivery.url}/api/v1/articles`) // something in the cache
  const generation = () => (delivery.cache.stats() as { generation: number }).generation
  const body = JSON.stringify({ _id: 'article-dry-needling', _type: 'article' })
  const post = (headers: Record<string, string>, payload = body) =>
    call(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload })
  const g0 = generation()
  await refused('webhook without signature', () => post({}), 401, /signature|sanity-webhook-signature/i)
  await refused(
    'webhook with a malformed signature',
    () => post({ 'sanity-webhook-signature': 'nonsense' }),
    400,
    /t=<unix ms>/,
  )
  await refused(
    'webhook signed with another secret',
    async () => post({ 'sanity-webhook-signature': await encodeSignatureHeader(body, Date.now(), 'wrong-secret') }),
    401,
    /secret|signature/,
  )
  await refused(
    'webhook with a body changed after signing',
    async () =>
      post(
        { 'sanity-webhook-signature': await encodeSignatureHeader(body, Date.now(), WEBHOOK_SECRET) },
        body.replace('article', 'clinic'),
      ),
    401,
    /signature/,
  )
  await refused(
    'webhook signed an hour ago',
    async () =>
      post({ 'sanity-webhook-signature': await encodeSignatureHeader(body, Date.now() - 3600_000, WEBHOOK_SECRET) }),
    401,
    /s from now|Expired|expired/,
  )
  assert.is(generation(), g0, 'refused webhook calls must not invalidate the cache')
  const signature = await encodeSignatureHeader(body, Date.now(), WEBHOOK_SECRET)
  assert.is((await post({ 'sanity-webhook-signature': signature })).status, 200, 'a correctly signed call is accepted')
  const g1 = generation()
  assert.ok(g1 > g0, 'the accepted call invalidated the cache')
  await refused('replayed webhook call', () => post({ 'sanity-webhook-signature': signature }), 409, /replay|already/i)
  assert.is(generation(), g1, 'a replay must not invalidate the cache')
})

/** Runs the import CLI (bundled) against the running lake's data directory. */
function runImport(file: string, ...args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bundles.paths.import, file, ...args], {
      cwd: ROOT,
      env: { ...process.env, LAKE_DATA_DIR: lake.dataDir, LAKE_DATASET: lake.dataset },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
    child.once('exit', (code) => resolve({ code, output }))
  })
}

async function importRefused(where: string, file: string, says: RegExp): Promise<void> {
  const before = snapshot()
  const { code, output } = await runImport(file, '--replace')
  assert.is(code, 1, `${where}: the import CLI must fail (output: ${output.slice(0, 300)})`)
  assert.match(output, /nothing was written|does not exist|not a readable/, `${where}: ${output.slice(0, 300)}`)
  assert.match(output, says, `${where}: ${output.slice(0, 300)}`)
  assert.equal(snapshot(), before, `${where}: the import wrote something`)
  cases.push({ where: `import: ${where}`, status: code ?? -1, reason: output.trim().split('\n').pop() ?? '' })
}

test('imports: malformed NDJSON and tarballs are refused whole, with the line and the problem', async () => {
  const good = (id: string) => JSON.stringify({ _id: id, _type: 'category', title: id })
  const write = (name: string, text: string | Buffer) => {
    const file = path.join(scratch, name)
    fs.writeFileSync(file, text)
    return file
  }
  await importRefused(
    'invalid JSON on line 3',
    write('bad-json.ndjson', [good('imp-a'), good('imp-b'), '{"_id": "imp-c", ', good('imp-d')].join('\n')),
    /line 3/,
  )
  await importRefused('a line that is an array', write('array.ndjson', [good('imp-a'), '[1, 2]'].join('\n')), /line 2/)
  await importRefused(
    'an invalid id on line 2',
    write('bad-id.ndjson', [good('imp-a'), JSON.stringify({ _id: 'bad id', _type: 'category' })].join('\n')),
    /line 2/,
  )
  await importRefused(
    'a document without _type',
    write('no-type.ndjson', [good('imp-a'), JSON.stringify({ _id: 'imp-x' })].join('\n')),
    /line 2.*_type|_type/,
  )
  await importRefused(
    'random bytes as .tar.gz',
    write('random.tar.gz', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))),
    /tar\.gz|gzip|readable|archive/i,
  )
  await importRefused(
    'gzip of something that is not a tar',
    write('not-tar.tar.gz', zlib.gzipSync(Buffer.from('hello, not a tar archive\n'.repeat(50)))),
    /data\.ndjson|tar|readable/i,
  )
  const noData = path.join(scratch, 'no-data')
  fs.mkdirSync(path.join(noData, 'production-export'), { recursive: true })
  fs.writeFileSync(path.join(noData, 'production-export', 'assets.json'), '{}')
  await tar.create({ gzip: true, file: path.join(scratch, 'no-data.tar.gz'), cwd: noData }, ['production-export'])
  await importRefused('a tar.gz without data.ndjson', path.join(scratch, 'no-data.tar.gz'), /data\.ndjson/)
  const badData = path.join(scratch, 'bad-data')
  fs.mkdirSync(path.join(badData, 'production-export'), { recursive: true })
  fs.writeFileSync(
    path.join(badData, 'production-export', 'data.ndjson'),
    [good('imp-a'), 'not json at all'].join('\n'),
  )
  await tar.create({ gzip: true, file: path.join(scratch, 'bad-data.tar.gz'), cwd: badData }, ['production-export'])
  await importRefused('a tar.gz whose data.ndjson has a bad line', path.join(scratch, 'bad-data.tar.gz'), /line 2/)
  const evil = path.join(scratch, 'evil')
  fs.mkdirSync(path.join(evil, 'production-export'), { recursive: true })
  fs.writeFileSync(
    path.join(evil, 'production-export', 'data.ndjson'),
    `${JSON.stringify({
      _id: 'imp-evil',
      _type: 'category',
      image: { _sanityAsset: 'image@file://./../../../../etc/passwd' },
    })}\n`,
  )
  await tar.create({ gzip: true, file: path.join(scratch, 'evil.tar.gz'), cwd: evil }, ['production-export'])
  await importRefused(
    'a tar.gz whose asset marker points outside the export',
    path.join(scratch, 'evil.tar.gz'),
    /outside the export|does not exist/,
  )

  report('bad input', {
    cases: cases.length,
    lake: cases.filter((c) => !c.where.startsWith('import') && !/delivery|webhook/.test(c.where)).length,
    imports: cases.filter((c) => c.where.startsWith('import')).length,
    statuses: [...new Set(cases.map((c) => c.status))].sort().join(','),
    written: 0,
  })
})

test.run()
