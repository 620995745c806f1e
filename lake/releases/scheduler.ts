/**
 * Publishes scheduled releases at their `publishAt`. Durable by construction: the schedule is
 * the release document itself (state `scheduled`, `publishAt`), and publishing is one store
 * transaction that also sets the state to `published`. A lake killed before or during that
 * transaction finds the release still scheduled when it starts again and publishes it then (a
 * missed time publishes at start); one killed after it finds it published. So every release
 * publishes exactly once, all or nothing.
 */
import { applyAction } from '../actions/index.js'
import { RELEASE_PREFIX, RELEASE_TYPE } from '../actions/releases.js'
import type { DatasetStore } from '../store/index.js'

/** The scheduler's idea of time, injectable for tests. */
export interface SchedulerClock {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export const SYSTEM_CLOCK: SchedulerClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms)
    handle.unref()
    return handle
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
}

/** Node timers overflow past ~24.8 days: wake up then and look again. */
const MAX_TIMER_MS = 2 ** 31 - 1
/** The author recorded on a scheduled publish's transaction. */
export const SCHEDULER_AUTHOR = 'system:release-scheduler'

interface Due {
  releaseId: string
  at: number
}

export class ReleaseScheduler {
  private timer: unknown
  private running: Promise<void> = Promise.resolve()
  private closed = false
  private readonly unsubscribe: () => void

  constructor(
    private readonly store: DatasetStore,
    private readonly clock: SchedulerClock = SYSTEM_CLOCK,
    private readonly log: (message: string) => void = (message) => console.error(message),
  ) {
    // Only a transaction that touches a release can change the plan.
    this.unsubscribe = store.subscribe((transaction) => {
      if (transaction.changes.some((change) => change.id.startsWith(RELEASE_PREFIX))) this.plan()
    })
    this.plan()
  }

  close(): void {
    this.closed = true
    this.unsubscribe()
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer)
    this.timer = undefined
  }

  /** Resolves once every publish started so far has finished (tests). */
  idle(): Promise<void> {
    return this.running
  }

  private scheduled(): Due[] {
    const due: Due[] = []
    for (const doc of this.store.documents()) {
      if (doc._type !== RELEASE_TYPE || doc.state !== 'scheduled' || typeof doc.publishAt !== 'string') continue
      if (!doc._id.startsWith(RELEASE_PREFIX)) continue
      const at = Date.parse(doc.publishAt)
      if (!Number.isNaN(at)) due.push({ releaseId: doc._id.slice(RELEASE_PREFIX.length), at })
    }
    return due.sort((a, b) => a.at - b.at)
  }

  private plan(): void {
    if (this.closed) return
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer)
    this.timer = undefined
    const next = this.scheduled()[0]
    if (!next) return
    const wait = next.at - this.clock.now()
    if (wait <= 0) {
      this.running = this.running.then(() => this.publishDue())
      return
    }
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = undefined
        this.plan()
      },
      Math.min(wait, MAX_TIMER_MS),
    )
  }

  /** Publishes every release whose time has come, oldest first, one transaction each. */
  private async publishDue(): Promise<void> {
    for (const { releaseId, at } of this.scheduled()) {
      if (this.closed || at > this.clock.now()) break
      try {
        await this.store.transact(
          async (tx) => {
            const release = tx.get(RELEASE_PREFIX + releaseId)
            // Unscheduled or published meanwhile (another process, a race with an editor).
            if (release?.state !== 'scheduled') return
            const history = { revision: (id: string, rev: string) => this.store.revision(id, rev)?.document }
            await applyAction(tx, { actionType: 'sanity.action.release.publish', releaseId }, 0, history)
          },
          { author: SCHEDULER_AUTHOR, errorKind: 'actionError' },
        )
      } catch (error) {
        // A release that cannot publish (say, a version now fails referential integrity) goes back
        // to active with the reason, so editors see it instead of a silent retry loop.
        const message = error instanceof Error ? error.message : String(error)
        this.log(`lake: scheduled release "${releaseId}" could not be published: ${message}`)
        await this.store
          .transact(
            async (tx) => {
              const release = tx.get(RELEASE_PREFIX + releaseId)
              if (release?.state !== 'scheduled') return
              await tx.apply({ createOrReplace: { ...release, state: 'active', error: { message } } }, 0)
            },
            { author: SCHEDULER_AUTHOR },
          )
          .catch((err: unknown) =>
            this.log(`lake: could not record the failure of release "${releaseId}": ${String(err)}`),
          )
      }
    }
    this.plan()
  }
}
