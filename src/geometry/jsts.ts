/**
 * The slice of jsts (JTS for JavaScript) Quiver uses, typed: WKT reading, DE-9IM relate, validity
 * and planar distance. Only this file imports jsts; its own typings are mostly `any`.
 */
import { createRequire } from 'node:module'

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

/** The relations jsts decides (`RelateOp`'s static predicates, with their envelope and rectangle shortcuts). */
export type JstsRelation = 'equals' | 'touches' | 'overlaps' | 'crosses' | 'contains' | 'intersects'

interface Jsts {
  readonly reader: { read(text: string): Geometry }
  readonly RelateOp: Record<'equalsTopo' | 'touches' | 'overlaps' | 'crosses' | 'contains' | 'intersects', (a: Geometry, b: Geometry) => boolean>
  readonly IsValidOp: new (g: Geometry) => { isValid(): boolean }
  readonly DistanceOp: { distance(a: Geometry, b: Geometry): number }
}

let loaded: Jsts | undefined
const requireModule = createRequire(import.meta.url)

/** The default export of jsts module `path` (under `org/locationtech/jts/`), from the instance Quiver uses. */
export function jstsModule(path: string): unknown {
  return (requireModule(`jsts/org/locationtech/jts/${path}`) as { default?: unknown }).default
}

/**
 * jsts, loaded on first use (its few hundred modules take ~0.5 s to load; a database without a
 * Geometry field never pays it). Synchronous: Node ≥ 20.19 `require`s ES modules.
 */
function jsts(): Jsts {
  if (loaded === undefined) {
    const load = jstsModule
    const GeometryFactory = load('geom/GeometryFactory.js') as new () => unknown
    const WKTReader = load('io/WKTReader.js') as new (f: unknown) => Jsts['reader']
    loaded = {
      reader: new WKTReader(new GeometryFactory()),
      RelateOp: load('operation/relate/RelateOp.js') as Jsts['RelateOp'],
      IsValidOp: load('operation/valid/IsValidOp.js') as Jsts['IsValidOp'],
      DistanceOp: load('operation/distance/DistanceOp.js') as Jsts['DistanceOp'],
    }
  }
  return loaded
}

/** Parses WKT; throws (a jsts Error) on text that is not WKT. */
export function jstsRead(text: string): Geometry {
  return jsts().reader.read(text)
}

/** Does `a` stand in `relation` to `b` (JTS semantics; may throw on invalid geometries)? */
export function jstsRelates(relation: JstsRelation, a: Geometry, b: Geometry): boolean {
  const op = jsts().RelateOp
  return relation === 'equals' ? op.equalsTopo(a, b) : op[relation](a, b)
}

/** OGC validity (rings closed and simple, holes inside shells, ...). */
export function jstsIsValid(g: Geometry): boolean {
  const IsValidOp = jsts().IsValidOp
  return new IsValidOp(g).isValid()
}

/** Planar (Cartesian) distance between the closest points of `a` and `b`. */
export function jstsDistance(a: Geometry, b: Geometry): number {
  return jsts().DistanceOp.distance(a, b)
}
