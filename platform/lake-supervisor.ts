// Runs the lake in a child process (lake-process.ts) and restarts it when it dies, with a bounded
// exponential backoff, logging each exit and restart. Restarts reuse the first start's ports, so
// the URLs delivery and the Studio were given stay valid; meanwhile delivery serves what it has
// cached (`X-Cache: STALE`, `/health` degraded) and recovers by itself once the lake answers.
import { type ChildProcess, spawn } from 'node:child_process'
import { EventEmitter } from 'node:events'
import path from 'node:path'
import type { LakeProcessFailed, LakeProcessReady, LocalEditor } from './lake-process.js'

export type { LocalEditor } from './lake-process.js'

export interface LakeSupervisorOptions {
  /** Repository root (where lake-process.ts resolves from, and content/ for the seed). */
  root: string
  dataDir: string
  host: string
  /** 0 = any free port on the first start; restarts reuse the port it got. */
  httpPort: number
  /** -1 = no HTTPS listener. */
  httpsPort: number
  seedFile: string
  log: (line: string) => void
  /** Extra environment for the lake process (LAKE_* variables). */
  env?: NodeJS.ProcessEnv
  /** First restart delay (default 500 ms), doubled per failed restart up to `maxBackoffMs` (30 s). */
  initialBackoffMs?: number
  maxBackoffMs?: number
  /** A lake that ran this long before dying counts as stable: the backoff starts over (60 s). */
  stableAfterMs?: number
  /** How long one start may take, seeding included (default 180 s). */
  startTimeoutMs?: number
}

export type LakeInfo = Omit<LakeProcessReady, 'type' | 'editor' | 'seeded'>

export interface SupervisedLake {
  /** The running lake's addresses (the same across restarts) and its current pid. */
  readonly info: LakeInfo
  readonly editor: LocalEditor
  /** Whether the first start seeded the data dir. */
  readonly seeded: boolean
  /** How many times the lake was restarted after dying. */
  readonly restarts: number
  /** 'ready' (LakeInfo) after each restart; 'exit' ({code, signal}) when the lake process dies. */
  readonly events: EventEmitter
  /** Stops the lake (SIGTERM, then SIGKILL after a few seconds) and stops restarting it. */
  close(): Promise<void>
}

const CLOSE_TIMEOUT_MS = 5_000

interface Started {
  child: ChildProcess
  ready: LakeProcessReady
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

function isReady(message: unknown): message is LakeProcessReady {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'ready'
}

function isFailed(message: unknown): message is LakeProcessFailed {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'failed'
}

/** Forwards a stream's lines to the log, prefixed. */
function forwardLines(stream: NodeJS.ReadableStream | null, log: (line: string) => void): void {
  let buffered = ''
  stream?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8')
    const lines = buffered.split(/\r?\n/)
    buffered = lines.pop() ?? ''
    for (const line of lines) if (line.trim() !== '') log(`lake: ${line}`)
  })
}

function spawnLakeProcess(
  options: LakeSupervisorOptions,
  ports: { http: number; https: number },
  recentOutput: string[],
): Promise<Started> {
  // The lake runs from source under ts-node like every entry point here; its heap settings are
  // npm start's (a large dataset pauses less with a larger young generation).
  const child = spawn(
    process.execPath,
    ['--max-semi-space-size=64', '--loader', 'ts-node/esm', '--no-warnings', path.join('platform', 'lake-process.ts')],
    {
      cwd: options.root,
      env: {
        ...process.env,
        ...options.env,
        CLINIC_ROOT: options.root,
        SEED_FILE: options.seedFile,
        LAKE_DATA_DIR: options.dataDir,
        LAKE_HOST: options.host,
        LAKE_HTTP_PORT: String(ports.http),
        LAKE_HTTPS_PORT: String(ports.https),
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  )
  const remember = (line: string) => {
    recentOutput.push(line)
    if (recentOutput.length > 40) recentOutput.shift()
    options.log(line)
  }
  forwardLines(child.stdout, remember)
  forwardLines(child.stderr, remember)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  return new Promise<Started>((resolve, reject) => {
    const timeoutMs = options.startTimeoutMs ?? 180_000
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the lake did not start within ${timeoutMs / 1000} s`))
    }, timeoutMs)
    child.on('message', (message: unknown) => {
      if (isReady(message)) {
        clearTimeout(timer)
        resolve({ child, ready: message, exited })
      } else if (isFailed(message)) {
        clearTimeout(timer)
        reject(new Error(message.message))
      }
    })
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    void exited.then(({ code, signal }) => {
      clearTimeout(timer)
      reject(
        new Error(
          `the lake process exited (${signal ?? `code ${code}`}) before it was ready${
            recentOutput.length > 0 ? `:\n${recentOutput.slice(-15).join('\n')}` : ''
          }`,
        ),
      )
    })
  })
}

export async function startSupervisedLake(options: LakeSupervisorOptions): Promise<SupervisedLake> {
  const log = options.log
  const initialBackoffMs = options.initialBackoffMs ?? 500
  const maxBackoffMs = options.maxBackoffMs ?? 30_000
  const stableAfterMs = options.stableAfterMs ?? 60_000
  const recentOutput: string[] = []
  const events = new EventEmitter()
  const first = await spawnLakeProcess(options, { http: options.httpPort, https: options.httpsPort }, recentOutput)
  const { editor, seeded, type: _type, ...firstInfo } = first.ready
  let info: LakeInfo = firstInfo
  // Restarts come back on the same addresses.
  const ports = {
    http: Number(new URL(info.httpUrl).port),
    https: info.httpsUrl ? Number(new URL(info.httpsUrl).port) : -1,
  }
  let current: Started | null = first
  let stopping = false
  let restarts = 0
  let backoffMs = initialBackoffMs
  let retryTimer: NodeJS.Timeout | undefined
  let startedAt = Date.now()

  const watch = (started: Started): void => {
    void started.exited.then(({ code, signal }) => {
      if (current === started) current = null
      if (stopping) return
      events.emit('exit', { code, signal })
      if (Date.now() - startedAt >= stableAfterMs) backoffMs = initialBackoffMs
      log(
        `lake: the lake process (pid ${started.ready.pid}) exited (${signal ?? `code ${code}`}); ` +
          `restarting it in ${(backoffMs / 1000).toFixed(1)} s (delivery serves cached content meanwhile)`,
      )
      scheduleRestart()
    })
  }

  const scheduleRestart = (): void => {
    const delay = backoffMs
    backoffMs = Math.min(maxBackoffMs, backoffMs * 2)
    retryTimer = setTimeout(() => {
      retryTimer = undefined
      if (stopping) return
      const began = Date.now()
      spawnLakeProcess(options, ports, recentOutput).then(
        (started) => {
          if (stopping) {
            started.child.kill('SIGTERM')
            return
          }
          current = started
          startedAt = Date.now()
          restarts += 1
          const { editor: _e, seeded: _s, type: _t, ...next } = started.ready
          info = next
          log(`lake: restarted (pid ${next.pid}, ${((Date.now() - began) / 1000).toFixed(1)} s), ${next.httpUrl}`)
          events.emit('ready', info)
          watch(started)
        },
        (error: unknown) => {
          if (stopping) return
          log(
            `lake: restart failed: ${error instanceof Error ? error.message : String(error)}; ` +
              `trying again in ${(backoffMs / 1000).toFixed(1)} s`,
          )
          scheduleRestart()
        },
      )
    }, delay)
  }

  watch(first)

  return {
    get info() {
      return info
    },
    editor,
    seeded,
    get restarts() {
      return restarts
    },
    events,
    async close() {
      stopping = true
      clearTimeout(retryTimer)
      const running = current
      if (!running || running.child.exitCode !== null || running.child.signalCode !== null) return
      running.child.kill('SIGTERM')
      let timer: NodeJS.Timeout | undefined
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), CLOSE_TIMEOUT_MS)
      })
      const result = await Promise.race([running.exited, timedOut])
      clearTimeout(timer)
      if (result === 'timeout') {
        log(`lake: did not stop within ${CLOSE_TIMEOUT_MS / 1000} s of SIGTERM; killing it`)
        running.child.kill('SIGKILL')
        await running.exited
      }
    },
  }
}
