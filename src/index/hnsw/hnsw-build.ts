import type { VectorRows } from '../vector-rows.ts'
import { drawLevels, HnswGraph } from './hnsw-graph.ts'
import { HnswLinker } from './hnsw-linker.ts'
import { HnswSearcher } from './hnsw-searcher.ts'

/**
 * Builds the HNSW graph of rows 0..rowCount-1 by inserting them in row order (the HNSW paper's
 * algorithm as hnswlib implements it): greedy descent from the entry point to the node's level, then on
 * each level from there to 0 a beam search of width efConstruction, heuristic selection of M
 * neighbours, and back links (shrunk by the same heuristic when a list is full). Deterministic.
 */
export function buildHnswGraph(rows: VectorRows, M: number, efConstruction: number): HnswGraph {
  const rowCount = rows.rowCount
  const graph = HnswGraph.unlinked(M, drawLevels(rowCount, M))
  if (rowCount === 0) return graph
  const searcher = new HnswSearcher(graph, rows)
  const linker = new HnswLinker(graph, rows)
  const ids = new Int32Array(efConstruction + 1)
  const dists = new Float32Array(efConstruction + 1)
  graph.entryPoint = 0
  graph.maxLevel = graph.levels[0]!
  for (let node = 1; node < rowCount; node++) {
    const level = graph.levels[node]!
    rows.setQueryRow(node)
    let cur = graph.entryPoint
    let curDist = rows.distance(cur)
    if (level < graph.maxLevel) {
      searcher.descend(cur, curDist, graph.maxLevel, level)
      cur = searcher.bestRow
      curDist = searcher.bestDist
    }
    for (let layer = Math.min(level, graph.maxLevel); layer >= 0; layer--) {
      searcher.searchLayer(cur, curDist, efConstruction, layer, null)
      const n = searcher.results.drainAscending(dists, ids)
      linker.link(node, layer, ids, dists, n)
      cur = ids[0]!
      curDist = dists[0]!
    }
    if (level > graph.maxLevel) {
      graph.entryPoint = node
      graph.maxLevel = level
    }
  }
  return graph
}
