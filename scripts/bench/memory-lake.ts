// The lake as `npm run lake` starts it (startLake, same V8 flags given by the parent), plus a
// channel to the parent process (IPC) that reports where its memory is, times queries in process
// and measures listen latency (commit -> event over its own HTTP listener). Started by
// scripts/bench/lake-process.ts; not a CLI of its own.
import fs from 'node:fs'
import v8 from 'node:v8'
import vm from 'node:vm'
import { ANONYMOUS } from '../../lake/auth/index.js'
import { startLake } from '../../lake/index.js'
import { runQuery } from '../../lake/query/index.js'
import { type ListenResult, listenUrl, measureListenLatency } from './listen.js'

/** What the child reports: bytes. */
export interface MemoryReport {
  /** VmRSS: what the memory target is checked on. */
  rss: number
  heapUsed: number
  heapTotal: number
  /** Memory of C++ objects bound to JavaScript, ArrayBuffers included. */
  external: number
  arrayBuffers: number
  /** V8's heap spaces (used bytes), for a breakdown. */
  spaces: Record<string, number>
}

export type MemoryRequest =
  | { type: 'report'; gc?: boolean; snapshot?: string }
  | { type: 'time'; queries: Array<{ query: string; params: Record<string, unknown> }>; runs: number }
  | { type: 'listen'; documentId: string; events: number; warmup: number }

export type { ListenResult }

function vmRss(): number {
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1]
  return kb ? Number(kb) * 1024 : process.memoryUsage().rss
}

function report(): MemoryReport {
  const m = process.memoryUsage()
  const spaces: Record<string, number> = {}
  for (const s of v8.getHeapSpaceStatistics()) spaces[s.space_name] = s.space_used_size
  return {
    rss: vmRss(),
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    spaces,
  }
}

/** A full collection on request (the lake runs without --expose-gc, as in production). */
function collect(): void {
  v8.setFlagsFromString('--expose-gc')
  const gc = vm.runInNewContext('gc') as () => void
  gc()
}

const lake = await startLake()
// The line scripts/bench/lake-process.ts waits for, as scripts/lake.ts prints it.
console.log(`  HTTP  (Node clients):       ${lake.httpUrl}`)

process.on('message', (raw) => {
  const msg = raw as MemoryRequest
  void (async () => {
    if (msg.type === 'report') {
      if (msg.gc) collect()
      if (msg.snapshot) v8.writeHeapSnapshot(msg.snapshot)
      process.send?.({ type: 'report', report: report() })
      return
    }
    const store = lake.store.dataset(lake.dataset)
    if (msg.type === 'listen') {
      // A listener on this one document, as delivery's listeners filter (the untimed first round
      // warms the path up: JIT, the listener's filter).
      const url = listenUrl(lake.httpUrl, lake.dataset, msg.documentId)
      if (msg.warmup > 0) await measureListenLatency(store, url, msg.documentId, msg.warmup)
      const result = await measureListenLatency(store, url, msg.documentId, msg.events)
      process.send?.({ type: 'listen', result })
      return
    }
    const medians: number[] = []
    const cpuMedians: number[] = []
    for (const q of msg.queries) {
      const times: number[] = []
      const cpu: number[] = []
      for (let i = 0; i < msg.runs; i++) {
        const t0 = performance.now()
        const c0 = process.cpuUsage()
        // A run that fails (the time limit, on a loaded machine) counts as infinitely slow.
        const ok = await runQuery({
          store,
          query: q.query,
          params: q.params,
          perspective: 'published',
          identity: ANONYMOUS,
          projectId: lake.projectId,
        }).then(
          () => true,
          () => false,
        )
        times.push(ok ? performance.now() - t0 : Number.POSITIVE_INFINITY)
        const c = process.cpuUsage(c0)
        // The process's CPU time (user + system, all threads): less sensitive to other work than wall time.
        cpu.push(ok ? (c.user + c.system) / 1000 : Number.POSITIVE_INFINITY)
      }
      times.sort((a, b) => a - b)
      cpu.sort((a, b) => a - b)
      medians.push(times[Math.floor(times.length / 2)] as number)
      cpuMedians.push(cpu[Math.floor(cpu.length / 2)] as number)
    }
    process.send?.({ type: 'time', medians, cpuMedians })
  })().catch((err: unknown) => process.send?.({ type: 'error', message: String(err) }))
})

const stop = (): void => {
  void lake.close().then(() => process.exit(0))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
process.once('disconnect', stop)
