/**
 * Import and export in Sanity's NDJSON format (one document per line), as `sanity dataset
 * import/export` read and write it. An import is one store transaction: any bad line aborts it
 * and nothing is written.
 */
import fs from 'node:fs'
import { isRecord, LakeError } from '../errors.js'
import { invalidIdReason } from '../ids.js'
import type { BulkItem, DatasetStore, LakeDocument } from '../store/index.js'

/** `fail`: an id that already exists aborts the import (Sanity's default); `replace`: overwrite; `missing`: skip existing. */
export type ImportMode = 'fail' | 'replace' | 'missing'

export interface ImportOptions {
  mode?: ImportMode
  /** Called with (done, total) while documents are written. */
  onProgress?: (done: number, total: number) => void
  /**
   * Resolves Sanity export asset markers (`{"_sanityAsset": "image@file://./images/x.jpg"}`) into
   * asset references; added by the assets area. Without it such a document is an error.
   */
  resolveAsset?: (marker: string, line: number) => Promise<Record<string, unknown>>
  author?: string
}

export interface ImportResult {
  /** Documents written (created or replaced). */
  written: number
  /** Documents skipped (`missing` mode, already present). */
  skipped: number
  transactionId: string | undefined
}

export class ImportError extends LakeError {
  readonly line: number
  constructor(line: number, description: string) {
    super(400, 'importError', `line ${line}: ${description}`, { line })
    this.line = line
  }
}

/** One document to import: where it came from (line number) and, when known, its JSON text. */
export interface ImportEntry {
  line: number
  doc: Record<string, unknown>
  /** The text `doc` was parsed from (unchanged since): written as is instead of serialised again. */
  json?: string
}

/** Parses NDJSON text into documents, naming the line of the first problem. */
export function parseNdjson(text: string): ImportEntry[] {
  const parser = new NdjsonParser()
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) parser.add(lines[i], i + 1)
  return parser.entries
}

/**
 * Parses an NDJSON file line by line, as `parseNdjson` parses text. Streams: a file larger than
 * the longest string V8 can hold (~512 MB; 100k synthetic documents are 700 MB) still imports.
 */
export async function parseNdjsonFile(file: string): Promise<ImportEntry[]> {
  const parser = new NdjsonParser()
  let line = 0
  let rest = ''
  // Split on '\n' only, as parseNdjson does (readline would also split on a lone '\r').
  for await (const chunk of fs.createReadStream(file, { encoding: 'utf8' }) as AsyncIterable<string>) {
    const parts = (rest + chunk).split('\n')
    rest = parts.pop() ?? ''
    for (const part of parts) parser.add(part, ++line)
  }
  parser.add(rest, ++line)
  return parser.entries
}

/** Checks and collects NDJSON lines one at a time (every id once, each line one document). */
class NdjsonParser {
  readonly entries: ImportEntry[] = []
  private readonly seen = new Map<string, number>()

  add(text: string, line: number): void {
    const raw = text.trim()
    if (raw === '') return
    let value: unknown
    try {
      value = JSON.parse(raw)
    } catch (err) {
      throw new ImportError(line, `not valid JSON (${(err as Error).message}); each line must be one JSON document`)
    }
    if (!isRecord(value)) throw new ImportError(line, 'must be a JSON object (a document with _id and _type)')
    if (value._id === undefined)
      throw new ImportError(line, 'the document has no _id: every imported document needs one')
    const reason = invalidIdReason(value._id)
    if (reason) throw new ImportError(line, reason)
    if (typeof value._type !== 'string' || value._type === '')
      throw new ImportError(line, `document "${String(value._id)}" has no _type (a non-empty string)`)
    const id = value._id as string
    const earlier = this.seen.get(id)
    if (earlier !== undefined)
      throw new ImportError(line, `document id "${id}" appears twice (also on line ${earlier})`)
    this.seen.set(id, line)
    this.entries.push({ line, doc: value, json: raw })
  }
}

/** Finds asset markers anywhere in a document. */
function assetMarkers(
  value: unknown,
  found: Array<{ holder: Record<string, unknown>; marker: string }> = [],
): typeof found {
  if (Array.isArray(value)) for (const v of value) assetMarkers(v, found)
  else if (isRecord(value)) {
    if (typeof value._sanityAsset === 'string') found.push({ holder: value, marker: value._sanityAsset })
    for (const v of Object.values(value)) assetMarkers(v, found)
  }
  return found
}

const STORE_KIND = { fail: 'create', replace: 'createOrReplace', missing: 'createIfNotExists' } as const

/**
 * Imports documents as one transaction through the store's bulk path (`DatasetStore.bulkWrite`):
 * every document is checked first (a bad one, or in `fail` mode an existing id, aborts the import
 * naming its line; nothing is written), then all are written in one SQLite transaction. Each id
 * may appear once.
 */
export async function importDocuments(
  store: DatasetStore,
  entries: readonly ImportEntry[],
  opts: ImportOptions = {},
): Promise<ImportResult> {
  // Most imports carry no asset marker, and a document's text tells that cheaply; but reading the
  // text of 100k documents (700 MB) still takes ~0.4 s. So when every entry has its text, the store
  // looks inside its write loop, where that overlaps its writer thread; a marker found there aborts
  // that write (nothing stored) and the import starts again, resolving the markers first.
  if (entries.every((e) => e.json !== undefined)) {
    const items = entries.map(({ doc, json }): BulkItem => ({ doc, json }))
    try {
      return await writeEntries(store, entries, items, opts, (item) => {
        if ((item.json as string).includes(ASSET_MARKER)) throw new MarkerFound()
      })
    } catch (err) {
      if (!(err instanceof MarkerFound)) throw err
    }
  }
  const items: BulkItem[] = new Array(entries.length)
  for (let i = 0; i < entries.length; i++) {
    const { line, doc, json } = entries[i]
    // The text tells cheaply that a document has no marker (the walk costs as much as the write).
    const markers = json !== undefined && !json.includes(ASSET_MARKER) ? [] : assetMarkers(doc)
    for (const { holder, marker } of markers) {
      if (!opts.resolveAsset)
        throw new ImportError(
          line,
          `document "${String(doc._id)}" refers to an asset file (${marker}): importing assets needs the assets plugin`,
        )
      const ref = await opts.resolveAsset(marker, line)
      delete holder._sanityAsset
      Object.assign(holder, ref)
    }
    items[i] = markers.length === 0 && json !== undefined ? { doc, json } : { doc }
  }
  return writeEntries(store, entries, items, opts)
}

const ASSET_MARKER = '_sanityAsset'

/** Thrown by the store's check when a document's text has an asset marker (see importDocuments). */
class MarkerFound extends Error {}

async function writeEntries(
  store: DatasetStore,
  entries: readonly ImportEntry[],
  items: readonly BulkItem[],
  opts: ImportOptions,
  check?: (item: BulkItem) => void,
): Promise<ImportResult> {
  const mode = opts.mode ?? 'fail'
  try {
    const result = await store.bulkWrite(items, {
      kind: STORE_KIND[mode],
      author: opts.author ?? '',
      onProgress: opts.onProgress,
      check,
      conflict: (index, id) =>
        new ImportError(
          entries[index].line,
          `document "${id}" already exists in dataset "${store.name}": use --replace to overwrite or --missing to skip existing documents`,
        ),
    })
    return {
      written: result.written,
      skipped: result.skipped,
      transactionId: result.written > 0 ? result.transactionId : undefined,
    }
  } catch (err) {
    if (err instanceof LakeError && !(err instanceof ImportError) && Array.isArray(err.details.items)) {
      const item = err.details.items[0] as { index?: number; error?: { description?: string } } | undefined
      const entry = item?.index !== undefined ? entries[item.index] : undefined
      if (entry) throw new ImportError(entry.line, item?.error?.description ?? err.message)
    }
    throw err
  }
}

export async function importNdjson(store: DatasetStore, text: string, opts: ImportOptions = {}): Promise<ImportResult> {
  return importDocuments(store, parseNdjson(text), opts)
}

/** Imports an NDJSON file (read line by line: files of any size). */
export async function importNdjsonFile(
  store: DatasetStore,
  file: string,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  return importDocuments(store, await parseNdjsonFile(file), opts)
}

/** Every document of the dataset (drafts included), sorted by id, as NDJSON. */
export function exportNdjson(store: DatasetStore, opts: { drafts?: boolean; types?: string[] } = {}): string {
  return exportDocuments(store, opts)
    .map((d) => `${JSON.stringify(d)}\n`)
    .join('')
}

export function exportDocuments(
  store: DatasetStore,
  opts: { drafts?: boolean; types?: string[] } = {},
): LakeDocument[] {
  return [...store.documents()]
    .filter((d) => (opts.drafts ?? true) || !d._id.startsWith('drafts.'))
    .filter((d) => !opts.types || opts.types.includes(d._type))
    .sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0))
}
