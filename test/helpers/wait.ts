/** Waiting in tests that watch a process recover. */

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `check` every 200 ms for up to `boundMs`: how long it took to pass, or -1 if it never did. */
export async function waitFor(check: () => Promise<boolean>, boundMs: number): Promise<number> {
  const started = Date.now()
  while (Date.now() - started < boundMs) {
    if (await check()) return Date.now() - started
    await sleep(200)
  }
  return -1
}

/** Polls `check` every 20 ms until it passes: how long that took; throws naming `what` after `limitMs`. */
export async function waitUntil(check: () => Promise<boolean>, limitMs: number, what: string): Promise<number> {
  const started = Date.now()
  for (;;) {
    if (await check()) return Date.now() - started
    if (Date.now() - started > limitMs) throw new Error(`${what}: not within ${limitMs} ms`)
    await sleep(20)
  }
}
