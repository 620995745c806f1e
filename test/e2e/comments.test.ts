// Comments and tasks in the real Studio, offline, against `npm start`'s stack: a comment on a
// field that mentions another editor, the thread resolved and re-opened, a task created, assigned
// to that editor and completed. Each step is checked in the lake's comments add-on dataset, and
// the whole run makes no console errors, gets no HTTP answer >= 400 and sends no request off the
// machine (counted with test/e2e/traffic.ts, as the two-editor tour counts them).
//
//   node --loader ts-node/esm test/e2e/comments.test.ts
//
// The steps live in test/e2e/steps/comments.ts (the two-editor tour uses them too).
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { SanityClient } from '@sanity/client'
import type { Test } from 'uvu'
import * as assert from 'uvu/assert'
import { type Browser, launchBrowser, ROOT, signIn, type TourState, tourSuite } from './harness.js'
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
  reopenThread,
  resolveThread,
  waitForAddonStatus,
  waitForGroupMember,
} from './steps/comments.js'
import { Traffic } from './traffic.js'

tourSuite(
  'Studio comments and tasks in a real browser (npm start stack)',
  'Studio comments and tasks',
  defineBrowserTests,
  { traffic: new Traffic() },
)

interface State extends TourState {
  browser: Browser
  addon: SanityClient
  other: { id: string; name: string }
  condition: { _id: string; name: string }
  /** The comment the tour writes (set by its comment step). */
  commentId: string
  /** Console errors, HTTP answers >= 400 and requests leaving the machine, from sign-in on. */
  traffic: Traffic
}

function defineBrowserTests(test: Test, state: State): void {
  test.before(async () => {
    state.addon = addonClient(state.start.info)
    // A second editor, made the way a clinic adds one (the CLI, another process than the lake).
    const name = 'Ola Nordmann'
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--loader',
        'ts-node/esm',
        '--no-warnings',
        'scripts/lake.ts',
        'create-editor',
        '--name',
        name,
        '--email',
        `ola-${state.runId}@clinic.test`,
        '--role',
        'editor',
      ],
      { cwd: ROOT, env: { ...process.env, LAKE_DATA_DIR: state.start.info.dataDir } },
    )
    const id = /\(id (p[0-9a-f]+)\)/.exec(stdout)?.[1]
    if (!id) throw new Error(`create-editor printed no id:\n${stdout}`)
    state.other = { id, name }
    const condition = await state.client.fetch<{ _id: string; name: string } | null>(
      '*[_type == "condition" && !(_id in path("drafts.**"))] | order(name asc)[0]{_id, name}',
    )
    if (!condition) throw new Error('The seeded lake has no condition: is content/production.ndjson complete?')
    state.condition = condition
    state.browser = await launchBrowser()
    state.traffic.watch(state.browser.page, 'editor')
  })

  test('the other editor can be mentioned: a member, in a group that may read', async () => {
    // The CLI's account reaches the lake's system groups within seconds (docs/lake.md).
    await waitForGroupMember(state.client, state.other.id, 'the new editor in the system groups')
    const { page } = state.browser
    await signIn(page, state.start.info.signInUrl)
    await openDocument(page, state.start.info, state.condition._id, 'condition')
    await page.locator('[data-testid="field-summary"]').first().waitFor()
  })

  test('a comment on a field mentions the other editor', async () => {
    const { page, shot } = state.browser
    const text = `Is this summary clear enough for patients (${state.runId})?`
    await commentOnField(page, { field: 'summary', text, mention: state.other.name })
    const comment = await commentOfRun(state.addon, state.runId)
    state.commentId = comment._id
    assert.is(comment.target.document._ref, state.condition._id)
    assert.is(comment.target.document._weak, true)
    assert.is(comment.target.path.field, 'summary')
    assert.equal(comment.mentions, [state.other.id], 'the mention names the other editor by id')
    assert.is(comment.status, 'open')
    await openComments(page)
    await page.getByText(`@${state.other.name}`).first().waitFor()
    await shot('comment-with-mention')
  })

  test('the thread is resolved, then re-opened', async () => {
    const { page, shot } = state.browser
    await resolveThread(page, state.runId)
    await waitForAddonStatus(state.addon, state.commentId, 'resolved', 'the comment resolved')
    await shot('comment-resolved')
    await reopenThread(page, state.runId)
    await waitForAddonStatus(state.addon, state.commentId, 'open', 'the comment open again')
    await shot('comment-reopened')
  })

  test('a task is created, assigned to the other editor and completed', async () => {
    const { page, shot } = state.browser
    const title = `Check the ICD-10 code (${state.runId})`
    await createTask(page, { title, assignee: state.other.name })
    const task = await assignedTask(state.addon, title)
    assert.is(task.assignedTo, state.other.id)
    assert.is(task.status, 'open')
    assert.is(task.target.document._ref, state.condition._id)
    await shot('task-created')
    await openTasks(page, 'Active Document')
    await completeTask(page, title)
    await waitForAddonStatus(state.addon, task._id, 'closed', 'the task done')
    await shot('task-completed')
  })

  test('no console errors, no HTTP answers >= 400, no request off the machine, from sign-in on', () => {
    const { consoleErrors, failedResponses, foreignRequests } = state.traffic.report
    assert.ok(state.traffic.report.requests > 0, 'the tour made requests')
    assert.equal(
      { consoleErrors, failedResponses, foreignRequests },
      { consoleErrors: [], failedResponses: [], foreignRequests: [] },
      state.traffic.summary(),
    )
  })
}
