import { Bitset } from '../../common/bitset.ts'
import { parsedGeometryAt, parsedQueryGeometry } from '../../geometry/parsed-geometries.ts'
import { isValidGeometry, relates, withinDistance } from '../../geometry/spatial-op.ts'
import type { Geometry } from '../../geometry/jsts.ts'
import type { PredicatePlan } from '../expr-plan.ts'
import { type ColumnSource, readColumn } from './column-access.ts'
import { leafTruth, type Truth } from './truth.ts'

type SpatialPlan = PredicatePlan & { kind: 'spatial' }

/**
 * `st_*(field, ...)` over every row: the exact predicate on each candidate row, where candidates are
 * all rows, or only those whose bounding box the segment's RTREE index (`source.geometryIndex`)
 * finds compatible with the query's. Null rows are unknown.
 */
export function evalSpatial(p: SpatialPlan, src: ColumnSource, wantFalse: boolean): Truth {
  const col = readColumn(src, p.column, 'geometry')
  const n = src.rowCount
  const holds = new Bitset(n)
  const query = p.op === 'isvalid' ? null : parsedQueryGeometry(p.wkt)
  if (p.op !== 'isvalid' && query === null) return leafTruth(holds, col.validBits, wantFalse)
  const candidates = p.op === 'isvalid' ? undefined : src.geometryIndex?.(p.column)?.candidates(p.op, query!, p.distanceM)
  const valid = col.validBits
  const test = (row: number) => {
    if (valid !== null && !valid.get(row)) return
    const r = parsedGeometryAt(col.values, row)
    if (r !== null && spatialHolds(p, r, query)) holds.set(row)
  }
  if (candidates === undefined) for (let row = 0; row < n; row++) test(row)
  else for (let i = 0; i < candidates.length; i++) if (candidates[i]! < n) test(candidates[i]!)
  return leafTruth(holds, valid, wantFalse)
}

/** One row's truth (`evaluateNaive` uses it too). */
export function spatialHolds(p: SpatialPlan, r: Geometry, query: Geometry | null): boolean {
  switch (p.op) {
    case 'isvalid':
      return isValidGeometry(r)
    case 'dwithin':
      return withinDistance(r, query!, p.distanceM)
    default:
      return relates(p.op, r, query!)
  }
}
