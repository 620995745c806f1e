/**
 * Starts the lake as a child process (from a bundle, see bundle.ts) and gives the test a handle to
 * kill it with any signal and to wait for its exit.
 *
 *   const lake = await spawnLake(bundles.paths.lake, {dataDir})
 *   await fetch(`${lake.httpUrl}/ping`)
 *   await lake.kill('SIGKILL')
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { ROOT } from './bundle.js'

export interface ChildLake {
  httpUrl: string
  port: number
  pid: number
  child: ChildProcess
  /** Everything the child wrote to stderr (lake errors are logged there). */
  stderr(): string
  /** Sends the signal and resolves once the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

export interface SpawnLakeOptions {
  dataDir: string
  /** 0 (default) = any free port; a fixed port to come back on the same address after a stop. */
  port?: number
  dataset?: string
  startTimeoutMs?: number
}

export async function spawnLake(bundle: string, options: SpawnLakeOptions): Promise<ChildLake> {
  const child = spawn(process.execPath, [bundle], {
    cwd: ROOT,
    env: {
      ...process.env,
      LAKE_DATA_DIR: options.dataDir,
      LAKE_HOST: '127.0.0.1',
      LAKE_HTTP_PORT: String(options.port ?? 0),
      LAKE_HTTPS_PORT: '-1',
      LAKE_DATASET: options.dataset ?? 'production',
      LAKE_KEEPALIVE_MS: '2000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }))
  })
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString()
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000)
  })
  const ready = await new Promise<{ httpUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(
        new Error(
          `the lake child did not start within ${options.startTimeoutMs ?? 30_000} ms; stderr: ${stderr.slice(-2000)}`,
        ),
      )
    }, options.startTimeoutMs ?? 30_000)
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString()
      const match = /^LAKE_READY (.*)$/m.exec(stdout)
      if (match) {
        clearTimeout(timer)
        resolve(JSON.parse(match[1] as string) as { httpUrl: string })
      }
    })
    void exited.then(({ code, signal }) => {
      clearTimeout(timer)
      reject(
        new Error(
          `the lake child exited (code ${code}, signal ${signal}) before it was ready; stderr: ${stderr.slice(-2000)}`,
        ),
      )
    })
  })
  let done = false
  void exited.then(() => {
    done = true
  })
  return {
    httpUrl: ready.httpUrl,
    port: Number(new URL(ready.httpUrl).port),
    pid: child.pid as number,
    child,
    stderr: () => stderr,
    async kill(signal) {
      if (!done) child.kill(signal)
      await exited
    },
    exited,
  }
}
