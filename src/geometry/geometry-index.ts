import type { Geometry } from './jsts.ts'

/** What a spatial filter asks a geometry index; `dwithin` carries its distance in metres. */
export type GeometryIndexOp = 'equals' | 'touches' | 'overlaps' | 'crosses' | 'contains' | 'intersects' | 'within' | 'dwithin'

/**
 * A spatial index over the rows of one sealed segment's Geometry column (the RTREE index). It
 * never decides a row: it returns every row that *may* satisfy the relation (a superset, by
 * bounding boxes), ascending; the evaluator then tests those rows exactly.
 */
export interface GeometryIndex {
  readonly rowCount: number
  readonly sizeBytes: number
  candidates(op: GeometryIndexOp, query: Geometry, distanceM: number): Uint32Array
}
