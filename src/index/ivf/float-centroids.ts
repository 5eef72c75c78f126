import { assert } from '../../common/assert.ts'
import { scanFloat } from '../../vector/float-scan.ts'
import { type FloatMetric, largerIsBetter, Metric } from '../../vector/metric.ts'
import { pickKernel } from '../../vector/scan-blocks.ts'
import type { VectorArena } from '../../vector/vector-arena.ts'
import { DistanceHeap } from '../distance-heap.ts'
import { groupByList, type InvertedLists } from './inverted-lists.ts'
import { nearest, trainKMeans } from './kmeans.ts'

/**
 * The coarse quantizer of the float IVF indexes: `count` centroids (a copy inside the arena, owned
 * here) and the nearest ones to a query by the index metric.
 */
export class FloatCentroids {
  readonly metric: FloatMetric
  readonly count: number
  readonly dim: number
  /** The centroids on the JS heap (what is persisted). */
  readonly values: Float32Array
  private readonly arena: VectorArena
  private inArena: Float32Array | null
  private readonly scores: Float32Array
  private readonly best: DistanceHeap
  private readonly bestKeys: Float32Array
  private readonly larger: boolean

  constructor(arena: VectorArena, metric: FloatMetric, values: Float32Array, count: number, dim: number) {
    this.arena = arena
    this.metric = metric
    this.count = count
    this.dim = dim
    this.values = values
    this.inArena = arena.allocFloat32(count * dim)
    this.inArena.set(values.subarray(0, count * dim))
    this.scores = new Float32Array(count)
    this.best = new DistanceHeap(16)
    this.bestKeys = new Float32Array(count)
    this.larger = largerIsBetter(metric)
  }

  /** The `nprobe` centroids nearest to `query`, best first, into `out`; returns how many (≤ count). */
  probe(query: Float32Array, nprobe: number, out: Int32Array): number {
    const n = Math.min(nprobe, this.count)
    scanFloat(this.arena, this.metric, query, this.centroidsInArena(), this.count, this.dim, this.scores)
    const best = this.best
    best.clear()
    for (let c = 0; c < this.count; c++) {
      const d = this.larger ? -this.scores[c]! : this.scores[c]!
      if (best.size < n) best.push(d, c)
      else if (d < best.topKey()) {
        best.pop()
        best.push(d, c)
      }
    }
    return best.drainAscending(this.bestKeys, out)
  }

  /** The list of each of rows 0..rowCount-1 of `source` (inside the arena): its nearest centroid. */
  assign(source: Float32Array, rowCount: number): Int32Array {
    const kernel = pickKernel(this.arena.kernels, this.metric)
    const scores = this.arena.allocFloat32(this.count)
    try {
      const out = new Int32Array(rowCount)
      const centroids = this.centroidsInArena()
      for (let row = 0; row < rowCount; row++) {
        out[row] = nearest(kernel, source.byteOffset + row * this.dim * 4, centroids, this.count, this.dim, scores, this.larger)
      }
      return out
    } finally {
      this.arena.free(scores)
    }
  }

  release(): void {
    if (this.inArena === null) return
    this.arena.free(this.inArena)
    this.inArena = null
  }

  private centroidsInArena(): Float32Array {
    assert(this.inArena !== null, 'FloatCentroids used after release()')
    return this.inArena
  }
}

/**
 * Trains the coarse quantizer of a float IVF index on `source` (rows inside the arena) and assigns
 * every row to a list. L2 and IP train plain k-means (as Faiss does), COSINE spherical k-means;
 * assignment and probing use the index metric. nlist is capped at the row count.
 */
export function trainFloatIvf(
  arena: VectorArena,
  metric: FloatMetric,
  source: Float32Array,
  rowCount: number,
  dim: number,
  nlist: number,
): { centroids: FloatCentroids; lists: InvertedLists } {
  const count = Math.min(nlist, rowCount)
  const values = count === 0 ? new Float32Array(0) : trainKMeans({ arena, points: source, pointCount: rowCount, dim, clusterCount: count, spherical: metric === Metric.COSINE })
  const centroids = new FloatCentroids(arena, metric, values, count, dim)
  return { centroids, lists: groupByList(centroids.assign(source, rowCount), count) }
}
