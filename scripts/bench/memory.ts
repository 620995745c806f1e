// The lake's memory against the NDJSON size, on its own (npm run bench measures it too):
//
//   node --loader ts-node/esm --no-warnings scripts/bench/memory.ts [sizes, default 10000,100000]
//   MEMORY_DATA_DIR=<dir>   reuse a data dir the size's dataset was already imported into
//   MEMORY_RUNS=15          in-process runs per delivery query for the latency check (median)
//   MEMORY_PICK_UP=1        start the lake on an empty data dir and import beside it (as the
//                           bench's figure: the lake picks the import up), instead of a restart
//   MEMORY_TRACE=1          print the lake's memory after each query of the rounds
//   MEMORY_HEAP_SNAPSHOT=f  write a heap snapshot of the lake process to f after the full collection
//                           (open it in Chrome DevTools' Memory tab; a 100k snapshot is ~0.5 GB)
//
// For each size: the bench's dataset (bench-results/datasets/, generated when missing) is imported
// with `scripts/import.ts` into a fresh data dir; then the lake is started on it in a process of
// its own with `npm run lake`'s V8 flags (memory-lake.ts), and its memory is read when loaded,
// after every delivery query ran once over HTTP (anonymous, published: as the bench's memory step),
// after a second round (every query warm: the figure the target is checked on), and after a full
// collection. RSS is VmRSS; heapUsed/external come from the lake process itself. Then each
// delivery query is timed in that process (median of MEMORY_RUNS). Figures go to
// bench-results/memory-<time>.json.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { writeDatasetNdjson } from '../generate-dataset.js'
import { queryOverHttp, startLakeProcess, waitForCount } from './lake-process.js'
import type { MemoryReport } from './memory-lake.js'
import { deliveryQueries, pickParams, type BenchQuery } from './queries.js'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')
const resultsDir = path.join(root, 'bench-results')
const DATASET = 'production'
const SEED = process.env.BENCH_SEED ?? 'bench'
/** Bump with scripts/bench.ts GENERATOR_VERSION (the same cached files). */
const GENERATOR_VERSION = 2

export interface MemoryFigures {
  size: number
  ndjsonBytes: number
  loaded: MemoryReport
  afterFirstRound: MemoryReport
  /** Every delivery query run twice: the figure the target (<= 2x the NDJSON) is checked on. */
  warm: MemoryReport
  afterGc: MemoryReport
  warmVsNdjson: number
  /** Queries that failed over HTTP in a round (e.g. a cold index build past the time limit). */
  failures: string[]
  /** In-process median ms of each delivery query (warm; Infinity when most runs failed). */
  medians: Array<{ name: string; ms: number; cpuMs: number }>
}

const log = (msg: string): void => {
  process.stderr.write(`[memory ${new Date().toISOString().slice(11, 19)}] ${msg}\n`)
}

async function ensureDataset(size: number): Promise<string> {
  const dir = path.join(resultsDir, 'datasets')
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, `synthetic-v${GENERATOR_VERSION}-${SEED}-${size}.ndjson`)
  if (fs.existsSync(file)) return file
  log(`generating ${size} documents (seed ${SEED}) -> ${path.relative(root, file)}`)
  const tmp = `${file}.tmp-${process.pid}`
  await writeDatasetNdjson({ size, seed: SEED }, tmp)
  fs.renameSync(tmp, file)
  return file
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited ${code}: ${err.slice(-500)}`)),
    )
  })
}

/** The documents pickParams reads, without their long text (the parameters only need their small fields). */
async function paramDocuments(file: string): Promise<Array<{ _id: string; _type: string }>> {
  const keep = new Set(['article', 'condition', 'category', 'treatment'])
  const out: Array<{ _id: string; _type: string; [k: string]: unknown }> = []
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })
  for await (const line of lines) {
    if (!line) continue
    const doc = JSON.parse(line) as { _id: string; _type: string; [k: string]: unknown }
    if (!keep.has(doc._type)) continue
    doc.body = undefined
    doc.sections = undefined
    out.push(doc)
  }
  return out
}

/** Documents of the NDJSON file an anonymous reader sees (no drafts, versions or other dotted ids). */
async function publicCount(file: string): Promise<number> {
  let n = 0
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })
  for await (const line of lines) {
    const id = /"_id":"([^"]*)"/.exec(line)?.[1]
    if (id !== undefined && !id.includes('.')) n++
  }
  return n
}

/** Memory of a lake process on `dataDir` (the dataset already imported) against `ndjsonBytes`. */
export async function measureMemory(
  dataDir: string,
  size: number,
  ndjsonBytes: number,
  queries: readonly BenchQuery[],
  runs: number,
  /** Runs once the lake listens, before it is measured (e.g. an import it then picks up). */
  prepare?: (url: string) => Promise<void>,
): Promise<MemoryFigures> {
  const lake = await startLakeProcess(dataDir, DATASET)
  const failures: string[] = []
  try {
    await prepare?.(lake.url)
    const loaded = await lake.report()
    // A cold query may pass the lake's time limit on a loaded machine (index builds): noted, and
    // the next round runs it again.
    const trace = process.env.MEMORY_TRACE === '1'
    const round = async (): Promise<void> => {
      for (const q of queries) {
        const t0 = performance.now()
        try {
          await queryOverHttp(lake.url, DATASET, q.query, q.params)
          if (trace) {
            const r = await lake.report()
            log(
              `${q.name}: ${(performance.now() - t0).toFixed(0)} ms; rss ${mb(r.rss)} MB, heapUsed ${mb(r.heapUsed)} of ${mb(r.heapTotal)} MB, old space ${mb(r.spaces.old_space ?? 0)} MB`,
            )
          }
        } catch (err) {
          log(`${q.name} failed after ${(performance.now() - t0).toFixed(0)} ms: ${String(err).slice(0, 120)}`)
          failures.push(q.name)
        }
      }
    }
    await round()
    const afterFirstRound = await lake.report()
    await round()
    const warm = await lake.report()
    const times = await lake.time(
      queries.map((q) => ({ query: q.query, params: q.params })),
      runs,
    )
    const afterGc = await lake.report(true)
    const snapshot = process.env.MEMORY_HEAP_SNAPSHOT
    if (snapshot) {
      await lake.report(false, path.resolve(snapshot))
      log(`heap snapshot: ${snapshot}`)
    }
    return {
      size,
      ndjsonBytes,
      loaded,
      afterFirstRound,
      warm,
      afterGc,
      warmVsNdjson: warm.rss / ndjsonBytes,
      failures,
      medians: queries.map((q, i) => ({
        name: q.name,
        ms: times.medians[i] as number,
        cpuMs: times.cpuMedians[i] as number,
      })),
    }
  } finally {
    await lake.stop()
  }
}

const mb = (n: number): string => (n / 1e6).toFixed(0)

/** The printed lines of one size. */
export function formatMemory(f: MemoryFigures): string[] {
  const row = (label: string, r: MemoryReport): string =>
    `  ${label.padEnd(22)} rss ${mb(r.rss).padStart(5)} MB (${(r.rss / f.ndjsonBytes).toFixed(2)}x)  heapUsed ${mb(r.heapUsed).padStart(5)} of ${mb(r.heapTotal).padStart(5)} MB  external ${mb(r.external).padStart(4)} MB (arrayBuffers ${mb(r.arrayBuffers)})`
  const slowest = [...f.medians].sort((a, b) => b.ms - a.ms).slice(0, 3)
  return [
    `${f.size} documents, NDJSON ${mb(f.ndjsonBytes)} MB: lake process ${f.warmVsNdjson.toFixed(2)}x with every delivery query warm (target <= 2x)`,
    row('loaded', f.loaded),
    row('each query run once', f.afterFirstRound),
    row('every query warm', f.warm),
    row('after a full GC', f.afterGc),
    ...(f.failures.length ? [`  failed over HTTP (see the log): ${f.failures.join(', ')}`] : []),
    `  delivery query medians in process: all ${f.medians.every((m) => m.ms < 10) ? 'under' : 'NOT under'} 10 ms; slowest ${slowest.map((m) => `${m.name} ${m.ms.toFixed(2)} ms (CPU ${m.cpuMs.toFixed(2)})`).join(', ')}`,
  ]
}

async function main(): Promise<void> {
  const sizes = (process.argv[2] ?? process.env.BENCH_SIZES ?? '10000,100000').split(',').map((s) => Number(s.trim()))
  if (sizes.some((n) => !Number.isInteger(n) || n < 100))
    throw new Error('sizes must be whole numbers >= 100, e.g. 10000,100000')
  const runs = Number(process.env.MEMORY_RUNS ?? 15)
  const all: MemoryFigures[] = []
  for (const size of sizes) {
    const file = await ensureDataset(size)
    const ndjsonBytes = fs.statSync(file).size
    let dataDir = process.env.MEMORY_DATA_DIR
    let temporary = false
    const pickUp = process.env.MEMORY_PICK_UP === '1'
    const importInto = (dir: string) =>
      run(['--loader', 'ts-node/esm', '--no-warnings', 'scripts/import.ts', file], {
        ...process.env,
        LAKE_DATA_DIR: dir,
        LAKE_DATASET: DATASET,
      })
    if (pickUp) {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-memory-'))
      temporary = true
    } else if (!dataDir || sizes.length > 1) {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-memory-'))
      temporary = true
      log(`${size}: importing ${path.relative(root, file)} into ${dataDir}`)
      await importInto(dataDir)
    }
    try {
      const { queries } = await deliveryQueries(pickParams(await paramDocuments(file)))
      log(`${size}: measuring`)
      const dir = dataDir
      // As `npm run bench` measures it: the lake started empty picks up an import made beside it.
      const prepare = pickUp
        ? async (url: string) => {
            log(`${size}: importing into the running lake's data dir`)
            await importInto(dir)
            await waitForCount(url, DATASET, await publicCount(file))
          }
        : undefined
      const figures = await measureMemory(dir, size, ndjsonBytes, queries, runs, prepare)
      all.push(figures)
      for (const line of formatMemory(figures)) console.log(line)
    } finally {
      if (temporary) fs.rmSync(dataDir, { recursive: true, force: true })
    }
  }
  fs.mkdirSync(resultsDir, { recursive: true })
  const out = path.join(resultsDir, `memory-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
  fs.writeFileSync(out, `${JSON.stringify(all, null, 2)}\n`)
  console.log(`figures: ${path.relative(root, out)}`)
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  main().catch((err: unknown) => {
    console.error(err)
    process.exit(1)
  })
}
