import { readGate } from '../common/read-gate.ts'
import { InterimIvf } from '../index/interim/interim-ivf.ts'
import { interimListCount, interimRetrainGrowth, interimTrainRowsMin, interimWorkerRowsMin } from '../index/interim/interim-policy.ts'
import { trainInterimQuick } from '../index/interim/interim-train.ts'
import { VectorArena } from '../vector/vector-arena.ts'
import type { ColumnStore } from './column-store.ts'
import type { SegmentInterimIndex } from './segment-index.ts'
import type { Segment } from './segment.ts'

/** Rows added per `InterimIvf.add` call (the deadline is checked between calls). */
const addBatchRows = 128

/**
 * Brings a segment field's interim index up to date until `deadline` (performance.now() ms): adopts a
 * finished worker training at once as `index` (the one it replaces is released: never two copies of
 * the vectors); makes the quick index when there is none yet, and a new one as `next` when a segment
 * below `interimWorkerRowsMin` rows doubled (a few ms each; `next` takes the rows `index` has, then
 * replaces it); adds new rows to `index` (with their known lists while the training assigned them,
 * else nearest centroid). Rows not yet added are scanned exactly by searches. Run by the engine's background passes and, a millisecond
 * at a time, by searches (so a search loop that never yields to the event loop still gets an index).
 * Returns true when work is left.
 */
export function catchUpInterim(segment: Segment, fieldName: string, slot: SegmentInterimIndex, deadline: number): boolean {
  const store = segment.fields.get(fieldName)
  if (store === undefined) return false
  adoptTraining(slot, store)
  const rows = segment.rowCount
  if (slot.index === null && slot.next === null) {
    if (rows < interimTrainRowsMin) return false
    slot.index = quickIndex(slot, store, rows)
  } else if (slot.next === null && slot.training === null && rows < interimWorkerRowsMin && rows >= slot.index!.trainedRows * interimRetrainGrowth) {
    slot.next = quickIndex(slot, store, rows)
    slot.nextLists = null
  }
  if (slot.next !== null) {
    const next = slot.next
    const goal = Math.max(slot.index?.coveredRows ?? 0, slot.nextLists?.length ?? 0)
    while (next.coveredRows < goal && performance.now() < deadline) addRows(next, store, segment.rowCount, slot.nextLists)
    if (next.coveredRows < goal) return true
    const old = slot.index
    slot.index = next
    slot.indexLists = null
    slot.next = null
    slot.nextLists = null
    if (old !== null) readGate.defer(() => old.release())
  }
  const index = slot.index
  if (index === null) return false
  while (index.coveredRows < segment.rowCount && performance.now() < deadline) addRows(index, store, segment.rowCount, slot.indexLists)
  if (slot.indexLists !== null && index.coveredRows >= slot.indexLists.length) slot.indexLists = null
  return index.coveredRows < segment.rowCount
}

/**
 * A worker training whose output is written replaces the interim index at once — unless the vectors
 * it read moved meanwhile (a seal). Its lists get exactly the rows the training assigned them
 * (`reserve`), and the rows are added with those lists by the catch-up; until then searches scan
 * them exactly. The index it replaces is released once no read uses it: the old and new copies of
 * the vectors never coexist beyond the reads in flight (for a 100k × 128 segment, ~70 MiB less at peak).
 */
function adoptTraining(slot: SegmentInterimIndex, store: ColumnStore): void {
  const run = slot.training
  if (run === null || Atomics.load(run.output.done, 0) !== 1) return
  slot.training = null
  if (run.chunks.some((c, i) => store.chunks[i] !== c)) return
  const lists = run.output.lists.subarray(0, run.rows)
  const index = new InterimIvf(VectorArena.shared(), slot.metric, store.dim, run.output.centroids, run.rows)
  index.reserve(lists)
  const { index: old, next } = slot
  slot.index = index
  slot.indexLists = lists
  slot.next = null
  slot.nextLists = null
  next?.release()
  if (old !== null) readGate.defer(() => old.release())
}

/** An interim index on centroids trained here in a few ms (`trainInterimQuick`); rows find their list as they are added. */
function quickIndex(slot: SegmentInterimIndex, store: ColumnStore, rows: number): InterimIvf {
  const centroids = trainInterimQuick(VectorArena.shared(), slot.metric, store.dim, interimListCount(rows), interimParts(store, rows), rows)
  return new InterimIvf(VectorArena.shared(), slot.metric, store.dim, centroids, rows)
}

/** Views of rows [0, rows) of a float vector column, one per chunk (what a training reads). */
export function interimParts(store: ColumnStore, rows: number): Float32Array[] {
  const parts: Float32Array[] = []
  for (let c = 0, from = 0; from < rows; c++, from += store.chunkRows) {
    parts.push((store.chunks[c] as Float32Array).subarray(0, Math.min(store.chunkRows, rows - from) * store.dim))
  }
  return parts
}

/** Adds up to `addBatchRows` rows after `index.coveredRows` (within one vector chunk), with their known lists while there are. */
function addRows(index: InterimIvf, store: ColumnStore, rowCount: number, lists: Int32Array | null): void {
  const from = index.coveredRows
  const chunkEnd = (Math.floor(from / store.chunkRows) + 1) * store.chunkRows
  const known = lists !== null && from < lists.length ? lists : null
  const to = Math.min(rowCount, chunkEnd, from + addBatchRows, known === null ? rowCount : known.length)
  const vectors = store.vectorRange(from, to) as Float32Array
  index.add(vectors, to - from, known === null ? undefined : known.subarray(from, to))
}

/** Takes a field's interim index off the segment; its memory is freed once no read can use it. */
export function dropInterim(segment: Segment, fieldName: string): void {
  const slot = segment.interimIndexes.get(fieldName)
  if (slot === undefined) return
  segment.interimIndexes.delete(fieldName)
  const { index, next } = slot
  readGate.defer(() => {
    index?.release()
    next?.release()
  })
}
