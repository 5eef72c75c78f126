import { seededRandom } from '../../vector/seeded-random.ts'

/** Seed of every training sample and initialisation, so builds are deterministic. */
export const trainingSeed = 1234

/**
 * `count` distinct rows of [0, rowCount) drawn with a seeded partial Fisher–Yates shuffle, in draw order
 * (so the first k of them are a random k-subset: k-means initialises from them). All rows (shuffled)
 * when count ≥ rowCount.
 */
export function sampleRows(rowCount: number, count: number, seed = trainingSeed): Int32Array {
  const n = Math.min(count, rowCount)
  const pool = new Int32Array(rowCount)
  for (let i = 0; i < rowCount; i++) pool[i] = i
  const random = seededRandom(seed)
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (rowCount - i))
    const t = pool[i]!
    pool[i] = pool[j]!
    pool[j] = t
  }
  return pool.slice(0, n)
}
