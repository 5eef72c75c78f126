import { type Geometry, jstsDistance, jstsIsValid, jstsRelates } from './jsts.ts'

/**
 * Milvus 2.6's geometry filter functions, `op(field, 'WKT')`: true when the row's geometry R and
 * the query geometry Q are related so (OGC / DE-9IM, the semantics GEOS gives Milvus):
 * `equals` R = Q as point sets; `touches` boundaries meet, interiors do not; `overlaps` same
 * dimension, interiors meet, neither covers the other; `crosses` interiors meet in a lower dimension;
 * `contains` R contains Q; `intersects` any common point; `within` R within Q.
 */
export type SpatialRelation = 'equals' | 'touches' | 'overlaps' | 'crosses' | 'contains' | 'intersects' | 'within'

export const spatialRelations: readonly SpatialRelation[] = ['equals', 'touches', 'overlaps', 'crosses', 'contains', 'intersects', 'within']

/**
 * Does row geometry `r` stand in `relation` to query geometry `q`? Empty geometries relate to
 * nothing; a pair the library cannot relate (a topology error on an invalid geometry, such as a
 * self-crossing polygon) is false, as GDAL answers Milvus when GEOS fails.
 */
export function relates(relation: SpatialRelation, r: Geometry, q: Geometry): boolean {
  if (r.isEmpty() || q.isEmpty()) return false
  if (!envelopesAllow(relation, r, q)) return false
  try {
    return relationHolds(relation, r, q)
  } catch {
    return false
  }
}

function relationHolds(relation: SpatialRelation, r: Geometry, q: Geometry): boolean {
  return relation === 'within' ? jstsRelates('contains', q, r) : jstsRelates(relation, r, q)
}

/** The bounding-box test every relation implies (the same one the RTREE index prunes with). */
function envelopesAllow(relation: SpatialRelation, r: Geometry, q: Geometry): boolean {
  const a = r.getEnvelopeInternal()
  const b = q.getEnvelopeInternal()
  const ax0 = a.getMinX(), ay0 = a.getMinY(), ax1 = a.getMaxX(), ay1 = a.getMaxY()
  const bx0 = b.getMinX(), by0 = b.getMinY(), bx1 = b.getMaxX(), by1 = b.getMaxY()
  if (ax0 > bx1 || bx0 > ax1 || ay0 > by1 || by0 > ay1) return false
  if (relation === 'within') return ax0 >= bx0 && ay0 >= by0 && ax1 <= bx1 && ay1 <= by1
  if (relation === 'contains') return bx0 >= ax0 && by0 >= ay0 && bx1 <= ax1 && by1 <= ay1
  if (relation === 'equals') return ax0 === bx0 && ay0 === by0 && ax1 === bx1 && ay1 === by1
  return true
}

/** Mean Earth radius (m) of Milvus's haversine. */
export const EARTH_RADIUS_M = 6371000
/** Metres per degree of latitude, Milvus's degree → metre factor. */
export const METERS_PER_DEGREE_LAT = 111320

/**
 * `ST_DWITHIN(field, 'POINT (lon lat)', d)`: the row is within `distanceM` metres of the query point,
 * as Milvus 2.6 measures it: point rows by the haversine great-circle distance (coordinates are
 * longitude, latitude in degrees); other rows by the planar distance in degrees, turned into metres
 * with the mean metres-per-degree at the query point's latitude.
 */
export function withinDistance(r: Geometry, queryPoint: Geometry, distanceM: number): boolean {
  if (r.isEmpty() || queryPoint.isEmpty()) return false
  const q = queryPoint.getCoordinate()!
  if (r.getGeometryType() === 'Point') {
    const p = r.getCoordinate()!
    return haversineM(p.y, p.x, q.y, q.x) <= distanceM
  }
  try {
    return degreesToMeters(jstsDistance(r, queryPoint), q.y) <= distanceM
  } catch {
    return false
  }
}

export function haversineM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180
  const dLat = (lat2 - lat1) * rad
  const dLon = (lon2 - lon1) * rad
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2
  return EARTH_RADIUS_M * 2 * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a))
}

function degreesToMeters(degrees: number, atLat: number): number {
  const c = Math.cos((atLat * Math.PI) / 180)
  return degrees * METERS_PER_DEGREE_LAT * Math.sqrt((1 + c * c) / 2)
}

/** `ST_ISVALID(field)`: OGC validity. */
export function isValidGeometry(r: Geometry): boolean {
  try {
    return jstsIsValid(r)
  } catch {
    return false
  }
}
