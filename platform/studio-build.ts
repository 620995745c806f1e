// Keeps a `sanity build` of the Studio up to date (Node only; not part of the Studio bundle).
//
// The build is stale when the source it was built from changed: the files reachable from
// sanity.config.ts by relative imports (studio/, schemas/, model/), sanity.cli.ts and
// package-lock.json (dependency versions). A fingerprint of those
// files is written next to the build. Port numbers and URLs are NOT baked in: the Studio server
// injects them at request time (studio/runtimeConfig.ts), so one build serves any configuration.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

export const BUILD_STAMP = '.clinic-studio-build.json'

interface BuildStamp {
  fingerprint: string
  builtAt: string
  files: number
  /** How long the build took (absent in stamps of older builds). */
  durationMs?: number
}

const IMPORT_SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g
/** `import type {...} from` / `export type {...} from`: erased from the bundle, so not followed. */
const TYPE_ONLY_IMPORT = /\b(?:import|export)\s+type\s[^;]*?from\s*['"][^'"]+['"]/g

/** Resolves a relative import as written in this project (`./x.js` names `x.ts` or `x.tsx`). */
function resolveImport(fromFile: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(fromFile), specifier)
  const candidates = [base]
  if (base.endsWith('.js')) candidates.unshift(`${base.slice(0, -3)}.ts`, `${base.slice(0, -3)}.tsx`)
  else candidates.push(`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'))
  return candidates.find((file) => fs.existsSync(file) && fs.statSync(file).isFile())
}

/** Every project file the Studio bundle is built from, starting at sanity.config.ts. */
export function studioSourceFiles(root: string): string[] {
  const seen = new Set<string>()
  const queue = [path.join(root, 'sanity.config.ts')]
  while (queue.length > 0) {
    const file = queue.pop()!
    if (seen.has(file)) continue
    seen.add(file)
    const text = fs.readFileSync(file, 'utf8').replace(TYPE_ONLY_IMPORT, '')
    for (const match of text.matchAll(IMPORT_SPECIFIER)) {
      const resolved = resolveImport(file, match[1]!)
      if (resolved?.startsWith(root + path.sep) && !resolved.includes(`${path.sep}node_modules${path.sep}`)) {
        queue.push(resolved)
      }
    }
  }
  for (const extra of ['sanity.cli.ts', 'package-lock.json']) {
    const file = path.join(root, extra)
    if (fs.existsSync(file)) seen.add(file)
  }
  return [...seen].sort()
}

export function studioFingerprint(root: string): { fingerprint: string; files: number } {
  const files = studioSourceFiles(root)
  const hash = createHash('sha256')
  for (const file of files) {
    hash.update(path.relative(root, file)).update('\0').update(fs.readFileSync(file)).update('\0')
  }
  return { fingerprint: hash.digest('hex'), files: files.length }
}

export type BuildState = { state: 'fresh' } | { state: 'missing' } | { state: 'stale'; builtAt: string }

export function studioBuildState(root: string, distDir: string): BuildState {
  const stampFile = path.join(distDir, BUILD_STAMP)
  if (!fs.existsSync(path.join(distDir, 'index.html')) || !fs.existsSync(stampFile)) return { state: 'missing' }
  let stamp: BuildStamp
  try {
    stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8')) as BuildStamp
  } catch {
    return { state: 'missing' }
  }
  return stamp.fingerprint === studioFingerprint(root).fingerprint
    ? { state: 'fresh' }
    : { state: 'stale', builtAt: stamp.builtAt }
}

export interface BuildOptions {
  /** Receives the build's output lines and its progress lines (default: discarded). */
  log?: (line: string) => void
  /**
   * How often a progress line is logged while `sanity build` is quiet (it prints nothing for
   * minutes when not on a terminal); default 15 s, 0 = never.
   */
  progressEveryMs?: number
  /**
   * Run the build at a lower CPU priority (`nice`), so servers starting beside it get the CPU
   * first; default false.
   */
  lowPriority?: boolean
  /** Extra environment for `sanity build`. */
  env?: NodeJS.ProcessEnv
  /** Aborting stops the build (its temporary output is removed). */
  signal?: AbortSignal
}

/** How long the last build into `distDir` took, when its stamp says (a stale build counts). */
export function lastBuildDurationMs(distDir: string): number | undefined {
  try {
    const stamp = JSON.parse(fs.readFileSync(path.join(distDir, BUILD_STAMP), 'utf8')) as BuildStamp
    return typeof stamp.durationMs === 'number' && stamp.durationMs > 0 ? stamp.durationMs : undefined
  } catch {
    return undefined
  }
}

/** "45 s of about 175 s (the last build)" or "45 s". */
export function buildProgressLine(elapsedMs: number, estimateMs: number | undefined): string {
  const elapsed = `${Math.round(elapsedMs / 1000)} s`
  if (estimateMs === undefined) return `building... ${elapsed} so far (a first build takes a few minutes)`
  const percent = Math.min(99, Math.floor((elapsedMs / estimateMs) * 100))
  return `building... ${elapsed} of about ${Math.round(estimateMs / 1000)} s (the last build), ~${percent}%`
}

const NICE = ['/usr/bin/nice', '/bin/nice'].find((file) => fs.existsSync(file))

/**
 * Runs `sanity build` into a temporary sibling directory, then swaps it into `distDir`, so a
 * running server never sees a half-written build and concurrent builds cannot mix files.
 */
export async function buildStudio(root: string, distDir: string, options: BuildOptions = {}): Promise<void> {
  const { fingerprint, files } = studioFingerprint(root)
  fs.mkdirSync(path.dirname(distDir), { recursive: true })
  const tmpDir = `${distDir}.building-${process.pid}-${Date.now()}`
  const sanityBin = path.join(root, 'node_modules', 'sanity', 'bin', 'sanity')
  if (!fs.existsSync(sanityBin)) {
    throw new Error(`Cannot build the Studio: ${sanityBin} is missing. Run "npm install" first.`)
  }
  const output: string[] = []
  const started = Date.now()
  const estimateMs = lastBuildDurationMs(distDir)
  const progressEveryMs = options.progressEveryMs ?? 15_000
  const progress =
    progressEveryMs > 0 && options.log
      ? setInterval(() => options.log?.(buildProgressLine(Date.now() - started, estimateMs)), progressEveryMs)
      : undefined
  const command = [process.execPath, sanityBin, 'build', tmpDir, '--yes']
  if (options.lowPriority && NICE) command.unshift(NICE, '-n', '10')
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), {
      cwd: root,
      env: { ...process.env, ...options.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split(/\r?\n/)) {
        if (line.trim() === '') continue
        output.push(line)
        options.log?.(line)
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    const abort = () => child.kill('SIGTERM')
    options.signal?.addEventListener('abort', abort, { once: true })
    child.on('error', reject)
    child.on('close', (exitCode) => {
      options.signal?.removeEventListener('abort', abort)
      resolve(exitCode ?? 1)
    })
  }).finally(() => clearInterval(progress))
  if (options.signal?.aborted) {
    fs.rmSync(tmpDir, { recursive: true, force: true })
    throw new Error('The Studio build was stopped.')
  }
  if (code !== 0 || !fs.existsSync(path.join(tmpDir, 'index.html'))) {
    fs.rmSync(tmpDir, { recursive: true, force: true })
    throw new Error(`sanity build failed (exit ${code}):\n${output.slice(-30).join('\n')}`)
  }
  const stamp: BuildStamp = { fingerprint, builtAt: new Date().toISOString(), files, durationMs: Date.now() - started }
  fs.writeFileSync(path.join(tmpDir, BUILD_STAMP), JSON.stringify(stamp, null, 2))
  const oldDir = `${distDir}.old-${process.pid}-${Date.now()}`
  if (fs.existsSync(distDir)) fs.renameSync(distDir, oldDir)
  fs.renameSync(tmpDir, distDir)
  fs.rmSync(oldDir, { recursive: true, force: true })
}

/** Whether a process with this id is running (a lock whose holder died is stale). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Runs `fn` holding `<distDir>.lock` (a directory: creating one is atomic), so two processes that
 * find the build stale at once (two browser test files, or `npm start` beside a test) run one
 * `sanity build` between them instead of two on the same cores. A lock left by a process that
 * died is taken over.
 */
async function withBuildLock<T>(distDir: string, options: BuildOptions, fn: () => Promise<T>): Promise<T> {
  const lockDir = `${distDir}.lock`
  const owner = path.join(lockDir, 'pid')
  fs.mkdirSync(path.dirname(distDir), { recursive: true })
  let announced = false
  for (;;) {
    try {
      fs.mkdirSync(lockDir)
      fs.writeFileSync(owner, String(process.pid))
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const holder = Number.parseInt(fs.existsSync(owner) ? fs.readFileSync(owner, 'utf8') : '', 10)
      // A lock without a pid yet is being taken right now; one whose holder is gone is stale.
      if (Number.isInteger(holder) && !processAlive(holder)) {
        fs.rmSync(lockDir, { recursive: true, force: true })
        continue
      }
      if (options.signal?.aborted) throw new Error('The Studio build was stopped.')
      if (!announced) options.log?.(`another process (${holder || 'starting'}) is building the Studio: waiting for it`)
      announced = true
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
  }
  try {
    return await fn()
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true })
  }
}

/** Builds when the build is missing or stale; returns what it found. */
export async function ensureStudioBuild(
  root: string,
  distDir: string,
  options: BuildOptions = {},
): Promise<BuildState> {
  const state = studioBuildState(root, distDir)
  if (state.state === 'fresh') return state
  return withBuildLock(distDir, options, async () => {
    // Another process may have built it while this one waited for the lock.
    if (studioBuildState(root, distDir).state === 'fresh') return state
    options.log?.(
      state.state === 'missing'
        ? `no build in ${distDir} yet: building it (a first build takes a few minutes)`
        : `the sources changed since the build of ${state.builtAt}: rebuilding`,
    )
    const started = Date.now()
    await buildStudio(root, distDir, options)
    options.log?.(`built in ${Math.round((Date.now() - started) / 1000)} s`)
    return state
  })
}
