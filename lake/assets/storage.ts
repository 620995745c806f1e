/**
 * Asset originals on disk, content-addressed:
 *
 *   <root>/<dataset>/images/<sha1>-<w>x<h>.<ext>
 *   <root>/<dataset>/files/<sha1>.<ext>
 *   <root>/.incoming/<random>          uploads being received
 *
 * An upload is streamed into `.incoming/` while its sha1 and size are computed, fsynced, and only
 * then renamed into place (and the directory fsynced), so a file under its final name is always
 * complete, even after a crash or `kill -9`. Callers commit the asset document after `place()`
 * returns: a document never points at a file that is not durably on disk. The reverse (a file
 * without a document, after a crash between the two) is harmless: it is invisible (serving checks
 * the document) and the next upload of the same bytes reuses it.
 */
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'

import { LakeError } from '../errors.js'
import { type AssetName, assetFilename, kindFolder } from './names.js'

/** An upload received into the incoming folder, not yet placed. */
export interface StagedUpload {
  tempPath: string
  sha1: string
  size: number
}

export type UploadBody = Readable | AsyncIterable<Uint8Array> | Uint8Array

const DATASET_DIR = /^[a-z0-9][a-z0-9_-]{0,63}$/

export class AssetStorage {
  readonly root: string
  readonly #incoming: string

  constructor(root: string) {
    this.root = root
    this.#incoming = join(root, '.incoming')
  }

  /** The absolute path of a stored original (whether or not it exists). */
  pathOf(dataset: string, name: AssetName): string {
    if (!DATASET_DIR.test(dataset)) throw new Error(`dataset name "${dataset}" is not a valid dataset name`)
    return join(this.root, dataset, kindFolder(name.kind), assetFilename(name))
  }

  /**
   * Streams `body` into the incoming folder, hashing it as it goes. More than `maxBytes` -> a 413
   * `LakeError` and nothing left behind. The file is fsynced before this resolves.
   */
  async receive(body: UploadBody, maxBytes: number): Promise<StagedUpload> {
    await mkdir(this.#incoming, { recursive: true })
    const tempPath = join(this.#incoming, `${Date.now()}-${randomBytes(8).toString('hex')}`)
    const handle = await open(tempPath, 'wx', 0o644)
    const hash = createHash('sha1')
    let size = 0
    try {
      const chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array> = body instanceof Uint8Array ? [body] : body
      for await (const chunk of chunks) {
        size += chunk.byteLength
        if (size > maxBytes) throw tooLarge(maxBytes)
        hash.update(chunk)
        await handle.write(chunk)
      }
      await handle.sync()
      await handle.close()
    } catch (error) {
      await handle.close().catch(() => undefined)
      await rm(tempPath, { force: true })
      if (isAbort(error)) {
        throw new LakeError(
          400,
          'uploadAborted',
          `The upload was interrupted after ${formatBytes(size)}: send the whole file again`,
        )
      }
      throw error
    }
    return { tempPath, sha1: hash.digest('hex'), size }
  }

  /**
   * Moves a staged upload to its final name, durably. When the original is already stored (same
   * bytes: same sha1), the staged copy is dropped instead.
   */
  async place(staged: StagedUpload, dataset: string, name: AssetName): Promise<string> {
    if (name.sha1 !== staged.sha1) throw new Error(`staged upload has sha1 ${staged.sha1}, not ${name.sha1}`)
    const finalPath = this.pathOf(dataset, name)
    if (await this.exists(dataset, name)) {
      await this.discard(staged)
      return finalPath
    }
    const dir = join(this.root, dataset, kindFolder(name.kind))
    await mkdir(dir, { recursive: true })
    await rename(staged.tempPath, finalPath)
    await fsyncDirectory(dir)
    return finalPath
  }

  async discard(staged: StagedUpload): Promise<void> {
    await rm(staged.tempPath, { force: true })
  }

  async exists(dataset: string, name: AssetName): Promise<boolean> {
    try {
      return (await stat(this.pathOf(dataset, name))).isFile()
    } catch {
      return false
    }
  }

  /** Size and modification time of a stored original, or `undefined` when it is missing. */
  async statOf(dataset: string, name: AssetName): Promise<{ size: number; mtime: Date } | undefined> {
    try {
      const info = await stat(this.pathOf(dataset, name))
      return info.isFile() ? { size: info.size, mtime: info.mtime } : undefined
    } catch {
      return undefined
    }
  }

  /** A read stream of a stored original (optionally a byte range, inclusive `end`). */
  openRead(dataset: string, name: AssetName, range?: { start: number; end: number }): Readable {
    return createReadStream(this.pathOf(dataset, name), range)
  }

  /** Removes leftovers of uploads interrupted by a crash. Safe to call at start-up. */
  async sweepIncoming(): Promise<number> {
    let names: string[]
    try {
      names = await readdir(this.#incoming)
    } catch {
      return 0
    }
    await Promise.all(names.map((n) => rm(join(this.#incoming, n), { force: true })))
    return names.length
  }
}

/** A client that went away mid-upload (connection reset, HTTP/2 stream cancelled). */
function isAbort(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return (
    code === 'ECONNRESET' ||
    code === 'ERR_STREAM_PREMATURE_CLOSE' ||
    code === 'ABORT_ERR' ||
    (error instanceof Error && error.message === 'aborted')
  )
}

/** Hashes a buffer the way stored originals are named. */
export function sha1Of(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex')
}

function tooLarge(maxBytes: number): LakeError {
  return new LakeError(
    413,
    'payloadTooLarge',
    `The asset is larger than the upload limit of ${formatBytes(maxBytes)}: upload a smaller file or raise the lake's asset size limit`,
    { limitBytes: maxBytes },
  )
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MiB`
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`
  return `${bytes} bytes`
}

/** fsync a directory so a rename inside it survives a power cut (no-op where unsupported). */
async function fsyncDirectory(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined
  try {
    handle = await open(dir, 'r')
    await handle.sync()
  } catch {
    // Some platforms (Windows) cannot open or fsync directories; the rename is still atomic.
  } finally {
    await handle?.close().catch(() => undefined)
  }
}

export { tooLarge as payloadTooLargeError }
