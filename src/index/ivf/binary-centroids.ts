import { scanBinary } from '../../vector/binary-scan.ts'
import type { BinaryMetric } from '../../vector/metric.ts'
import { DistanceHeap } from '../distance-heap.ts'
import { groupByList, type InvertedLists } from './inverted-lists.ts'
import { kmeansIterations, kmeansPointsPerCentroid } from './kmeans.ts'
import { sampleRows } from './sample-rows.ts'

/** The coarse quantizer of BIN_IVF_FLAT: `count` binary centroids (dim bits each) and the nearest ones to a query. */
export class BinaryCentroids {
  readonly metric: BinaryMetric
  readonly count: number
  readonly dim: number
  readonly values: Uint8Array
  private readonly scores: Float32Array
  private readonly best = new DistanceHeap(16)
  private readonly bestKeys: Float32Array

  constructor(metric: BinaryMetric, values: Uint8Array, count: number, dim: number) {
    this.metric = metric
    this.values = values
    this.count = count
    this.dim = dim
    this.scores = new Float32Array(count)
    this.bestKeys = new Float32Array(count)
  }

  /** The `nprobe` centroids nearest to `query`, best first, into `out`; returns how many. */
  probe(query: Uint8Array, nprobe: number, out: Int32Array): number {
    const n = Math.min(nprobe, this.count)
    scanBinary(this.metric, query, this.values, this.count, this.dim, this.scores)
    const best = this.best
    best.clear()
    for (let c = 0; c < this.count; c++) {
      const d = this.scores[c]!
      if (best.size < n) best.push(d, c)
      else if (d < best.topKey()) {
        best.pop()
        best.push(d, c)
      }
    }
    return best.drainAscending(this.bestKeys, out)
  }

  /** The nearest centroid of each of rows 0..rowCount-1. */
  assign(vectors: Uint8Array, rowCount: number): Int32Array {
    const rowBytes = this.dim >>> 3
    const out = new Int32Array(rowCount)
    for (let row = 0; row < rowCount; row++) out[row] = this.nearest(vectors.subarray(row * rowBytes, (row + 1) * rowBytes))
    return out
  }

  nearest(row: Uint8Array): number {
    scanBinary(this.metric, row, this.values, this.count, this.dim, this.scores)
    let best = 0
    for (let c = 1; c < this.count; c++) if (this.scores[c]! < this.scores[best]!) best = c
    return best
  }
}

/**
 * Trains BIN_IVF_FLAT's centroids with k-majority (k-means for bits): seeded random distinct rows to
 * start, then `kmeansIterations` rounds of assignment by the metric and a per-bit majority vote of each
 * cluster's rows (ties give 0; an emptied cluster keeps its centroid). For HAMMING the majority is the
 * exact minimiser of the summed distance; for JACCARD it is a heuristic. nlist is capped at the row count.
 */
export function trainBinaryIvf(
  metric: BinaryMetric,
  vectors: Uint8Array,
  rowCount: number,
  dim: number,
  nlist: number,
): { centroids: BinaryCentroids; lists: InvertedLists } {
  const count = Math.min(nlist, rowCount)
  const rowBytes = dim >>> 3
  const sample = sampleRows(rowCount, count * kmeansPointsPerCentroid)
  const values = new Uint8Array(count * rowBytes)
  for (let c = 0; c < count; c++) values.set(vectors.subarray(sample[c]! * rowBytes, (sample[c]! + 1) * rowBytes), c * rowBytes)
  const centroids = new BinaryCentroids(metric, values, count, dim)
  const assignment = new Int32Array(sample.length)
  for (let iteration = 0; iteration < kmeansIterations && count > 0; iteration++) {
    for (let i = 0; i < sample.length; i++) assignment[i] = centroids.nearest(vectors.subarray(sample[i]! * rowBytes, (sample[i]! + 1) * rowBytes))
    majorityVote(vectors, sample, assignment, values, count, dim)
  }
  return { centroids, lists: groupByList(centroids.assign(vectors, rowCount), count) }
}

function majorityVote(vectors: Uint8Array, sample: Int32Array, assignment: Int32Array, values: Uint8Array, count: number, dim: number): void {
  const rowBytes = dim >>> 3
  const ones = new Int32Array(count * dim)
  const members = new Int32Array(count)
  for (let i = 0; i < sample.length; i++) {
    const c = assignment[i]!
    members[c]!++
    const at = sample[i]! * rowBytes
    for (let b = 0; b < rowBytes; b++) {
      const byte = vectors[at + b]!
      if (byte === 0) continue
      for (let bit = 0; bit < 8; bit++) if ((byte >>> bit) & 1) ones[c * dim + b * 8 + bit]!++
    }
  }
  for (let c = 0; c < count; c++) {
    if (members[c] === 0) continue
    for (let b = 0; b < rowBytes; b++) {
      let byte = 0
      for (let bit = 0; bit < 8; bit++) if (ones[c * dim + b * 8 + bit]! * 2 > members[c]!) byte |= 1 << bit
      values[c * rowBytes + b] = byte
    }
  }
}
