// Builds the browser script of preview pages, /preview/visual-editing.js (Node only): the click-to-
// edit overlays of `@sanity/visual-editing` and the live refresh in
// delivery/http/routes/visual-editing/overlays.browser.ts, bundled by esbuild into one minified
// ES module under dist/visual-editing/ (git-ignored).
//
// Like the Studio build (studio-build.ts), it is rebuilt only when what it is built from changed:
// the entry's source and package-lock.json (the packages' versions); a stamp next to the output
// holds their fingerprint. A build takes a few seconds, so `npm start` runs it beside the lake.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

export const VISUAL_EDITING_ENTRY = 'delivery/http/routes/visual-editing/overlays.browser.ts'
export const VISUAL_EDITING_FILE = 'visual-editing.js'
const STAMP = '.clinic-visual-editing-build.json'

interface Stamp {
  fingerprint: string
  builtAt: string
  bytes: number
}

export function visualEditingFingerprint(root: string): string {
  const hash = createHash('sha256')
  for (const file of [VISUAL_EDITING_ENTRY, 'package-lock.json']) {
    const full = path.join(root, file)
    hash.update(file).update('\0')
    if (fs.existsSync(full)) hash.update(fs.readFileSync(full))
    hash.update('\0')
  }
  return hash.digest('hex')
}

export type VisualEditingBuildState = 'fresh' | 'missing' | 'stale'

export function visualEditingBuildState(root: string, outDir: string): VisualEditingBuildState {
  const stampFile = path.join(outDir, STAMP)
  if (!fs.existsSync(path.join(outDir, VISUAL_EDITING_FILE)) || !fs.existsSync(stampFile)) return 'missing'
  try {
    const stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8')) as Stamp
    return stamp.fingerprint === visualEditingFingerprint(root) ? 'fresh' : 'stale'
  } catch {
    return 'missing'
  }
}

/** Why the script cannot be built here, or null when it can. */
function missingPackage(root: string): string | null {
  for (const name of ['@sanity/visual-editing', 'esbuild']) {
    if (!fs.existsSync(path.join(root, 'node_modules', ...name.split('/'), 'package.json')))
      return `The package ${name} is not installed, so the visual editing script cannot be built: run "npm install".`
  }
  return null
}

/** Builds the script into `outDir` (written to a temporary file, then renamed: never half-written). */
export async function buildVisualEditing(root: string, outDir: string): Promise<{ bytes: number; ms: number }> {
  const missing = missingPackage(root)
  if (missing) throw new Error(missing)
  const started = Date.now()
  const fingerprint = visualEditingFingerprint(root)
  const { build } = await import('esbuild')
  const result = await build({
    absWorkingDir: root,
    entryPoints: [VISUAL_EDITING_ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
  }).catch((error: unknown) => {
    throw new Error(
      `esbuild could not build ${VISUAL_EDITING_ENTRY}: ${error instanceof Error ? error.message : String(error)}`,
    )
  })
  const code = result.outputFiles[0]?.text
  if (!code) throw new Error(`esbuild produced no output for ${VISUAL_EDITING_ENTRY}.`)
  fs.mkdirSync(outDir, { recursive: true })
  const target = path.join(outDir, VISUAL_EDITING_FILE)
  const tmp = `${target}.${process.pid}-${Date.now()}.tmp`
  fs.writeFileSync(tmp, code)
  fs.renameSync(tmp, target)
  const stamp: Stamp = { fingerprint, builtAt: new Date().toISOString(), bytes: Buffer.byteLength(code) }
  fs.writeFileSync(path.join(outDir, STAMP), JSON.stringify(stamp, null, 2))
  return { bytes: stamp.bytes, ms: Date.now() - started }
}

/** The built script's path, building it first when it is missing or stale. */
export async function ensureVisualEditing(
  root: string,
  outDir: string,
  options: { log?: (line: string) => void } = {},
): Promise<string> {
  const state = visualEditingBuildState(root, outDir)
  if (state !== 'fresh') {
    const { bytes, ms } = await buildVisualEditing(root, outDir)
    options.log?.(`built ${VISUAL_EDITING_FILE} (${Math.round(bytes / 1024)} KiB) in ${ms} ms (it was ${state})`)
  }
  return path.join(outDir, VISUAL_EDITING_FILE)
}

/**
 * The script's code for the delivery route: built (if needed) once per process, on the first call,
 * then kept in memory. A failed build is retried on the next call (a package installed meanwhile).
 */
export function visualEditingBundle(
  root: string,
  outDir: string,
  options: { log?: (line: string) => void } = {},
): () => Promise<string> {
  let code: Promise<string> | null = null
  return () => {
    if (!code) {
      const attempt = ensureVisualEditing(root, outDir, options).then((file) => fs.promises.readFile(file, 'utf8'))
      attempt.catch(() => {
        if (code === attempt) code = null
      })
      code = attempt
    }
    return code
  }
}

/** The prebuilt script's code, for servers that do not build (npm run serve). */
export function prebuiltVisualEditing(outDir: string) {
  const file = path.join(outDir, VISUAL_EDITING_FILE)
  return async (): Promise<string> => {
    try {
      return await fs.promises.readFile(file, 'utf8')
    } catch {
      throw new Error(`${file} does not exist: run "npm run build:visual-editing" before starting the server.`)
    }
  }
}
