// The lake as it runs in production, for `npm run bench`'s memory figures: `scripts/lake.ts` in a
// child process of its own (ts-node loader included, as `npm run lake` runs it), whose resident
// memory is read from /proc/<pid>/status (VmRSS). The bench's own process cannot tell: it also
// holds the parsed NDJSON, naive groq-js evaluations and its own copy of the lake.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')

export interface LakeProcess {
  url: string
  pid: number
  /** Resident memory (VmRSS) of the child now, in bytes. */
  rss(): number
  stop(): Promise<void>
}

/** Starts `scripts/lake.ts` on `dataDir` (any free port, no HTTPS) and waits until it listens. */
export function startLakeProcess(dataDir: string, dataset: string): Promise<LakeProcess> {
  const env = {
    ...process.env,
    LAKE_DATA_DIR: dataDir,
    LAKE_DATASET: dataset,
    LAKE_HTTP_PORT: '0',
    LAKE_HTTPS_PORT: '-1',
    LAKE_HOST: '127.0.0.1',
  }
  // The same V8 flags as `npm run lake` (package.json): the memory figure includes their cost.
  const child = spawn(
    process.execPath,
    ['--max-semi-space-size=64', '--loader', 'ts-node/esm', '--no-warnings', 'scripts/lake.ts'],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the lake process did not start within 10 minutes: ${out.slice(-500)}`))
    }, 600_000)
    const onExit = (code: number | null): void => {
      clearTimeout(timer)
      reject(new Error(`the lake process exited (${code}) before listening: ${out.slice(-500)}`))
    }
    child.once('exit', onExit)
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const url = /HTTP {2}\(Node clients\):\s+(http:\/\/\S+)/.exec(out)?.[1]
      if (!url) return
      clearTimeout(timer)
      child.off('exit', onExit)
      resolve({ url, pid: child.pid!, rss: () => vmRss(child.pid!), stop: () => stop(child) })
    })
  })
}

function vmRss(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]
  if (!kb) throw new Error(`no VmRSS in /proc/${pid}/status`)
  return Number(kb) * 1024
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

/** Runs a query over HTTP as the delivery API's anonymous client does (perspective published). */
export async function queryOverHttp(
  url: string,
  dataset: string,
  query: string,
  params: Record<string, unknown>,
): Promise<unknown> {
  const res = await fetch(`${url}/v2025-02-19/data/query/${dataset}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, params, perspective: 'published' }),
  })
  const body = (await res.json()) as { result?: unknown; error?: unknown }
  if (res.status !== 200) throw new Error(`query answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`)
  return body.result
}

/** Waits until the lake process answers `count(*)` (anonymous, published) with `expected`. */
export async function waitForCount(url: string, dataset: string, expected: number, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const count = await queryOverHttp(url, dataset, 'count(*)', {})
    if (count === expected) return
    if (Date.now() > deadline)
      throw new Error(`the lake process shows ${String(count)} documents, expected ${expected}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}
