// Browser steps for the Studio's Presentation tool (test/e2e/presentation.test.ts): open a
// document beside its page, find the preview frame, and the checks a public reader's copy must
// pass. Each step waits for what the editor would see, never a fixed delay.
import type { FrameLocator, Page } from 'playwright-core'

/**
 * A run of the invisible characters `@sanity/client`'s stega (@vercel/stega) hides edit info in
 * (it writes at least four in a row, as its own decoder looks for).
 */
export const STEGA_RUN = /[\u200B-\u200D\u2060-\u2063\uFEFF\u{1D173}-\u{1D17A}]{4,}/u

/** Opens Presentation with a document in the form beside `pagePath` (a site path). */
export async function openPresentation(
  page: Page,
  studioUrl: string,
  doc: { _type: string; _id: string },
  pagePath: string,
): Promise<void> {
  const url = `${studioUrl}/local/presentation/${encodeURIComponent(doc._type)}/${encodeURIComponent(doc._id)}?preview=${encodeURIComponent(pagePath)}`
  await page.goto(url)
  await page.locator('[data-testid="document-pane"]').last().waitFor()
}

/** The Presentation tool's frame showing delivery's pages. */
export function previewFrame(page: Page, deliveryUrl: string): FrameLocator {
  return page.frameLocator(`iframe[src^="${deliveryUrl}"]`).first()
}

/** The `<h1>` of the page in `frame` once it contains `text` (stega characters may follow it). */
export async function waitForHeading(frame: FrameLocator, text: string, timeoutMs = 60_000): Promise<void> {
  await frame.locator('h1', { hasText: text }).first().waitFor({ timeout: timeoutMs })
}

/** A page or API answer as a public reader gets it: no cookie, no token. */
export async function publicRead(url: string): Promise<{ status: number; body: string; headers: Headers }> {
  const response = await fetch(url, { redirect: 'manual' })
  return { status: response.status, body: await response.text(), headers: response.headers }
}
