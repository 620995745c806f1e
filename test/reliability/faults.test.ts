// Faults: the content source goes away or hangs, a partner's webhook receiver hangs.
// - The local lake (a child process) is killed: cached content keeps being served marked stale
//   (`X-Cache: STALE`, `Warning: 110`), /health says degraded, uncached resources are a 503 with
//   Retry-After; the lake comes back on the same address and delivery recovers by itself (health
//   ok, fresh responses, a publish made after recovery reaches delivery).
// - A hosted API that times out (a local proxy that accepts requests and never answers): the same,
//   within the delivery client's timeout; recovery when it answers again.
// - A partner webhook receiver that never answers: publishing is not slowed, delivery and the
//   partner's changes feed still see every publish.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import { createDeliveryClient } from '../../delivery/client.js'
import { startDeliveryServer, type DeliveryServer } from '../../delivery/http/server.js'
import { Accounts } from '../../lake/auth/index.js'
import { LakeStore } from '../../lake/store/index.js'
import { bundleEntries, freshDataDir, ROOT, type Bundles } from './helpers/bundle.js'
import { spawnLake, type ChildLake } from './helpers/child-lake.js'
import { quantile, report } from './helpers/figures.js'
import { startSwitchProxy } from './helpers/switch-proxy.js'
import { lakeClient, startTestLake } from '../helpers/lake.js'
import { startPlatform, syndicatedArticleDraft } from './_platform.js'
import { sleep, waitFor } from '../helpers/wait.js'

const SEED = 'content/production.ndjson'
const ARTICLE = '/api/v1/articles/why-you-shouldnt-be-afraid-of-needles'
const PAGE = '/articles/why-you-shouldnt-be-afraid-of-needles'

const test = suite('reliability: faults')

interface Got {
  status: number
  cache: string | null
  warning: string | null
  retryAfter: string | null
  text: string
  ms: number
}

async function get(base: string, path: string): Promise<Got> {
  const started = Date.now()
  const response = await fetch(base + path)
  const text = await response.text()
  return {
    status: response.status,
    cache: response.headers.get('x-cache'),
    warning: response.headers.get('warning'),
    retryAfter: response.headers.get('retry-after'),
    text,
    ms: Date.now() - started,
  }
}

async function health(base: string): Promise<string> {
  const got = await get(base, '/health')
  return (JSON.parse(got.text) as { status: string }).status
}

/** Polls until `check` is true or the bound passes; returns how long it took (or -1). */

async function importSeed(bundles: Bundles, dataDir: string): Promise<void> {
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [bundles.paths.import, SEED], {
      cwd: ROOT,
      env: { ...process.env, LAKE_DATA_DIR: dataDir },
      stdio: 'ignore',
    })
    child.once('exit', resolve)
  })
  assert.is(code, 0, 'the seed imports')
}

test('the local lake is killed: cached content served stale, /health degraded, automatic recovery', async () => {
  const bundles = await bundleEntries()
  const dataDir = freshDataDir()
  let lake: ChildLake | null = null
  let delivery: DeliveryServer | null = null
  try {
    await importSeed(bundles, dataDir)
    const store = new LakeStore(dataDir)
    const accounts = new Accounts(store.db)
    const { token } = accounts.issueToken(
      accounts.createUser({ name: 'Faults', email: 'faults@clinic.test' }).id,
      'faults',
    )
    store.close()
    lake = await spawnLake(bundles.paths.lake, { dataDir })
    const port = lake.port
    // Short TTL: entries go stale quickly, as they do after any time without invalidation.
    delivery = await startDeliveryServer({
      client: createDeliveryClient({ kind: 'local', lakeUrl: lake.httpUrl, dataset: 'production' }),
      port: 0,
      cacheTtlSeconds: 1,
      probeTimeoutMs: 1000,
    })
    const base = delivery.url
    assert.is((await get(base, ARTICLE)).status, 200)
    assert.is((await get(base, PAGE)).status, 200)
    assert.is(await health(base), 'ok')

    await lake.kill('SIGKILL')
    lake = null
    await sleep(1200) // past the TTL
    const downStarted = Date.now()
    const stale = [await get(base, ARTICLE), await get(base, PAGE)]
    for (const got of stale) {
      assert.is(got.status, 200, `cached content is still served: ${got.text.slice(0, 200)}`)
      assert.is(got.cache, 'STALE')
      assert.match(got.warning ?? '', /^110/)
    }
    assert.match(stale[0]!.text, /afraid of needles|Afraid of Needles|needles/i)
    assert.is(await health(base), 'degraded')
    const uncached = await get(base, '/api/v1/conditions?bodyRegion=knee')
    assert.is(uncached.status, 503)
    assert.ok(uncached.retryAfter, 'a 503 says when to retry')
    const downMs = Date.now() - downStarted

    // The lake comes back on the same address: delivery notices by itself.
    lake = await spawnLake(bundles.paths.lake, { dataDir, port })
    const recoveredIn = await waitFor(async () => (await health(base)) === 'ok', 30_000)
    assert.ok(recoveredIn >= 0, '/health is ok again within 30 s of the lake restarting')
    const fresh = await get(base, ARTICLE)
    assert.is(fresh.status, 200)
    assert.is.not(fresh.cache, 'STALE')
    // A publish after recovery reaches delivery (the listener or the TTL refetch).
    const editor = lakeClient(lake.httpUrl, { token })
    await editor.patch('article-dry-needling').set({ title: 'Recovered title after the outage' }).commit()
    const shownIn = await waitFor(
      async () => (await get(base, ARTICLE)).text.includes('Recovered title after the outage'),
      30_000,
    )
    assert.ok(shownIn >= 0, 'an edit published after recovery is delivered')
    report('faults: lake killed', {
      staleServed: stale.length,
      staleMaxMs: Math.max(...stale.map((s) => s.ms)),
      downChecksMs: downMs,
      healthRecoveredMs: recoveredIn,
      publishShownMs: shownIn,
    })
  } finally {
    await delivery?.close()
    await lake?.kill('SIGKILL')
    bundles.remove()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
})

test('a hosted API that hangs: cached content served stale within the client timeout, /health degraded, recovery', async () => {
  const lake = await startTestLake({ seed: SEED })
  const proxy = await startSwitchProxy(lake.httpUrl)
  // Hosted set-up: no listener (webhooks and TTL instead); the delivery client's own timeouts.
  const delivery = await startDeliveryServer({
    client: createDeliveryClient({ kind: 'local', lakeUrl: proxy.url, dataset: 'production' }),
    port: 0,
    listen: false,
    cacheTtlSeconds: 1,
    probeTimeoutMs: 1000,
  })
  try {
    const base = delivery.url
    assert.is((await get(base, ARTICLE)).status, 200)
    proxy.mode = 'hang'
    await sleep(1200)
    const stale = await get(base, ARTICLE)
    assert.is(stale.status, 200)
    assert.is(stale.cache, 'STALE')
    assert.ok(stale.ms < 30_000, `stale served after ${stale.ms} ms`)
    assert.is(await health(base), 'degraded')
    // While the source hangs, cached content stays available to many readers at once.
    const burst = await Promise.all(Array.from({ length: 10 }, () => get(base, ARTICLE)))
    assert.ok(
      burst.every((b) => b.status === 200),
      'every reader gets the cached article',
    )
    proxy.mode = 'pass'
    const recoveredIn = await waitFor(async () => (await health(base)) === 'ok', 30_000)
    assert.ok(recoveredIn >= 0, 'health recovers by itself')
    const fresh = await get(base, ARTICLE)
    assert.is(fresh.status, 200)
    assert.is.not(fresh.cache, 'STALE')
    report('faults: hosted API hangs', {
      staleServedMs: stale.ms,
      burstP99Ms: quantile(
        burst.map((b) => b.ms),
        0.99,
      ),
      hungRequests: proxy.hung,
      healthRecoveredMs: recoveredIn,
    })
  } finally {
    await delivery.close()
    await proxy.close()
    await lake.close()
  }
})

test('a partner webhook receiver that hangs never slows publishing', async () => {
  const platform = await startPlatform({
    syndication: {
      webhooks: { enabled: true, intervalMs: 100, timeoutMs: 3000, backoff: { baseMs: 100, maxMs: 500 } },
    },
  })
  try {
    platform.receiver.hang = true
    const publishMs: number[] = []
    const PUBLISHES = 12
    for (let i = 0; i < PUBLISHES; i++) {
      const id = `article-hang-${i}`
      const started = Date.now()
      await platform.editor.action([
        {
          actionType: 'sanity.action.document.create',
          publishedId: id,
          attributes: syndicatedArticleDraft(id, {
            title: `Published while the partner hangs ${i}`,
            slug: `hang-${i}`,
            text: `Body ${i}`,
          }),
          ifExists: 'fail',
        },
        { actionType: 'sanity.action.document.publish', draftId: `drafts.${id}`, publishedId: id },
      ])
      publishMs.push(Date.now() - started)
      await sleep(150) // let the dispatcher pick the change up and hang on it
    }
    const hungCalls = await waitFor(async () => platform.receiver.calls.length > 0, 10_000)
    assert.ok(hungCalls >= 0, 'the dispatcher did call the (hanging) receiver')
    // Every publish is delivered and in the partner's changes feed, webhooks stuck or not.
    const delivered = await waitFor(async () => {
      const got = await platform.get(`${platform.delivery.url}/api/v1/articles/hang-${PUBLISHES - 1}`)
      return got.status === 200
    }, 15_000)
    assert.ok(delivered >= 0, 'the last publish is delivered')
    await platform.syndication.reconcile()
    const changes = await platform.get(`${platform.syndicationUrl}/syndication/v1/changes`, {
      authorization: `Bearer ${platform.partner.apiKey}`,
    })
    for (let i = 0; i < PUBLISHES; i++) assert.match(changes.body, new RegExp(`hang-${i}\\b`), `change for hang-${i}`)
    const p99 = quantile(publishMs, 0.99)
    // Generous bound: a publish waits for nothing the dispatcher does (its timeout is 3 s).
    assert.ok(p99 < 3000, `publishing slowed to ${p99} ms while a receiver hangs`)
    report('faults: hanging webhook receiver', {
      publishes: PUBLISHES,
      publishP50Ms: quantile(publishMs, 0.5),
      publishP99Ms: p99,
      receiverCalls: platform.receiver.calls.length,
      dispatcherTimeoutMs: 3000,
    })
  } finally {
    await platform.close()
  }
})

test.run()
