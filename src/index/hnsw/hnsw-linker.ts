import type { VectorRows } from '../vector-rows.ts'
import type { HnswGraph } from './hnsw-graph.ts'

/**
 * Chooses and writes links while building: the neighbour-selection heuristic of the HNSW paper
 * (hnswlib's `getNeighborsByHeuristic2`) and the shrinking of a neighbour's full link list.
 */
export class HnswLinker {
  private readonly graph: HnswGraph
  private readonly rows: VectorRows
  private readonly selected: Int32Array
  private readonly selectedDist: Float32Array
  /** The new node's chosen neighbours (kept apart: shrinking a neighbour's list reuses `selected`). */
  private readonly chosen: Int32Array
  private readonly chosenDist: Float32Array
  /** A full link list plus the new node, with distances to the list's owner. */
  private readonly pool: Int32Array
  private readonly poolDist: Float32Array

  constructor(graph: HnswGraph, rows: VectorRows) {
    this.graph = graph
    this.rows = rows
    this.selected = new Int32Array(graph.maxM0 + 1)
    this.selectedDist = new Float32Array(graph.maxM0 + 1)
    this.chosen = new Int32Array(graph.maxM0 + 1)
    this.chosenDist = new Float32Array(graph.maxM0 + 1)
    this.pool = new Int32Array(graph.maxM0 + 1)
    this.poolDist = new Float32Array(graph.maxM0 + 1)
  }

  /**
   * Links `node` on `layer` to at most M of `ids[0 .. n)` (ascending distances `dists` from `node`),
   * and each chosen neighbour back to `node`.
   */
  link(node: number, layer: number, ids: Int32Array, dists: Float32Array, n: number): void {
    const g = this.graph
    const count = this.select(ids, dists, n, g.M)
    const links = g.links(layer)
    const base = g.linkBase(node, layer)
    links[base] = count
    for (let i = 0; i < count; i++) {
      links[base + 1 + i] = this.chosen[i] = this.selected[i]!
      this.chosenDist[i] = this.selectedDist[i]!
    }
    for (let i = 0; i < count; i++) this.addLink(this.chosen[i]!, node, this.chosenDist[i]!, layer)
  }

  /** Adds `node` to `owner`'s links; a full list is re-chosen by the heuristic among its links and `node`. */
  private addLink(owner: number, node: number, dist: number, layer: number): void {
    const g = this.graph
    const links = g.links(layer)
    const base = g.linkBase(owner, layer)
    const count = links[base]!
    const max = g.maxLinks(layer)
    if (count < max) {
      links[base + 1 + count] = node
      links[base] = count + 1
      return
    }
    const pool = this.pool
    const poolDist = this.poolDist
    pool[0] = node
    poolDist[0] = dist
    for (let i = 0; i < count; i++) {
      pool[i + 1] = links[base + 1 + i]!
      poolDist[i + 1] = this.rows.distanceBetween(owner, pool[i + 1]!)
    }
    sortByDistance(pool, poolDist, count + 1)
    const kept = this.select(pool, poolDist, count + 1, max)
    links[base] = kept
    for (let i = 0; i < kept; i++) links[base + 1 + i] = this.selected[i]!
  }

  /**
   * The heuristic: walk candidates closest first and keep one only if it is closer to the base node than
   * to every candidate kept so far (so links spread in different directions); at most `max`, written to
   * `selected` / `selectedDist`.
   */
  private select(ids: Int32Array, dists: Float32Array, n: number, max: number): number {
    const out = this.selected
    const outDist = this.selectedDist
    if (n <= max) {
      for (let i = 0; i < n; i++) {
        out[i] = ids[i]!
        outDist[i] = dists[i]!
      }
      return n
    }
    let kept = 0
    for (let i = 0; i < n && kept < max; i++) {
      const candidate = ids[i]!
      const d = dists[i]!
      let good = true
      for (let j = 0; j < kept; j++) {
        if (this.rows.distanceBetween(candidate, out[j]!) < d) {
          good = false
          break
        }
      }
      if (good) {
        out[kept] = candidate
        outDist[kept++] = d
      }
    }
    return kept
  }
}

/** Insertion sort of the pairs (ids[i], dists[i]) by ascending distance (n ≤ 2M + 1). */
function sortByDistance(ids: Int32Array, dists: Float32Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const id = ids[i]!
    const d = dists[i]!
    let j = i - 1
    while (j >= 0 && dists[j]! > d) {
      ids[j + 1] = ids[j]!
      dists[j + 1] = dists[j]!
      j--
    }
    ids[j + 1] = id
    dists[j + 1] = d
  }
}
