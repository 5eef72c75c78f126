/**
 * A bounded heap that keeps the k best (score, id) pairs on parallel typed arrays.
 * `largerIsBetter` selects similarity (IP, COSINE) versus distance (L2, HAMMING, JACCARD).
 * The root is the worst kept item, so a candidate is compared against one number.
 */
export class TopKHeap {
  readonly k: number
  readonly largerIsBetter: boolean
  readonly scores: Float32Array
  readonly ids: Float64Array
  size = 0

  constructor(k: number, largerIsBetter: boolean) {
    this.k = k
    this.largerIsBetter = largerIsBetter
    this.scores = new Float32Array(k)
    this.ids = new Float64Array(k)
  }

  /** The score a candidate must beat to enter (only meaningful when full). */
  threshold(): number {
    return this.scores[0]!
  }

  isFull(): boolean {
    return this.size === this.k
  }

  reset(): void {
    this.size = 0
  }

  push(score: number, id: number): void {
    if (this.k === 0) return
    if (this.size < this.k) {
      this.scores[this.size] = score
      this.ids[this.size] = id
      this.siftUp(this.size++)
      return
    }
    if (!this.better(score, this.scores[0]!)) return
    this.scores[0] = score
    this.ids[0] = id
    this.siftDown(0)
  }

  /** Drains into arrays ordered best first; the heap is empty afterwards. */
  drain(): { scores: Float32Array; ids: Float64Array } {
    const n = this.size
    const scores = new Float32Array(n)
    const ids = new Float64Array(n)
    for (let i = n - 1; i >= 0; i--) {
      scores[i] = this.scores[0]!
      ids[i] = this.ids[0]!
      this.size--
      if (this.size > 0) {
        this.scores[0] = this.scores[this.size]!
        this.ids[0] = this.ids[this.size]!
        this.siftDown(0)
      }
    }
    return { scores, ids }
  }

  /** True when `a` ranks strictly better than `b`. */
  private better(a: number, b: number): boolean {
    return this.largerIsBetter ? a > b : a < b
  }

  /** Heap order: the worst item at the root. Ties broken by larger id being worse. */
  private worse(i: number, j: number): boolean {
    const a = this.scores[i]!
    const b = this.scores[j]!
    if (a === b) return this.ids[i]! > this.ids[j]!
    return this.better(b, a)
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!this.worse(i, p)) break
      this.swap(i, p)
      i = p
    }
  }

  private siftDown(i: number): void {
    const n = this.size
    for (;;) {
      const l = 2 * i + 1
      if (l >= n) break
      const r = l + 1
      const c = r < n && this.worse(r, l) ? r : l
      if (!this.worse(c, i)) break
      this.swap(i, c)
      i = c
    }
  }

  private swap(i: number, j: number): void {
    const s = this.scores[i]!
    this.scores[i] = this.scores[j]!
    this.scores[j] = s
    const d = this.ids[i]!
    this.ids[i] = this.ids[j]!
    this.ids[j] = d
  }
}
