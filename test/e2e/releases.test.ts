// Content Releases in a real browser (Debian chromium via playwright-core) against `npm start`'s
// stack: an editor builds a release in the Studio's Releases tool (an edited article, a new FAQ, a
// new care instruction), schedules it about a minute ahead, the lake child is SIGKILLed and
// restarted by its supervisor during the wait, and at the time everything goes live together in
// the delivery API, the HTML pages and the partner changes feed. "Schedule publish" on one draft
// runs alongside. Screenshots: test-artifacts/e2e/releases-*.png.
//
//   node --loader ts-node/esm test/e2e/releases.test.ts
import type { Test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Page } from 'playwright-core'
import { createPartner } from '../../delivery/syndication/admin.js'
import { type Browser, eventually, launchBrowser, reusingStack, signIn, type TourState, tourSuite } from './harness.js'
import { pickReference, waitUntilSaved } from './steps/documents.js'

tourSuite('Content Releases in the Studio (npm start stack)', 'Releases browser tests', defineBrowserTests, {
  toasts: [],
  consoleErrors: [],
  failedResponses: [],
})

const TREATMENT_ID = 'treatment-integrative-dry-needling'
const TREATMENT_SLUG = 'integrative-dry-needling'
const ARTICLE_ID = 'article-dry-needling'
const ARTICLE_SLUG = 'why-you-shouldnt-be-afraid-of-needles'
/** The seed FAQ whose draft gets "Schedule publish". */
const SINGLE_FAQ_ID = 'faq-dry-needling-sterile-needles'
/** What "within 2 s of the time" allows. */
const LIVE_WITHIN_MS = 2_000
const UNABLE = 'Unable to perform this action'

interface Probe {
  name: string
  check: () => Promise<boolean>
}

/** When each probe first passed, in ms after `at` (negative: before the time). */
type Timings = Record<string, number>

interface State extends TourState {
  browser: Browser
  partnerKey: string
  feedCursor: string
  faqQuestion: string
  careTitle: string
  excerpt: string
  singleQuestion: string
  releaseId?: string
  releaseAt?: number
  singleAt?: number
  singleWatch?: Promise<Timings>
  toasts: string[]
  consoleErrors: string[]
  failedResponses: string[]
}

function defineBrowserTests(test: Test, state: State): void {
  test.before(async () => {
    state.faqQuestion = `Can I exercise the day after dry needling (${state.runId})?`
    state.careTitle = `After dry needling: your first 48 hours (${state.runId})`
    state.excerpt = `Updated (${state.runId}): what dry needling is, who it helps, and how to care for yourself after it.`
    state.singleQuestion = `Are the needles sterile and single-use (${state.runId})?`
    // A partner licensed for the article's category, and its changes cursor before anything happens.
    const partner = await createPartner(state.client, {
      name: `Release Partner ${state.runId}`,
      allowedCategories: ['treatments'],
    })
    state.partnerKey = partner.apiKey
    const feed = await changes(state, '')
    state.feedCursor = feed.next

    state.browser = await launchBrowser({ name: 'releases' })
    const { context, page } = state.browser
    // Every toast the Studio shows, whatever the page: reported from the page as it appears.
    await context.exposeBinding('__clinicToast', (_source, text: string) => {
      if (!state.toasts.includes(text)) state.toasts.push(text)
    })
    await context.addInitScript(() => {
      const reported = new WeakMap<Element, string>()
      const report = (window as unknown as { __clinicToast: (text: string) => void }).__clinicToast
      new MutationObserver(() => {
        for (const toast of document.querySelectorAll('[data-ui="Toast"]')) {
          const text = (toast.textContent ?? '').trim()
          if (text && reported.get(toast) !== text) {
            reported.set(toast, text)
            report(text)
          }
        }
      }).observe(document, { childList: true, subtree: true, characterData: true })
    })
    page.on('console', (message) => {
      if (message.type() === 'error') state.consoleErrors.push(message.text().split('\n')[0]!.slice(0, 300))
    })
    page.on('response', (response) => {
      if (response.status() >= 400 && /\/\/(127\.0\.0\.1|localhost|[a-z0-9-]+\.localhost)[:/]/.test(response.url()))
        state.failedResponses.push(
          `${response.status()} ${response.request().method()} ${response.url().replace(/\?.*/, '')}`,
        )
    })
  })

  test.after(() => {
    console.log(`Toasts seen during the tour (${state.toasts.length}):\n  ${state.toasts.join('\n  ') || '(none)'}`)
    console.log(
      `Browser console errors (${state.consoleErrors.length}):\n  ${summarize(state.consoleErrors).join('\n  ') || '(none)'}`,
    )
    console.log(
      `Responses >= 400 from this machine (${state.failedResponses.length}):\n  ${summarize(state.failedResponses).join('\n  ') || '(none)'}`,
    )
  })

  test('the Releases tool opens and offers a new release', async () => {
    const { page, shot } = state.browser
    await signIn(page, state.start.info.signInUrl)
    await page.goto(`${state.start.info.studioUrl}/local/releases`)
    await page.getByRole('button', { name: 'New release' }).first().waitFor()
    await shot('releases-tool')
    await noUnableToast(page, 'opening the Releases tool')
  })

  test('"Schedule publish" on one draft schedules it', async () => {
    const { page, shot } = state.browser
    await page.goto(`${state.start.info.studioUrl}/local/content/faqs;all;${SINGLE_FAQ_ID}`)
    const question = page.locator('input#question')
    await question.waitFor()
    await question.fill(state.singleQuestion)
    await eventually('the draft to reach the lake', () =>
      state.client.fetch<boolean>('*[_id == $id][0].question == $q', {
        id: `drafts.${SINGLE_FAQ_ID}`,
        q: state.singleQuestion,
      }),
    )
    await waitUntilSaved(page)
    await page.locator('[data-testid="action-menu-button"]').last().click()
    await page.getByRole('menuitem', { name: 'Schedule publish' }).click()
    state.singleAt = nextMinute(45_000)
    await setScheduleDate(page, state.singleAt)
    await shot('schedule-publish-dialog')
    await page.locator('[role="dialog"] [data-testid="confirm-button"]').last().click()
    const scheduled = await eventually('a scheduled release of one document', async () => {
      const releases = await state.client.fetch<Array<{ _id: string; name: string; publishAt: string }>>(
        '*[_type == "system.release" && state == "scheduled" && metadata.cardinality == "one"]{_id, name, publishAt}',
      )
      for (const release of releases)
        if (await state.client.getDocument(`versions.${release.name}.${SINGLE_FAQ_ID}`)) return release
      return null
    })
    assert.is(Date.parse(scheduled.publishAt), state.singleAt, 'publishAt is the time chosen in the dialog')
    await shot('schedule-publish-scheduled')
    await noUnableToast(page, '"Schedule publish"')
    // Watched while the release is built: it must go live at its time, not when the test looks.
    state.singleWatch = watchLive(state.singleAt, [
      {
        name: 'API FAQs',
        check: async () =>
          (await text(state, `/api/v1/faqs?treatment=${TREATMENT_SLUG}`)).includes(state.singleQuestion),
      },
      {
        name: 'treatment page',
        check: async () => htmlIncludes(await text(state, `/treatments/${TREATMENT_SLUG}`), state.singleQuestion),
      },
    ])
    // Awaited by a later step; until then a failure must not end the process as unhandled.
    state.singleWatch.catch(() => undefined)
  })

  test('an editor creates a release in the Releases tool', async () => {
    const { page, shot } = state.browser
    await page.goto(`${state.start.info.studioUrl}/local/releases`)
    await page.getByRole('button', { name: 'New release' }).first().click()
    await page.locator('[data-testid="release-form-title"]').fill(`Dry needling update ${state.runId}`)
    await page.locator('[role="dialog"] button[aria-haspopup="true"]').first().click()
    await page.getByRole('menuitem', { name: 'At time' }).click()
    await shot('new-release-dialog')
    await page.locator('[data-testid="submit-release-button"]').click()
    await page.waitForURL(/\/local\/releases\/[A-Za-z0-9_-]+/)
    state.releaseId = new URL(page.url()).pathname.split('/').pop()
    const release = await eventually('the release document in the lake', () =>
      state.client.fetch<{ state: string; metadata: { title: string } } | null>('*[_id == $id][0]', {
        id: `_.releases.${state.releaseId}`,
      }),
    )
    assert.is(release.state, 'active')
    assert.is(release.metadata.title, `Dry needling update ${state.runId}`)
    await shot('release-created')
    await noUnableToast(page, 'creating a release')
  })

  test('a new FAQ is added to the release', async () => {
    const { page, shot } = state.browser
    const rel = releaseIdOf(state)
    await page.goto(`${state.start.info.studioUrl}/local/content/treatments?perspective=${rel}`)
    await page.locator(`a[href*=";${TREATMENT_ID}?"]`).click()
    await page.locator(`a[href*=";${TREATMENT_ID};faqs"]`).click()
    await page.locator('a[data-testid="action-intent-button"][aria-label="FAQ about this treatment"]').click()
    const question = page.locator('input#question')
    await question.waitFor()
    await question.fill(state.faqQuestion)
    await page.locator('[data-testid="field-answer"] [contenteditable="true"]').click()
    await page.keyboard.type('Yes. Gentle movement is fine the same day. Ask us before hard exercise.')
    await eventually('the FAQ version in the lake', () =>
      state.client.fetch<boolean>(
        'count(*[_id in path($versions) && _type == "faq" && question == $q && count(answer) > 0]) == 1',
        {
          versions: `versions.${rel}.**`,
          q: state.faqQuestion,
        },
      ),
    )
    await waitUntilSaved(page)
    await shot('release-faq')
  })

  test('a new care instruction is added to the release', async () => {
    const { page, shot } = state.browser
    const rel = releaseIdOf(state)
    // The "create" intent the care instruction list's "+" links to, in the release.
    await page.goto(
      `${state.start.info.studioUrl}/local/intent/create/template=careInstruction;type=careInstruction;version=${rel}/?perspective=${rel}`,
    )
    await page.locator('input#title').waitFor()
    await page.locator('input#title').fill(state.careTitle)
    await page.locator('[data-testid="field-slug"] button', { hasText: 'Generate' }).click()
    await pickReference(page, page.locator('input#treatment'), 'Dry')
    await page
      .getByLabel('After treatment')
      .check()
      .catch(() => page.locator('[data-testid="field-phase"] input[type="radio"]').nth(1).check())
    await page.locator('[data-testid="add-single-object-button"]').click()
    await page.locator('[role="dialog"] input[id$=".instruction"]').fill('Drink extra water for 24 hours')
    await page.locator('[role="dialog"] input[id$=".timing"]').fill('for 24 hours')
    await page.keyboard.press('Escape')
    await eventually('the care instruction version in the lake', () =>
      state.client.fetch<boolean>(
        'count(*[_id in path($versions) && _type == "careInstruction" && title == $title && phase == "after" && treatment._ref == $treatment && count(steps) == 1 && defined(slug.current)]) == 1',
        { versions: `versions.${rel}.**`, title: state.careTitle, treatment: TREATMENT_ID },
      ),
    )
    await waitUntilSaved(page)
    await shot('release-care-instruction')
  })

  test('the published article is added to the release and edited there', async () => {
    const { page, shot } = state.browser
    const rel = releaseIdOf(state)
    await page.goto(`${state.start.info.studioUrl}/local/content/articles;all;${ARTICLE_ID}?perspective=${rel}`)
    await page.getByRole('button', { name: 'Add to release' }).click()
    await eventually('the article version in the lake', () =>
      state.client.fetch<boolean>('defined(*[_id == $id][0])', { id: `versions.${rel}.${ARTICLE_ID}` }),
    )
    await page.locator('textarea#excerpt').fill(state.excerpt)
    await eventually('the edit to reach the article version', () =>
      state.client.fetch<boolean>('*[_id == $id][0].excerpt == $excerpt', {
        id: `versions.${rel}.${ARTICLE_ID}`,
        excerpt: state.excerpt,
      }),
    )
    await waitUntilSaved(page)
    const live = await state.client.fetch<string>('*[_id == $id][0].excerpt', { id: ARTICLE_ID })
    assert.is.not(live, state.excerpt, 'the published article is unchanged until the release publishes')
    await shot('release-article')
    await noUnableToast(page, 'editing in a release')
  })

  test('the release is scheduled about a minute ahead from the Releases tool', async () => {
    const { page, shot } = state.browser
    const rel = releaseIdOf(state)
    // The single draft goes live first (it may touch the article's feed entry: it is one of its
    // FAQs), so the feed is read from here on.
    await state.singleWatch?.catch(() => undefined)
    await new Promise((r) => setTimeout(r, 3_000))
    state.feedCursor = (await changes(state, state.feedCursor)).next
    await page.goto(`${state.start.info.studioUrl}/local/releases/${rel}`)
    await page.getByText(state.careTitle).first().waitFor()
    await page.getByText(state.faqQuestion).first().waitFor()
    await page.getByText('All documents validated').first().waitFor({ timeout: 120_000 })
    await shot('release-detail')
    await page
      .getByRole('button', { name: /^Schedule/ })
      .first()
      .click()
    state.releaseAt = nextMinute(60_000)
    await setScheduleDate(page, state.releaseAt)
    await shot('release-schedule-dialog')
    await page.locator('[role="dialog"] [data-testid="confirm-button"]').last().click()
    const release = await eventually('the release to be scheduled', () =>
      state.client.fetch<{ publishAt: string } | null>('*[_id == $id && state == "scheduled"][0]{publishAt}', {
        id: `_.releases.${rel}`,
      }),
    )
    assert.is(Date.parse(release.publishAt), state.releaseAt, 'publishAt is the time chosen in the dialog')
    await shot('release-scheduled')
    await noUnableToast(page, 'scheduling the release')
  })

  test('the lake is SIGKILLed during the wait and its supervisor restarts it', async () => {
    if (reusingStack()) return
    const at = state.releaseAt
    assert.ok(at, 'the release was scheduled')
    const { lakeHttpUrl, lakePid } = state.start.info
    const killedAt = Date.now()
    // A restart takes up to ~20 s on a loaded machine: killed later, the release would publish at
    // the restart (correct, but not the timing this tour measures).
    assert.ok(at - killedAt > 30_000, `only ${at - killedAt} ms were left before the release time to kill the lake`)
    process.kill(lakePid, 'SIGKILL')
    await eventually('the killed lake to stop answering', async () => !(await pings(lakeHttpUrl)), 10_000)
    await eventually('the supervisor to restart the lake', () => pings(lakeHttpUrl), 120_000)
    const back = Date.now()
    console.log(
      `lake SIGKILLed ${Math.round((at - killedAt) / 1000)} s before the release time; answered again after ${((back - killedAt) / 1000).toFixed(1)} s (${Math.round((at - back) / 1000)} s before the time)`,
    )
    assert.match(state.start.output(), /restart/i, 'npm start logged the restart')
  })

  test('at the time, all three are live together in the API, the pages and the partner feed', async () => {
    const at = state.releaseAt
    assert.ok(at, 'the release was scheduled')
    const timings = await watchLive(at, [
      {
        name: 'API article',
        check: async () =>
          (await text(state, `/api/v1/articles/${ARTICLE_SLUG}`)).includes(JSON.stringify(state.excerpt)),
      },
      {
        name: 'API FAQs',
        check: async () => (await text(state, `/api/v1/faqs?treatment=${TREATMENT_SLUG}`)).includes(state.faqQuestion),
      },
      {
        name: 'API care instructions',
        check: async () =>
          (await text(state, `/api/v1/treatments/${TREATMENT_SLUG}/care-instructions`)).includes(state.careTitle),
      },
      {
        name: 'article page',
        check: async () => htmlIncludes(await text(state, `/articles/${ARTICLE_SLUG}`), state.excerpt),
      },
      {
        name: 'treatment page',
        check: async () => {
          const html = await text(state, `/treatments/${TREATMENT_SLUG}`)
          return htmlIncludes(html, state.faqQuestion) && htmlIncludes(html, state.careTitle)
        },
      },
      {
        name: 'partner changes feed',
        check: async () =>
          (await changes(state, state.feedCursor)).changes.some(
            (c) => c.id === ARTICLE_ID && c.op === 'upsert' && c.article?.excerpt === state.excerpt,
          ),
      },
    ])
    console.log(`Release live after its time (ms): ${JSON.stringify(timings)}`)
    const feed = await changes(state, state.feedCursor)
    const entries = feed.changes.map((c) => `${c.seq} ${c.op} ${c.id}${c.changeSet ? ` set=${c.changeSet}` : ''}`)
    console.log(`Partner changes since the release was built: ${entries.join('; ')}`)
    // One transaction wrote all three.
    const rel = releaseIdOf(state)
    const published = await state.client.fetch<{ release: { state: string }; revs: string[] }>(
      '{"release": *[_id == $rel][0]{state}, "revs": *[_id == $article || (_type in ["faq", "careInstruction"] && (question == $q || title == $title)) && !(_id in path("drafts.**")) && !(_id in path("versions.**"))]._rev}',
      { rel: `_.releases.${rel}`, article: ARTICLE_ID, q: state.faqQuestion, title: state.careTitle },
    )
    assert.is(published.release.state, 'published')
    assert.is(published.revs.length, 3, 'the article, the FAQ and the care instruction are published')
    assert.is(new Set(published.revs).size, 1, `one transaction published all three: ${published.revs.join(', ')}`)
    const articleChanges = feed.changes.filter((c) => c.id === ARTICLE_ID)
    assert.is(articleChanges.length, 1, `the release is one change of the article in the feed: ${entries.join('; ')}`)
    for (const [name, ms] of Object.entries(timings))
      assert.ok(ms <= LIVE_WITHIN_MS, `${name} was live ${ms} ms after the time (allowed ${LIVE_WITHIN_MS} ms)`)
    const { page, shot } = state.browser
    await page.goto(`${state.start.info.deliveryUrl}/treatments/${TREATMENT_SLUG}`)
    await shot('treatment-page-after-release')
    await page.goto(`${state.start.info.studioUrl}/local/releases/${rel}`)
    await page
      .getByText(/Published/)
      .first()
      .waitFor()
    await shot('release-published')
    await noUnableToast(page, 'the published release')
  })

  test('the "Schedule publish" draft went live at its time', async () => {
    assert.ok(state.singleWatch, 'the draft was scheduled')
    const timings = await state.singleWatch
    console.log(`"Schedule publish" draft live after its time (ms): ${JSON.stringify(timings)}`)
    for (const [name, ms] of Object.entries(timings))
      assert.ok(ms <= LIVE_WITHIN_MS, `${name} was live ${ms} ms after the time (allowed ${LIVE_WITHIN_MS} ms)`)
    const published = await state.client.fetch<string | null>('*[_id == $id][0].question', { id: SINGLE_FAQ_ID })
    assert.is(published, state.singleQuestion)
  })

  test('no toast said "Unable to perform this action" anywhere in the tour', () => {
    const unable = state.toasts.filter((t) => t.includes(UNABLE))
    assert.is(unable.length, 0, `toasts: ${unable.join(' | ')}`)
  })
}

function releaseIdOf(state: State): string {
  assert.ok(state.releaseId, 'a release was created in an earlier step')
  return state.releaseId
}

/** The next whole minute at least `leadMs` from now (the Studio's date input has minutes). */
function nextMinute(leadMs: number): number {
  return Math.ceil((Date.now() + leadMs) / 60_000) * 60_000
}

/** Types `at` into the open schedule dialog's date input, in the browser's own time zone. */
async function setScheduleDate(page: Page, at: number): Promise<void> {
  const input = page.locator('[role="dialog"] [data-testid="date-input"]').last()
  await input.waitFor()
  const text = await page.evaluate((ms) => {
    const d = new Date(ms)
    const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getMonth()]
    const pad = (n: number): string => String(n).padStart(2, '0')
    return `${month} ${d.getDate()}, ${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}`
  }, at)
  await input.fill(text)
  await input.press('Enter')
  await eventually('the date to be taken', async () => (await input.inputValue()) === text, 10_000)
}

/**
 * Polls each probe on its own every 50 ms from shortly before `at` until it passes, and returns,
 * per probe, when the first passing answer arrived, in ms after `at`: an upper bound of when the
 * change was live there (the request was answered at some moment before). A passing answer that
 * arrived before `at` means the change was visible early. Gives up 90 s after `at`.
 */
async function watchLive(at: number, probes: Probe[]): Promise<Timings> {
  const timings: Timings = {}
  const early: string[] = []
  await sleepUntil(at - 3_000)
  await Promise.all(
    probes.map(async (probe) => {
      for (;;) {
        const ok = await probe.check().catch(() => false)
        const answered = Date.now()
        if (ok) {
          if (answered < at) early.push(probe.name)
          timings[probe.name] = answered - at
          return
        }
        if (answered - at > 90_000) throw new Error(`${probe.name}: not live 90 s after the time`)
        await new Promise((r) => setTimeout(r, 50))
      }
    }),
  )
  assert.is(early.length, 0, `live before the time: ${early.join(', ')}`)
  return timings
}

async function sleepUntil(time: number): Promise<void> {
  const wait = time - Date.now()
  if (wait > 0) await new Promise((r) => setTimeout(r, wait))
}

async function text(state: State, pathAndQuery: string): Promise<string> {
  const res = await fetch(`${state.start.info.deliveryUrl}${pathAndQuery}`)
  return res.ok ? res.text() : ''
}

/** Whether `html` shows `value` (the renderers escape quotes and apostrophes). */
function htmlIncludes(html: string, value: string): boolean {
  const escaped = value.replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/"/g, '&quot;')
  return html.includes(value) || html.includes(escaped)
}

interface Change {
  seq: number
  op: string
  id: string
  changeSet?: string
  article?: { excerpt?: string }
}

async function changes(state: State, since: string): Promise<{ changes: Change[]; next: string }> {
  const query = since ? `?since=${encodeURIComponent(since)}` : ''
  const res = await fetch(`${state.start.info.deliveryUrl}/syndication/v1/changes${query}`, {
    headers: { authorization: `Bearer ${state.partnerKey}` },
  })
  if (!res.ok) throw new Error(`GET /syndication/v1/changes -> ${res.status} ${await res.text()}`)
  const body = (await res.json()) as { changes: Change[]; next: string; hasMore: boolean }
  return body
}

async function pings(lakeHttpUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${lakeHttpUrl}/v1/ping`, { signal: AbortSignal.timeout(1_000) })
    return res.ok
  } catch {
    return false
  }
}

/** Fails when the page shows "Unable to perform this action" (a toast, or anywhere on it). */
async function noUnableToast(page: Page, when: string): Promise<void> {
  const shown = await page.getByText(UNABLE).count()
  assert.is(shown, 0, `"${UNABLE}" is shown after ${when}`)
}

/** Lines with their counts, most frequent first. */
function summarize(lines: string[]): string[] {
  const counts = new Map<string, number>()
  for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1)
  return [...counts].sort((a, b) => b[1] - a[1]).map(([line, n]) => `${n} x ${line}`)
}
