import { assert } from '../../common/assert.ts'
import { type FloatMetric, Metric } from '../../vector/metric.ts'
import type { VectorArena } from '../../vector/vector-arena.ts'
import { FloatCentroids } from '../ivf/float-centroids.ts'
import { trainKMeans } from '../ivf/kmeans.ts'
import { sampleRows, trainingSeed } from '../ivf/sample-rows.ts'

/** Training points per centroid (Faiss warns below 39; the lists only need to be roughly even). */
export const interimPointsPerCentroid = 32
/** Lloyd iterations of the interim k-means (recall moves little after a few). */
export const interimKMeansIterations = 6
/** The quick training on the main thread (`trainInterimQuick`): lists at most, points per centroid, iterations. */
export const interimQuickLists = 128
const quickPointsPerCentroid = 8
const quickIterations = 3
/** Rows assigned per kernel block (copied into the arena first). */
const assignBlockRows = 4096

/** The centroids of an interim index and the list of every snapshot row. */
export interface InterimTraining {
  /** listCount × dim floats. */
  readonly centroids: Float32Array
  /** The list of rows 0..rowCount-1 of the snapshot. */
  readonly lists: Int32Array
}

/**
 * Trains `listCount` centroids on a seeded sample of rows 0..rowCount-1 and assigns every row to its
 * nearest. `parts` hold the rows in order (a growing segment's chunks, or one sealed column), and may
 * live outside `arena` (another thread's memory): rows are copied into the arena in blocks.
 * L2 and IP train plain k-means, COSINE spherical (as the IVF indexes); assignment uses the metric.
 */
export function trainInterim(arena: VectorArena, metric: FloatMetric, dim: number, listCount: number, parts: readonly Float32Array[], rowCount: number): InterimTraining {
  assert(listCount >= 1 && listCount <= rowCount, `trainInterim: ${listCount} lists for ${rowCount} rows`)
  const rowsOf = parts.map((p) => p.length / dim)
  assert(rowsOf.reduce((a, b) => a + b, 0) >= rowCount, 'trainInterim: parts hold fewer rows than rowCount')
  const sample = sampleRows(rowCount, listCount * interimPointsPerCentroid, trainingSeed)
  const points = arena.allocFloat32(sample.length * dim, false)
  let values: Float32Array
  try {
    for (let i = 0; i < sample.length; i++) points.set(rowOf(parts, rowsOf, sample[i]!, dim), i * dim)
    values = trainKMeans({
      arena,
      points,
      pointCount: sample.length,
      dim,
      clusterCount: listCount,
      spherical: metric === Metric.COSINE,
      pointsPerCentroid: interimPointsPerCentroid,
      iterations: interimKMeansIterations,
    })
  } finally {
    arena.free(points)
  }
  const centroids = new FloatCentroids(arena, metric, values, listCount, dim)
  const block = arena.allocFloat32(assignBlockRows * dim, false)
  try {
    const lists = new Int32Array(rowCount)
    let row = 0
    for (let p = 0; p < parts.length && row < rowCount; p++) {
      const rows = Math.min(rowsOf[p]!, rowCount - row)
      for (let from = 0; from < rows; from += assignBlockRows) {
        const n = Math.min(assignBlockRows, rows - from)
        block.set(parts[p]!.subarray(from * dim, (from + n) * dim))
        lists.set(centroids.assign(block, n), row + from)
      }
      row += rows
    }
    return { centroids: values, lists }
  } finally {
    arena.free(block)
    centroids.release()
  }
}

/**
 * Rough centroids in a few milliseconds, for the main thread (≤ 128 lists, 8 sampled rows each, 3
 * rounds: ~0.4 M distances): an interim index that serves at once while the worker trains the real
 * one (`trainInterim`). No assignment: rows find their nearest centroid as they are added.
 */
export function trainInterimQuick(arena: VectorArena, metric: FloatMetric, dim: number, listCount: number, parts: readonly Float32Array[], rowCount: number): Float32Array {
  const lists = Math.min(listCount, interimQuickLists, rowCount)
  const rowsOf = parts.map((p) => p.length / dim)
  const sample = sampleRows(rowCount, lists * quickPointsPerCentroid, trainingSeed)
  const points = arena.allocFloat32(sample.length * dim, false)
  try {
    for (let i = 0; i < sample.length; i++) points.set(rowOf(parts, rowsOf, sample[i]!, dim), i * dim)
    const spherical = metric === Metric.COSINE
    return trainKMeans({ arena, points, pointCount: sample.length, dim, clusterCount: lists, spherical, pointsPerCentroid: quickPointsPerCentroid, iterations: quickIterations })
  } finally {
    arena.free(points)
  }
}

function rowOf(parts: readonly Float32Array[], rowsOf: readonly number[], row: number, dim: number): Float32Array {
  let r = row
  for (let p = 0; p < parts.length; p++) {
    if (r < rowsOf[p]!) return parts[p]!.subarray(r * dim, (r + 1) * dim)
    r -= rowsOf[p]!
  }
  throw new Error(`row ${row} outside the parts`)
}
