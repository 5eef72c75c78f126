import { ErrorCode, MilvusError } from '../errors/errors.ts'

/** Milvus's flush rate limit (`quotaAndLimits.flushRate.collection.max`): code 8 when exceeded. */
export class FlushRate {
  private readonly perSecondMax: number
  private readonly lastFlushMs = new Map<number, number>()

  /** `perSecondMax` flushes per second per collection; 0 = unlimited. */
  constructor(perSecondMax: number) {
    this.perSecondMax = perSecondMax
  }

  /** Throws (nothing recorded) when any collection flushed less than 1/rate seconds ago; else records now. */
  check(collectionIds: readonly number[]): void {
    const rate = this.perSecondMax
    if (rate <= 0) return
    const now = Date.now()
    for (const id of collectionIds) {
      const last = this.lastFlushMs.get(id)
      if (last !== undefined && now - last < 1000 / rate) {
        throw new MilvusError(ErrorCode.RateLimit, `request is rejected by grpc RateLimiter middleware, please retry later: flush of collection ${id} exceeds ${rate} per second`)
      }
    }
    for (const id of collectionIds) this.lastFlushMs.set(id, now)
  }
}
