// A Content Lake transaction changes many documents at once (a release publish writes every
// document of the release), and both the listen stream and Sanity's webhooks report it once per
// document, all with the same transaction id. The response cache is invalidated once per
// transaction: content refetched after the first report already holds the whole transaction (it
// is atomic), so invalidating again for the other reports would only throw those answers away.

/** Remembers the last `size` transaction ids seen. */
export class SeenTransactions {
  readonly #ids = new Set<string>()

  constructor(private readonly size = 256) {}

  /**
   * True the first time a transaction id is seen (invalidate), false for its further reports. A
   * report without an id (an older sender) always counts as new.
   */
  firstReport(transactionId: string | undefined | null): boolean {
    if (!transactionId) return true
    if (this.#ids.has(transactionId)) return false
    this.#ids.add(transactionId)
    if (this.#ids.size > this.size) {
      const oldest = this.#ids.values().next().value
      if (oldest !== undefined) this.#ids.delete(oldest)
    }
    return true
  }
}
