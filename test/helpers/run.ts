/**
 * Running a repository script (under ts-node) to completion, for CLI tests.
 *
 *   const { code, stdout, stderr } = await runScript('scripts/partner.ts', ['list'], { LAKE_URL: url })
 */
import { spawn } from 'node:child_process'

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
