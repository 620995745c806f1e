// English and Spanish in a real browser (Debian chromium via playwright-core) against `npm start`'s
// stack: the translation workflow as an editor meets it, with Sanity's document-internationalization
// plugin running offline against the local lake. Screenshots: test-artifacts/e2e/translations-*.png.
//
//   node --loader ts-node/esm --no-warnings test/e2e/translations.test.ts
//
// Across the tour the test counts console errors, responses >= 400 and requests to any host other
// than this machine; each must be 0.
import type { Page } from 'playwright-core'
import type { Test } from 'uvu'
import * as assert from 'uvu/assert'
import { eventually, openWatchedPage, signIn, type WatchedTourState, watchedTourSuite } from './harness.js'
import { pickReference, waitUntilSaved } from './steps/documents.js'

watchedTourSuite(
  'English and Spanish in the Studio (npm start stack)',
  'Translation browser tests',
  'translations',
  defineTour,
)

const ARTICLE = 'article-dry-needling'
const ARTICLE_ES = 'article-dry-needling-es'
const ARTICLE_ES_TITLE = 'Por qué no debe tener miedo a las agujas'
const FAQ_ES = 'faq-dry-needling-sterile-needles-es'
const CONDITION = 'condition-neck-pain'

interface State extends WatchedTourState {
  page: Page
}

function defineTour(test: Test, state: State): void {
  async function shot(name: string): Promise<void> {
    await state.screenshot(state.page, name)
  }

  async function openDocument(id: string, type: string): Promise<void> {
    await state.page.goto(`${state.start.info.studioUrl}/local/intent/edit/id=${id};type=${type}/`)
    await state.page.locator('[data-testid="pane-footer"]').last().waitFor()
  }

  const badge = (label: string) => state.page.locator('[data-ui="Badge"]', { hasText: label })

  test.before(async () => {
    state.page = await openWatchedPage(state.browser, state.traffic, 'editor')
    await signIn(state.page, state.start.info.signInUrl, 120_000)
  })

  test('the Spanish article awaits review: badge, Publish held back with the reason, INFLESZ', async () => {
    const { page } = state
    await openDocument(ARTICLE_ES, 'article')
    await badge('Awaiting clinical review').first().waitFor()
    const publish = page.locator('[data-testid="action-publish"]')
    await publish.waitFor()
    await eventually('Publish to be held back', () => publish.isDisabled(), 30_000)
    await publish.hover({ force: true })
    await page.getByText(/This translation awaits clinical review\. Under "Translation review"/).waitFor()
    const grade = page.locator('[data-testid="reading-grade"]').first()
    await grade.getByText(/INFLESZ \d+(\.\d)? · /).waitFor()
    const text = (await grade.textContent()) ?? ''
    assert.match(text, /INFLESZ \d+(\.\d)? · [a-záéíóú ]+ \(/i, `the INFLESZ score and its band: ${text}`)
    await shot('spanish-article-awaiting-review')
  })

  test('an English edit marks the Spanish article "may be out of date", also in Translations', async () => {
    const { page } = state
    const before = await state.client.fetch<string>('*[_id == $id][0]._updatedAt', { id: ARTICLE })
    await openDocument(ARTICLE, 'article')
    const excerpt = page.locator('textarea#excerpt')
    await excerpt.waitFor()
    await excerpt.fill(`${await excerpt.inputValue()} Updated by the translation tour.`)
    await waitUntilSaved(page)
    const publish = page.locator('[data-testid="action-publish"]')
    await eventually('the Publish button to be enabled', () => publish.isEnabled())
    await publish.click()
    await eventually('the English edit to be published', async () => {
      const doc = await state.client.fetch<{ _updatedAt: string; excerpt: string } | null>(
        '*[_id == $id][0]{_updatedAt, excerpt}',
        { id: ARTICLE },
      )
      return Boolean(doc && doc._updatedAt !== before && doc.excerpt.endsWith('translation tour.'))
    })
    await shot('english-article-published')
    await openDocument(ARTICLE_ES, 'article')
    await badge('Translation may be out of date').first().waitFor()
    await shot('spanish-article-may-be-out-of-date')
    await page.goto(`${state.start.info.studioUrl}/local/content/translations;stale-es`)
    // Only the structure is open: the title can only be the list's entry.
    await page.getByText(ARTICLE_ES_TITLE).first().waitFor()
    await shot('translations-may-be-out-of-date-list')
  })

  test("the plugin's menu creates a Spanish translation of a condition", async () => {
    const { page } = state
    await openDocument(CONDITION, 'condition')
    await page.getByRole('button', { name: 'Translations' }).click()
    await shot('translation-menu')
    const spanish = page.getByRole('button', { name: /Español/ })
    await spanish.click()
    const created = await eventually('the Spanish draft and its metadata', () =>
      state.client
        .fetch<{
          metadata: { _id: string; translations: Array<{ language: string; value: { _ref: string } }> } | null
          draft: { _id: string; language: string } | null
        } | null>(
          `{
          "metadata": *[_type == "translation.metadata" && references($id)][0]{_id, translations[]{language, value}},
          "draft": *[_type == "condition" && language == "es" && _id in path("drafts.**")][0]{_id, language}
        }`,
          { id: CONDITION },
        )
        .then((r) => (r?.metadata && r.draft ? r : null)),
    )
    const es = created.metadata?.translations.find((t) => t.language === 'es')
    assert.ok(es, 'the metadata links a Spanish version')
    assert.is(`drafts.${es.value._ref}`, created.draft?._id, 'the metadata points at the new Spanish draft')
    assert.ok(created.metadata?.translations.some((t) => t.language === 'en' && t.value._ref === CONDITION))
    await shot('spanish-condition-created')
  })

  test('recording the review on a Spanish FAQ enables Publish, and publishing strengthens the link', async () => {
    const { page } = state
    await openDocument(FAQ_ES, 'faq')
    const publish = page.locator('[data-testid="action-publish"]')
    await eventually('Publish to be held back', () => publish.isDisabled(), 30_000)
    await page.getByRole('radio', { name: 'Clinically reviewed' }).check()
    const reviewer = page.locator('[data-testid="field-translationReview"]').getByPlaceholder('Type to search').first()
    await pickReference(page, reviewer, 'kellie')
    const reviewedAt = page.locator('[data-testid="field-translationReview.reviewedAt"] input').first()
    const when = new Date(Date.now() - 3_600_000)
    const pad = (n: number) => String(n).padStart(2, '0')
    await reviewedAt.fill(
      `${when.getFullYear()}-${pad(when.getMonth() + 1)}-${pad(when.getDate())} ${pad(when.getHours())}:${pad(when.getMinutes())}`,
    )
    await reviewedAt.press('Enter')
    await waitUntilSaved(page)
    await shot('spanish-faq-reviewed')
    await eventually('Publish to be enabled', () => publish.isEnabled(), 60_000)
    await publish.click()
    const published = await eventually('the Spanish FAQ to be published', () =>
      state.client.fetch<{ _id: string; translationReview: { status: string; reviewer: { _ref: string } } } | null>(
        '*[_id == $id][0]{_id, translationReview}',
        { id: FAQ_ES },
      ),
    )
    assert.is(published.translationReview.status, 'reviewed')
    assert.is(published.translationReview.reviewer._ref, 'clinician-kelliegomia')
    const link = await eventually('the metadata reference to be strong', async () => {
      const value = await state.client.fetch<{ _weak?: boolean; _strengthenOnPublish?: unknown } | null>(
        '*[_type == "translation.metadata" && references($id)][0].translations[language == "es"][0].value',
        { id: FAQ_ES },
      )
      return value && !value._weak && !value._strengthenOnPublish ? value : null
    })
    assert.ok(link)
    await shot('spanish-faq-published')
  })

  test('the tour caused no console errors, no failed responses, no foreign requests', () => {
    const r = state.traffic.report
    assert.ok(r.requests > 0, 'the tour was watched')
    assert.is(r.consoleErrors.length, 0, `console errors:\n${r.consoleErrors.join('\n')}`)
    assert.is(r.failedResponses.length, 0, `responses >= 400:\n${r.failedResponses.join('\n')}`)
    assert.is(r.foreignRequests.length, 0, `requests to other hosts:\n${r.foreignRequests.join('\n')}`)
  })
}
