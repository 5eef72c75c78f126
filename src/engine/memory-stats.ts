import { type LiveObjectKind, liveObjectCounts } from '../common/live-objects.ts'
import { readGate } from '../common/read-gate.ts'
import { VectorArena } from '../vector/vector-arena.ts'
import type { Database } from './database.ts'

/**
 * Where the engine's memory is, by its own accounting (for `/metrics` and leak tests): the vector
 * arena (float vectors, interim lists, scratch), the interim indexes inside it, the segments alive
 * and those retired but held for in-flight reads, and the releases waiting for those reads.
 */
export interface MemoryStats {
  /** Bytes of the process-wide vector arena handed out (rounded to 64); 0 before it exists. */
  readonly arenaUsedBytes: number
  /** Bytes the arena's WebAssembly memory holds (it never shrinks: its high-water mark). */
  readonly arenaReservedBytes: number
  /** Bytes of every interim index's lists and centroids (inside the arena, and their row ids on the heap). */
  readonly interimBytes: number
  /** Interim index objects (current + next) of all segments. */
  readonly interimIndexes: number
  /** Segments in collections (growing and sealed). */
  readonly segments: number
  /** Segments taken out (compacted, dropped) whose memory waits for earlier reads. */
  readonly retiredSegments: number
  /** Releases waiting for reads in flight (`readGate`). */
  readonly pendingReleases: number
  /** Segments, native HNSW graphs and interim indexes made and not released, in this process (`live-objects`). */
  readonly live: Readonly<Record<LiveObjectKind, number>>
  /** Bytes the arena gave back to the OS so far (freed pages; counted again each time pages are reused and freed). */
  readonly arenaDiscardedBytes: number
}

/** A snapshot of `MemoryStats` (a walk over segments; no data is read). */
export function memoryStats(db: Database): MemoryStats {
  const arena = VectorArena.sharedOrUndefined()
  let interimBytes = 0
  let interimIndexes = 0
  let segments = 0
  let retiredSegments = 0
  for (const data of db.state.data.values()) {
    retiredSegments += data.retiredCount
    for (const seg of data.segments.values()) {
      segments++
      for (const slot of seg.interimIndexes.values()) {
        for (const ivf of [slot.index, slot.next]) {
          if (ivf === null) continue
          interimIndexes++
          interimBytes += ivf.sizeBytes()
        }
      }
    }
  }
  return {
    arenaUsedBytes: arena?.bytesUsed ?? 0,
    arenaReservedBytes: arena?.bytesReserved ?? 0,
    interimBytes,
    interimIndexes,
    segments,
    retiredSegments,
    pendingReleases: readGate.pendingReleases,
    live: liveObjectCounts(),
    arenaDiscardedBytes: arena?.trimStats.discardedBytes ?? 0,
  }
}
