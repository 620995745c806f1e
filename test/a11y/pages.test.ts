// Accessibility of every HTML output of delivery, in Debian's chromium (playwright-core) with
// axe-core: the home page, every article, condition and treatment page of the seed and of
// generated documents that use every block, mark, callout, citation, image and list shape, a 404
// page, the API docs page, the syndication embed page and the syndicated article HTML (inside a
// page shaped like a partner's). Each must have 0 violations of the WCAG 2.0/2.1/2.2 A and AA rules
// and of axe's best practices; a failure prints rule, elements and page. Then a keyboard-only walk
// of the richest article: skip link first and working, focus order = reading order, every focus
// visible. Screenshots of every checked page: test-artifacts/a11y/.
//
//   node --loader ts-node/esm --no-warnings test/a11y/pages.test.ts
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { browserAvailability, CHROMIUM, CHROMIUM_FLAGS, ROOT } from '../e2e/harness.js'
import { describeViolations, runAxe } from './_axe.js'
import { startStack, type Stack } from './_stack.js'

export const A11Y_ARTIFACTS = path.join(ROOT, 'test-artifacts', 'a11y')

const availability = browserAvailability()
const test = suite('accessibility of every HTML output (axe-core in chromium)')

if (!availability.ok) {
  if (process.env.CI) test('chromium is available', () => assert.unreachable(availability.reason))
  else {
    console.log(`SKIPPED accessibility tests: ${availability.reason}`)
    test.skip(`accessibility tests (${availability.reason})`, () => undefined)
  }
} else {
  defineTests()
}
test.run()

function defineTests(): void {
  let stack: Stack
  let context: BrowserContext
  let page: Page
  let userDataDir: string
  const checked: string[] = []

  test.before(async () => {
    stack = await startStack()
    fs.rmSync(A11Y_ARTIFACTS, { recursive: true, force: true })
    fs.mkdirSync(A11Y_ARTIFACTS, { recursive: true })
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-chromium-'))
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 900 },
      // The pages' CSP forbids every script, axe's too; the test injects it past the policy.
      bypassCSP: true,
    })
    // Offline: only this machine answers (links to journals or partners are never followed).
    await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/]|localhost[:/])/, (route) => route.abort())
    page = context.pages()[0] ?? (await context.newPage())
    page.setDefaultTimeout(30_000)
  })

  test.after(async () => {
    await context?.close().catch(() => undefined)
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true })
    await stack?.close()
    if (checked.length > 0) console.log(`[a11y] ${checked.length} outputs checked with axe: ${checked.join(', ')}`)
  })

  const fileName = (name: string) => `${name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')}.png`

  /** Axe on what the page shows now; a screenshot of it; the violations, described, or ''. */
  async function check(name: string): Promise<string> {
    await page.screenshot({ path: path.join(A11Y_ARTIFACTS, fileName(name)), fullPage: true })
    const { violations } = await runAxe(page)
    checked.push(name)
    return describeViolations(name, violations)
  }

  async function checkUrl(pathname: string, expectStatus = 200): Promise<string> {
    const response = await page.goto(`${stack.server.url}${pathname}`)
    assert.is(response?.status(), expectStatus, `${pathname} answers ${expectStatus}`)
    return check(pathname)
  }

  function assertNone(failures: string[]) {
    const found = failures.filter((f) => f !== '')
    assert.ok(found.length === 0, `axe found violations:\n${found.join('\n')}`)
  }

  test('home page, every article, condition and treatment page, and a 404 page', async () => {
    const failures: string[] = [await checkUrl('/')]
    for (const slug of stack.slugs.article) failures.push(await checkUrl(`/articles/${slug}`))
    for (const slug of stack.slugs.condition) failures.push(await checkUrl(`/conditions/${slug}`))
    for (const slug of stack.slugs.treatment) failures.push(await checkUrl(`/treatments/${slug}`))
    failures.push(await checkUrl('/articles/no-such-article', 404))
    assertNone(failures)
  })

  test('the generated article really has every shape (so axe saw them)', async () => {
    await page.goto(`${stack.server.url}/articles/${stack.generated.article}`)
    const count = (selector: string) => page.locator(`main ${selector}`).count()
    for (const [selector, what] of [
      ['h2', 'second-level heading'],
      ['h3', 'third-level heading'],
      ['blockquote', 'quote'],
      ['ul ul', 'nested bullet list'],
      ['ol ol', 'nested numbered list'],
      ['strong', 'strong'],
      ['em', 'emphasis'],
      ['a[href^="mailto:"]', 'e-mail link'],
      ['a[href^="tel:"]', 'phone link'],
      ['a[href^="/conditions/"]', 'internal link'],
      ['sup a[href^="#"]', 'citation reference'],
      ['.callout--tip', 'tip callout'],
      ['.callout--warning', 'warning callout'],
      ['figure img[alt]', 'image'],
      ['figcaption', 'caption'],
    ] as const) {
      assert.ok((await count(selector)) > 0, `the every-shape article has a ${what} (${selector})`)
    }
  })

  test('the API docs page', async () => {
    assertNone([await checkUrl('/api/docs')])
  })

  test('the syndication embed page and the syndicated HTML inside a partner-like page', async () => {
    const failures: string[] = []
    const list = (await (
      await fetch(`${stack.server.url}/syndication/v1/articles?limit=100`, { headers: stack.partnerKey })
    ).json()) as { items: Array<{ slug: string }> }
    const slugs = list.items.map((i) => i.slug)
    assert.ok(slugs.includes(stack.generated.article), 'the every-shape article is syndicated')
    for (const slug of slugs) {
      failures.push(await checkUrl(`/syndication/v1/embed/${slug}`))
      const payload = (await (
        await fetch(`${stack.server.url}/syndication/v1/articles/${slug}`, { headers: stack.partnerKey })
      ).json()) as { title: string; html: string; headHtml: string }
      // A partner puts the HTML into its own page: it brings the document, language, title and main
      // landmark; the article brings everything inside.
      await page.goto(`${stack.server.url}/health`)
      await page.setContent(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${payload.title.replace(/</g, '&lt;')} | Partner clinic</title>${payload.headHtml}</head><body><main>${payload.html}</main></body></html>`,
      )
      failures.push(await check(`syndicated-html-${slug}`))
    }
    assertNone(failures)
  })

  test('keyboard only: skip link first and working, focus order is reading order, every focus visible', async () => {
    await page.goto(`${stack.server.url}/articles/${stack.generated.article}`)
    await page.keyboard.press('Tab')
    const first = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement
      const box = el.getBoundingClientRect()
      return { text: el.textContent, href: el.getAttribute('href'), left: box.left, width: box.width }
    })
    assert.is(first.href, '#main', 'the first Tab stop is the skip link')
    assert.is(first.text, 'Skip to content')
    assert.ok(first.left >= 0 && first.width > 0, 'the focused skip link is on screen')
    await page.screenshot({ path: path.join(A11Y_ARTIFACTS, 'keyboard-skip-link.png') })
    await page.keyboard.press('Enter')
    assert.match(page.url(), /#main$/)
    await page.keyboard.press('Tab')
    const afterSkip = await page.evaluate(() => Boolean(document.activeElement?.closest('main')))
    assert.ok(afterSkip, 'after the skip link, the next Tab stop is inside main')

    // From the top again: every Tab stop, in order.
    await page.goto(`${stack.server.url}/articles/${stack.generated.article}`)
    await page.evaluate(() => {
      ;(window as unknown as { tabStops: Element[] }).tabStops = []
    })
    const focusables = await page.evaluate(
      () =>
        [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')].filter(
          (el) => (el as HTMLElement).tabIndex >= 0 && (el as HTMLElement).offsetParent !== null,
        ).length,
    )
    const problems: string[] = []
    let stops = 0
    for (let i = 0; i < focusables + 2; i++) {
      await page.keyboard.press('Tab')
      const stop = await page.evaluate(() => {
        const el = document.activeElement
        if (!el || el === document.body) return null
        const w = window as unknown as { tabStops: Element[] }
        const previous = w.tabStops[w.tabStops.length - 1]
        const inOrder = !previous || Boolean(previous.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING)
        const again = w.tabStops.includes(el)
        w.tabStops.push(el)
        const style = getComputedStyle(el)
        const outline = style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) >= 2
        const box = el.getBoundingClientRect()
        const onScreen = box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < window.innerHeight
        return {
          label: `${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 40)}"`,
          inOrder,
          again,
          outline,
          onScreen,
        }
      })
      if (!stop) break // past the last stop: focus left the document
      if (stop.again) break // wrapped around
      stops += 1
      if (!stop.inOrder) problems.push(`${stop.label}: comes before the previous stop in the reading order`)
      if (!stop.outline) problems.push(`${stop.label}: no visible focus outline (at least 2px)`)
      if (!stop.onScreen) problems.push(`${stop.label}: focused but not scrolled into view`)
      if (stops === 8) await page.screenshot({ path: path.join(A11Y_ARTIFACTS, 'keyboard-focus-8.png') })
    }
    assert.is(stops, focusables, `every focusable element is reached by Tab (${stops} of ${focusables})`)
    assert.ok(problems.length === 0, `keyboard walk problems:\n${problems.join('\n')}`)
    console.log(`[a11y] keyboard walk: ${stops} Tab stops, in reading order, each with a visible focus outline`)
  })
}
