import { assert } from '../../common/assert.ts'
import { Metric } from '../../vector/metric.ts'
import { pickKernel } from '../../vector/scan-blocks.ts'
import type { KernelFn, VectorArena } from '../../vector/vector-arena.ts'
import { sampleRows, trainingSeed } from './sample-rows.ts'

/** Lloyd iterations of every k-means (Faiss uses 10–25; the gain after 10 is small on our data). */
export const kmeansIterations = 10
/** Training points per centroid at most (Faiss's `max_points_per_centroid`). */
export const kmeansPointsPerCentroid = 256

export interface KMeansInput {
  readonly arena: VectorArena
  /** Points inside the arena, point i at `points[i * dim]`. */
  readonly points: Float32Array
  readonly pointCount: number
  readonly dim: number
  readonly clusterCount: number
  /** Spherical k-means (cosine assignment, unit-length centroids) for COSINE; else L2. */
  readonly spherical: boolean
  /** Training points per centroid at most (default `kmeansPointsPerCentroid`). */
  readonly pointsPerCentroid?: number
  /** Lloyd iterations (default `kmeansIterations`). */
  readonly iterations?: number
}

/**
 * Seeded k-means over at most `clusterCount × 256` of the points: centroids start at random distinct
 * points, then `kmeansIterations` rounds of assignment (the SIMD kernel against all centroids) and
 * update. An emptied cluster takes a slightly perturbed copy of the largest one (Faiss's split).
 * Returns `clusterCount × dim` floats (a JS-heap array); clusterCount must not exceed pointCount.
 */
export function trainKMeans(input: KMeansInput): Float32Array {
  const { arena, points, pointCount, dim, clusterCount, spherical } = input
  assert(arena.contains(points) && clusterCount >= 1 && clusterCount <= pointCount, 'trainKMeans: bad input')
  const sample = sampleRows(pointCount, clusterCount * (input.pointsPerCentroid ?? kmeansPointsPerCentroid), trainingSeed)
  const iterations = input.iterations ?? kmeansIterations
  const centroids = arena.allocFloat32(clusterCount * dim)
  const scores = arena.allocFloat32(clusterCount)
  try {
    for (let c = 0; c < clusterCount; c++) centroids.set(points.subarray(sample[c]! * dim, (sample[c]! + 1) * dim), c * dim)
    if (spherical) normalizeRows(centroids, clusterCount, dim)
    const kernel = pickKernel(arena.kernels, spherical ? Metric.COSINE : Metric.L2)
    const assignment = new Int32Array(sample.length)
    for (let iteration = 0; iteration < iterations; iteration++) {
      for (let i = 0; i < sample.length; i++) {
        const ptr = points.byteOffset + sample[i]! * dim * 4
        assignment[i] = nearest(kernel, ptr, centroids, clusterCount, dim, scores, spherical)
      }
      updateCentroids(points, sample, assignment, centroids, clusterCount, dim, spherical)
    }
    return centroids.slice()
  } finally {
    arena.free(scores)
    arena.free(centroids)
  }
}

/** The best of `count` centroids (arena rows) for the point at `ptr`: least L2, or greatest similarity when `larger`. */
export function nearest(kernel: KernelFn, ptr: number, centroids: Float32Array, count: number, dim: number, scores: Float32Array, larger: boolean): number {
  kernel(ptr, centroids.byteOffset, count, dim, scores.byteOffset)
  let best = 0
  let bestScore = scores[0]!
  for (let c = 1; c < count; c++) {
    const s = scores[c]!
    if (larger ? s > bestScore : s < bestScore) {
      bestScore = s
      best = c
    }
  }
  return best
}

function updateCentroids(
  points: Float32Array,
  sample: Int32Array,
  assignment: Int32Array,
  centroids: Float32Array,
  clusterCount: number,
  dim: number,
  spherical: boolean,
): void {
  const sums = new Float64Array(clusterCount * dim)
  const counts = new Int32Array(clusterCount)
  for (let i = 0; i < sample.length; i++) {
    const c = assignment[i]!
    counts[c]!++
    const at = sample[i]! * dim
    const to = c * dim
    for (let j = 0; j < dim; j++) sums[to + j]! += points[at + j]!
  }
  for (let c = 0; c < clusterCount; c++) {
    if (counts[c] === 0) continue
    for (let j = 0; j < dim; j++) centroids[c * dim + j] = sums[c * dim + j]! / counts[c]!
  }
  splitEmptyClusters(centroids, counts, clusterCount, dim)
  if (spherical) normalizeRows(centroids, clusterCount, dim)
}

/** Relative perturbation of a split centroid (Faiss's EPS). */
const splitEpsilon = 1 / 1024

/** Each empty cluster takes the centroid of the largest cluster, nudged ±ε per dimension (and half its points). */
function splitEmptyClusters(centroids: Float32Array, counts: Int32Array, clusterCount: number, dim: number): void {
  for (let c = 0; c < clusterCount; c++) {
    if (counts[c] !== 0) continue
    let largest = 0
    for (let o = 1; o < clusterCount; o++) if (counts[o]! > counts[largest]!) largest = o
    for (let j = 0; j < dim; j++) {
      const v = centroids[largest * dim + j]!
      const sign = j % 2 === 0 ? 1 : -1
      centroids[c * dim + j] = v * (1 + sign * splitEpsilon)
      centroids[largest * dim + j] = v * (1 - sign * splitEpsilon)
    }
    counts[c] = counts[largest]! >> 1
    counts[largest]! -= counts[c]!
  }
}

/** Scales each of `count` rows to unit length (all-zero rows stay zero). */
export function normalizeRows(values: Float32Array, count: number, dim: number): void {
  for (let r = 0; r < count; r++) {
    let sum = 0
    for (let j = 0; j < dim; j++) sum += values[r * dim + j]! ** 2
    if (sum === 0) continue
    const scale = 1 / Math.sqrt(sum)
    for (let j = 0; j < dim; j++) values[r * dim + j]! *= scale
  }
}
