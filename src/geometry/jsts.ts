/**
 * The slice of jsts (JTS for JavaScript) Quiver uses, typed: WKT reading, DE-9IM relate, validity
 * and planar distance. Only this file imports jsts; its own typings are mostly `any`.
 */
import GeometryFactory from 'jsts/org/locationtech/jts/geom/GeometryFactory.js'
import WKTReader from 'jsts/org/locationtech/jts/io/WKTReader.js'
import DistanceOp from 'jsts/org/locationtech/jts/operation/distance/DistanceOp.js'
import RelateOp from 'jsts/org/locationtech/jts/operation/relate/RelateOp.js'
import IsValidOp from 'jsts/org/locationtech/jts/operation/valid/IsValidOp.js'

export interface Coordinate {
  readonly x: number
  readonly y: number
  /** NaN when the geometry is 2-D. */
  readonly z: number
}

export interface Envelope {
  isNull(): boolean
  getMinX(): number
  getMinY(): number
  getMaxX(): number
  getMaxY(): number
}

/** A parsed geometry (a jsts `Geometry`). */
export interface Geometry {
  getGeometryType(): string
  getDimension(): number
  isEmpty(): boolean
  getNumGeometries(): number
  getGeometryN(n: number): Geometry
  getCoordinates(): Coordinate[]
  getCoordinate(): Coordinate | null
  getEnvelopeInternal(): Envelope
}

export interface Polygon extends Geometry {
  getExteriorRing(): Geometry
  getNumInteriorRing(): number
  getInteriorRingN(n: number): Geometry
}

/** A DE-9IM matrix (`RelateOp.relate(a, b)`). */
export interface IntersectionMatrix {
  isIntersects(): boolean
  isContains(): boolean
  isWithin(): boolean
  isTouches(dimA: number, dimB: number): boolean
  isOverlaps(dimA: number, dimB: number): boolean
  isCrosses(dimA: number, dimB: number): boolean
  isEquals(dimA: number, dimB: number): boolean
}

const reader = new WKTReader(new GeometryFactory())

/** Parses WKT; throws (a jsts Error) on text that is not WKT. */
export function jstsRead(text: string): Geometry {
  return reader.read(text) as unknown as Geometry
}

export function jstsRelate(a: Geometry, b: Geometry): IntersectionMatrix {
  return RelateOp.relate(a, b) as IntersectionMatrix
}

/** OGC validity (rings closed and simple, holes inside shells, ...). */
export function jstsIsValid(g: Geometry): boolean {
  return new IsValidOp(g).isValid() as boolean
}

/** Planar (Cartesian) distance between the closest points of `a` and `b`. */
export function jstsDistance(a: Geometry, b: Geometry): number {
  return DistanceOp.distance(a, b) as number
}
