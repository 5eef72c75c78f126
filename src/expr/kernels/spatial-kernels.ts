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
  const steps = evalSpatialSteps(p, src, wantFalse)
  for (;;) {
    const step = steps.next()
    if (step.done === true) return step.value
  }
}

/** Rows tested between the points where a sliced evaluation may pause: parsing and relating a shape costs µs to ms. */
const ROWS_PER_STEP = 512

/**
 * `evalSpatial` as a generator that yields every ROWS_PER_STEP rows tested: the first filter on a
 * segment parses every row's WKT (seconds for 100k rows), so a sliced read lets others run meanwhile.
 */
export function* evalSpatialSteps(p: SpatialPlan, src: ColumnSource, wantFalse: boolean): Generator<void, Truth, void> {
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
  const total = candidates === undefined ? n : candidates.length
  for (let i = 0; i < total; i++) {
    const row = candidates === undefined ? i : candidates[i]!
    if (row < n) test(row)
    if (i % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield
  }
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
