// The browser code of /preview/visual-editing.js, which preview pages load (built by
// platform/visual-editing-build.ts, never imported by the server). Inside the Studio's
// Presentation frame it draws click-to-edit overlays on every stega-encoded text (a click opens
// that field in the Studio) and refreshes the page when the Studio reports that the draft changed.
//
// How it refreshes: the page is fetched again (with the preview cookie) and, when it differs from
// the copy on screen, its new body is put in place: the same as a reload for the reader, without
// rendering the page twice or reconnecting to the Studio. The overlays follow the new text on
// their own (they watch the document). It fetches when the Studio forwards a change the dataset
// has committed (`presentation/snapshot-event`, from the Studio's listener), which is the moment
// the page can show it. The Studio's own `presentation/refresh` (sent about a second after the
// editor stops, from its local copy, possibly before the save lands) also starts a few checks,
// for Studios that do not forward committed changes.
import { enableVisualEditing, type HistoryRefresh } from '@sanity/visual-editing'

/** After the Studio's refresh report: how long, and how often, to look for its save on the page. */
const SETTLE_MS = 2_000
const POLL_MS = 300
/** When the page cannot be fetched (a policy forbids it): one reload after the Studio's save delay. */
const FALLBACK_RELOAD_MS = 1_300

let lastEditAt = 0

/** The page as the server renders it now (with the preview cookie), or null when it cannot be read. */
async function fetchPage(): Promise<string | null> {
  try {
    const response = await fetch(window.location.href, {
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { accept: 'text/html' },
    })
    return response.ok ? await response.text() : null
  } catch {
    return null
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Shows `html` in place of the current page: its title and body. Scripts in the new body are not
 * run (the browser never runs scripts set through innerHTML): this one keeps running, and the
 * overlays' own elements live outside <body>, so they stay.
 */
function show(html: string): boolean {
  const next = new DOMParser().parseFromString(html, 'text/html')
  if (!next.body || next.body.childElementCount === 0) return false
  if (next.title) document.title = next.title
  document.body.innerHTML = next.body.innerHTML
  return true
}

// The page as the server rendered it for this copy: what "changed" is measured against.
let onScreen: Promise<string | null> = fetchPage()
let checking: Promise<void> | null = null
let checkAgain = false

/** Fetches the page once and shows it if it changed; calls during a check run one more after it. */
function check(): Promise<void> {
  if (checking) {
    checkAgain = true
    return checking
  }
  checking = (async () => {
    do {
      checkAgain = false
      let before = await onScreen
      // The copy taken at load may have failed for a moment (a busy server): take it again once.
      if (before === null) {
        onScreen = fetchPage()
        before = await onScreen
      }
      if (before === null) {
        await sleep(Math.max(0, lastEditAt + FALLBACK_RELOAD_MS - Date.now()))
        window.location.reload()
        return
      }
      const now = await fetchPage()
      if (now !== null && now !== before) {
        if (!show(now)) {
          window.location.reload()
          return
        }
        onScreen = Promise.resolve(now)
      }
    } while (checkAgain)
  })().finally(() => {
    checking = null
  })
  return checking
}

let polling = false

/** Checks now and then every POLL_MS until SETTLE_MS after the last reported edit. */
async function pollUntilSettled(): Promise<void> {
  if (polling) return
  polling = true
  try {
    while (Date.now() - lastEditAt < SETTLE_MS) {
      await check()
      await sleep(POLL_MS)
    }
  } finally {
    polling = false
  }
}

function refresh(payload: HistoryRefresh): false | Promise<void> {
  if (payload.source === 'manual') {
    window.location.reload()
    return new Promise<void>(() => undefined)
  }
  lastEditAt = Date.now()
  void pollUntilSettled()
  return false
}

/** A change the dataset committed, as the Presentation tool forwards it to the frame. */
function isCommittedChange(event: MessageEvent): boolean {
  if (event.source !== window.parent) return false
  const message: unknown = event.data
  if (typeof message !== 'object' || message === null) return false
  const { type, data } = message as { type?: unknown; data?: { event?: { type?: unknown } } }
  return type === 'presentation/snapshot-event' && data?.event?.type === 'mutation'
}

// Only inside a frame (the Studio's Presentation tool or Preview pane): a preview page opened on
// its own has no Studio to talk to.
if (window.self !== window.top) {
  enableVisualEditing({ refresh, zIndex: 1000 })
  window.addEventListener('message', (event) => {
    if (isCommittedChange(event)) void check()
  })
}
