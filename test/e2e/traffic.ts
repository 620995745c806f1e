// Counts what a browser tour must not produce: console errors, HTTP responses >= 400 (other than
// the refusals a step provokes on purpose) and requests to any host but this machine.
import type { Page } from 'playwright-core'

const LOCAL_HOST = /^(127\.0\.0\.1|localhost|[a-z0-9-]+\.localhost|\[::1\])$/

/** Whether a URL is served by this machine (data:, blob: and about: never leave it either). */
export function isLocalUrl(url: string): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (parsed.protocol === 'data:' || parsed.protocol === 'blob:' || parsed.protocol === 'about:') return true
  return LOCAL_HOST.test(parsed.hostname)
}

/** A refusal a step provokes on purpose: a status and a URL pattern, expected at least once. */
export interface ExpectedRefusal {
  what: string
  status: number
  method?: string
  url: RegExp
}

export interface TrafficReport {
  requests: number
  consoleErrors: string[]
  failedResponses: string[]
  foreignRequests: string[]
  /** Deliberate refusals seen, by `what`. */
  refusals: Record<string, number>
}

/** Watches every page of a tour; `expect` registers a deliberate refusal before its step. */
export class Traffic {
  private readonly expected: ExpectedRefusal[] = []
  readonly report: TrafficReport = {
    requests: 0,
    consoleErrors: [],
    failedResponses: [],
    foreignRequests: [],
    refusals: {},
  }

  watch(page: Page, label: string): void {
    page.on('request', (request) => {
      this.report.requests += 1
      if (!isLocalUrl(request.url()))
        this.report.foreignRequests.push(`[${label}] ${request.method()} ${request.url()}`)
    })
    page.on('console', (message) => {
      if (message.type() !== 'error') return
      const location = message.location()
      const text = message.text()
      // Chromium logs every failed request to the console as well; a deliberate refusal logged
      // that way is not an error of the tour.
      if (this.isDeliberateConsoleLine(text, location.url)) return
      this.report.consoleErrors.push(`[${label}] ${text}${location.url ? ` (${location.url})` : ''}`)
    })
    page.on('pageerror', (error) => this.report.consoleErrors.push(`[${label}] page error: ${error.message}`))
    page.on('response', (response) => {
      const status = response.status()
      if (status < 400) return
      const request = response.request()
      const deliberate = this.expected.find(
        (e) =>
          e.status === status &&
          e.url.test(response.url()) &&
          (e.method === undefined || e.method === request.method()),
      )
      if (deliberate) {
        this.report.refusals[deliberate.what] = (this.report.refusals[deliberate.what] ?? 0) + 1
        return
      }
      const line = `[${label}] ${request.method()} ${response.url()} -> ${status}`
      this.report.failedResponses.push(line)
      void response.text().then(
        (body) => {
          const index = this.report.failedResponses.indexOf(line)
          if (index >= 0) this.report.failedResponses[index] = `${line} ${body.slice(0, 300)}`
        },
        () => undefined,
      )
    })
  }

  /** Declares a refusal the next steps provoke on purpose (it is then not counted as a failure). */
  expect(refusal: ExpectedRefusal): void {
    this.expected.push(refusal)
  }

  /** Ends a declared refusal: from now on such a response counts as a failure again. */
  settle(what: string): void {
    const index = this.expected.findIndex((e) => e.what === what)
    if (index >= 0) this.expected.splice(index, 1)
  }

  private isDeliberateConsoleLine(text: string, url: string | undefined): boolean {
    const match = /status of (\d{3})/.exec(text)
    if (!match || !url) return false
    const status = Number(match[1])
    return this.expected.some((e) => e.status === status && e.url.test(url))
  }

  /** A readable summary of every count, with the offenders. */
  summary(): string {
    const r = this.report
    const list = (title: string, items: string[]) =>
      `${title}: ${items.length}${items.length ? `\n    ${items.slice(0, 40).join('\n    ')}` : ''}`
    return [
      `requests seen: ${r.requests}`,
      list('console errors', r.consoleErrors),
      list('responses >= 400 (not deliberate)', r.failedResponses),
      list('requests to other hosts', r.foreignRequests),
      `deliberate refusals: ${JSON.stringify(r.refusals)}`,
    ].join('\n  ')
  }
}
