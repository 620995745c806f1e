// The lake as it runs in production, for `npm run bench`'s memory figures: `startLake()` in a
// child process of its own (ts-node loader included, `npm run lake`'s V8 flags: memory-lake.ts,
// which starts it as `scripts/lake.ts` does and answers memory reports over IPC), whose resident
// memory is read from /proc/<pid>/status (VmRSS). The bench's own process cannot tell: it also
// holds the parsed NDJSON, naive groq-js evaluations and its own copy of the lake.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { createClient, type SanityClient } from '@sanity/client'
import type { ListenResult, MemoryReport, MemoryRequest } from './memory-lake.js'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')

export interface LakeProcess {
  url: string
  pid: number
  /** Resident memory (VmRSS) of the child now, in bytes. */
  rss(): number
  /** The child's own account of its memory (`gc`: after a full collection; `snapshot`: a heap snapshot file written first). */
  report(gc?: boolean, snapshot?: string): Promise<MemoryReport>
  /** In-process median ms (wall and CPU) of each query, `runs` runs each (anonymous, published). */
  time(
    queries: Array<{ query: string; params: Record<string, unknown> }>,
    runs: number,
  ): Promise<{ medians: number[]; cpuMedians: number[] }>
  /**
   * Listen latency measured inside the lake process (commit -> `mutation` event at an SSE client of
   * its HTTP listener), `events` timed after `warmup` untimed, patching `documentId` (published).
   */
  listen(documentId: string, events: number, warmup?: number): Promise<ListenResult>
  stop(): Promise<void>
}

/** Starts the lake on `dataDir` (any free port, no HTTPS) in a child process and waits until it listens. */
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
    ['--max-semi-space-size=64', '--loader', 'ts-node/esm', '--no-warnings', 'scripts/bench/memory-lake.ts'],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
  )
  let chain: Promise<unknown> = Promise.resolve()
  const request = <T>(msg: MemoryRequest): Promise<T> => {
    const next = chain.then(
      () =>
        new Promise<T>((resolve, reject) => {
          child.once('message', (raw) => {
            const answer = raw as { type: string; report?: MemoryReport; result?: ListenResult; message?: string }
            if (answer.type === 'error') reject(new Error(answer.message))
            else if (answer.type === 'report') resolve(answer.report as T)
            else if (answer.type === 'listen') resolve(answer.result as T)
            else resolve(answer as T)
          })
          child.send(msg)
        }),
    )
    chain = next.catch(() => undefined)
    return next
  }
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
      resolve({
        url,
        pid: child.pid!,
        rss: () => vmRss(child.pid!),
        report: (gc, snapshot) => request<MemoryReport>({ type: 'report', gc, snapshot }),
        time: (queries, runs) => request<{ medians: number[]; cpuMedians: number[] }>({ type: 'time', queries, runs }),
        listen: (documentId, events, warmup = 20) =>
          request<ListenResult>({ type: 'listen', documentId, events, warmup }),
        stop: () => stopChild(child),
      })
    })
  })
}

function vmRss(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]
  if (!kb) throw new Error(`no VmRSS in /proc/${pid}/status`)
  return Number(kb) * 1024
}

/** Ends a bench child process: SIGTERM, then SIGKILL if it has not exited within 10 s. */
export function stopChild(child: ChildProcess): Promise<void> {
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

/** An anonymous client of a bench lake's HTTP listener, as the delivery servers under test use. */
export function benchLakeClient(lakeUrl: string, dataset: string): SanityClient {
  return createClient({
    projectId: 'local',
    dataset,
    apiHost: lakeUrl,
    useProjectHostname: false,
    apiVersion: '2025-02-19',
    useCdn: false,
  })
}
