/**
 * A least-recently-used cache bounded by total byte size (rendered image variants). A single
 * entry larger than the whole budget is simply not kept.
 */
export class ByteLru<V extends { byteLength: number }> {
  readonly maxBytes: number
  #bytes = 0
  readonly #entries = new Map<string, V>()

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes
  }

  get(key: string): V | undefined {
    const value = this.#entries.get(key)
    if (value === undefined) return undefined
    // Re-insert: Map iteration order is insertion order, so the first key is the least recent.
    this.#entries.delete(key)
    this.#entries.set(key, value)
    return value
  }

  set(key: string, value: V): void {
    const existing = this.#entries.get(key)
    if (existing !== undefined) {
      this.#entries.delete(key)
      this.#bytes -= existing.byteLength
    }
    if (value.byteLength > this.maxBytes) return
    this.#entries.set(key, value)
    this.#bytes += value.byteLength
    for (const [oldKey, old] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break
      this.#entries.delete(oldKey)
      this.#bytes -= old.byteLength
    }
  }

  get size(): number {
    return this.#entries.size
  }

  get bytes(): number {
    return this.#bytes
  }
}
