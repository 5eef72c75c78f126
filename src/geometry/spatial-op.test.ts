// The spatial relations against jsts's own Geometry predicates (JTS semantics) on random shapes,
// both argument orders; empty shapes relate to nothing; st_dwithin against independent distances.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type Geometry, jstsModule } from './jsts.ts'
import { haversineM, relates, type SpatialRelation, spatialRelations, withinDistance } from './spatial-op.ts'
import { randomShapes } from './test-shapes.ts'
import { isWktProblem, readWkt } from './wkt.ts'

jstsModule('monkey.js') // Geometry.prototype.contains, .intersects, ... on the instance Quiver parses with

type Predicates = Record<SpatialRelation, (other: Geometry) => boolean>

function parse(wkt: string): Geometry {
  const g = readWkt(wkt)
  assert.ok(!isWktProblem(g), wkt)
  return g
}

/** What the library says, with Quiver's two rules: empty → false, a library error → false. */
function libraryRelates(relation: SpatialRelation, r: Geometry, q: Geometry): boolean {
  if (r.isEmpty() || q.isEmpty()) return false
  try {
    return (r as unknown as Predicates)[relation].call(r, q)
  } catch {
    return false
  }
}

test('every relation agrees with the library on random shapes', () => {
  const shapes = randomShapes(120, 99).map(parse)
  const counts = Object.fromEntries(spatialRelations.map((r) => [r, 0]))
  for (const r of shapes) {
    for (const q of shapes) {
      for (const relation of spatialRelations) {
        const got = relates(relation, r, q)
        assert.equal(got, libraryRelates(relation, r, q), `${relation}`)
        if (got) counts[relation]!++
      }
    }
  }
  for (const relation of spatialRelations) assert.ok(counts[relation]! > 20, `${relation} held ${counts[relation]} times: the shapes exercise it`)
})

test('within and contains are each other mirrored; equals is symmetric', () => {
  const shapes = randomShapes(80, 5).map(parse)
  for (const a of shapes) {
    for (const b of shapes) {
      assert.equal(relates('within', a, b), relates('contains', b, a))
      assert.equal(relates('equals', a, b), relates('equals', b, a))
    }
  }
})

/** Great-circle distance by the spherical law of cosines (independent of the haversine form). */
function cosinesM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = Math.PI / 180
  const c = Math.sin(lat1 * r) * Math.sin(lat2 * r) + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.cos((lon2 - lon1) * r)
  return 6371000 * Math.acos(Math.min(1, Math.max(-1, c)))
}

test('st_dwithin: points by great-circle metres, other shapes by planar degrees at the query latitude', () => {
  assert.ok(Math.abs(haversineM(0, 0, 1, 0) - 111194.93) < 0.01, '1° of latitude on Milvus\'s sphere')
  let s = 1
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647)
  for (let i = 0; i < 2000; i++) {
    const [lon1, lat1, lon2, lat2] = [rnd() * 360 - 180, rnd() * 170 - 85, rnd() * 360 - 180, rnd() * 170 - 85]
    const d = cosinesM(lat1, lon1, lat2, lon2)
    const p = parse(`POINT (${lon1} ${lat1})`)
    const q = parse(`POINT (${lon2} ${lat2})`)
    if (Math.abs(d - haversineM(lat1, lon1, lat2, lon2)) > 1e-3 * Math.max(1, d) * 1e-3) assert.fail(`haversine vs cosines at ${i}`)
    assert.equal(withinDistance(p, q, d * 1.0001 + 0.01), true)
    assert.equal(withinDistance(p, q, d * 0.9999 - 0.01), false)
  }
  const square = parse('POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))')
  const q = parse('POINT (3 0.5)')
  const perDegree = 111320 * Math.sqrt((1 + Math.cos((0.5 * Math.PI) / 180) ** 2) / 2)
  assert.equal(withinDistance(square, q, 2 * perDegree + 0.001), true)
  assert.equal(withinDistance(square, q, 2 * perDegree - 0.001), false)
  assert.equal(withinDistance(parse('POINT EMPTY'), q, 1e9), false)
})
