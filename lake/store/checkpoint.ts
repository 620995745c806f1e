/**
 * WAL checkpoints after bulk writes, in a worker thread with its own connection.
 *
 * SQLite in WAL mode writes a transaction to the WAL (durable once `commit` returns: synchronous
 * FULL), then copies it into the database file (a checkpoint). Small commits checkpoint as usual
 * (autocheckpoint, every ~1,000 pages, on the committing connection). After an import the WAL holds
 * the whole import (700 MB for 100k synthetic documents) and copying it takes seconds: on the
 * committing connection that would block the lake's event loop (every request, listener and the
 * import's caller) for that long. So a bulk commit skips the autocheckpoint and this worker copies
 * the WAL meanwhile, as SQLite's WAL documentation suggests ("run checkpoints in a separate
 * thread"). Durability does not depend on it: a crash before or during the checkpoint leaves a
 * valid WAL that the next connection uses (the crash and reliability tests kill imports).
 */
import {createRequire} from 'node:module'
import {Worker} from 'node:worker_threads'

// CommonJS run by the worker (`eval`): no TypeScript loader needed in the thread.
const WORKER_SOURCE = `
const {parentPort, workerData} = require('node:worker_threads')
const Database = require(workerData.sqlite)
const db = new Database(workerData.file)
db.pragma('busy_timeout = 5000')
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
parentPort.on('message', async () => {
  let result = {busy: 0, log: 0, checkpointed: 0}
  // A reader still on an older snapshot holds frames back: try again for a while (the lake's own
  // autocheckpoint finishes the rest later otherwise).
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      result = db.pragma('wal_checkpoint(PASSIVE)')[0]
    } catch (err) {
      result = {busy: 1, log: -1, checkpointed: -1, error: String(err)}
    }
    if (!result.busy && result.checkpointed === result.log) break
    await sleep(250)
  }
  parentPort.postMessage(result)
})
`

export interface CheckpointResult {
  busy: number
  log: number
  checkpointed: number
  error?: string
}

export class BackgroundCheckpointer {
  private readonly worker: Worker
  private queued: Array<(result: CheckpointResult) => void> = []
  private inflight: Array<(result: CheckpointResult) => void> = []
  private failed = false

  constructor(file: string) {
    const sqlite = createRequire(import.meta.url).resolve('better-sqlite3')
    this.worker = new Worker(WORKER_SOURCE, {eval: true, workerData: {file, sqlite}})
    this.worker.unref()
    this.worker.on('message', (result: CheckpointResult) => this.finish(result))
    this.worker.on('error', (err) => {
      console.error('lake: the WAL checkpoint worker failed; SQLite checkpoints on commit instead', err)
      this.failed = true
      const result = {busy: 1, log: -1, checkpointed: -1, error: String(err)}
      this.finish(result)
      this.finish(result)
    })
  }

  /** False once the worker failed: then commits must checkpoint themselves (autocheckpoint). */
  get available(): boolean {
    return !this.failed
  }

  /** Asks for a checkpoint; resolves when one that started after this call has finished. */
  request(): Promise<CheckpointResult> {
    if (this.failed) return Promise.resolve({busy: 1, log: -1, checkpointed: -1, error: 'the checkpoint worker failed'})
    return new Promise((resolve) => {
      this.queued.push(resolve)
      if (this.inflight.length === 0) this.start()
    })
  }

  private start(): void {
    this.inflight = this.queued
    this.queued = []
    this.worker.postMessage('checkpoint')
  }

  private finish(result: CheckpointResult): void {
    const done = this.inflight
    this.inflight = []
    for (const resolve of done) resolve(result)
    if (this.queued.length > 0 && !this.failed) this.start()
    else if (this.failed) for (const resolve of this.queued.splice(0)) resolve(result)
  }

  close(): Promise<number> {
    return this.worker.terminate()
  }
}
