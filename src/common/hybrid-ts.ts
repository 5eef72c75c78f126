/**
 * Hybrid timestamps as Milvus: physical milliseconds << 18 | logical counter.
 * One allocator per database; strictly increasing, also across restarts (seeded with the last
 * timestamp persisted).
 */
export type Timestamp = bigint

export const LOGICAL_BITS = 18n
const LOGICAL_MASK = (1n << LOGICAL_BITS) - 1n

export function composeTs(physicalMs: number, logical: number): Timestamp {
  return (BigInt(physicalMs) << LOGICAL_BITS) | BigInt(logical)
}

export function physicalMs(ts: Timestamp): number {
  return Number(ts >> LOGICAL_BITS)
}

export function logicalOf(ts: Timestamp): number {
  return Number(ts & LOGICAL_MASK)
}

export class TimestampOracle {
  private last: Timestamp

  constructor(last: Timestamp = 0n) {
    this.last = last
  }

  /** A timestamp greater than every one handed out before. */
  next(): Timestamp {
    const now = composeTs(Date.now(), 0)
    this.last = now > this.last ? now : this.last + 1n
    return this.last
  }

  /** The newest timestamp handed out (or observed). */
  current(): Timestamp {
    return this.last
  }

  observe(ts: Timestamp): void {
    if (ts > this.last) this.last = ts
  }
}
