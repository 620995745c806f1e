// HTTP throughput for `npm run bench`: autocannon (in a child process, see load-worker.mjs) against
// delivery endpoints, next to a raw `node:http` server answering a prebuilt body of the same size:
// the ceiling of this machine for that response size.
import { execFile } from 'node:child_process'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'

export interface LoadResult {
  requests: number
  rps: number
  latency: { p50: number; p90: number; p99: number; max: number }
  non2xx: number
  errors: number
  timeouts: number
}

export interface LoadOptions {
  url: string
  paths: string[]
  connections: number
  durationSeconds: number
}

const WORKER = fileURLToPath(new URL('./load-worker.mjs', import.meta.url))

function isLoadResult(value: unknown): value is LoadResult {
  if (!value || typeof value !== 'object') return false
  const v = value as Record<string, unknown>
  return typeof v.rps === 'number' && typeof v.requests === 'number' && typeof v.latency === 'object'
}

/** Runs autocannon in a child process (bounded by `durationSeconds` plus a margin). */
export function runLoad(opts: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [WORKER, JSON.stringify(opts)],
      { timeout: (opts.durationSeconds + 30) * 1000, maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`load generator failed: ${err.message}\n${stderr}`))
        let parsed: unknown
        try {
          parsed = JSON.parse(stdout.trim().split('\n').pop() ?? '')
        } catch {
          return reject(new Error(`load generator printed no result: ${stdout}\n${stderr}`))
        }
        if (!isLoadResult(parsed)) return reject(new Error(`load generator result has the wrong shape: ${stdout}`))
        resolve(parsed)
      },
    )
  })
}

export interface RawServer {
  url: string
  close(): Promise<void>
}

/** A plain `node:http` server answering every request with `body` (prebuilt, as a Buffer). */
export async function startRawServer(
  body: string,
  contentType = 'application/json; charset=utf-8',
): Promise<RawServer> {
  const payload = Buffer.from(body)
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': contentType, 'content-length': payload.length })
    res.end(payload)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
