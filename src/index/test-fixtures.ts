import { seededRandom } from '../vector/seeded-random.ts'

/**
 * Seeded clustered float vectors for tests and benchmarks: `clusterCount` centres uniform in [-1, 1)^dim,
 * each row a centre plus Gaussian noise of standard deviation `spread`. Rows take centres round-robin.
 * The centres depend only on `seed`, so rows and queries drawn with the same seed and different
 * `stream`s come from the same clusters.
 */
export function clusteredVectors(seed: number, rowCount: number, dim: number, clusterCount = 64, spread = 0.25, stream = 0): Float32Array {
  const centreRandom = seededRandom(seed)
  const centres = new Float32Array(clusterCount * dim)
  for (let i = 0; i < centres.length; i++) centres[i] = centreRandom() * 2 - 1
  const random = seededRandom(seed * 7919 + stream + 1)
  const out = new Float32Array(rowCount * dim)
  for (let row = 0; row < rowCount; row++) {
    const c = ((row * 2654435761) >>> 0) % clusterCount
    for (let j = 0; j < dim; j++) out[row * dim + j] = centres[c * dim + j]! + spread * gaussian(random)
  }
  return out
}

/**
 * Seeded clustered binary vectors (dim bits = dim/8 bytes per row): `clusterCount` random centres, each
 * row its centre (round-robin) with every bit flipped with probability `flip`.
 */
export function clusteredBits(seed: number, rowCount: number, dim: number, clusterCount = 64, flip = 0.2, stream = 0): Uint8Array {
  const rowBytes = dim >>> 3
  const centreRandom = seededRandom(seed)
  const centres = new Uint8Array(clusterCount * rowBytes)
  for (let i = 0; i < centres.length; i++) centres[i] = Math.floor(centreRandom() * 256)
  const random = seededRandom(seed * 7919 + stream + 1)
  const out = new Uint8Array(rowCount * rowBytes)
  for (let row = 0; row < rowCount; row++) {
    const c = ((row * 2654435761) >>> 0) % clusterCount
    for (let b = 0; b < rowBytes; b++) {
      let byte = centres[c * rowBytes + b]!
      for (let bit = 0; bit < 8; bit++) if (random() < flip) byte ^= 1 << bit
      out[row * rowBytes + b] = byte
    }
  }
  return out
}

/** A standard normal draw (Box–Muller). */
function gaussian(random: () => number): number {
  const u = 1 - random()
  const v = random()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}

/** recall@k: the share of `truth`'s rows (per query, k each) that `found` also returned. */
export function recallAt(k: number, truth: readonly Int32Array[], found: readonly Int32Array[]): number {
  let hit = 0
  let total = 0
  for (let q = 0; q < truth.length; q++) {
    const want = new Set(truth[q]!.subarray(0, k))
    total += want.size
    for (const row of found[q]!.subarray(0, k)) if (want.has(row)) hit++
  }
  return total === 0 ? 1 : hit / total
}
