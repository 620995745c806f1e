// Backpressure towards the content source (delivery/cache/source-gate.ts): delivery is one caller
// of the lake for all its readers, and the lake gives one anonymous caller a small queue of slow
// queries (LAKE_QUERY_MAX_QUEUED, then 429 `tooManyQueries`). A burst of readers asking for distinct
// pages not cached yet must get every answer right, and no 5xx, from a lake started with a tiny
// per-caller queue (1) and an inline budget of 1 ms (so queries land in that queue):
// - the lake's budget really is tight: the same kind of burst sent straight to it gets 429s;
// - with a gate sized to the lake's queue, and with a gate wider than the lake's queue (only 429 retries keep the
//   answers right then), every reader gets its page or its 404.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { ClientConfig, SanityClient } from '@sanity/client'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startDeliveryServer, type DeliveryServer } from '../../delivery/http/server.js'
import { createEditor, startLake, type RunningLake } from '../../lake/index.js'
import { importNdjson } from '../../lake/io/ndjson.js'
import { queryBudgetFromEnv } from '../../lake/query/budget.js'
import { lakeClient } from '../helpers/lake.js'
import { loadSeed, SEED_PATH, slugOf } from './_seed.js'

const test = suite('delivery: backpressure towards the content source')

const EXTRA_ARTICLES = 40
const MISSING = 8

let dataDir = ''
let lake: RunningLake
let editor: SanityClient

/** A client of the lake: anonymous unless `config` carries a token. */
function anonymous(config: Partial<ClientConfig> = {}): SanityClient {
  return lakeClient(lake.httpUrl, config)
}
const servers: DeliveryServer[] = []

/** Article slug -> title, for every published article (seeded and added). */
const articles = new Map<string, string>()
const conditions = new Map<string, string>()

test.before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-'))
  lake = await startLake({
    env: false,
    dataDir,
    host: '127.0.0.1',
    httpPort: 0,
    httpsPort: -1,
    projectId: 'local',
    dataset: 'production',
    // Through the lake's own variables: one slow query per caller, 1 ms on the lake's thread, and
    // no long lane (a long-lane budget no longer than the inline one), so queries land in the queue.
    query: queryBudgetFromEnv({
      LAKE_QUERY_MAX_QUEUED: '1',
      LAKE_QUERY_INLINE_MS: '1',
      LAKE_QUERY_LONG_INLINE_MS: '1',
    }),
  })
  await importNdjson(lake.store.dataset(lake.dataset), fs.readFileSync(SEED_PATH, 'utf8'), { mode: 'replace' })
  const { token } = createEditor(lake, { name: 'Test Editor', email: 'editor-backpressure@clinic.test' })
  editor = anonymous({ token })
  const seed = loadSeed()
  const article = seed.find((doc) => doc._type === 'article')
  if (!article) throw new Error('the seed has no article to copy')
  for (const doc of seed) {
    if (doc._type === 'article') articles.set(slugOf(doc), String(doc.title))
    if (doc._type === 'condition') conditions.set(slugOf(doc), String(doc.name ?? doc.title))
  }
  const transaction = editor.transaction()
  for (let i = 0; i < EXTRA_ARTICLES; i++) {
    const slug = `backpressure-article-${i}`
    const title = `Backpressure article number ${i}`
    const { _rev: _r, _createdAt: _c, _updatedAt: _u, ...fields } = article as Record<string, unknown>
    transaction.createOrReplace({
      ...fields,
      _id: `article-backpressure-${i}`,
      _type: 'article',
      title,
      slug: { _type: 'slug', current: slug },
    })
    articles.set(slug, title)
  }
  await transaction.commit({ visibility: 'sync' })
})

test.after(async () => {
  for (const server of servers) await server.close()
  await lake?.close()
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
})

interface Expected {
  path: string
  status: 200 | 404
  /** Text the 200 answer carries (the document's own title). */
  text?: string
}

/** Distinct URLs, none cached yet in a new server: every article, every condition, some misses. */
function burstUrls(): Expected[] {
  const out: Expected[] = []
  for (const [slug, title] of articles) out.push({ path: `/api/v1/articles/${slug}`, status: 200, text: title })
  for (const [slug, name] of conditions) out.push({ path: `/api/v1/conditions/${slug}`, status: 200, text: name })
  for (let i = 0; i < MISSING; i++) out.push({ path: `/api/v1/articles/no-such-article-${i}`, status: 404 })
  return out
}

async function burst(server: DeliveryServer): Promise<void> {
  const urls = burstUrls()
  const answers = await Promise.all(
    urls.map(async (expected) => {
      const response = await fetch(server.url + expected.path)
      return { expected, status: response.status, text: await response.text() }
    }),
  )
  const failed = answers.filter((a) => a.status >= 500)
  assert.is(
    failed.length,
    0,
    `no reader gets a 5xx: ${failed.length} of ${answers.length} did, e.g. ${failed[0]?.expected.path} ${failed[0]?.status} ${failed[0]?.text.slice(0, 300)}`,
  )
  for (const { expected, status, text } of answers) {
    assert.is(status, expected.status, `${expected.path}: ${text.slice(0, 300)}`)
    if (expected.text) assert.ok(text.includes(expected.text), `${expected.path} carries "${expected.text}"`)
  }
}

test('the lake budget is tight: the same burst straight at the lake, without retries, gets 429s', async () => {
  const raw = anonymous({ maxRetries: 0 })
  const statuses = await Promise.all(
    [...articles.keys(), ...Array.from({ length: 20 }, (_, i) => `probe-miss-${i}`)].map((slug) =>
      raw
        .fetch('*[_type == "article" && slug.current == $slug][0]{title, "n": count(*[references(^._id)])}', {
          slug,
        })
        .then(
          () => 200,
          (error: { statusCode?: number }) => error.statusCode ?? 0,
        ),
    ),
  )
  assert.ok(statuses.includes(429), `some queries are refused with 429 (${[...new Set(statuses)].join(', ')})`)
  assert.ok(
    statuses.every((s) => s === 200 || s === 429),
    `only answers or 429s: ${[...new Set(statuses)].join(', ')}`,
  )
})

test('a gate sized to the lake queue: a burst of distinct uncached pages, every answer right, no 5xx', async () => {
  // As DELIVERY_SOURCE_CONCURRENCY=1 would: the gate never lets delivery overrun the lake's queue.
  const server = await startDeliveryServer({
    client: anonymous(),
    port: 0,
    listen: false,
    sourceConcurrency: 1,
    // Every query of this lake goes to a worker one at a time, so the burst's queue is long; generous
    // so that a busy test machine cannot turn this into a timing test (the default is 5 s).
    sourceQueueWaitMs: 60_000,
  })
  servers.push(server)
  await burst(server)
})

test('a gate wider than the lake queue: 429s are waited out, every answer right, no 5xx', async () => {
  const server = await startDeliveryServer({
    client: anonymous(),
    port: 0,
    listen: false,
    sourceConcurrency: 32,
    // Generous so that a busy test machine cannot turn this into a timing test (defaults 5 s, 2 s).
    sourceQueueWaitMs: 60_000,
    sourceRetryBudgetMs: 60_000,
  })
  servers.push(server)
  await burst(server)
  // Cached now: the same burst again is answered from the cache, unchanged.
  await burst(server)
})

test.run()
