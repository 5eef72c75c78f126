import { TopKHeap } from '../common/topk-heap.ts'
import type { WorkSlice } from '../common/work-slice.ts'
import type { VectorElementKind, VectorRows } from '../column/column.ts'
import type { CollectionData } from '../collection/collection-data.ts'
import { encodeLocation } from '../segment/pk-index.ts'
import { elementScores, floatRowsOf, maxSimScore } from '../vector/max-sim.ts'
import { largerIsBetter } from '../vector/metric.ts'
import type { SearchHits, SearchRequest } from './run-search.ts'
import { selectRowsSliced } from './select-rows.ts'

/**
 * Search on a struct's vector sub-field (ArrayOfVector), exact:
 * - embedding list (`req.embeddingList`, a MAX_SIM metric): each query is a list of vectors (flat);
 *   a row scores Σ over the query's vectors of its best match among the row's vectors (`maxSimScore`);
 *   a row with no vectors is never a hit;
 * - element level (a plain metric): each query is one vector; every struct element of every allowed
 *   row is a candidate, and a hit is (row, element offset) — the same row may come back with
 *   several elements, as Milvus's element-level search returns them.
 * Filters and deletes select rows (`allowedBits`), as for any search.
 */
export async function runStructSearch(data: CollectionData, req: SearchRequest, slice: WorkSlice): Promise<SearchHits[]> {
  const k = req.offset + req.limit
  const better = largerIsBetter(req.metric)
  const dim = req.field.dim ?? 0
  const heaps = req.queries.map(() => new TopKHeap(Math.max(1, k), better))
  const located: { loc: number[]; offset: number[] }[] = req.queries.map(() => ({ loc: [], offset: [] }))
  let scratch = new Float64Array(64)
  for (const { segment, allowedBits, allowedCount } of await selectRowsSliced(data, req, slice)) {
    if (allowedCount === 0) continue
    const col = segment.fields.get(req.field.name)!.view()
    if (col.kind !== 'vectorArray') throw new Error(`field ${req.field.name} is not an ArrayOfVector column`)
    const base = encodeLocation(segment.id, 0)
    const mask = req.elementMask?.(segment)
    for (let r = 0; r < segment.rowCount; r++) {
      if (!allowedBits.get(r)) continue
      if ((r & 1023) === 0 && slice.due()) await slice.pause()
      const all = comparable(col.values[r]!, col.element)
      const allowed = mask?.(r)
      // With an element filter only the matching elements take part (`kept` maps back to offsets).
      const kept = allowed === undefined ? undefined : [...allowed].sort((a, b) => a - b)
      const vectors = kept === undefined ? all : pick(all, kept, elementStrideOf(col.element, dim))
      const count = rowCount(vectors, col.element, dim)
      if (count === 0) continue
      if (scratch.length < count) scratch = new Float64Array(count * 2)
      for (let q = 0; q < req.queries.length; q++) {
        const query = req.queries[q]!
        if (query.kind === 'sparse') throw new Error('sparse vectors have no embedding lists')
        if (req.embeddingList === true) {
          const nQ = rowCount(query.values, col.element, dim)
          heaps[q]!.push(maxSimScore(req.metric, query.values, nQ, vectors, count, dim, scratch), base + r)
          continue
        }
        elementScores(req.metric, query.values, vectors, count, dim, scratch)
        for (let j = 0; j < count; j++) {
          const at = located[q]!.loc.length
          located[q]!.loc.push(base + r)
          located[q]!.offset.push(kept === undefined ? j : kept[j]!)
          heaps[q]!.push(scratch[j]!, at)
        }
      }
    }
  }
  return heaps.map((h, q) => {
    const drained = h.drain()
    const scores = drained.scores.subarray(req.offset)
    const ids = drained.ids.subarray(req.offset)
    if (req.embeddingList === true) return { scores, locations: ids }
    const locations = new Float64Array(ids.length)
    const offsets = new Int32Array(ids.length)
    for (let i = 0; i < ids.length; i++) {
      locations[i] = located[q]!.loc[ids[i]!]!
      offsets[i] = located[q]!.offset[ids[i]!]!
    }
    return { scores, locations, offsets }
  })
}

/** A row's vectors in the form the metrics take: float32 for float kinds, bytes for binary. */
function comparable(row: VectorRows, element: VectorElementKind): Float32Array | Uint8Array {
  return element === 'binaryVector' ? (row as Uint8Array) : floatRowsOf(row, element)
}

function rowCount(v: Float32Array | Uint8Array, element: VectorElementKind, dim: number): number {
  const stride = element === 'binaryVector' ? dim >>> 3 : dim
  return stride === 0 ? 0 : Math.floor(v.length / stride)
}

function elementStrideOf(element: VectorElementKind, dim: number): number {
  return element === 'binaryVector' ? dim >>> 3 : dim
}

/** The vectors at `offsets` of a row, flat. */
function pick(all: Float32Array | Uint8Array, offsets: readonly number[], stride: number): Float32Array | Uint8Array {
  const out = all instanceof Float32Array ? new Float32Array(offsets.length * stride) : new Uint8Array(offsets.length * stride)
  offsets.forEach((o, i) => out.set(all.subarray(o * stride, (o + 1) * stride), i * stride))
  return out
}
