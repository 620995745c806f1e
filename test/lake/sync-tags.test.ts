/**
 * Differential test of the sync tag rule (lake/query/sync-tags.ts, docs/lake.md "Sync tags and
 * live events"): never too narrow. A generated dataset takes random transactions (edits, type and
 * slug changes, references, drafts created, published and discarded, release versions, new and
 * deleted documents); before and after each, every query (the delivery queries of
 * delivery/queries.ts and generated ones) is answered in several perspectives by the lake's query
 * runner, as the HTTP route answers it. Whenever a query's result changed, one of the tags it was
 * answered with must be in the transaction's live event for that caller (or the event is a
 * `restart`). It also reports how often tags were coarse (the dataset tag alone) and how often an
 * event invalidated a result that had not changed.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Identity } from '../../lake/auth/index.js'
import { LakeError } from '../../lake/errors.js'
import { importDocuments } from '../../lake/io/ndjson.js'
import { liveLogOf, type LiveAudience, type LiveEntry } from '../../lake/listen/live.js'
import { queryBudgetFromEnv } from '../../lake/query/budget.js'
import { type Perspective, QueryRunner } from '../../lake/query/index.js'
import { DATASET_KEY, syncTag } from '../../lake/query/sync-tags.js'
import { type DatasetStore, type LakeDocument, LakeStore } from '../../lake/store/index.js'
import { generateDataset } from '../../scripts/bench/dataset.js'
import { deliveryQueries, pickParams } from '../../scripts/bench/queries.js'
import { createRandom, type Random } from '../../scripts/bench/random.js'
import { queryParams } from '../helpers/groq-params.js'
import { ADMIN, ANONYMOUS } from './fixtures/identities.js'

interface Mode {
  name: string
  perspective: Perspective
  identity: Identity
  audience: LiveAudience
  plannerOff?: boolean
}

const MODES: Mode[] = [
  { name: 'anonymous published', perspective: 'published', identity: ANONYMOUS, audience: 'public' },
  { name: 'published (token)', perspective: 'published', identity: ADMIN, audience: 'published' },
  { name: 'drafts', perspective: 'drafts', identity: ADMIN, audience: 'all' },
  { name: 'raw', perspective: 'raw', identity: ADMIN, audience: 'all' },
  {
    name: 'published, planner off',
    perspective: 'published',
    identity: ADMIN,
    audience: 'published',
    plannerOff: true,
  },
  { name: 'release stack', perspective: { stack: ['r1', 'drafts'] }, identity: ADMIN, audience: 'all' },
]

const TYPES = ['article', 'condition', 'treatment', 'faq', 'category', 'clinician', 'careInstruction', 'other']

interface Query {
  name: string
  query: string
  params: Record<string, unknown>
}

const published = (docs: readonly LakeDocument[]) =>
  docs.filter((d) => !d._id.startsWith('drafts.') && !d._id.startsWith('versions.'))
const slugOf = (d: LakeDocument): string | undefined => {
  const s = (d.slug as { current?: unknown } | undefined)?.current
  return typeof s === 'string' ? s : undefined
}

/** Generated queries over the restrictions the tag rule knows, and the ones it does not. */
function randomQueries(random: Random, docs: readonly LakeDocument[], count: number): Query[] {
  const ids = [...published(docs).map((d) => d._id), 'missing-id']
  const slugs = [...docs.map(slugOf).filter((s): s is string => s !== undefined), 'new-slug-1', 'new-slug-2']
  const out: Query[] = []
  for (let q = 0; q < count; q++) {
    const { params, param } = queryParams()
    const atom = (depth: number): string => {
      switch (random.int(0, 19)) {
        case 0:
          return `_type == ${param(random.pick(TYPES))}`
        case 1:
          return `_type in ${param(random.sample(TYPES, random.int(1, 3)))}`
        case 2:
          return `_id == ${param(random.pick(ids))}`
        case 3:
          return `_id in ${param(random.sample(ids, 3))}`
        case 4:
          return `slug.current == ${param(random.pick(slugs))}`
        case 5:
          return `slug.current in ${param(random.sample(slugs, 2))}`
        case 6:
          return `references(${param(random.pick(ids))})`
        case 7:
          return `author._ref == ${param(random.pick(ids))}`
        case 8:
          return 'defined(title)'
        case 9:
          return `author->slug.current == ${param(random.pick(slugs))}`
        case 10:
          return `${param(random.pick(slugs))} in categories[]->slug.current`
        case 11:
          return `(${param(random.pick([null, 'x']))} == null || _type == "faq")`
        case 12:
          return depth < 2 ? `(${filter(depth + 1)} || ${filter(depth + 1)})` : '_type == "article"'
        case 13:
          return `title match ${param(random.pick(['synthetic', 'edited', 'knee*']))}`
        case 14:
          return `count(categories) > ${random.int(0, 1)}`
        case 15:
          return `_id in path("drafts.**")`
        case 16:
          return `slug.current in ${param([42, random.pick(slugs)])}`
        case 17:
          return `defined(publishedAt)`
        case 18:
          return `!(_type == ${param(random.pick(TYPES))})`
        default:
          return `_type == ${param(random.pick(TYPES))} && defined(slug.current)`
      }
    }
    const filter = (depth = 0): string => {
      const parts = Array.from({ length: random.int(1, 3) }, () => atom(depth))
      return parts.join(random.chance(0.8) ? ' && ' : ' || ')
    }
    const f = filter()
    const query = random.pick([
      `*[${f}] | order(_id asc)[0...8]{_id, _type, title, "s": slug.current}`,
      `*[${f}] | order(_id asc)[0...6]{_id, "a": author->{_id, name, "s": slug.current}, "c": categories[]->_id}`,
      `*[${f}] | order(title asc, _id asc)[0...4]._id`,
      `*[${f}] | order(_updatedAt desc)[${random.int(0, 3)}]._id`,
      `count(*[${f}])`,
      `*[${f}] | order(_id asc)[0...4]{_id, "refs": *[references(^._id)] | order(_id asc)._id}`,
      `*[${f}] | order(_id asc)[0...4]{_id, "same": *[_type == ^._type && slug.current == ^.slug.current]._id}`,
      `*[${f}] | order(_id asc)[0...4]{_id, "cats": *[_id in ^.categories[]._ref] | order(_id asc)._id}`,
      `*[${f}] | order(_id asc)[0...4]{_id, "n": count(*[_type == "article" && references(^._id)])}`,
      `{"a": count(*[${f}]), "b": *[${f}] | order(_id desc)[0]._id}`,
      `*[${f}][0]{..., "author": author->}`,
      `*[_id == ${param(random.pick(ids))}][0]{_id, title, "c": categories[]->{_id, title, "s": slug.current}}`,
      `*[slug.current == ${param(random.pick(slugs))}]{_id, _type}`,
      // Reads every document without a `*`.
      `releases::all() | order(_id asc){_id, title}`,
    ])
    out.push({ name: `random ${q}`, query, params })
  }
  return out
}

/** A random transaction of 1-3 operations on the current documents. */
function randomTransaction(random: Random, store: DatasetStore, round: number): unknown[] {
  const docs = store.documents()
  const pub = published(docs)
  const drafts = docs.filter((d) => d._id.startsWith('drafts.'))
  const slugs = [...docs.map(slugOf).filter((s): s is string => s !== undefined), 'new-slug-1', 'new-slug-2']
  const ref = (): Record<string, unknown> => ({
    _type: 'reference',
    _key: `k${random.int(0, 1e6)}`,
    _ref: random.chance(0.9) ? random.pick(pub)._id : 'missing-id',
    _weak: true,
  })
  const mutations: unknown[] = []
  for (let i = random.int(1, 3); i > 0; i--) {
    const d = random.pick(docs)
    switch (random.int(0, 13)) {
      case 0:
        mutations.push({ patch: { id: d._id, set: { title: `Edited ${round}` } } })
        break
      case 1:
        mutations.push({ patch: { id: d._id, set: { slug: { _type: 'slug', current: random.pick(slugs) } } } })
        break
      case 2:
        mutations.push({ createOrReplace: { ...d, _type: random.pick(TYPES) } })
        break
      case 3:
        mutations.push({ patch: { id: d._id, set: { categories: [ref(), ref()], author: ref() } } })
        break
      case 4: {
        const type = random.pick(TYPES)
        mutations.push({
          create: {
            _id: `new-${round}-${i}`,
            _type: type,
            title: `New ${round}`,
            name: `New ${round}`,
            slug: { _type: 'slug', current: random.pick(slugs) },
            publishedAt: '2024-01-01T00:00:00.000Z',
            categories: [ref()],
            author: ref(),
          },
        })
        break
      }
      case 5: {
        const p = random.pick(pub)
        mutations.push({
          createOrReplace: {
            ...p,
            _id: `drafts.${p._id}`,
            title: `Draft ${round}`,
            _type: random.chance(0.3) ? random.pick(TYPES) : p._type,
          },
        })
        break
      }
      case 6:
        if (drafts.length) {
          const dr = random.pick(drafts)
          mutations.push({ createOrReplace: { ...dr, _id: dr._id.slice(7) } }, { delete: { id: dr._id } })
        }
        break
      case 7:
        if (drafts.length) mutations.push({ delete: { id: random.pick(drafts)._id } })
        break
      case 8:
        mutations.push({ delete: { id: d._id } })
        break
      case 9: {
        const p = random.pick(pub)
        mutations.push({ createOrReplace: { ...p, _id: `versions.r1.${p._id}`, title: `Release ${round}` } })
        break
      }
      case 10: {
        // Unpublish: the published document goes, its draft stays.
        const p = random.pick(pub)
        mutations.push({ createIfNotExists: { ...p, _id: `drafts.${p._id}` } }, { delete: { id: p._id } })
        break
      }
      case 11:
        mutations.push({ patch: { id: d._id, unset: ['slug', 'categories'] } })
        break
      case 12:
        mutations.push({
          createOrReplace: { _id: '_.releases.r1', _type: 'system.release', title: `Release ${round}` },
        })
        break
      default:
        mutations.push({ patch: { id: d._id, set: { publishedAt: random.pick([null, '2025-01-01T00:00:00.000Z']) } } })
    }
  }
  return mutations
}

interface Answer {
  result: string
  tags: string[]
}

const test = suite('sync tags: never too narrow')
const dirs: string[] = []
const lakes: LakeStore[] = []
const runner = new QueryRunner(queryBudgetFromEnv({}))
test.after(async () => {
  await runner.close()
  for (const lake of lakes) lake.close()
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
})

async function answer(store: DatasetStore, mode: Mode, q: Query): Promise<Answer> {
  const before = process.env.LAKE_QUERY_PLANNER
  if (mode.plannerOff) process.env.LAKE_QUERY_PLANNER = 'off'
  try {
    const { json, syncTags } = await runner.answer({
      store,
      query: q.query,
      params: q.params,
      perspective: mode.perspective,
      identity: mode.identity,
      projectId: 'p',
    })
    return { result: json, tags: syncTags }
  } catch (err) {
    // A failing query is a result too (it may start or stop failing); it reads everything.
    return {
      result: `error: ${err instanceof LakeError ? err.type : String(err)}`,
      tags: [syncTag(store.name, DATASET_KEY)],
    }
  } finally {
    if (mode.plannerOff) {
      if (before === undefined) delete process.env.LAKE_QUERY_PLANNER
      else process.env.LAKE_QUERY_PLANNER = before
    }
  }
}

test('whenever a result changes, one of its tags is in the change event', async () => {
  const seeds = (process.env.SYNC_TAGS_SEEDS ?? 'tags-a,tags-b').split(',')
  const rounds = Number(process.env.SYNC_TAGS_ROUNDS ?? 40)
  const stats = {
    checks: 0,
    changed: 0,
    restarts: 0,
    coarseAnswers: 0,
    answers: 0,
    needless: 0,
    unchanged: 0,
    deliveryAnswers: 0,
    deliveryCoarse: 0,
    byMode: new Map<string, { answers: number; coarse: number; changed: number; needless: number }>(),
  }
  const materializeMin = process.env.LAKE_PLANNER_MATERIALIZE_MIN
  for (const [si, seed] of seeds.entries()) {
    // Every other dataset with the planner materializing filters from their first use (they are
    // kept across transactions: their upkeep must not hide a change either).
    if (si % 2 === 1) process.env.LAKE_PLANNER_MATERIALIZE_MIN = '0'
    else if (materializeMin === undefined) delete process.env.LAKE_PLANNER_MATERIALIZE_MIN
    else process.env.LAKE_PLANNER_MATERIALIZE_MIN = materializeMin
    const store = await storeWith([...generateDataset({ size: 120, seed })])
    const random = createRandom(seed)
    const docs = store.documents()
    const delivery = (await deliveryQueries(pickParams(docs))).queries.map((q) => ({
      name: q.name,
      query: q.query,
      params: q.params,
    }))
    const queries = [...delivery, ...randomQueries(random.fork('queries'), docs, 90)]
    const log = liveLogOf(store)
    let last: LiveEntry | undefined
    log.subscribe((entry) => {
      last = entry
    })
    const datasetTag = syncTag(store.name, DATASET_KEY)

    const answers = new Map<string, Answer>()
    const keyOf = (m: Mode, q: Query) => `${m.name}\u0000${q.name}`
    const answerAll = async (): Promise<void> => {
      for (const mode of MODES) {
        // The plain groq-js paths are slow: the delivery queries and a third of the rest.
        const qs =
          mode.plannerOff || typeof mode.perspective !== 'string' ? queries.slice(0, delivery.length + 30) : queries
        for (const q of qs) {
          const a = await answer(store, mode, q)
          answers.set(keyOf(mode, q), a)
          const m = stats.byMode.get(mode.name) ?? { answers: 0, coarse: 0, changed: 0, needless: 0 }
          stats.byMode.set(mode.name, m)
          m.answers++
          stats.answers++
          const coarse = a.tags.length === 1 && a.tags[0] === datasetTag
          if (coarse) {
            m.coarse++
            stats.coarseAnswers++
          }
          // The delivery queries in the perspectives the site reads (published, by the planner).
          if (!q.name.startsWith('random') && mode.perspective === 'published' && !mode.plannerOff) {
            stats.deliveryAnswers++
            if (coarse) stats.deliveryCoarse++
          }
        }
      }
    }
    await answerAll()
    const mutations = random.fork('mutations')
    for (let round = 0; round < rounds; round++) {
      const previous = new Map(answers)
      last = undefined
      try {
        const result = await store.commit(randomTransaction(mutations, store, round), {
          autoGenerateArrayKeys: true,
        })
        if (!result.transaction) continue
      } catch (err) {
        if (err instanceof LakeError) continue // refused (e.g. a create of an existing id): nothing changed
        throw err
      }
      const entry = last as LiveEntry | undefined
      assert.ok(entry, 'the commit produced a live log entry')
      await answerAll()
      for (const [key, before] of previous) {
        const [modeName, queryName] = key.split('\u0000') as [string, string]
        const mode = MODES.find((m) => m.name === modeName) as Mode
        const after = answers.get(key) as Answer
        const outcome = (entry as LiveEntry).outcome[mode.audience]
        stats.checks++
        const m = stats.byMode.get(modeName) as { changed: number; needless: number }
        const invalidated =
          outcome === 'restart' || (outcome !== null && before.tags.some((t) => (outcome as string[]).includes(t)))
        if (outcome === 'restart') stats.restarts++
        if (before.result !== after.result) {
          stats.changed++
          m.changed++
          if (!invalidated) {
            const q = queries.find((x) => x.name === queryName) as Query
            assert.unreachable(
              `seed ${seed}, round ${round}, ${modeName}: the result of "${queryName}" changed but no tag of it was in the event\n` +
                `query: ${q.query}\nparams: ${JSON.stringify(q.params)}\ntags: ${JSON.stringify(before.tags)}\n` +
                `event: ${JSON.stringify(outcome)}\nbefore: ${before.result.slice(0, 400)}\nafter: ${after.result.slice(0, 400)}`,
            )
          }
        } else {
          stats.unchanged++
          if (invalidated) {
            stats.needless++
            m.needless++
          }
        }
      }
    }
  }
  if (materializeMin === undefined) delete process.env.LAKE_PLANNER_MATERIALIZE_MIN
  else process.env.LAKE_PLANNER_MATERIALIZE_MIN = materializeMin
  const pct = (a: number, b: number) => `${b ? ((100 * a) / b).toFixed(1) : '0.0'}%`
  console.log(
    `\n  sync tags: ${stats.checks} checks, ${stats.changed} changed results, all invalidated; ` +
      `coarse (dataset tag) answers ${pct(stats.coarseAnswers, stats.answers)} ` +
      `(delivery queries, published: ${pct(stats.deliveryCoarse, stats.deliveryAnswers)}); ` +
      `unchanged results invalidated anyway ${pct(stats.needless, stats.unchanged)}; restarts ${stats.restarts}`,
  )
  for (const [name, m] of stats.byMode) {
    console.log(
      `    ${name.padEnd(24)} coarse ${pct(m.coarse, m.answers).padStart(6)}, changed ${String(m.changed).padStart(5)}, needless invalidations ${m.needless}`,
    )
  }
  assert.ok(stats.changed > 100, `the transactions changed results (${stats.changed})`)
  // The delivery queries are narrowed (a rare fallback to a query worker under load may be coarse).
  assert.ok(
    stats.deliveryCoarse <= stats.deliveryAnswers * 0.1,
    `delivery queries coarse ${stats.deliveryCoarse} of ${stats.deliveryAnswers}`,
  )
})

/** A fresh lake's production dataset holding `docs` (the lake is closed and removed after the suite). */
async function storeWith(docs: Record<string, unknown>[]): Promise<DatasetStore> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-'))
  dirs.push(dir)
  const lake = new LakeStore(dir)
  lakes.push(lake)
  const store = lake.dataset('production')
  await importDocuments(
    store,
    docs.map((doc, i) => ({ line: i + 1, doc })),
  )
  return store
}

/** A store with a few documents, its live log, and a way to run one transaction and see its event. */
async function smallStore(docs: Record<string, unknown>[]) {
  const store = await storeWith(docs)
  const log = liveLogOf(store)
  let last: LiveEntry | undefined
  log.subscribe((e) => {
    last = e
  })
  return {
    store,
    async commit(mutations: unknown[]): Promise<LiveEntry> {
      last = undefined
      await store.commit(mutations)
      assert.ok(last, 'an event')
      return last as LiveEntry
    },
    tags: (mode: Mode, query: string, params: Record<string, unknown> = {}) =>
      answer(store, mode, { name: query, query, params }),
  }
}

const [PUBLIC, , DRAFTS] = MODES as [Mode, Mode, Mode]
const hit = (tags: string[], outcome: LiveEntry['outcome'][LiveAudience]) =>
  outcome === 'restart' || (outcome !== null && tags.some((t) => outcome.includes(t)))

test('discarding a draft of another type brings the published document back into a drafts view', async () => {
  const s = await smallStore([
    { _id: 'x', _type: 'page', title: 'Published page' },
    { _id: 'drafts.x', _type: 'post', title: 'Draft post' },
  ])
  const pages = await s.tags(DRAFTS, '*[_type == "page"]{_id, title}')
  assert.is(pages.result, '[]')
  const entry = await s.commit([{ delete: { id: 'drafts.x' } }])
  assert.is((await s.tags(DRAFTS, '*[_type == "page"]{_id, title}')).result, '[{"_id":"x","title":"Published page"}]')
  assert.ok(hit(pages.tags, entry.outcome.all), 'the published document is the change too')
  // Published readers never saw the draft: nothing for them.
  assert.is(entry.outcome.public, null)
})

test('a list keyed by the enclosing document is not invalidated by unrelated references', async () => {
  const s = await smallStore([
    { _id: 'c1', _type: 'condition', slug: { current: 'c-one' } },
    { _id: 'c2', _type: 'condition', slug: { current: 'c-two' } },
    { _id: 'a1', _type: 'article', conditions: [{ _ref: 'c1', _key: 'k' }] },
  ])
  const query =
    '*[_type == "condition" && slug.current == $s][0]{_id, "articles": *[_type == "article" && references(^._id)]._id}'
  const page = await s.tags(PUBLIC, query, { s: 'c-one' })
  const other = await s.tags(PUBLIC, query, { s: 'c-two' })
  const entry = await s.commit([{ create: { _id: 'a2', _type: 'article', conditions: [{ _ref: 'c1', _key: 'k' }] } }])
  assert.ok(hit(page.tags, entry.outcome.public), "the page of the article's condition")
  assert.not.ok(hit(other.tags, entry.outcome.public), 'not the page of another condition')
})

test.run()
