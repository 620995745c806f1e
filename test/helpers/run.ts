/**
 * Running a repository script (under ts-node) to completion, for CLI tests.
 *
 *   const { code, stdout, stderr } = await runScript('scripts/partner.ts', ['list'], { LAKE_URL: url })
 */
import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)))

export interface ScriptRun {
  /** The exit code (1 when the script was ended by a signal). */
  code: number
  stdout: string
  stderr: string
}

/** Runs `node --loader ts-node/esm <script> ...args` from the current directory, `env` over process.env. */
export function runScript(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<ScriptRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--loader', 'ts-node/esm', '--no-warnings', script, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d))
    child.stderr.on('data', (d: Buffer) => (stderr += d))
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }))
  })
}

/** Runs `command` in the repository's tools' quiet mode (no colour, no telemetry): exit code and stdout+stderr. */
export function runQuiet(command: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', SANITY_TELEMETRY_DISABLED: '1' },
    })
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    child.on('close', (code) => resolve({ code: code ?? 1, output }))
  })
}

/**
 * `npm start` (scripts/start.ts, the same entry point) as a child with every listener on a free
 * loopback port, its data in `dataDir`, no hosted project, and its URLs written to `infoFile` when
 * it is ready; `env` over that. Its output is piped for the caller to read.
 */
export function spawnStart(dataDir: string, infoFile: string, env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, ['--loader', 'ts-node/esm', '--no-warnings', 'scripts/start.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      LAKE_DATA_DIR: dataDir,
      LAKE_HOST: '127.0.0.1',
      LAKE_HTTP_PORT: '0',
      LAKE_HTTPS_PORT: '0',
      DELIVERY_PORT: '0',
      STUDIO_PORT: '0',
      START_INFO_FILE: infoFile,
      SANITY_STUDIO_PROJECT_ID: '',
      SANITY_STUDIO_DATASET: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}
