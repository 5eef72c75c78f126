import type { Timestamp } from '../common/hybrid-ts.ts'

/**
 * The insert timestamps of a segment's rows, one run per appended batch. Rows are appended in
 * timestamp order, so the rows visible at time Q are the prefix up to the last run stamped ≤ Q.
 */
export class InsertRuns {
  /** First row of each run, ascending. */
  private starts: number[] = []
  /** Timestamp of each run, ascending. */
  readonly timestamps: Timestamp[] = []
  rowCount = 0

  push(rowStart: number, rowCount: number, ts: Timestamp): void {
    const last = this.timestamps[this.timestamps.length - 1]
    if (last !== undefined && ts < last) throw new Error('insert runs must be appended in timestamp order')
    if (rowCount === 0) return
    if (last === ts) {
      this.rowCount = rowStart + rowCount
      return
    }
    this.starts.push(rowStart)
    this.timestamps.push(ts)
    this.rowCount = rowStart + rowCount
  }

  /** Number of rows inserted at or before `ts`. */
  rowsAt(ts: Timestamp): number {
    const t = this.timestamps
    if (t.length === 0 || ts >= t[t.length - 1]!) return this.rowCount
    let lo = 0
    let hi = t.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (t[mid]! <= ts) lo = mid + 1
      else hi = mid
    }
    return lo === this.starts.length ? this.rowCount : this.starts[lo]!
  }

  tsOf(row: number): Timestamp {
    const s = this.starts
    let lo = 0
    let hi = s.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if (s[mid]! <= row) lo = mid
      else hi = mid - 1
    }
    return this.timestamps[lo]!
  }

  /** Runs as (first row, row count, ts), in timestamp order. */
  runs(): { rowStart: number; rowCount: number; ts: Timestamp }[] {
    return this.starts.map((rowStart, i) => ({
      rowStart,
      rowCount: (this.starts[i + 1] ?? this.rowCount) - rowStart,
      ts: this.timestamps[i]!,
    }))
  }

  maxTs(): Timestamp {
    return this.timestamps[this.timestamps.length - 1] ?? 0n
  }

  /** The runs covering rows [0, rowCount). */
  prefix(rowCount: number): InsertRuns {
    const r = new InsertRuns()
    for (let i = 0; i < this.starts.length && this.starts[i]! < rowCount; i++) {
      r.starts.push(this.starts[i]!)
      r.timestamps.push(this.timestamps[i]!)
    }
    r.rowCount = Math.min(rowCount, this.rowCount)
    return r
  }

  /** Run list for persistence. */
  toJSON(): { starts: number[]; timestamps: string[]; rowCount: number } {
    return { starts: this.starts.slice(), timestamps: this.timestamps.map(String), rowCount: this.rowCount }
  }

  static fromJSON(j: { starts: number[]; timestamps: string[]; rowCount: number }): InsertRuns {
    const r = new InsertRuns()
    r.starts = j.starts.slice()
    ;(r as { timestamps: Timestamp[] }).timestamps = j.timestamps.map((x) => BigInt(x))
    r.rowCount = j.rowCount
    return r
  }
}
