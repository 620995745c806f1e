// Browser steps on an open document in the Studio's structure tool, shared by the e2e tours.
import type { Locator, Page } from 'playwright-core'
import { eventually } from '../harness.js'

/** Types into a reference input and picks the first suggestion whose text contains `search`. */
export async function pickReference(page: Page, input: Locator, search: string): Promise<void> {
  await input.click()
  await input.fill(search)
  // Array item ids look like faqs[_key=="abc"]: escape the quotes inside the CSS string.
  const listboxId = `${await input.getAttribute('id')}-listbox`.replace(/["\\]/g, '\\$&')
  const option = page.locator(`[id="${listboxId}"] [role="option"]`).first()
  await option.waitFor()
  await option.click()
}

/** Waits until the document footer no longer says "Saving…" (edits reached the lake). */
export async function waitUntilSaved(page: Page): Promise<void> {
  const footer = page.locator('[data-testid="pane-footer"]').last()
  // innerText, not textContent: only the status the editor can see counts (Playwright's locator, not a DOM node).
  // biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator, where innerText is the visible text
  await eventually('the edits to be saved', async () => !/Saving/.test(await footer.innerText()), 120_000)
}
