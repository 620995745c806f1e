/**
 * The postings of one token key in a text index: (slot, count) pairs in the order they were added.
 * A short list is a plain array of `slot * 2^16 + count` numbers (8 bytes each, but no typed-array
 * objects: most keys of a title index have a handful of postings, and two typed arrays cost ~200
 * bytes of objects before their first element); a list of TYPED_FROM postings or more moves to a
 * Uint32Array of slots and a Uint16Array of counts (6 bytes a posting) when it is trimmed (after a
 * build or a compaction), and then grows by a quarter at a time. Lists are not moved while they
 * grow in a build: each new ArrayBuffer adds external memory, which makes V8 run full collections
 * of the whole lake heap (that doubled the build's CPU at 100k). A body index at 100k holds 7.3
 * million postings, nearly all in long lists.
 */
const COUNT_BASE = 65536
const TYPED_FROM = 64

export class PostingList {
  private small: number[] | null = []
  private slots: Uint32Array = EMPTY_SLOTS
  private counts: Uint16Array = EMPTY_COUNTS
  private size = 0

  get length(): number {
    return this.size
  }

  /** Adds a posting; `count` must be 1..65535 (the caller caps it). */
  push(slot: number, count: number): void {
    const small = this.small
    if (small) {
      small.push(slot * COUNT_BASE + count)
      this.size++
      return
    }
    if (this.size === this.slots.length) this.resize(this.size + (this.size >> 2) + 16)
    this.slots[this.size] = slot
    this.counts[this.size] = count
    this.size++
  }

  slotAt(i: number): number {
    const small = this.small
    return small ? Math.floor((small[i] as number) / COUNT_BASE) : (this.slots[i] as number)
  }

  countAt(i: number): number {
    const small = this.small
    return small ? (small[i] as number) % COUNT_BASE : (this.counts[i] as number)
  }

  /** Keeps the postings whose slot passes `live`, in order; returns how many are left. */
  retain(live: (slot: number) => boolean): number {
    let kept = 0
    const small = this.small
    if (small) {
      for (const p of small) if (live(Math.floor(p / COUNT_BASE))) small[kept++] = p
      small.length = kept
    } else {
      for (let i = 0; i < this.size; i++) {
        const slot = this.slots[i] as number
        if (!live(slot)) continue
        this.slots[kept] = slot
        this.counts[kept] = this.counts[i] as number
        kept++
      }
    }
    this.size = kept
    this.trim()
    return kept
  }

  /** Drops spare capacity, moving a long list to typed arrays (after a build or a compaction). */
  trim(): void {
    if (this.small) {
      if (this.small.length >= TYPED_FROM) this.toTyped(this.small.length)
      else if (this.small.length > 0) this.small = this.small.slice()
    } else if (this.slots.length !== this.size) this.resize(this.size)
  }

  private toTyped(capacity: number): void {
    const small = this.small as number[]
    this.slots = new Uint32Array(capacity)
    this.counts = new Uint16Array(capacity)
    for (let i = 0; i < small.length; i++) {
      const p = small[i] as number
      this.slots[i] = Math.floor(p / COUNT_BASE)
      this.counts[i] = p % COUNT_BASE
    }
    this.small = null
  }

  private resize(capacity: number): void {
    const slots = new Uint32Array(capacity)
    const counts = new Uint16Array(capacity)
    slots.set(this.slots.subarray(0, Math.min(this.size, capacity)))
    counts.set(this.counts.subarray(0, Math.min(this.size, capacity)))
    this.slots = slots
    this.counts = counts
  }
}

const EMPTY_SLOTS = new Uint32Array(0)
const EMPTY_COUNTS = new Uint16Array(0)
