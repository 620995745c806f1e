// The browser code of /preview/visual-editing.js, which preview pages load (built by
// platform/visual-editing-build.ts, never imported by the server). Inside the Studio's
// Presentation frame it draws click-to-edit overlays on every stega-encoded text (a click opens
// that field in the Studio) and reloads the page when the Studio reports that the draft changed.
//
// Why it waits for the change to show before reloading: the Studio reports an edit as soon as the
// editor makes it, but saves edits to the dataset about once a second; a reload right away could
// show the page without the last keystrokes, and no later report would come. So after a burst of
// edits it fetches the page until it differs from the one on screen, then reloads; and for a few
// seconds after the last edit a freshly loaded page keeps checking (the last save may land while
// it reloads).
import { enableVisualEditing, type HistoryRefresh } from '@sanity/visual-editing'

/** A burst of edits (typing) is waited out this long before checking. */
const QUIET_MS = 200
const POLL_MS = 200
/** How long after the last reported edit its save may still change the page. */
const SETTLE_MS = 3_000
const LAST_EDIT_KEY = 'clinic.preview.lastEditAt'
/** When the page cannot be fetched (offline, or a policy forbids it): one reload after the save delay. */
const FALLBACK_RELOAD_MS = 1_300

function lastEditAt(): number {
  try {
    return Number(sessionStorage.getItem(LAST_EDIT_KEY)) || 0
  } catch {
    return 0
  }
}

function noteEdit(): void {
  try {
    sessionStorage.setItem(LAST_EDIT_KEY, String(Date.now()))
  } catch {
    // Storage may be off in the frame: the checks after a reload are then skipped.
  }
}

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

// The page as it was when this copy loaded: what "changed" is measured against.
const onScreen = fetchPage()
let checking = false
let quietTimer: ReturnType<typeof setTimeout> | undefined

/** `afterLoad`: called as the page loads (a reload may have raced the last save), not for an edit. */
async function reloadWhenChanged(afterLoad: boolean): Promise<void> {
  if (checking) return
  checking = true
  try {
    const before = await onScreen
    if (before === null) {
      if (afterLoad) return
      await sleep(Math.max(0, lastEditAt() + FALLBACK_RELOAD_MS - Date.now()))
      window.location.reload()
      return
    }
    while (Date.now() - lastEditAt() < SETTLE_MS) {
      const now = await fetchPage()
      if (now !== null && now !== before) {
        window.location.reload()
        return
      }
      await sleep(POLL_MS)
    }
  } finally {
    checking = false
  }
}

function refresh(payload: HistoryRefresh): false | Promise<void> {
  if (payload.source === 'manual') {
    window.location.reload()
    return new Promise<void>(() => undefined)
  }
  noteEdit()
  clearTimeout(quietTimer)
  quietTimer = setTimeout(() => void reloadWhenChanged(false), QUIET_MS)
  return false
}

// Only inside a frame (the Studio's Presentation tool or Preview pane): a preview page opened on
// its own has no Studio to talk to.
if (window.self !== window.top) {
  enableVisualEditing({ refresh, zIndex: 1000 })
  if (Date.now() - lastEditAt() < SETTLE_MS) void reloadWhenChanged(true)
}
