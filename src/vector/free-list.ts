import { assert } from '../common/assert.ts'

/**
 * Free byte ranges of an arena, sorted by offset and never adjacent (they are coalesced on return).
 * First fit: `take` carves a block from the lowest free range that is large enough.
 * Offsets and sizes are plain numbers (the arena is at most 4 GiB, well within 2^53).
 */
export class FreeList {
  private readonly offsets: number[] = []
  private readonly sizes: number[] = []
  private freeBytesTotal = 0

  get freeBytes(): number {
    return this.freeBytesTotal
  }

  get rangeCount(): number {
    return this.offsets.length
  }

  /** Offset of a free block of `sizeBytes` (now taken), or -1 when no range is large enough. */
  take(sizeBytes: number): number {
    assert(sizeBytes > 0, 'take: sizeBytes must be positive')
    const count = this.offsets.length
    for (let i = 0; i < count; i++) {
      const size = this.sizes[i]!
      if (size < sizeBytes) continue
      const offset = this.offsets[i]!
      if (size === sizeBytes) {
        this.offsets.splice(i, 1)
        this.sizes.splice(i, 1)
      } else {
        this.offsets[i] = offset + sizeBytes
        this.sizes[i] = size - sizeBytes
      }
      this.freeBytesTotal -= sizeBytes
      return offset
    }
    return -1
  }

  /** Returns `[offset, offset + sizeBytes)`, merging it with the free ranges it touches. */
  give(offset: number, sizeBytes: number): void {
    assert(sizeBytes > 0, 'give: sizeBytes must be positive')
    const i = this.firstAfter(offset)
    const end = offset + sizeBytes
    const prevEnd = i > 0 ? this.offsets[i - 1]! + this.sizes[i - 1]! : -1
    const next = i < this.offsets.length ? this.offsets[i]! : Number.POSITIVE_INFINITY
    assert(prevEnd <= offset && end <= next, `give: [${offset}, ${end}) overlaps a free range`)
    this.freeBytesTotal += sizeBytes
    const mergesPrev = prevEnd === offset
    const mergesNext = next === end
    if (mergesPrev && mergesNext) {
      this.sizes[i - 1]! += sizeBytes + this.sizes[i]!
      this.offsets.splice(i, 1)
      this.sizes.splice(i, 1)
    } else if (mergesPrev) {
      this.sizes[i - 1]! += sizeBytes
    } else if (mergesNext) {
      this.offsets[i] = offset
      this.sizes[i]! += sizeBytes
    } else {
      this.offsets.splice(i, 0, offset)
      this.sizes.splice(i, 0, sizeBytes)
    }
  }

  /** Calls `fn(offset, sizeBytes)` for every free range, lowest offset first (do not change the list meanwhile). */
  forEachRange(fn: (offset: number, sizeBytes: number) => void): void {
    for (let i = 0; i < this.offsets.length; i++) fn(this.offsets[i]!, this.sizes[i]!)
  }

  /** Size of the free range that ends exactly at `end`, or 0. */
  bytesEndingAt(end: number): number {
    const last = this.offsets.length - 1
    if (last < 0) return 0
    return this.offsets[last]! + this.sizes[last]! === end ? this.sizes[last]! : 0
  }

  /** Index of the first range whose offset is greater than `offset` (binary search). */
  private firstAfter(offset: number): number {
    let lo = 0
    let hi = this.offsets.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.offsets[mid]! <= offset) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}
