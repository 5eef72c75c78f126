import { seededRandom } from '../../vector/seeded-random.ts'

/** Levels are drawn with this seed, so a build is a pure function of the rows and the parameters. */
export const hnswLevelSeed = 100
/** The highest level a node may get (a cap that 1/ln(M) level draws do not reach in practice). */
export const hnswLevelMax = 31

/**
 * The HNSW graph on flat typed arrays with a fixed stride per node (hnswlib's layout):
 * - level 0: `level0[node * stride0]` = link count, then up to `maxM0` = 2·M neighbour rows;
 * - levels ≥ 1: nodes above level 0 own `levels[node]` blocks of `strideUpper` = 1 + M in `upper`,
 *   starting at `upperStart[node]` (-1 for level-0 nodes), level l at `upperStart[node] + (l-1)·strideUpper`.
 * `entryPoint` is a node on `maxLevel`, -1 when the graph is empty.
 */
export class HnswGraph {
  readonly M: number
  readonly maxM0: number
  readonly stride0: number
  readonly strideUpper: number
  readonly levels: Uint8Array
  readonly level0: Int32Array
  readonly upperStart: Int32Array
  readonly upper: Int32Array
  entryPoint: number
  maxLevel: number

  constructor(M: number, levels: Uint8Array, level0: Int32Array, upperStart: Int32Array, upper: Int32Array, entryPoint: number, maxLevel: number) {
    this.M = M
    this.maxM0 = 2 * M
    this.stride0 = 1 + 2 * M
    this.strideUpper = 1 + M
    this.levels = levels
    this.level0 = level0
    this.upperStart = upperStart
    this.upper = upper
    this.entryPoint = entryPoint
    this.maxLevel = maxLevel
  }

  /** An unlinked graph for `levels.length` nodes with the given levels. */
  static unlinked(M: number, levels: Uint8Array): HnswGraph {
    const n = levels.length
    const upperStart = new Int32Array(n)
    let upperLength = 0
    for (let node = 0; node < n; node++) {
      const level = levels[node]!
      upperStart[node] = level > 0 ? upperLength : -1
      upperLength += level * (1 + M)
    }
    return new HnswGraph(M, levels, new Int32Array(n * (1 + 2 * M)), upperStart, new Int32Array(upperLength), -1, -1)
  }

  /** The array holding `node`'s links on `layer`; `linkBase` gives where they start in it. */
  links(layer: number): Int32Array {
    return layer === 0 ? this.level0 : this.upper
  }

  linkBase(node: number, layer: number): number {
    return layer === 0 ? node * this.stride0 : this.upperStart[node]! + (layer - 1) * this.strideUpper
  }

  /** Most links a node keeps on `layer`. */
  maxLinks(layer: number): number {
    return layer === 0 ? this.maxM0 : this.M
  }
}

/** Each node's level: floor(-ln(u) / ln(M)), u uniform in (0, 1], from the fixed seed. */
export function drawLevels(rowCount: number, M: number): Uint8Array {
  const random = seededRandom(hnswLevelSeed)
  const mL = 1 / Math.log(M)
  const levels = new Uint8Array(rowCount)
  for (let i = 0; i < rowCount; i++) levels[i] = Math.min(hnswLevelMax, Math.floor(-Math.log(1 - random()) * mL))
  return levels
}
