import { isAllowed } from '../allowed-rows.ts'
import { DistanceHeap } from '../distance-heap.ts'
import type { VectorRows } from '../vector-rows.ts'
import { VisitedSet } from '../visited-set.ts'
import type { HnswGraph } from './hnsw-graph.ts'

/**
 * Walks an HNSW graph from the query set on `rows`. Holds the scratch every walk reuses (visited tags
 * with an epoch, the candidate and result heaps, a batch of neighbour rows and their distances), so
 * walks allocate nothing. One walk at a time.
 */
export class HnswSearcher {
  /** Results of `searchLayer`: a max-heap of distances, the root the worst kept row. */
  readonly results = new DistanceHeap(64)
  /** After `descend`: the closest row found and its distance. */
  bestRow = -1
  bestDist = 0
  private readonly graph: HnswGraph
  private readonly rows: VectorRows
  private readonly visited: VisitedSet
  /** Rows to expand, closest first (keys are negated distances). */
  private readonly candidates = new DistanceHeap(64)
  private readonly batchRows: Int32Array
  private readonly batchDist: Float32Array

  constructor(graph: HnswGraph, rows: VectorRows) {
    this.graph = graph
    this.rows = rows
    this.visited = new VisitedSet(rows.rowCount)
    this.batchRows = new Int32Array(graph.maxM0)
    this.batchDist = new Float32Array(graph.maxM0)
  }

  /** Greedy walk from `row` (at `dist`) down layers `top` … `stop + 1`; leaves the closest in bestRow/bestDist. */
  descend(row: number, dist: number, top: number, stop: number): void {
    const g = this.graph
    const links = g.upper
    const batchRows = this.batchRows
    const batchDist = this.batchDist
    let cur = row
    let curDist = dist
    for (let layer = top; layer > stop; layer--) {
      let changed = true
      while (changed) {
        changed = false
        const base = g.upperStart[cur]! + (layer - 1) * g.strideUpper
        const count = links[base]!
        for (let i = 0; i < count; i++) batchRows[i] = links[base + 1 + i]!
        this.rows.distances(batchRows, count, batchDist)
        for (let i = 0; i < count; i++) {
          if (batchDist[i]! < curDist) {
            curDist = batchDist[i]!
            cur = batchRows[i]!
            changed = true
          }
        }
      }
    }
    this.bestRow = cur
    this.bestDist = curDist
  }

  /**
   * Beam search of width `ef` on `layer` from `entry` (at `entryDist`). Afterwards `results` holds the
   * best ≤ ef rows whose bit in `allowedWords` is 1 (all rows when null). Disallowed rows are still
   * walked through, never kept; with a filter the walk stops only once `ef` allowed rows are kept and
   * no candidate is closer than the worst of them (hnswlib's filtered search).
   */
  searchLayer(entry: number, entryDist: number, ef: number, layer: number, allowedWords: Uint32Array | null): void {
    const g = this.graph
    const links = g.links(layer)
    const visited = this.visited
    const candidates = this.candidates
    const results = this.results
    const batchRows = this.batchRows
    const batchDist = this.batchDist
    visited.reset()
    visited.visit(entry)
    candidates.clear()
    results.clear()
    candidates.push(-entryDist, entry)
    if (allowedWords === null || isAllowed(allowedWords, entry)) results.push(entryDist, entry)
    let bound = results.size > 0 ? results.topKey() : Number.POSITIVE_INFINITY
    while (candidates.size > 0) {
      const nearest = -candidates.topKey()
      if (nearest > bound && (allowedWords === null || results.size >= ef)) break
      const base = g.linkBase(candidates.topRow(), layer)
      candidates.pop()
      const count = links[base]!
      let fresh = 0
      for (let i = 1; i <= count; i++) {
        const nb = links[base + i]!
        if (visited.visit(nb)) batchRows[fresh++] = nb
      }
      this.rows.distances(batchRows, fresh, batchDist)
      for (let i = 0; i < fresh; i++) {
        const d = batchDist[i]!
        if (results.size < ef || d < bound) {
          const nb = batchRows[i]!
          candidates.push(-d, nb)
          if (allowedWords === null || isAllowed(allowedWords, nb)) {
            results.push(d, nb)
            if (results.size > ef) results.pop()
            bound = results.topKey()
          }
        }
      }
    }
  }
}
