import type { Geometry } from './jsts.ts'
import { EARTH_RADIUS_M, METERS_PER_DEGREE_LAT } from './spatial-op.ts'

export type Box = readonly [number, number, number, number]

/** Past this many 360°-shifted boxes (data spanning thousands of degrees) the index does not prune. */
const searchBoxesMax = 8

/** The extent of the indexed boxes (a flatbush tree's bounds). */
export interface Extent {
  readonly minX: number
  readonly minY: number
  readonly maxX: number
  readonly maxY: number
}

/**
 * Boxes that hold every row geometry within `distanceM` metres of `queryPoint` as `withinDistance`
 * measures it (a superset, for the RTREE index), or undefined when no box is tight enough to help
 * (latitudes outside ±90 among the data). Non-point rows: planar degrees × metres-per-degree at the
 * query's latitude, so a square of that many degrees around the point. Point rows: the haversine
 * band of latitude d/R, and of longitude widened by 1/cos of the band's highest latitude (all
 * longitudes near a pole), repeated every 360° of longitude the data spans (haversine is periodic).
 */
export function dwithinBoxes(queryPoint: Geometry, distanceM: number, extent: Extent): Box[] | undefined {
  if (extent.minY < -90 || extent.maxY > 90) return undefined
  const q = queryPoint.getCoordinate()!
  const c = Math.cos((q.y * Math.PI) / 180)
  const planar = distanceM / (METERS_PER_DEGREE_LAT * Math.sqrt((1 + c * c) / 2))
  const boxes: Box[] = [[q.x - planar, q.y - planar, q.x + planar, q.y + planar]]
  const dLat = (distanceM / EARTH_RADIUS_M) * (180 / Math.PI) * 1.000001
  const latMax = Math.abs(q.y) + dLat
  if (latMax >= 90 || dLat >= 90) return [...boxes, [extent.minX, Math.max(-90, q.y - dLat), extent.maxX, Math.min(90, q.y + dLat)]]
  const dLon = Math.min(180, dLat / Math.cos((latMax * Math.PI) / 180))
  const lo = Math.floor((extent.minX - (q.x + dLon)) / 360)
  const hi = Math.ceil((extent.maxX - (q.x - dLon)) / 360)
  if (hi - lo > searchBoxesMax) return undefined
  for (let k = lo; k <= hi; k++) boxes.push([q.x - dLon + 360 * k, q.y - dLat, q.x + dLon + 360 * k, q.y + dLat])
  return boxes
}
