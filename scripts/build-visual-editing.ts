// npm run build:visual-editing [-- --force]
//
// Builds preview pages' /preview/visual-editing.js (the Presentation tool's click-to-edit overlays
// and live refresh) into dist/visual-editing/ (VISUAL_EDITING_DIR), for `npm run serve`, which
// serves it but does not build it. `npm start` builds it on its own when it is missing or stale.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildVisualEditing, VISUAL_EDITING_FILE, visualEditingBuildState } from '../platform/visual-editing-build.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const outDir = path.resolve(root, process.env.VISUAL_EDITING_DIR?.trim() || 'dist/visual-editing')
const state = visualEditingBuildState(root, outDir)
if (state === 'fresh' && !process.argv.includes('--force')) {
  console.log(`${path.relative(root, path.join(outDir, VISUAL_EDITING_FILE))} is up to date`)
} else {
  try {
    const { bytes, ms } = await buildVisualEditing(root, outDir)
    console.log(
      `wrote ${path.relative(root, path.join(outDir, VISUAL_EDITING_FILE))} (${Math.round(bytes / 1024)} KiB) in ${ms} ms`,
    )
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    process.exit(1)
  }
}
