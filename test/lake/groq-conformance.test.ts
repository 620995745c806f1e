// GROQ conformance: the lake checked against the GROQ specification, so "same as Sanity" is proven, not assumed.
// The cases (test/lake/fixtures/groq-conformance-cases.ts) each name the spec section they check
// and carry the spec's value. Every case runs three ways and each must give that value:
//   http+planner     @sanity/client against a lake on 127.0.0.1 (the planner on, as deployed)
//   http-no-planner  the same with LAKE_QUERY_PLANNER=off (plain groq-js over the view)
//   runQuery-raw     lake/query runQuery in-process for perspective 'raw'
// A case with a `perspective` (published, drafts, a release stack) runs in each mode with it, and
// groq-js's reference value comes from the view `hostedView` builds by hosted Sanity's rules.
//   http-anonymous   without a token (the planner's 'public' view), for sections whose documents
//                    all have root-path ids, where that view holds the same documents as 'raw'
// Plain groq-js over the same documents is run too: where it departs from the spec the case
// records a `deviation` (and the lake is held to groq-js's value, as the planner must be); a case
// whose groq-js value is neither the spec's nor its recorded deviation fails, so the list stays
// true when groq-js changes. Each mode must also equal groq-js's value exactly (array order
// included, where the spec leaves it open), the lake's rule for the planner.
import { isDeepStrictEqual } from 'node:util'
import type { SanityClient } from '@sanity/client'
import { evaluate, parse } from 'groq-js'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Identity } from '../../lake/auth/index.js'
import { importDocuments } from '../../lake/io/ndjson.js'
import { perspectiveDocuments, runQuery } from '../../lake/query/index.js'
import { startTestLake, type TestLake } from '../helpers/lake.js'
import type { Perspective as LakePerspective } from '../../lake/query/index.js'
import {
  SECTIONS,
  type ConformanceCase,
  type ConformanceSection,
  type Doc,
  type Mode,
  type Perspective,
} from './fixtures/groq-conformance-cases.js'

const ADMIN: Identity = {
  kind: 'user',
  user: {
    id: 'conformance',
    name: 'Conformance',
    email: 'c@example.com',
    role: 'administrator',
    createdAt: '2025-01-01T00:00:00Z',
  },
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: string }

const test = suite('lake: GROQ conformance (spec sections, planner on/off, in-process)')
let t: TestLake
const clients = new Map<string, SanityClient>()
const anonymousClients = new Map<string, SanityClient>()

test.before(async () => {
  t = await startTestLake()
  for (const s of SECTIONS) {
    await importDocuments(
      t.lake.store.dataset(s.dataset),
      s.documents.map((doc, i) => ({ line: i + 1, doc })),
    )
    clients.set(s.dataset, t.makeClient({ dataset: s.dataset, perspective: 'raw' }))
    anonymousClients.set(s.dataset, t.makeClient({ dataset: s.dataset, token: undefined }))
  }
})
test.after(async () => {
  await t.close()
})

/** JSON as the HTTP answer carries it (in-process values are compared in the same form). */
function asJson(value: unknown): unknown {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown)
}

async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: asJson(await run()) }
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) }
  }
}

/** A client of the section's dataset reading with the case's perspective (made once per pair). */
function perspectiveClient(s: ConformanceSection, perspective: Perspective): SanityClient {
  const key = `${s.dataset}\u0000${JSON.stringify(perspective)}`
  let client = clients.get(key)
  if (!client) clients.set(key, (client = t.makeClient({ dataset: s.dataset, perspective })))
  return client
}

/**
 * The documents a perspective shows, by hosted Sanity's rules, written here on their own (not the
 * lake's perspectiveDocuments) so the lake's views are checked, not copied: `published` leaves out
 * drafts and versions; a stack shows, for each published id, the first of its layers that has the
 * document (a release name: versions.<name>.<id>; drafts: drafts.<id>; published: <id>, always
 * last), renamed to the published id with `_originalId`, or nothing when that first one is a
 * version marked `_system.delete`. Other documents (release documents) are shown as they are.
 */
function hostedView(docs: readonly Doc[], perspective: Perspective): Doc[] {
  if (perspective === 'raw') return [...docs]
  const isDraft = (id: string) => id.startsWith('drafts.')
  const isVersion = (id: string) => id.startsWith('versions.')
  const publishedIdOf = (id: string) =>
    isDraft(id) ? id.slice('drafts.'.length) : isVersion(id) ? id.split('.').slice(2).join('.') : id
  if (perspective === 'published') return docs.filter((d) => !isDraft(d._id) && !isVersion(d._id))
  const layers = (perspective === 'drafts' ? ['drafts'] : perspective).filter((l) => l !== 'published')
  const byId = new Map(docs.map((d) => [d._id, d]))
  const ids = [...new Set(docs.map((d) => publishedIdOf(d._id)))]
  const shown: Doc[] = []
  for (const id of ids) {
    const chosen = layers
      .map((layer) => byId.get(layer === 'drafts' ? `drafts.${id}` : `versions.${layer}.${id}`))
      .find((doc) => doc !== undefined)
    if (!chosen) {
      const published = byId.get(id)
      if (published) shown.push(published)
    } else if (!(isVersion(chosen._id) && (chosen._system as { delete?: unknown } | undefined)?.delete === true)) {
      shown.push({ ...chosen, _id: id, _originalId: chosen._id })
    }
  }
  return shown
}

function lakePerspective(perspective: Perspective): LakePerspective {
  return Array.isArray(perspective) ? { stack: perspective } : perspective
}

async function viaHttp(
  s: ConformanceSection,
  c: ConformanceCase,
  planner: boolean,
  anonymous = false,
): Promise<Outcome> {
  const client = c.perspective
    ? perspectiveClient(s, c.perspective)
    : (anonymous ? anonymousClients : clients).get(s.dataset)
  if (!client) throw new Error(`no client for dataset ${s.dataset}`)
  // plannerEnabled() reads the variable per query, and the lake runs in this process.
  const before = process.env.LAKE_QUERY_PLANNER
  if (!planner) process.env.LAKE_QUERY_PLANNER = 'off'
  try {
    return await outcome(() => client.fetch(c.query, c.params ?? {}))
  } finally {
    if (before === undefined) delete process.env.LAKE_QUERY_PLANNER
    else process.env.LAKE_QUERY_PLANNER = before
  }
}

function viaRunQuery(s: ConformanceSection, c: ConformanceCase): Promise<Outcome> {
  const store = t.lake.store.dataset(s.dataset)
  return outcome(() =>
    runQuery({
      store,
      query: c.query,
      params: c.params,
      perspective: lakePerspective(c.perspective ?? 'raw'),
      identity: ADMIN,
      projectId: t.projectId,
    }),
  )
}

/** Plain groq-js over the same documents: only to tell spec deviations from lake bugs. */
function viaGroqJs(s: ConformanceSection, c: ConformanceCase): Promise<Outcome> {
  const store = t.lake.store.dataset(s.dataset)
  return outcome(async () => {
    const params = c.params ?? {}
    const tree = parse(c.query, { params })
    if (JSON.stringify(tree).includes('"type":"Parameter"')) throw new Error('a parameter is not provided')
    const value = await evaluate(tree, {
      dataset: c.perspective ? hostedView(s.documents, c.perspective) : perspectiveDocuments(store, 'raw', ADMIN),
      params,
      identity: ADMIN.kind === 'user' ? ADMIN.user.id : undefined,
      sanity: { projectId: t.projectId, dataset: s.dataset },
    })
    return value.get()
  })
}

/** Multiset order for `anyOrder` results. */
function sorted(value: unknown): unknown {
  if (!Array.isArray(value)) return value
  return [...value].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
}

function matches(wantError: boolean, c: ConformanceCase, expected: unknown, got: Outcome): boolean {
  if (wantError) return !got.ok
  if (!got.ok) return false
  if (expected instanceof RegExp) return typeof got.value === 'string' && expected.test(got.value)
  return c.anyOrder ? isDeepStrictEqual(sorted(got.value), sorted(expected)) : isDeepStrictEqual(got.value, expected)
}

function show(o: Outcome): string {
  return o.ok ? JSON.stringify(o.value) : `error (${o.error.split('\n')[0].slice(0, 160)})`
}

const MODES: Mode[] = ['http+planner', 'http-no-planner', 'runQuery-raw', 'http-anonymous']
const rootIdsOnly = (s: ConformanceSection): boolean => s.documents.every((d) => !d._id.includes('.'))
const knownStillFailing: string[] = []
const knownFixed: string[] = []

for (const s of SECTIONS) {
  test(`${s.section} (${s.cases.length} cases)`, async () => {
    const failures: string[] = []
    for (const c of s.cases) {
      const label = `${c.query}${c.params ? `  params ${JSON.stringify(c.params)}` : ''}`
      const spec = c.error ? 'an error' : c.expect instanceof RegExp ? String(c.expect) : JSON.stringify(c.expect)
      // With a deviation the lake is held to groq-js: its value, or its error.
      const expected = c.deviation ? c.deviation.groqJs : c.expect
      const wantError = c.deviation ? c.deviation.groqJsError === true : c.error === true
      const groqJsSays = c.deviation?.groqJsError ? 'an error' : JSON.stringify(expected)

      const reference = await viaGroqJs(s, c)
      if (!matches(wantError, c, expected, reference)) {
        failures.push(
          c.deviation
            ? `${label}\n    groq-js no longer gives the recorded deviation ${groqJsSays} (spec: ${spec}) but ${show(reference)}: update the case`
            : `${label}\n    groq-js gives ${show(reference)}, the spec ${spec}: a deviation to record (with a note), or a wrong case`,
        )
        continue
      }
      const outcomes: Partial<Record<Mode, Outcome>> = {
        'http+planner': await viaHttp(s, c, true),
        'http-no-planner': await viaHttp(s, c, false),
        'runQuery-raw': await viaRunQuery(s, c),
      }
      if (rootIdsOnly(s)) outcomes['http-anonymous'] = await viaHttp(s, c, true, true)
      for (const mode of MODES) {
        const got = outcomes[mode]
        if (!got) continue
        // The spec's value and, beyond it, exactly groq-js's (order of `anyOrder` results too).
        const ok =
          matches(wantError, c, expected, got) &&
          (wantError || (got.ok && reference.ok && isDeepStrictEqual(got.value, reference.value)))
        const known = c.known?.modes.includes(mode)
        if (known)
          (ok ? knownFixed : knownStillFailing).push(
            `${s.section} | ${mode} | ${label}: ${ok ? 'now right' : show(got)} (${c.known?.reason})`,
          )
        else if (!ok)
          failures.push(
            `${label}\n    ${mode} gives ${show(got)}, expected ${c.deviation ? `groq-js's ${groqJsSays} (spec: ${spec})` : spec}, exactly as plain groq-js: ${show(reference)}`,
          )
      }
    }
    assert.ok(failures.length === 0, `${failures.length} case(s) of ${s.section} fail:\n  ${failures.join('\n  ')}`)
  })
}

test('every case names what it checks; known lake bugs are reported', () => {
  const total = SECTIONS.reduce((n, s) => n + s.cases.length, 0)
  assert.ok(total >= 100, `only ${total} cases`)
  for (const s of SECTIONS) {
    assert.match(s.section, /^§ /)
    for (const c of s.cases) {
      assert.ok(c.error || 'expect' in c, `${s.section}: ${c.query} has no expected value`)
      if (c.deviation) assert.ok(c.deviation.note.length > 10, `${c.query}: a deviation needs a note`)
    }
  }
  if (knownStillFailing.length)
    console.log(`known lake bugs (not failing this test):\n  ${knownStillFailing.join('\n  ')}`)
  // A fixed bug: its `known` mark is to be removed so the case guards the fix.
  assert.equal(knownFixed, [], 'known bugs that no longer reproduce: remove their `known` mark')
})

test.run()
