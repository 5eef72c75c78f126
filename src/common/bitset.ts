/**
 * A fixed-capacity bit set on 32-bit words. Name instances after what a 1 means
 * (`matchBits`, `deletedBits`, `validBits`). Combining is word-wise.
 */
export class Bitset {
  words: Uint32Array
  capacity: number

  constructor(capacity: number, words?: Uint32Array) {
    this.capacity = capacity
    this.words = words ?? new Uint32Array((capacity + 31) >>> 5)
  }

  static full(capacity: number): Bitset {
    const b = new Bitset(capacity)
    b.words.fill(0xffffffff)
    b.clearTail()
    return b
  }

  get(i: number): boolean {
    return ((this.words[i >>> 5]! >>> (i & 31)) & 1) === 1
  }

  set(i: number): void {
    this.words[i >>> 5]! |= 1 << (i & 31)
  }

  clear(i: number): void {
    this.words[i >>> 5]! &= ~(1 << (i & 31))
  }

  /** Grows to hold at least `capacity` bits (new bits are 0). */
  grow(capacity: number): void {
    if (capacity <= this.capacity) return
    const need = (capacity + 31) >>> 5
    if (need > this.words.length) {
      const next = new Uint32Array(Math.max(need, this.words.length * 2))
      next.set(this.words)
      this.words = next
    }
    this.capacity = capacity
  }

  /** Sets bits [from, to). */
  setRange(from: number, to: number): void {
    if (to <= from) return
    const w = this.words
    const first = from >>> 5
    const last = (to - 1) >>> 5
    const headMask = (0xffffffff << (from & 31)) >>> 0
    const tailMask = 0xffffffff >>> (31 - ((to - 1) & 31))
    if (first === last) {
      w[first]! |= headMask & tailMask
      return
    }
    w[first]! |= headMask
    w.fill(0xffffffff, first + 1, last)
    w[last]! |= tailMask
  }

  and(other: Bitset): this {
    const w = this.words
    const o = other.words
    const n = Math.min(w.length, o.length)
    for (let i = 0; i < n; i++) w[i]! &= o[i]!
    for (let i = n; i < w.length; i++) w[i] = 0
    return this
  }

  or(other: Bitset): this {
    const w = this.words
    const o = other.words
    const n = Math.min(w.length, o.length)
    for (let i = 0; i < n; i++) w[i]! |= o[i]!
    this.clearTail()
    return this
  }

  andNot(other: Bitset): this {
    const w = this.words
    const o = other.words
    const n = Math.min(w.length, o.length)
    for (let i = 0; i < n; i++) w[i]! &= ~o[i]!
    return this
  }

  not(): this {
    const w = this.words
    for (let i = 0; i < w.length; i++) w[i] = ~w[i]!
    this.clearTail()
    return this
  }

  /** Keeps only bits [0, end). */
  truncate(end: number): this {
    const w = this.words
    const full = end >>> 5
    const rem = end & 31
    if (full < w.length) {
      w[full] = rem === 0 ? 0 : w[full]! & ((1 << rem) - 1) >>> 0
      for (let i = full + 1; i < w.length; i++) w[i] = 0
    }
    return this
  }

  count(): number {
    const w = this.words
    let c = 0
    for (let i = 0; i < w.length; i++) c += popcount32(w[i]!)
    return c
  }

  clone(): Bitset {
    return new Bitset(this.capacity, this.words.slice())
  }

  /** Calls `fn` for each set bit, ascending. */
  forEach(fn: (i: number) => void): void {
    const w = this.words
    for (let wi = 0; wi < w.length; wi++) {
      let word = w[wi]!
      while (word !== 0) {
        const t = word & -word
        fn((wi << 5) + 31 - Math.clz32(t))
        word ^= t
      }
    }
  }

  /** Indexes of set bits, ascending. */
  toIndexes(): Int32Array {
    const out = new Int32Array(this.count())
    let n = 0
    this.forEach((i) => {
      out[n++] = i
    })
    return out
  }

  private clearTail(): void {
    const rem = this.capacity & 31
    const last = this.capacity >>> 5
    if (last < this.words.length) {
      this.words[last] = rem === 0 ? 0 : this.words[last]! & (((1 << rem) - 1) >>> 0)
      for (let i = last + 1; i < this.words.length; i++) this.words[i] = 0
    }
  }
}

export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
  x = (x + (x >>> 4)) & 0x0f0f0f0f
  return Math.imul(x, 0x01010101) >>> 24
}
