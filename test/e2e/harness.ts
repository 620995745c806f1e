// Shared set-up of the browser tests: `npm start`'s stack on free ports with a temp data dir,
// and Debian's chromium driven by playwright-core (never a downloaded browser).
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createClient, type SanityClient } from '@sanity/client'
import { type Browser as PlaywrightBrowser, chromium, type BrowserContext, type Page } from 'playwright-core'
import { suite, type Test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnStart } from '../helpers/run.js'
import { Traffic } from './traffic.js'

export const ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)))
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'e2e')

/** The flags every browser test runs chromium with (offline, no background traffic). */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
]

/**
 * Whether the browser tests can run. Without chromium they report ONE skip (not a pass) and say
 * how to install it; under CI (`CI` set) a missing chromium is a failure instead.
 */
export function browserAvailability(): { ok: true } | { ok: false; reason: string } {
  if (fs.existsSync(CHROMIUM)) return { ok: true }
  return {
    ok: false,
    reason: `chromium is not installed at ${CHROMIUM}: run "apt-get install -y chromium" (Debian), never "npx playwright install"`,
  }
}

/**
 * Defines a browser suite's tests when chromium is available. Without it the suite reports ONE
 * skip naming `what` and how to install chromium; under CI (`CI` set) one failure instead.
 */
export function whenBrowserAvailable(test: Test, what: string, define: () => void): void {
  const availability = browserAvailability()
  if (availability.ok) return define()
  if (process.env.CI) {
    test('chromium is available for the browser tests', () => {
      assert.unreachable(availability.reason)
    })
    return
  }
  console.log(`SKIPPED browser tests: ${availability.reason}`)
  test.skip(`${what} (${availability.reason})`, () => undefined)
}

/**
 * A browser test file's suite: `define(test)` adds its tests when chromium is available (without
 * it, one skip or under CI one failure, as `whenBrowserAvailable` says), then the suite runs.
 */
export function browserSuite(title: string, what: string, define: (test: Test) => void): void {
  const test = suite(title)
  whenBrowserAvailable(test, what, () => define(test))
  test.run()
}

/** What `npm start` writes to START_INFO_FILE once everything is up. */
export interface StackInfo {
  studioUrl: string
  signInUrl: string
  editor: { name: string; email: string; token: string }
  deliveryUrl: string
  articlePreviewUrl: string | null
  lakeHttpUrl: string
  lakeHttpsUrl: string
  projectId: string
  dataset: string
  dataDir: string
  seeded: boolean
  pid: number
  /** The lake child process at start (platform/lake-supervisor.ts restarts it when it dies). */
  lakePid: number
}

export interface RunningStart {
  info: StackInfo
  child: ChildProcess
  output: () => string
  /** Sends SIGINT (Ctrl-C) and resolves with the exit code. */
  interrupt(timeoutMs?: number): Promise<number | null>
}

/**
 * Runs `npm start` (scripts/start.ts, the same entry point) with test ports and `dataDir`, and
 * waits for it to report its URLs. The first run may build the Studio (a few minutes on a busy
 * machine); later runs reuse the build in dist/studio.
 */
export async function startNpmStart(dataDir: string, timeoutMs = 12 * 60_000): Promise<RunningStart> {
  const reuse = process.env.E2E_STACK_INFO
  if (reuse) return attachToRunningStack(reuse)
  const infoFile = path.join(dataDir, 'start-info.json')
  fs.rmSync(infoFile, { force: true })
  const child = spawnStart(dataDir, infoFile)
  let output = ''
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const started = Date.now()
  while (!fs.existsSync(infoFile)) {
    if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}) before it was ready:\n${output}`)
    if (Date.now() - started > timeoutMs) {
      child.kill('SIGKILL')
      throw new Error(`npm start was not ready after ${timeoutMs / 1000} s:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  const info = JSON.parse(fs.readFileSync(infoFile, 'utf8')) as StackInfo
  return {
    info,
    child,
    output: () => output,
    async interrupt(waitMs = 20_000) {
      if (child.exitCode !== null) return child.exitCode
      child.kill('SIGINT')
      const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), waitMs))
      const result = await Promise.race([exited, timer])
      if (result === 'timeout') {
        child.kill('SIGKILL')
        throw new Error(`npm start did not stop within ${waitMs / 1000} s of Ctrl-C:\n${output.slice(-3000)}`)
      }
      return result
    },
  }
}

/** What every tour runs on: `npm start` on a fresh temp data dir and an editor's client on its lake. */
export interface TourStack {
  dataDir: string
  start: RunningStart
  client: SanityClient
}

/** Starts a tour's stack (see `startNpmStart`); the data dir is removed again if the start fails. */
export async function startTourStack(): Promise<TourStack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-'))
  try {
    const start = await startNpmStart(dataDir)
    return { dataDir, start, client: editorClient(start.info) }
  } catch (error) {
    fs.rmSync(dataDir, { recursive: true, force: true })
    throw error
  }
}

/** Stops a tour's stack with Ctrl-C, as an editor stops it, and removes its data dir; safe after a failed start. */
export async function stopTourStack(stack: Partial<TourStack>): Promise<void> {
  if (stack.start && stack.start.child.exitCode === null) await stack.start.interrupt().catch(() => undefined)
  if (stack.dataDir) fs.rmSync(stack.dataDir, { recursive: true, force: true })
}

/** What every tour's state holds: its stack, an id that makes this run's documents unique, its browser. */
export interface TourState extends TourStack {
  runId: string
  /** Launched by the tour (in its before hook); closed after its tests. */
  browser: { close(): Promise<void> }
}

/**
 * A tour file's suite (see `browserSuite`) on `npm start`'s stack: before the tour's own before
 * hook, `state` gets the stack (`startTourStack`) and a fresh `runId`; after its tests and its own
 * after hook, the browser it launched into `state.browser` is closed and the stack stopped.
 * `initial` seeds the state (lists the hooks fill, say).
 */
export function tourSuite<S extends TourState>(
  title: string,
  what: string,
  define: (test: Test, state: S) => void,
  initial: Partial<S> = {},
): void {
  browserSuite(title, what, (test) => {
    const state = { ...initial } as S
    test.before(async () => {
      Object.assign(state, await startTourStack(), { runId: Math.random().toString(36).slice(2, 7) })
    })
    define(test, state)
    test.after(async () => {
      await state.browser?.close().catch(() => undefined)
      await stopTourStack(state)
    })
  })
}

/** A tour whose editors each get a context of their own on one chromium, every page's traffic counted. */
export interface WatchedTourState extends TourState {
  browser: PlaywrightBrowser
  /** Console errors, answers >= 400 and requests off the machine of every page `openWatchedPage` opened. */
  traffic: Traffic
  /** Numbered screenshots: test-artifacts/e2e/<name>-NN-<step>.png. */
  screenshot: (page: Page, step: string) => Promise<string>
}

/**
 * A `tourSuite` whose chromium (`launchChromium`) and traffic count are ready before the tour's own
 * before hook: the tour opens each editor's page with `openWatchedPage(state.browser,
 * state.traffic, label)`. The traffic summary is printed after the tests.
 */
export function watchedTourSuite<S extends WatchedTourState>(
  title: string,
  what: string,
  name: string,
  define: (test: Test, state: S) => void,
): void {
  tourSuite<S>(title, what, (test, state) => {
    test.before(async () => {
      state.screenshot = screenshotSeries(name)
      state.traffic = new Traffic()
      state.browser = await launchChromium()
    })
    define(test, state)
    test.after(() => {
      if (state.traffic) console.log(`${what}, traffic:\n  ${state.traffic.summary()}`)
    })
  })
}

/**
 * Developer shortcut: `E2E_STACK_INFO=<START_INFO_FILE of a running npm start>` runs the browser
 * steps against that stack instead of starting one (the Ctrl-C/restart step is then skipped).
 */
function attachToRunningStack(infoFile: string): RunningStart {
  const info = JSON.parse(fs.readFileSync(infoFile, 'utf8')) as StackInfo
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  return {
    info,
    child,
    output: () => '',
    interrupt: async () => null,
  }
}

export const reusingStack = (): boolean => Boolean(process.env.E2E_STACK_INFO)

export function editorClient(info: StackInfo): SanityClient {
  return createClient({
    projectId: info.projectId,
    dataset: info.dataset,
    apiHost: info.lakeHttpUrl,
    useProjectHostname: false,
    apiVersion: '2025-02-19',
    useCdn: false,
    token: info.editor.token,
    perspective: 'raw',
    ignoreBrowserTokenWarning: true,
  })
}

export interface Browser {
  context: BrowserContext
  page: Page
  /** Saves a screenshot as test-artifacts/e2e/<NN>-<name>.png. */
  shot(name: string): Promise<string>
  /** Failed requests to this machine and page errors seen so far (for failure reports). */
  problems(): string[]
  close(): Promise<void>
}

/**
 * Starts chromium. With `name`, screenshots are test-artifacts/e2e/<name>-NN-<step>.png and only
 * that test's older ones are removed (so two browser test files keep each other's); without it
 * the whole directory is this run's.
 */
export async function launchBrowser(options: { name?: string } = {}): Promise<Browser> {
  if (!options.name) fs.rmSync(ARTIFACTS, { recursive: true, force: true })
  const screenshot = screenshotSeries(options.name)
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-chromium-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    ignoreHTTPSErrors: true,
    viewport: { width: 1400, height: 1000 },
  })
  await keepOffline(context)
  const page = context.pages()[0] ?? (await context.newPage())
  page.setDefaultTimeout(60_000)
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('response', (response) => {
    const url = response.url()
    // 404s of optional endpoints (presence socket, user applications) are expected offline.
    if (
      response.status() >= 400 &&
      response.status() !== 404 &&
      /\/\/(127\.0\.0\.1|localhost|[a-z0-9-]+\.localhost)[:/]/.test(url)
    ) {
      const request = response.request()
      void response.text().then(
        (body) => problems.push(`${request.method()} ${url} -> ${response.status()} ${body.slice(0, 300)}`),
        () => problems.push(`${request.method()} ${url} -> ${response.status()}`),
      )
    }
  })
  return {
    context,
    page,
    shot: (name: string) => screenshot(page, name),
    problems: () => [...problems],
    async close() {
      await context.close()
      fs.rmSync(userDataDir, { recursive: true, force: true })
    },
  }
}

/**
 * Numbered screenshots: test-artifacts/e2e/<name>-NN-<step>.png (without `name`, NN-<step>.png).
 * Older ones of the same name are removed first: they would mislead whoever looks at this run's.
 */
export function screenshotSeries(name?: string): (page: Page, step: string) => Promise<string> {
  const prefix = name ? `${name}-` : ''
  fs.mkdirSync(ARTIFACTS, { recursive: true })
  if (prefix)
    for (const file of fs.readdirSync(ARTIFACTS))
      if (file.startsWith(prefix)) fs.rmSync(path.join(ARTIFACTS, file), { force: true })
  let n = 0
  return async (page, step) => {
    n += 1
    const file = path.join(ARTIFACTS, `${prefix}${String(n).padStart(2, '0')}-${step}.png`)
    await page.screenshot({ path: file })
    return file
  }
}

/** Offline: only this machine answers. The Studio's calls to sanity.io CDNs fail fast, as offline. */
export async function keepOffline(context: BrowserContext): Promise<void> {
  await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/]|localhost[:/]|[a-z0-9-]+\.localhost[:/])/, (route) =>
    route.abort(),
  )
}

/** Chromium with the tests' flags, for a tour that opens a context of its own per editor. */
export function launchChromium(): Promise<PlaywrightBrowser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS })
}

/**
 * An editor's offline browser context on `browser`: `traffic` watches every page it opens,
 * labelled `label` (then `label (page N)`). Returns its first page.
 */
export async function openWatchedPage(browser: PlaywrightBrowser, traffic: Traffic, label: string): Promise<Page> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1400, height: 1000 } })
  // The tour counts any attempt to leave the machine as well.
  await keepOffline(context)
  let pages = 0
  context.on('page', (opened) => {
    pages += 1
    traffic.watch(opened, pages === 1 ? label : `${label} (page ${pages})`)
  })
  const page = await context.newPage()
  page.setDefaultTimeout(60_000)
  return page
}

/** Opens `signInUrl` (the Studio's sign-in link with a token) and waits for the structure tool. */
export async function signIn(page: Page, signInUrl: string, timeoutMs = 60_000): Promise<void> {
  await page.goto(signInUrl)
  await page.waitForURL(/\/local(\/|$)/)
  await page.locator('[data-testid="pane-item-Articles"]').waitFor({ timeout: timeoutMs })
}

/** Polls `probe` until it returns a value other than undefined/null/false. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const started = Date.now()
  let lastError: unknown
  for (;;) {
    try {
      const value = await probe()
      if (value !== undefined && value !== null && value !== false) return value
    } catch (error) {
      lastError = error
    }
    if (Date.now() - started > timeoutMs) {
      throw new Error(
        `Timed out after ${timeoutMs / 1000} s waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
      )
    }
    await new Promise((r) => setTimeout(r, 250))
  }
}
