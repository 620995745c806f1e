// A small seeded pseudo-random generator (sfc32 seeded through a string hash). Deterministic across
// runs and machines: the dataset generator and the differential tests depend on that, so the same
// seed always gives byte-identical output. Not for anything security-related.

/** A deterministic source of random choices. */
export interface Random {
  /** A float in [0, 1). */
  next(): number
  /** An integer in [min, max] (both inclusive). */
  int(min: number, max: number): number
  /** True with probability `p`. */
  chance(p: number): boolean
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T
  /** `count` distinct elements of `items` (fewer when `items` is shorter), in random order. */
  sample<T>(items: readonly T[], count: number): T[]
  /** A new generator whose sequence depends only on this one's seed and `label`. */
  fork(label: string): Random
}

/** cyrb128: a fast 128-bit string hash, used to turn any seed string into sfc32's four words. */
function hashSeed(seed: string): [number, number, number, number] {
  let h1 = 1779033703
  let h2 = 3144134277
  let h3 = 1013904242
  let h4 = 2773480762
  for (let i = 0; i < seed.length; i++) {
    const k = seed.charCodeAt(i)
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067)
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233)
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213)
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179)
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067)
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233)
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213)
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179)
  return [(h1 ^ h2 ^ h3 ^ h4) >>> 0, (h2 ^ h1) >>> 0, (h3 ^ h1) >>> 0, (h4 ^ h1) >>> 0]
}

/** A seeded generator; the same `seed` always yields the same sequence. */
export function createRandom(seed: string | number): Random {
  const seedText = String(seed)
  let [a, b, c, d] = hashSeed(seedText)
  const next = (): number => {
    // sfc32
    a >>>= 0
    b >>>= 0
    c >>>= 0
    d >>>= 0
    let t = (a + b) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    d = (d + 1) | 0
    t = (t + d) | 0
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
  // Warm up: the first outputs of sfc32 correlate with the seed words.
  for (let i = 0; i < 12; i++) next()

  const random: Random = {
    next,
    int(min, max) {
      return min + Math.floor(next() * (max - min + 1))
    },
    chance(p) {
      return next() < p
    },
    pick(items) {
      if (items.length === 0) throw new Error('Random.pick: cannot pick from an empty list')
      return items[Math.floor(next() * items.length)] as (typeof items)[number]
    },
    sample(items, count) {
      const n = Math.min(count, items.length)
      // Partial Fisher-Yates over a copy of the indexes: O(n) picks, no repeats.
      const chosen: (typeof items)[number][] = []
      const taken = new Map<number, number>()
      for (let i = 0; i < n; i++) {
        const j = i + Math.floor(next() * (items.length - i))
        const atJ = taken.get(j) ?? j
        const atI = taken.get(i) ?? i
        taken.set(j, atI)
        chosen.push(items[atJ] as (typeof items)[number])
      }
      return chosen
    },
    fork(label) {
      return createRandom(`${seedText}/${label}`)
    },
  }
  return random
}
