// Partners in the Studio, in a real browser against `npm start`: an editor creates a partner from
// the Partners list and publishes it; the document is at its private id (syndication.partner.<id>),
// so anonymous readers never see its contact e-mail or webhook URL, and the Studio still lists and
// edits it. Screenshots: test-artifacts/e2e/.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createClient, type SanityClient } from '@sanity/client'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  browserAvailability,
  type Browser,
  editorClient,
  eventually,
  launchBrowser,
  type RunningStart,
  reusingStack,
  startNpmStart,
} from './harness.js'

const availability = browserAvailability()
const test = suite('Studio partners at private ids (npm start stack)')

if (!availability.ok) {
  if (process.env.CI) {
    test('chromium is available for the browser tests', () => {
      assert.unreachable(availability.reason)
    })
  } else {
    console.log(`SKIPPED browser tests: ${availability.reason}`)
    test.skip(`Studio partner tests (${availability.reason})`, () => undefined)
  }
} else {
  const state = {} as { dataDir: string; start: RunningStart; browser: Browser; client: SanityClient }
  const name = `Harbor Physio ${Math.random().toString(36).slice(2, 7)}`

  test.before(async () => {
    state.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-'))
    state.start = await startNpmStart(state.dataDir)
    state.client = editorClient(state.start.info)
    state.browser = await launchBrowser()
  })

  test.after(async () => {
    await state.browser?.close().catch(() => undefined)
    if (state.start && state.start.child.exitCode === null) await state.start.interrupt().catch(() => undefined)
    if (state.dataDir && !reusingStack()) fs.rmSync(state.dataDir, { recursive: true, force: true })
  })

  test('a partner created in the Studio is private from its first draft, listed and editable', async () => {
    const { page, shot } = state.browser
    await page.goto(state.start.info.signInUrl)
    await page.waitForURL(/\/local(\/|$)/)
    await page.locator('[data-testid="pane-item-Partners"]').click()
    await shot('partners-list')
    await page.locator('a[data-testid="action-intent-button"]').first().click()
    const input = page.locator('input#name')
    await input.waitFor({ timeout: 60_000 })
    await input.fill(name)
    await page.locator('input#contactEmail').fill('contact@harbor.example')
    await shot('partner-draft')
    const draft = await eventually(
      'the draft to reach the lake',
      () =>
        state.client.fetch<string | null>(
          '*[_type == "partner" && name == $name][0]._id',
          { name },
          {
            perspective: 'raw',
          },
        ),
      60_000,
    )
    assert.match(draft, /^drafts\.syndication\.partner\./, `the draft is at a private id: ${draft}`)
    const publish = page.locator('[data-testid="action-publish"]')
    await eventually('the Publish button to be enabled', () => publish.isEnabled(), 60_000)
    await publish.click()
    const published = await eventually(
      'the partner to be published',
      () =>
        state.client.fetch<string | null>(
          '*[_type == "partner" && name == $name && !(_id in path("drafts.**"))][0]._id',
          { name },
          { perspective: 'raw' },
        ),
      120_000,
    )
    assert.match(published, /^syndication\.partner\.[A-Za-z0-9-]+$/)
    await shot('partner-published')

    const anonymous = createClient({
      projectId: state.start.info.projectId,
      dataset: state.start.info.dataset,
      apiHost: state.start.info.lakeHttpUrl,
      useProjectHostname: false,
      apiVersion: '2025-02-19',
      useCdn: false,
    })
    for (const perspective of ['published', 'raw', 'drafts'] as const) {
      const seen = JSON.stringify(await anonymous.fetch('*[_type == "partner"]', {}, { perspective }))
      assert.not.ok(seen.includes('contact@harbor.example'), `anonymous ${perspective} query sees the partner`)
    }

    // The Studio lists it and opens it for editing.
    await page.goto(`${state.start.info.studioUrl}/local/content/partners`)
    await page.getByText(name).first().click()
    await page.locator('input#name').waitFor({ timeout: 60_000 })
    assert.is(await page.locator('input#name').inputValue(), name)
    await page.locator('input#contactName').fill('Ana')
    await eventually(
      'the edit to reach the draft of the private document',
      () =>
        state.client.fetch<string | null>(
          '*[_id == $id][0].contactName',
          { id: `drafts.${published}` },
          { perspective: 'raw' },
        ),
      60_000,
    )
    await shot('partner-edited')
  })
}
test.run()
