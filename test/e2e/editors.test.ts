// Two editors at once in a real browser (Debian chromium via playwright-core, two browser contexts)
// against `npm start`'s stack: what the lake must do for a team, as an editor meets it. Screenshots
// of every step: test-artifacts/e2e/editors-*.png.
//
//   node --loader ts-node/esm --no-warnings test/e2e/editors.test.ts
//
// Across the whole tour the test counts console errors, responses >= 400 (other than the refusals
// a step provokes on purpose) and requests to any host other than this machine; each must be 0.
import type { Page } from 'playwright-core'
import type { Test } from 'uvu'
import * as assert from 'uvu/assert'
import { Accounts } from '../../lake/auth/index.js'
import { LakeStore } from '../../lake/store/index.js'
import {
  editorClient,
  eventually,
  openWatchedPage,
  signIn,
  type WatchedTourState,
  watchedTourSuite,
} from './harness.js'
import { waitUntilSaved } from './steps/documents.js'
import {
  addonClient,
  assignedTask,
  commentOfRun,
  commentOnField,
  completeTask,
  createTask,
  openComments,
  openDocument,
  openTasks,
  resolveThread,
  waitForAddonStatus,
  waitForGroupMember,
} from './steps/comments.js'

watchedTourSuite('Two editors in the Studio (npm start stack)', 'Two-editor browser tests', 'editors', defineTour)

interface Editor {
  id: string
  name: string
  email: string
  token: string
  page: Page
}

interface State extends WatchedTourState {
  ana: Editor
  ben: Editor
}

const SECOND_EDITOR = { name: 'Ben Second', email: 'ben.second@clinic.localhost' }

/** A second local editor account (and a token for it) in the data dir of the running lake. */
function secondEditor(dataDir: string): { id: string; name: string; email: string; token: string } {
  const store = new LakeStore(dataDir)
  try {
    const accounts = new Accounts(store.db)
    const user = accounts.findByEmail(SECOND_EDITOR.email) ?? accounts.createUser(SECOND_EDITOR)
    const { token } = accounts.issueToken(user.id, 'two-editor browser test')
    return { ...SECOND_EDITOR, id: user.id, token }
  } finally {
    store.close()
  }
}

function defineTour(test: Test, state: State): void {
  async function shot(editor: Editor, name: string): Promise<void> {
    await state.screenshot(editor.page, `${editor === state.ana ? 'ana' : 'ben'}-${name}`)
  }

  async function openEditor(name: string, email: string, token: string, label: string): Promise<Editor> {
    const me = await editorClient({ ...state.start.info, editor: { name, email, token } }).request<{ id: string }>({
      uri: '/users/me',
    })
    const page = await openWatchedPage(state.browser, state.traffic, label)
    await signIn(page, `${state.start.info.studioUrl}/sign-in#token=${encodeURIComponent(token)}`, 120_000)
    return { id: me.id, name, email, token, page }
  }

  test.before(async () => {
    const first = state.start.info.editor
    const second = secondEditor(state.start.info.dataDir)
    state.ana = await openEditor(first.name, first.email, first.token, 'editor 1')
    state.ben = await openEditor(second.name, second.email, second.token, 'editor 2')
  })

  test('both editors are signed in, each as themselves', async () => {
    for (const editor of [state.ana, state.ben]) {
      const me = await editor.page.evaluate(async () => {
        const key = Object.keys(localStorage).find((k) => k.startsWith('__studio_auth_token_'))
        return key ? (JSON.parse(localStorage.getItem(key) ?? '{}') as { token?: string }).token : undefined
      })
      assert.is(me, editor.token, `${editor.name} is signed in with their own token`)
      await shot(editor, 'signed-in')
    }
  })

  test('a new, never-published draft is deleted (version.discard) without an error', async () => {
    const { page } = state.ana
    const question = `Is a new draft easy to throw away (${state.runId})?`
    await page.goto(`${state.start.info.studioUrl}/local/intent/create/template=faq;type=faq/`)
    const input = page.locator('input#question')
    await input.waitFor()
    await input.fill(question)
    const draftId = await eventually('the new draft to reach the lake', () =>
      state.client.fetch<string | null>('*[_type == "faq" && question == $q][0]._id', { q: question }),
    )
    assert.match(draftId, /^drafts\./, 'only a draft exists')
    await waitUntilSaved(page)
    await shot(state.ana, 'new-draft')
    await page.locator('[data-testid="action-menu-button"]').last().click()
    await page.getByRole('menuitem', { name: /^Delete/ }).click()
    const dialog = page.getByRole('dialog').filter({ hasText: 'Delete document?' })
    await dialog.waitFor()
    await shot(state.ana, 'discard-dialog')
    await dialog.getByRole('button', { name: /^Delete all versions$/ }).click()
    await eventually(
      'the draft to be gone from the lake',
      async () =>
        (await state.client.fetch<number>('count(*[_id == $id])', { id: draftId }, { perspective: 'raw' })) === 0,
    )
    await dialog.waitFor({ state: 'detached' })
    assert.is(await page.getByText(/references|could not|failed/i).count(), 0, 'no error toast')
    await shot(state.ana, 'draft-discarded')
  })

  test('deleting a condition other documents refer to is refused, naming the referrers', async () => {
    const { page } = state.ana
    const target = await state.client.fetch<{ _id: string; name: string; referrers: string[] } | null>(
      `*[_type == "condition" && !(_id in path("drafts.**"))]{_id, name,
        "referrers": *[references(^._id) && !(_id in path("drafts.**"))]._id}
       | order(count(referrers) desc)[0]`,
    )
    assert.ok(target && target.referrers.length > 0, 'the seed has a condition that documents refer to')
    const referrerTitles = await state.client.fetch<string[]>(
      '*[_id in $ids]{"t": coalesce(title, name, question)}.t',
      {
        ids: target.referrers,
      },
    )
    await page.goto(`${state.start.info.studioUrl}/local/content/conditions;all;${target._id}`)
    await page.locator('input#name').waitFor()
    await page.locator('[data-testid="action-menu-button"]').last().click()
    await page.getByRole('menuitem', { name: /^Delete/ }).click()
    const dialog = page.getByRole('dialog').filter({ hasText: 'Delete document?' })
    await dialog
      .getByText(/\d+ documents? refers? to/)
      .first()
      .waitFor()
    // The dialog lists who refers to it, by title.
    await dialog
      .getByText(referrerTitles[0] ?? '', { exact: false })
      .first()
      .waitFor()
    await shot(state.ana, 'referenced-delete-dialog')
    // "Delete anyway": the lake refuses as hosted Sanity does (409, the referencing ids).
    state.traffic.expect({
      what: 'delete of a referenced condition',
      status: 409,
      method: 'POST',
      url: /\/data\/(actions|mutate)\//,
    })
    await dialog.getByRole('button', { name: /anyway/ }).click()
    const toast = page.locator('[data-ui="Toast"]').filter({ hasText: /refer|referenc/i })
    await toast.first().waitFor()
    await shot(state.ana, 'referenced-delete-refused')
    assert.ok((state.traffic.report.refusals['delete of a referenced condition'] ?? 0) >= 1, 'the lake answered 409')
    const still = await state.client.fetch<number>('count(*[_id == $id])', { id: target._id })
    assert.is(still, 1, 'the condition is still published')
    // Chromium logs the refused request to the console a moment after the response arrives.
    await page.waitForTimeout(1000)
    state.traffic.settle('delete of a referenced condition')
  })

  test("both editors see each other's avatar on the same document", async () => {
    const docId = await state.client.fetch<string>(
      '*[_type == "condition" && !(_id in path("drafts.**"))] | order(name desc)[0]._id',
    )
    const url = `${state.start.info.studioUrl}/local/content/conditions;all;${docId}`
    for (const editor of [state.ana, state.ben]) {
      await editor.page.goto(url)
      await editor.page.locator('input#name').waitFor()
    }
    // Both have the document open (no field focused): each sees the other's avatar, with the
    // other's initials, in the document header.
    for (const [editor, other] of [
      [state.ana, state.ben],
      [state.ben, state.ana],
    ] as const) {
      const avatar = editor.page.locator('[data-testid="document-level-presence"] [data-ui="Avatar"]').first()
      await avatar.waitFor({ timeout: 60_000 }).catch(async (error: unknown) => {
        await shot(editor, 'FAILED-presence')
        throw error
      })
      await eventually(
        `${other.name}'s initials on the avatar`,
        async () => (await avatar.textContent())?.trim() === initials(other.name),
      )
      await shot(editor, 'presence')
    }
  })

  test('the delete dialog of a just-republished FAQ previews it by its question', async () => {
    const { page } = state.ana
    const faq = await state.client.fetch<{ _id: string; question: string }>(
      '*[_type == "faq" && !(_id in path("drafts.**")) && count(treatments) > 0][0]{_id, question}',
    )
    const question = `${faq.question.replace(/\s*\(\w+\)$/, '')} (${state.runId})`
    await page.goto(`${state.start.info.studioUrl}/local/content/faqs;all;${faq._id}`)
    const input = page.locator('input#question')
    await input.waitFor()
    await input.fill(question)
    await waitUntilSaved(page)
    const publish = page.locator('[data-testid="action-publish"]')
    await eventually('the Publish button to be enabled', () => publish.isEnabled())
    await publish.click()
    await eventually('the edit to be published', async () => {
      const published = await state.client.fetch<string | null>('*[_id == $id][0].question', { id: faq._id })
      const drafts = await state.client.fetch<number>('count(*[_id == $id])', { id: `drafts.${faq._id}` })
      return published === question && drafts === 0
    })
    await page.locator('[data-testid="action-menu-button"]').last().click()
    await page.getByRole('menuitem', { name: /^Delete/ }).click()
    const dialog = page.getByRole('dialog').filter({ hasText: 'Delete document?' })
    await dialog.waitFor()
    // The versions to delete are previewed by their own title: the published FAQ's question (the
    // draft the publish removed is not among them, nor an empty preview of it).
    await dialog.getByText(question, { exact: true }).first().waitFor()
    await shot(state.ana, 'republished-faq-delete-dialog')
    for (let i = 0; i < 6; i += 1) {
      assert.is(await dialog.getByText('Unwritten question').count(), 0, 'no empty preview of a deleted draft')
      await page.waitForTimeout(500)
    }
    await dialog.getByRole('button', { name: 'Cancel' }).click()
  })

  test('a FAQ made with "FAQ about this treatment" shows on the treatment page and in the API', async () => {
    const { page } = state.ben
    const treatment = await state.client.fetch<{ _id: string; name: string; slug: string }>(
      '*[_type == "treatment" && !(_id in path("drafts.**")) && defined(slug.current)] | order(name desc)[0]{_id, name, "slug": slug.current}',
    )
    const question = `Can I drive home after ${treatment.name} (${state.runId})?`
    await page.goto(`${state.start.info.studioUrl}/local/content/treatments;${treatment._id};faqs`)
    await page.locator('a[data-testid="action-intent-button"][aria-label="FAQ about this treatment"]').click()
    const input = page.locator('input#question')
    await input.waitFor()
    await page.locator('[data-testid="field-treatments"]').getByText(treatment.name).waitFor()
    await input.fill(question)
    await page.locator('[data-testid="field-answer"] [contenteditable="true"]').click()
    await page.keyboard.type('Usually yes. If you feel light-headed, wait a while before you drive.')
    await waitUntilSaved(page)
    const publish = page.locator('[data-testid="action-publish"]')
    await eventually('the Publish button to be enabled', () => publish.isEnabled())
    await publish.click()
    await eventually('the FAQ to be published', () =>
      state.client.fetch<string | null>('*[_type == "faq" && question == $q && !(_id in path("drafts.**"))][0]._id', {
        q: question,
      }),
    )
    await shot(state.ben, 'treatment-faq-published')
    const { deliveryUrl } = state.start.info
    await eventually('the treatment API to list the FAQ', async () => {
      const response = await fetch(`${deliveryUrl}/api/v1/treatments/${treatment.slug}`)
      return response.ok && (await response.text()).includes(question)
    })
    await eventually('the treatment page to show the FAQ', async () => {
      const response = await fetch(`${deliveryUrl}/treatments/${treatment.slug}`)
      const html = await response.text()
      return response.ok && (html.includes(question) || html.includes(question.replace(/'/g, '&#39;')))
    })
    await page.goto(`${deliveryUrl}/treatments/${treatment.slug}`)
    await page.getByText(question).first().waitFor()
    await shot(state.ben, 'treatment-page-faq')
  })

  test('a comment on a field mentions the other editor; the thread is resolved', async () => {
    const { page } = state.ana
    const info = state.start.info
    const addon = addonClient(info)
    const condition = await state.client.fetch<{ _id: string; name: string }>(
      '*[_type == "condition" && !(_id in path("drafts.**"))] | order(name asc)[1]{_id, name}',
    )
    // A new account reaches the lake's system groups (who may be mentioned) within seconds.
    await waitForGroupMember(state.client, state.ben.id, 'the second editor in the system groups')
    await openDocument(page, info, condition._id, 'condition')
    await page.locator('[data-testid="field-summary"]').first().waitFor()
    const text = `Is this summary clear enough for patients (${state.runId})?`
    await commentOnField(page, { field: 'summary', text, mention: state.ben.name })
    const comment = await commentOfRun(addon, state.runId)
    assert.is(comment.target.path.field, 'summary')
    assert.equal(comment.mentions, [state.ben.id], 'the mention names the other editor by id')
    await openComments(page)
    await page.getByText(`@${state.ben.name}`).first().waitFor()
    await shot(state.ana, 'comment-with-mention')
    await resolveThread(page, state.runId)
    await waitForAddonStatus(addon, comment._id, 'resolved', 'the comment resolved')
    await shot(state.ana, 'comment-resolved')
  })

  test('a task is created and assigned to the other editor, who completes it', async () => {
    const info = state.start.info
    const addon = addonClient(info)
    const title = `Check the ICD-10 code (${state.runId})`
    await createTask(state.ana.page, { title, assignee: state.ben.name })
    const task = await assignedTask(addon, title)
    assert.is(task.assignedTo, state.ben.id)
    await shot(state.ana, 'task-created')
    // The assignee completes it from their own Tasks sidebar ("Assigned" to them), in the Studio
    // (the previous step left their page on the site's treatment page).
    await state.ben.page.goto(`${info.studioUrl}/local`)
    await openTasks(state.ben.page, 'Assigned')
    await completeTask(state.ben.page, title)
    await waitForAddonStatus(addon, task._id, 'closed', 'the task done')
    await shot(state.ben, 'task-completed')
  })

  test('across the tour: no console errors, no failed responses, no request off the machine', () => {
    const { consoleErrors, failedResponses, foreignRequests } = state.traffic.report
    const summary = state.traffic.summary()
    assert.is(consoleErrors.length, 0, `console errors:\n  ${summary}`)
    assert.is(failedResponses.length, 0, `responses >= 400 other than the deliberate refusals:\n  ${summary}`)
    assert.is(foreignRequests.length, 0, `requests to other hosts:\n  ${summary}`)
  })
}

/** The initials the Studio's avatar shows for a user without a picture ("Ben Second" -> "BS"). */
function initials(name: string): string {
  const parts = name.split(/\s+/).filter(Boolean)
  return `${parts[0]?.[0] ?? ''}${parts.length > 1 ? (parts.at(-1)?.[0] ?? '') : ''}`.toUpperCase()
}
