// axe-core in a playwright-core page: injected (the pages' CSP forbids scripts, so contexts that
// run it are opened with bypassCSP), run on the page or inside one element, violations described
// one line per rule and element for failure messages.
import axe from 'axe-core'
import type { Page } from 'playwright-core'

/** The WCAG levels checked (axe tags), plus axe's best practices (landmarks, regions, headings). */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']

interface AxeNode {
  target: unknown[]
  html: string
  failureSummary?: string
}
interface AxeViolation {
  id: string
  impact?: string | null
  help: string
  helpUrl: string
  nodes: AxeNode[]
}
interface AxeResults {
  violations: AxeViolation[]
  passes: unknown[]
}

/** WCAG A/AA only: for our components inside the Studio, whose page layout (landmarks) is Sanity's. */
export const WCAG_TAGS = AXE_TAGS.filter((tag) => tag !== 'best-practice')

/**
 * Waits until nothing inside `scope` is still fading or moving in: axe reads computed colours, and
 * a dialog caught mid-animation (Sanity UI fades dialogs in) shows blended colours that fail
 * contrast although the settled dialog passes. Finite Web Animations are awaited (endless ones,
 * spinners, are not); script-driven ones are caught by sampling the opacity and transform of the
 * scope, its ancestors and its descendants until two samples 100 ms apart agree.
 */
async function settle(page: Page, scope?: string): Promise<void> {
  await page.evaluate(async (scope) => {
    const finite = document.getAnimations().filter((a) => {
      const end = a.effect?.getComputedTiming().endTime
      return typeof end === 'number' && Number.isFinite(end)
    })
    await Promise.all(finite.map((a) => a.finished.catch(() => undefined)))
    const root = (scope ? document.querySelector(scope) : null) ?? document.body
    const sample = (): string => {
      const elements: Element[] = [...root.querySelectorAll('*')]
      for (let e: Element | null = root; e; e = e.parentElement) elements.push(e)
      return elements
        .map((e) => {
          const style = getComputedStyle(e)
          return `${style.opacity} ${style.transform}`
        })
        .join('|')
    }
    const deadline = Date.now() + 5000
    let previous = sample()
    for (;;) {
      await new Promise((r) => setTimeout(r, 100))
      const current = sample()
      if (current === previous || Date.now() > deadline) break
      previous = current
    }
  }, scope)
}

/** Runs axe on the page (or inside `scope`, a CSS selector), once it has settled, and returns its violations. */
export async function runAxe(page: Page, scope?: string, tags: readonly string[] = AXE_TAGS): Promise<AxeResults> {
  await settle(page, scope)
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined')
  if (!loaded) await page.evaluate(axe.source)
  return page.evaluate(
    async ({ tags, scope }) => {
      const w = window as unknown as {
        axe: { run(context: unknown, options: unknown): Promise<{ violations: unknown[]; passes: unknown[] }> }
      }
      const context = scope ? { include: [[scope]] } : document
      const result = await w.axe.run(context, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
      return JSON.parse(JSON.stringify({ violations: result.violations, passes: result.passes })) as AxeResults
    },
    { tags: [...tags], scope },
  )
}

/** One line per violation and element: rule, impact, help, element and why. */
export function describeViolations(where: string, violations: AxeViolation[]): string {
  return violations
    .flatMap((v) =>
      v.nodes.map(
        (n) =>
          `${where}: [${v.impact ?? 'n/a'}] ${v.id} (${v.help}, ${v.helpUrl})\n    element ${JSON.stringify(n.target)}: ${n.html.slice(0, 200)}\n    ${(n.failureSummary ?? '').replace(/\n/g, '\n    ')}`,
      ),
    )
    .join('\n')
}
