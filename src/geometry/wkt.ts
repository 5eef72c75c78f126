import { type Geometry, jstsRead, type Polygon } from './jsts.ts'

/**
 * WKT in and out. Input: any OGC WKT jsts reads (2-D or `Z`, `EMPTY`, any case, any spacing).
 * Output (`writeWkt`): the text Milvus 2.6 answers with: `POINT (1 2)`, `LINESTRING (0 0, 1 1)`,
 * `POLYGON ((...), (...))`, `MULTIPOINT ((1 2), (3 4))`, `GEOMETRYCOLLECTION (POINT (1 1), ...)`,
 * `<TYPE> EMPTY`, except an empty point, which Milvus answers as `POINT (NaN NaN)` (its WKB form);
 * numbers in their shortest round-trip decimal form without exponent (`13.39971`, not `13.399710`).
 */

/** `POINT (NaN NaN)`: how Milvus prints `POINT EMPTY`; read back as `POINT EMPTY`. */
export const EMPTY_POINT_WKT = 'POINT (NaN NaN)'
const nanPoint = /^\s*point\s*\(\s*nan\s+nan\s*\)\s*$/i

/** The parsed geometry, or a description of why `text` is not WKT. */
export function readWkt(text: string): Geometry | { readonly problem: string } {
  if (nanPoint.test(text)) return jstsRead('POINT EMPTY')
  let g: Geometry
  try {
    g = jstsRead(text)
  } catch (e) {
    return { problem: e instanceof Error ? e.message : String(e) }
  }
  const trimmed = text.trimEnd()
  if (!trimmed.endsWith(')') && !/empty$/i.test(trimmed)) return { problem: 'unexpected text after the geometry' }
  return g
}

export function isWktProblem(x: Geometry | { readonly problem: string }): x is { readonly problem: string } {
  return 'problem' in x
}

/** The canonical (Milvus-printed) WKT of `g`. */
export function writeWkt(g: Geometry): string {
  const type = g.getGeometryType().toUpperCase()
  if (type === 'POINT' && g.isEmpty()) return EMPTY_POINT_WKT
  const z = hasZ(g) ? ' Z' : ''
  return `${type}${z} ${body(g, z !== '')}`
}

function hasZ(g: Geometry): boolean {
  for (const c of g.getCoordinates()) if (!Number.isNaN(c.z)) return true
  return false
}

/** The part after the type name: `EMPTY` or the parenthesised coordinates/members. */
function body(g: Geometry, z: boolean): string {
  if (g.isEmpty()) return 'EMPTY'
  const type = g.getGeometryType()
  switch (type) {
    case 'Point':
    case 'LineString':
    case 'LinearRing':
      return coords(g, z)
    case 'Polygon':
      return rings(g as Polygon, z)
    case 'MultiPoint':
    case 'MultiLineString':
    case 'MultiPolygon':
      return `(${members(g).map((m) => body(m, z)).join(', ')})`
    default:
      return `(${members(g).map(writeWkt).join(', ')})`
  }
}

function members(g: Geometry): Geometry[] {
  const out: Geometry[] = []
  for (let i = 0; i < g.getNumGeometries(); i++) out.push(g.getGeometryN(i))
  return out
}

function rings(p: Polygon, z: boolean): string {
  const parts = [coords(p.getExteriorRing(), z)]
  for (let i = 0; i < p.getNumInteriorRing(); i++) parts.push(coords(p.getInteriorRingN(i), z))
  return `(${parts.join(', ')})`
}

function coords(g: Geometry, z: boolean): string {
  const parts: string[] = []
  for (const c of g.getCoordinates()) {
    parts.push(z ? `${formatNumber(c.x)} ${formatNumber(c.y)} ${formatNumber(c.z)}` : `${formatNumber(c.x)} ${formatNumber(c.y)}`)
  }
  return `(${parts.join(', ')})`
}

/** Shortest round-trip decimal digits, never in exponent form (`1e-7` → `0.0000001`). */
export function formatNumber(x: number): string {
  const s = String(x)
  const e = s.indexOf('e')
  if (e < 0) return s
  const sign = s.startsWith('-') ? '-' : ''
  const mantissa = s.slice(sign.length, e)
  const exponent = Number(s.slice(e + 1))
  const dot = mantissa.indexOf('.')
  const digits = mantissa.replace('.', '')
  const pointAt = (dot < 0 ? mantissa.length : dot) + exponent
  if (pointAt <= 0) return `${sign}0.${'0'.repeat(-pointAt)}${digits}`
  if (pointAt >= digits.length) return `${sign}${digits}${'0'.repeat(pointAt - digits.length)}`
  return `${sign}${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`
}
