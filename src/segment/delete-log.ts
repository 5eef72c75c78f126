import { Bitset } from '../common/bitset.ts'
import type { Timestamp } from '../common/hybrid-ts.ts'

/**
 * Deletes of one segment: the rows deleted (`deletedBits`, latest state) and the (row, ts) log in
 * timestamp order, from which the delete state at any earlier time is rebuilt.
 */
export class DeleteLog {
  deletedBits = new Bitset(0)
  private rows = new Int32Array(16)
  private stamps = new BigInt64Array(16)
  count = 0

  grow(rowCount: number): void {
    this.deletedBits.grow(rowCount)
  }

  /** Records a delete; false when the row was already deleted. */
  add(row: number, ts: Timestamp): boolean {
    if (this.deletedBits.get(row)) return false
    if (this.count > 0 && ts < this.stamps[this.count - 1]!) throw new Error('deletes must arrive in timestamp order')
    if (this.count === this.rows.length) {
      const r = new Int32Array(this.count * 2)
      r.set(this.rows)
      this.rows = r
      const s = new BigInt64Array(this.count * 2)
      s.set(this.stamps)
      this.stamps = s
    }
    this.rows[this.count] = row
    this.stamps[this.count] = ts
    this.count++
    this.deletedBits.set(row)
    return true
  }

  /** Timestamp of the delete of `row`, or undefined when it is not deleted. */
  tsOf(row: number): Timestamp | undefined {
    if (!this.deletedBits.get(row)) return undefined
    for (let i = 0; i < this.count; i++) if (this.rows[i] === row) return this.stamps[i]!
    return undefined
  }

  /** Delete timestamp per row (0n = not deleted), for bulk rewrites. */
  stampsByRow(rowCount: number): BigInt64Array {
    const out = new BigInt64Array(rowCount)
    for (let i = 0; i < this.count; i++) out[this.rows[i]!] = this.stamps[i]!
    return out
  }

  lastTs(): Timestamp {
    return this.count === 0 ? 0n : this.stamps[this.count - 1]!
  }

  /** Rows deleted at or before `ts`. */
  deletedBitsAt(ts: Timestamp): Bitset {
    if (ts >= this.lastTs()) return this.deletedBits
    const bits = new Bitset(this.deletedBits.capacity)
    for (let i = 0; i < this.count && this.stamps[i]! <= ts; i++) bits.set(this.rows[i]!)
    return bits
  }

  /** Entries [from, count) for persistence. */
  entries(from = 0): { rows: Int32Array; stamps: BigInt64Array } {
    return { rows: this.rows.slice(from, this.count), stamps: this.stamps.slice(from, this.count) }
  }
}
