import { seededRandom } from '../../vector/seeded-random.ts'

/** Seeded Gaussian-cluster data for tests and benchmarks. */
export interface ClusteredSpec {
  readonly seed: number
  readonly dim: number
  readonly rowCount: number
  readonly queryCount: number
  readonly clusterCount: number
  /** Standard deviation of each coordinate around its cluster centre (centres are uniform in [-1, 1)). */
  readonly spread: number
}

export interface ClusteredData {
  /** rowCount × dim, row-major. */
  readonly vectors: Float32Array
  /** queryCount × dim, drawn like the rows (fresh points around the same centres). */
  readonly queries: Float32Array
}

/**
 * Rows and queries around `clusterCount` seeded centres: the same spec gives the same floats on every
 * run and machine (mulberry32 + Box–Muller; centres from `seed`, rows from `seed + 1`, queries from `seed + 2`).
 */
export function clusteredVectors(spec: ClusteredSpec): ClusteredData {
  const centreRandom = seededRandom(spec.seed)
  const centres = new Float32Array(spec.clusterCount * spec.dim)
  for (let i = 0; i < centres.length; i++) centres[i] = centreRandom() * 2 - 1
  return {
    vectors: aroundCentres(spec, centres, spec.rowCount, spec.seed + 1),
    queries: aroundCentres(spec, centres, spec.queryCount, spec.seed + 2),
  }
}

function aroundCentres(spec: ClusteredSpec, centres: Float32Array, count: number, seed: number): Float32Array {
  const random = seededRandom(seed)
  const { dim, spread, clusterCount } = spec
  const out = new Float32Array(count * dim)
  for (let r = 0; r < count; r++) {
    const c = Math.floor(random() * clusterCount) * dim
    for (let j = 0; j < dim; j++) out[r * dim + j] = centres[c + j]! + spread * gaussian(random)
  }
  return out
}

/** A standard normal sample (Box–Muller; one of the pair is dropped to keep the stream simple). */
function gaussian(random: () => number): number {
  const u = 1 - random()
  const v = random()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}
