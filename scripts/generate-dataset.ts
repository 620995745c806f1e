// Writes a synthetic clinic dataset as NDJSON (Sanity's import format), deterministic from a seed.
//
//   npm run generate-dataset -- --size 10000 --seed 7 --out /tmp/synthetic-10k.ndjson
//   npm run generate-dataset -- --size 1000 > synthetic.ndjson        (stdout when --out is absent)
//
// The documents come from scripts/bench/dataset.ts (what the mix is and why is described there).
import fs from 'node:fs'
import { pathToFileURL } from 'node:url'
import { datasetCounts, generateDataset, type DatasetOptions } from './bench/dataset.js'

export { datasetCounts, generateDataset } from './bench/dataset.js'
export type { DatasetCounts, DatasetOptions, GeneratedDocument } from './bench/dataset.js'

export interface WriteResult {
  documents: number
  bytes: number
}

/** Serialises the dataset for `options` into NDJSON lines, in chunks of about 1 MB. */
export function* datasetNdjsonChunks(options: DatasetOptions): Generator<string> {
  let lines: string[] = []
  let length = 0
  for (const doc of generateDataset(options)) {
    const line = JSON.stringify(doc)
    lines.push(line)
    length += line.length + 1
    if (length >= 1 << 20) {
      yield `${lines.join('\n')}\n`
      lines = []
      length = 0
    }
  }
  if (lines.length > 0) yield `${lines.join('\n')}\n`
}

/** Writes the dataset to `path` (created or truncated). */
export async function writeDatasetNdjson(options: DatasetOptions, path: string): Promise<WriteResult> {
  const stream = fs.createWriteStream(path)
  const result = await writeChunks(options, stream)
  await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())))
  return result
}

async function writeChunks(options: DatasetOptions, out: NodeJS.WritableStream): Promise<WriteResult> {
  let bytes = 0
  for (const chunk of datasetNdjsonChunks(options)) {
    bytes += Buffer.byteLength(chunk)
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
  }
  return { documents: options.size, bytes }
}

interface CliOptions extends DatasetOptions {
  out?: string
}

const USAGE = 'usage: generate-dataset --size N [--seed S] [--out file.ndjson]'

export function parseArgs(argv: readonly string[]): CliOptions {
  const opts: CliOptions = { size: Number.NaN, seed: 1 }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined]
    const value = (): string => {
      const v = inline ?? argv[++i]
      if (v === undefined || v === '') throw new Error(`${flag} needs a value (${USAGE})`)
      return v
    }
    switch (flag) {
      case '--size':
      case '-n': {
        const raw = value()
        opts.size = Number(raw.replace(/_/g, '').replace(/k$/i, '000'))
        if (!Number.isInteger(opts.size))
          throw new Error(`--size must be a whole number such as 10000 or 10k, got "${raw}"`)
        break
      }
      case '--seed':
        opts.seed = value()
        break
      case '--out':
      case '-o':
        opts.out = value()
        break
      case '--help':
      case '-h':
        throw new Error(USAGE)
      default:
        throw new Error(`unknown argument "${arg}" (${USAGE})`)
    }
  }
  if (Number.isNaN(opts.size)) throw new Error(`--size is required (${USAGE})`)
  datasetCounts(opts.size) // validates the size with a clear message
  return opts
}

async function main(): Promise<void> {
  let opts: CliOptions
  try {
    opts = parseArgs(process.argv.slice(2))
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
    process.exit(2)
  }
  const started = performance.now()
  const result = opts.out ? await writeDatasetNdjson(opts, opts.out) : await writeChunks(opts, process.stdout)
  const secs = (performance.now() - started) / 1000
  process.stderr.write(
    `generated ${result.documents} synthetic documents (seed ${String(opts.seed)}), ` +
      `${(result.bytes / 1e6).toFixed(1)} MB in ${secs.toFixed(1)} s${opts.out ? ` -> ${opts.out}` : ''}\n`,
  )
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
