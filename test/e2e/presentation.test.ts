// The Studio's Presentation tool in a real browser against `npm start`'s stack: the editor opens
// the dry-needling article beside its page, types in the title, and the page in the frame shows
// the new title within 2 s while it stays unpublished; clicking the overlay on an FAQ answer opens
// that field in the Studio's form; the Preview pane shows the draft too; and the public page and
// API (no cookie) still show the published text, without stega characters. Screenshots:
// test-artifacts/e2e/presentation-*.png.
//
//   nice node --loader ts-node/esm --no-warnings test/e2e/presentation.test.ts
import type { Test } from 'uvu'
import * as assert from 'uvu/assert'
import { type Browser, eventually, launchBrowser, type TourState, tourSuite } from './harness.js'
import { openPresentation, previewFrame, publicRead, STEGA_RUN, waitForHeading } from './steps/presentation.js'

/** The bound: the frame shows an edit this soon after the editor stops typing. */
const REFRESH_BOUND_MS = 2_000
const ARTICLE_ID = 'article-dry-needling'
const FAQ_ID = 'faq-dry-needling-sterile-needles'
/** The article carries its FAQs' questions in its body, so its FAQ documents show on this treatment's page. */
const TREATMENT_ID = 'treatment-integrative-dry-needling'

tourSuite(
  'Presentation tool: draft preview, overlays, live refresh (npm start stack)',
  'Presentation tool',
  defineBrowserTests,
)

interface State extends TourState {
  browser: Browser
  article: { _id: string; _type: string; title: string; slug: string }
  faq: { question: string; answerStart: string }
  treatment: { _id: string; _type: string; slug: string }
  draftTitle: string
}

function defineBrowserTests(test: Test, state: State): void {
  test.before(async () => {
    const article = await state.client.fetch<State['article'] | null>(
      '*[_id == $id][0]{_id, _type, title, "slug": slug.current}',
      { id: ARTICLE_ID },
    )
    if (!article) throw new Error(`The seeded lake has no ${ARTICLE_ID}: is content/production.ndjson complete?`)
    state.article = article
    const faq = await state.client.fetch<{ question: string; answer: string } | null>(
      '*[_id == $id][0]{question, "answer": pt::text(answer)}',
      { id: FAQ_ID },
    )
    if (!faq?.answer) throw new Error(`The seeded lake has no answer in ${FAQ_ID}`)
    state.faq = { question: faq.question, answerStart: faq.answer.split(/[.,]/, 1)[0]!.trim() }
    const treatment = await state.client.fetch<State['treatment'] | null>(
      '*[_id == $id][0]{_id, _type, "slug": slug.current}',
      { id: TREATMENT_ID },
    )
    if (!treatment) throw new Error(`The seeded lake has no ${TREATMENT_ID}`)
    state.treatment = treatment
    state.draftTitle = `${article.title} (draft ${state.runId})`
    state.browser = await launchBrowser({ name: 'presentation' })
  })

  test.after(async () => {
    const problems = state.browser?.problems() ?? []
    if (problems.length > 0) console.log(`Browser-side problems during the run:\n  ${problems.join('\n  ')}`)
  })

  test('Presentation opens the article beside its page, through preview mode', async () => {
    const { page, shot } = state.browser
    const { info } = state.start
    await page.goto(info.signInUrl)
    await page.waitForURL(/\/local(\/|$)/)
    await openPresentation(page, info.studioUrl, state.article, `/articles/${state.article.slug}`)
    const frame = previewFrame(page, info.deliveryUrl)
    await waitForHeading(frame, state.article.title)
    await page.locator('[data-testid="field-title"]').first().waitFor()
    await shot('opened')
  })

  test(`typing in the title shows in the frame within ${REFRESH_BOUND_MS / 1000} s, unpublished`, async () => {
    const { page, shot } = state.browser
    const { info } = state.start
    const input = page.locator('[data-testid="field-title"] input').first()
    await input.click()
    await input.press('End')
    await input.pressSequentially(` (draft ${state.runId})`, { delay: 40 })
    const typed = Date.now()
    await waitForHeading(previewFrame(page, info.deliveryUrl), state.draftTitle, 30_000)
    const elapsed = Date.now() - typed
    console.log(`the frame showed the new title ${elapsed} ms after the last keystroke`)
    await shot('draft-title-in-frame')
    assert.ok(
      elapsed <= REFRESH_BOUND_MS,
      `the frame showed the new title after ${elapsed} ms, more than ${REFRESH_BOUND_MS} ms`,
    )
    const versions = await eventually('the draft saved in the lake', async () => {
      const found = await state.client.fetch<{ published: string | null; draft: string | null }>(
        '{"published": *[_id == $id][0].title, "draft": *[_id == "drafts." + $id][0].title}',
        { id: ARTICLE_ID },
      )
      return found.draft === state.draftTitle ? found : null
    })
    assert.is(versions.published, state.article.title, 'the published article is unchanged')
  })

  test('the public page and API (no cookie) still show the published title, without stega', async () => {
    const { info } = state.start
    const pageAnswer = await publicRead(`${info.deliveryUrl}/articles/${state.article.slug}`)
    assert.is(pageAnswer.status, 200)
    assert.ok(!pageAnswer.body.includes(state.runId), 'the public page shows no draft text')
    assert.not.match(pageAnswer.body, STEGA_RUN, 'the public page has no stega characters')
    const api = await publicRead(`${info.deliveryUrl}/api/v1/articles/${state.article.slug}`)
    assert.is(api.status, 200)
    const body = JSON.parse(api.body) as { data?: { title?: string } }
    assert.is(body.data?.title, state.article.title, 'the API answers the published title')
    assert.not.match(api.body, STEGA_RUN, 'the API answer has no stega characters')
  })

  test('clicking the overlay on an FAQ answer opens that field in the form', async () => {
    const { page, shot } = state.browser
    const { info } = state.start
    await openPresentation(page, info.studioUrl, state.treatment, `/treatments/${state.treatment.slug}`)
    const answer = previewFrame(page, info.deliveryUrl)
      .locator('#page-faqs .faq', { hasText: state.faq.question })
      .getByText(state.faq.answerStart, { exact: false })
      .first()
    await answer.scrollIntoViewIfNeeded()
    await answer.hover()
    await shot('faq-answer-overlay')
    await answer.click()
    await page.waitForURL((url) => url.pathname.includes(FAQ_ID), { timeout: 30_000 })
    const field = page.locator('[data-testid="document-pane"]').last().locator('[data-testid="field-answer"]')
    await field.first().waitFor({ timeout: 30_000 })
    const url = new URL(page.url())
    assert.ok(
      decodeURIComponent(url.pathname + url.search).includes('answer'),
      `the Studio URL names the answer field: ${page.url()}`,
    )
    // The form says where the FAQ is shown (the pages listing it, from the site's route table).
    await page
      .locator('[data-testid="document-pane"]')
      .last()
      .getByText(/Used on \d+ pages?/)
      .first()
      .waitFor({ timeout: 30_000 })
    await shot('faq-answer-field-opened')
  })

  test('the Preview pane shows the draft too', async () => {
    const { page, shot } = state.browser
    const { info } = state.start
    await page.goto(`${info.studioUrl}/local/intent/edit/id=${ARTICLE_ID};type=article`)
    await page.locator('[data-testid="document-pane"]').last().waitFor()
    await page.getByRole('tab', { name: 'Preview' }).click()
    await page.locator('[data-testid="preview-draft-note"]').waitFor()
    await waitForHeading(page.frameLocator('[data-testid="preview-frame"]'), state.draftTitle, 30_000)
    await shot('preview-pane-draft')
  })
}
