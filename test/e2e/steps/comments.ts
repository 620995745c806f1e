// Browser steps for the Studio's comments and tasks, shared by the e2e tests that drive them
// (test/e2e/comments.test.ts and the two-editor tour). Each step starts from a document open in
// the Studio's structure tool and waits for the Studio's own confirmation, never a fixed delay;
// the lake-side checks (`addonClient`, `waitForComment`, `waitForTask`) read the comments add-on
// dataset, where the Studio keeps them.
import { createClient, type SanityClient } from '@sanity/client'
import type { Locator, Page } from 'playwright-core'
import { eventually } from '../harness.js'

/** What a step needs of the running stack (a subset of the harness's StackInfo). */
export interface StackLike {
  studioUrl: string
  lakeHttpUrl: string
  projectId: string
  dataset: string
  editor: { token: string }
}

/** The comments add-on dataset the Studio writes to (`<dataset>-comments`, see docs/lake.md). */
export function addonDatasetName(info: Pick<StackLike, 'dataset'>): string {
  return `${info.dataset}-comments`
}

/** A client on the comments add-on dataset, signed in as `token` (default: the stack's editor). */
export function addonClient(info: StackLike, token = info.editor.token): SanityClient {
  return createClient({
    projectId: info.projectId,
    dataset: addonDatasetName(info),
    apiHost: info.lakeHttpUrl,
    useProjectHostname: false,
    apiVersion: '2025-02-19',
    useCdn: false,
    token,
    perspective: 'raw',
    ignoreBrowserTokenWarning: true,
  })
}

/** Opens a document in the Studio's structure tool (by id and type, through the edit intent). */
export async function openDocument(page: Page, info: Pick<StackLike, 'studioUrl'>, id: string, type: string) {
  await page.goto(`${info.studioUrl}/local/intent/edit/id=${id};type=${type}`)
  await page.locator('[data-testid="document-pane"]').last().waitFor()
}

/** How long the comment input takes to pass an inserted mention on (its editor's change throttle). */
const MENTION_SETTLE_MS = 1_500

function pane(page: Page): Locator {
  return page.locator('[data-testid="document-pane"]').last()
}

/**
 * Adds a comment to `field` (its name, as in `data-testid="field-<name>"`) of the open document:
 * hover the field, "Add comment", type `text`, mention `mention` (an editor's display name) with
 * "@", send. The field must have no comment yet (its button then reads "Open comments"); the
 * caller checks the lake for the comment (`addonClient`, `waitForAddon`).
 */
export async function commentOnField(
  page: Page,
  options: { field: string; text: string; mention?: string },
): Promise<void> {
  const field = pane(page).locator(`[data-testid="field-${options.field}"]`).first()
  await field.scrollIntoViewIfNeeded()
  await field.hover()
  await field.getByRole('button', { name: 'Add comment' }).click()
  const input = page.locator('[data-testid="comment-input-editable"]').last()
  await input.waitFor()
  await input.click()
  await page.keyboard.type(options.text)
  if (options.mention) {
    // "@" and the start of the name narrow the picker to that editor; Enter picks the active one,
    // so wait until the picker lists that editor alone (before, Enter could pick someone else, or
    // send the comment if the picker had not opened yet).
    const first = options.mention.split(' ')[0] ?? options.mention
    await page.keyboard.type(` @${first}`)
    const menu = page.locator('[data-testid="comments-mentions-menu"]')
    await menu.waitFor()
    const option = menu.getByRole('button', { name: new RegExp(options.mention) }).first()
    await option.waitFor()
    await waitUntil(
      `the picker to list ${options.mention} alone`,
      async () => (await menu.getByRole('button').count()) === 1,
    )
    // Only editors the project's groups let read the document are enabled; others are "Unauthorized".
    if (await option.isDisabled())
      throw new Error(`"${options.mention}" is listed but cannot be mentioned (Unauthorized)`)
    await page.keyboard.press('Enter')
    await menu.waitFor({ state: 'detached' })
    if (options.mention !== first) await input.getByText(options.mention).waitFor()
    // The comment input hands its text to the Studio after its editor's change throttle (about a
    // second); sent sooner, the comment would carry the text from before the mention.
    await page.waitForTimeout(MENTION_SETTLE_MS)
  }
  await page.locator('[data-testid="comment-input-send-button"]').last().click()
}

/** Opens the document's comments inspector (the header's "Comments" button) unless it is open. */
export async function openComments(page: Page): Promise<Locator> {
  const list = page.locator('[data-testid="comments-list"]')
  if (!(await list.isVisible())) await pane(page).locator('button[aria-label="Comments"]').first().click()
  await list.waitFor()
  // First use shows an onboarding note over the pane; dismiss it so it hides nothing.
  // It may also go by itself while being clicked (the Studio re-renders it): then it is gone too.
  const gotIt = page.getByRole('button', { name: 'Got it' })
  if (await gotIt.isVisible()) await gotIt.click({ timeout: 5_000 }).catch(() => undefined)
  await gotIt.waitFor({ state: 'hidden' })
  return list
}

/** The comments inspector's view: open threads or resolved ones (its "Open" / "Resolved" menu). */
async function showThreads(page: Page, which: 'Open' | 'Resolved'): Promise<void> {
  const current = await page
    .getByRole('button', { name: /^(Open|Resolved)$/ })
    .first()
    .textContent()
  if (current?.trim() === which) return
  await page
    .getByRole('button', { name: /^(Open|Resolved)$/ })
    .first()
    .click()
  await page.getByRole('menuitem', { name: which }).click()
}

/** The thread (its first comment's list item) whose text includes `text`. */
function thread(page: Page, text: string): Locator {
  return page.locator('[data-testid="comments-list-item"]').filter({ hasText: text }).first()
}

/** In the `which` view, clicks the status button (`button`: its attribute selector) of the thread including `text`. */
async function toggleThreadStatus(page: Page, text: string, which: 'Open' | 'Resolved', button: string): Promise<void> {
  await openComments(page)
  await showThreads(page, which)
  const item = thread(page, text)
  await item.hover()
  await item.locator(`[data-testid="comments-list-item-status-button"]${button}`).click()
  // Off the list: the next thread moves up under the pointer.
  await page.mouse.move(0, 0)
}

/** Resolves the thread whose first comment includes `text` ("Mark comment as resolved"). */
export async function resolveThread(page: Page, text: string): Promise<void> {
  await toggleThreadStatus(page, text, 'Open', '')
  await thread(page, text).waitFor({ state: 'detached' })
}

/** Re-opens a resolved thread ("Resolved" view, "Re-open"); the Studio then shows the open threads. */
export async function reopenThread(page: Page, text: string): Promise<void> {
  await toggleThreadStatus(page, text, 'Resolved', '[aria-label="Re-open"]')
  await page
    .getByRole('button', { name: /^Open$/ })
    .first()
    .waitFor()
  await thread(page, text)
    .locator('[data-testid="comments-list-item-status-button"][aria-label="Mark comment as resolved"]')
    .waitFor({ state: 'attached' })
}

/**
 * Creates a task about the open document (its "..." menu, "Create new task"), titled `title` and
 * assigned to the editor whose display name is `assignee`. Resolves on the Studio's "Task created".
 */
export async function createTask(page: Page, options: { title: string; assignee?: string }): Promise<void> {
  await pane(page).locator('[data-testid="pane-context-menu-button"]').first().click()
  await page.getByRole('menuitem', { name: 'Create new task' }).click()
  await page.getByPlaceholder('Task title').fill(options.title)
  if (options.assignee) {
    await page.getByText('Select assignee').click()
    await page.keyboard.type(options.assignee.split(' ')[0] ?? options.assignee)
    // An editor the project's groups do not let read the document is marked "Unauthorized".
    const option = page.getByText(options.assignee, { exact: true }).last()
    await option.waitFor()
    await option.click()
    await page.getByText('Select assignee').waitFor({ state: 'detached' })
  }
  await page.getByRole('button', { name: 'Create Task' }).click()
  await page.getByText('Task created').first().waitFor()
}

/** The row of task `title` in the Tasks sidebar (open with the navbar's Tasks button if needed). */
async function taskRow(page: Page, title: string): Promise<Locator> {
  const row = page
    .locator('[data-ui="Card"], li, div')
    .filter({ has: page.locator('input[type="checkbox"]') })
    .filter({ has: page.getByRole('button', { name: title, exact: true }) })
    .last()
  return row
}

/**
 * Opens the Tasks sidebar (the top bar's Tasks button) on one of its tabs: "Assigned" (tasks
 * assigned to the signed-in editor), "Subscribed" or "Active Document".
 */
export async function openTasks(page: Page, tab: 'Assigned' | 'Subscribed' | 'Active Document'): Promise<void> {
  const newTask = page.getByRole('button', { name: 'New task' })
  if (!(await newTask.isVisible())) await page.locator('[data-testid="tasks-toolbar"]').first().click()
  await newTask.waitFor()
  await page.getByRole('tab', { name: tab, exact: true }).click()
}

/**
 * Completes task `title` in the Tasks sidebar (its checkbox), as its assignee would. One click:
 * the done task moves to "Done", and a retried click would land on the next task's checkbox.
 */
export async function completeTask(page: Page, title: string): Promise<void> {
  if (!(await page.getByRole('button', { name: 'New task' }).isVisible())) await openTasks(page, 'Assigned')
  const row = await taskRow(page, title)
  const box = row.locator('input[type="checkbox"]').first()
  await box.waitFor()
  await box.click({ trial: true })
  await box.click({ noWaitAfter: true })
  for (let i = 0; i < 120; i++) {
    if ((await row.count()) === 0 || (await box.isChecked().catch(() => true))) return
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`task "${title}" was not marked done within 30 s`)
}

/** Polls the comments add-on until `probe` returns a value (the Studio writes asynchronously). */
export async function waitForAddon<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  return eventually(what, probe, timeoutMs)
}

/** Waits until `userId` is in one of the lake's system groups: until then the Studio cannot mention them. */
export async function waitForGroupMember(client: SanityClient, userId: string, what: string): Promise<void> {
  await waitForAddon(what, async () => {
    const groups = await client.fetch<Array<{ members: string[] }>>('*[_type == "system.group"]{members}')
    return groups.some((group) => group.members.includes(userId))
  })
}

/** A comment as the add-on dataset holds it (the fields the tours check). */
export interface AddonComment {
  _id: string
  status: string
  target: { document: { _ref: string; _weak: boolean }; path: { field: string } }
  /** The ids of the users its message mentions. */
  mentions: string[]
}

/** The comment whose text contains `run`, once the Studio has written it to the add-on dataset. */
export function commentOfRun(addon: SanityClient, run: string): Promise<AddonComment> {
  return waitForAddon('the comment in the add-on dataset', () =>
    addon.fetch<AddonComment | null>(
      '*[_type == "comment" && pt::text(message) match $run][0]{_id, status, target, "mentions": message[].children[_type == "mention"].userId}',
      { run },
    ),
  )
}

/** A task as the add-on dataset holds it (the fields the tours check). */
export interface AddonTask {
  _id: string
  status: string
  assignedTo?: string
  target: { document: { _ref: string } }
}

/** The task titled `title`, once the add-on dataset has it with an assignee. */
export function assignedTask(addon: SanityClient, title: string): Promise<AddonTask> {
  return waitForAddon('the task assigned in the add-on dataset', () =>
    addon.fetch<AddonTask | null>(
      '*[_type == "tasks.task" && title == $title && defined(assignedTo)][0]{_id, status, assignedTo, target}',
      { title },
    ),
  )
}

/** Waits until the add-on document `id` (a comment or a task) has `status`. */
export async function waitForAddonStatus(addon: SanityClient, id: string, status: string, what: string): Promise<void> {
  await waitForAddon(what, async () => (await addon.fetch<string | null>('*[_id == $id][0].status', { id })) === status)
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const started = Date.now()
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
