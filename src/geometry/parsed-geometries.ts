import type { Geometry } from './jsts.ts'
import { isWktProblem, readWkt } from './wkt.ts'

/**
 * Parsed geometries of a Geometry column, by row, built on first use and kept beside the column's
 * values array (a WeakMap: sealed columns never change, growing ones only append), so repeated
 * filters parse each row once. Null rows and values that do not parse (never stored) read as null.
 */
const cache = new WeakMap<readonly string[], (Geometry | null | undefined)[]>()

export function parsedGeometryAt(values: readonly string[], row: number): Geometry | null {
  let parsed = cache.get(values)
  if (parsed === undefined) {
    parsed = []
    cache.set(values, parsed)
  }
  let g = parsed[row]
  if (g === undefined) {
    const r = readWkt(values[row] ?? '')
    g = isWktProblem(r) ? null : r
    parsed[row] = g
  }
  return g
}

/** The query geometry of a plan: parsed once per distinct canonical WKT (bounded). */
const queryCache = new Map<string, Geometry>()
const queryCacheEntriesMax = 256

export function parsedQueryGeometry(wkt: string): Geometry | null {
  let g = queryCache.get(wkt)
  if (g === undefined) {
    const r = readWkt(wkt)
    if (isWktProblem(r)) return null
    if (queryCache.size >= queryCacheEntriesMax) queryCache.clear()
    g = r
    queryCache.set(wkt, g)
  }
  return g
}
