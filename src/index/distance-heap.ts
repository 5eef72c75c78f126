/**
 * A binary max-heap of (key, row) on parallel typed arrays that grows as needed. The root is the
 * largest key. Used as a bounded result set (keys = distances: the root is the worst kept row) and,
 * with negated keys, as a min-heap of candidates to expand (the root is the closest).
 */
export class DistanceHeap {
  keys: Float32Array
  rows: Int32Array
  size = 0

  constructor(capacity: number) {
    this.keys = new Float32Array(Math.max(4, capacity))
    this.rows = new Int32Array(Math.max(4, capacity))
  }

  clear(): void {
    this.size = 0
  }

  topKey(): number {
    return this.keys[0]!
  }

  topRow(): number {
    return this.rows[0]!
  }

  push(key: number, row: number): void {
    if (this.size === this.keys.length) this.grow()
    const keys = this.keys
    const rows = this.rows
    let i = this.size++
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (keys[parent]! >= key) break
      keys[i] = keys[parent]!
      rows[i] = rows[parent]!
      i = parent
    }
    keys[i] = key
    rows[i] = row
  }

  /** Removes the root. */
  pop(): void {
    const n = --this.size
    if (n <= 0) return
    const keys = this.keys
    const rows = this.rows
    const key = keys[n]!
    const row = rows[n]!
    let i = 0
    for (;;) {
      let child = 2 * i + 1
      if (child >= n) break
      if (child + 1 < n && keys[child + 1]! > keys[child]!) child++
      if (keys[child]! <= key) break
      keys[i] = keys[child]!
      rows[i] = rows[child]!
      i = child
    }
    keys[i] = key
    rows[i] = row
  }

  /**
   * Empties the heap into `keys`/`rows` in ascending key order (best first for distances) and returns
   * how many there were.
   */
  drainAscending(keys: Float32Array, rows: Int32Array): number {
    const n = this.size
    for (let i = n - 1; i >= 0; i--) {
      keys[i] = this.keys[0]!
      rows[i] = this.rows[0]!
      this.pop()
    }
    return n
  }

  private grow(): void {
    const keys = new Float32Array(this.keys.length * 2)
    keys.set(this.keys)
    const rows = new Int32Array(this.rows.length * 2)
    rows.set(this.rows)
    this.keys = keys
    this.rows = rows
  }
}
