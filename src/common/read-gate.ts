/**
 * Deferred release of memory that in-flight reads may still hold. Reads pause between blocks
 * (`WorkSlice`), so a compaction swap, a dropped partition or index, or a close can retire a segment
 * while a read that started earlier still scans it; its arena blocks and native index must not be
 * freed (and reused) under that read. Each read `enter`s with the current epoch; `defer(fn)` tags fn
 * with the epoch and advances it; fn runs once every read that entered at or before its tag has
 * `exit`ed — at once when no read is in flight (the common case, and always in tests without reads).
 */
export class ReadGate {
  private epoch = 0
  /** Reads in flight per entry epoch. */
  private readonly active = new Map<number, number>()
  private pending: { epoch: number; release: () => void }[] = []

  /** Marks a read as started; pass the returned epoch to `exit`. */
  enter(): number {
    const e = this.epoch
    this.active.set(e, (this.active.get(e) ?? 0) + 1)
    return e
  }

  /** Marks a read as finished and runs the releases it was holding back. */
  exit(epoch: number): void {
    const n = this.active.get(epoch) ?? 0
    if (n <= 1) this.active.delete(epoch)
    else this.active.set(epoch, n - 1)
    this.drain()
  }

  /** Runs `release` now if no read is in flight, else once every read that may see the released thing ended. */
  defer(release: () => void): void {
    if (this.active.size === 0) {
      release()
      return
    }
    this.pending.push({ epoch: this.epoch, release })
    this.epoch++
  }

  /** Reads in flight (tests, metrics). */
  get readsInFlight(): number {
    let n = 0
    for (const c of this.active.values()) n += c
    return n
  }

  /** Releases waiting for reads (tests, metrics). */
  get pendingReleases(): number {
    return this.pending.length
  }

  private drain(): void {
    if (this.pending.length === 0) return
    let oldest = Number.POSITIVE_INFINITY
    for (const e of this.active.keys()) if (e < oldest) oldest = e
    const ready = this.pending.filter((p) => p.epoch < oldest)
    if (ready.length === 0) return
    this.pending = this.pending.filter((p) => p.epoch >= oldest)
    for (const p of ready) p.release()
  }
}

/** The process-wide gate of segment and index memory (every open database shares it). */
export const readGate = new ReadGate()
