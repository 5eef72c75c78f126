// WKT in and out: Milvus's printing of every type, numbers in shortest fixed notation, EMPTY and
// the NaN point, bad text refused with a reason; print → read → print is a fixed point.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { canonicalWkt } from './canonical-wkt.ts'
import { randomShapes } from './test-shapes.ts'
import { formatNumber, isWktProblem, readWkt, writeWkt } from './wkt.ts'

const printed: [string, string][] = [
  ['POINT(13.399710 52.518010)', 'POINT (13.39971 52.51801)'],
  ['point ( -1.5   2 )', 'POINT (-1.5 2)'],
  ['POINT Z (1 2 3)', 'POINT Z (1 2 3)'],
  ['POINT EMPTY', 'POINT (NaN NaN)'],
  ['POINT (NaN NaN)', 'POINT (NaN NaN)'],
  ['LINESTRING(0 0,1 1, 2 2)', 'LINESTRING (0 0, 1 1, 2 2)'],
  ['POLYGON((0 0,10 0,10 10,0 10,0 0),(2 2,3 2,3 3,2 2))', 'POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 3 2, 3 3, 2 2))'],
  ['MULTIPOINT (1 2, 3 4)', 'MULTIPOINT ((1 2), (3 4))'],
  ['MULTIPOINT ((1 2), (3 4))', 'MULTIPOINT ((1 2), (3 4))'],
  ['MULTILINESTRING ((0 0, 1 1), (2 2, 3 3))', 'MULTILINESTRING ((0 0, 1 1), (2 2, 3 3))'],
  ['MULTIPOLYGON (((0 0, 2 0, 2 2, 0 2, 0 0)), ((3 3, 5 3, 5 5, 3 5, 3 3)))', 'MULTIPOLYGON (((0 0, 2 0, 2 2, 0 2, 0 0)), ((3 3, 5 3, 5 5, 3 5, 3 3)))'],
  ['GEOMETRYCOLLECTION(POINT(1 1), LINESTRING(2 2, 3 3))', 'GEOMETRYCOLLECTION (POINT (1 1), LINESTRING (2 2, 3 3))'],
  ['LINESTRING EMPTY', 'LINESTRING EMPTY'],
  ['GEOMETRYCOLLECTION EMPTY', 'GEOMETRYCOLLECTION EMPTY'],
  ['POINT (1e-7 1e21)', 'POINT (0.0000001 1000000000000000000000)'],
]

test('WKT is printed as Milvus 2.6 prints it', () => {
  for (const [input, want] of printed) assert.deepEqual(canonicalWkt(input), { wkt: want }, input)
})

test('numbers: shortest round trip, never an exponent', () => {
  for (const x of [0, -0.5, 1.5e-7, -1.5e-7, 1.2345e25, 123456789.125, 5e-324, 1.7976931348623157e308]) {
    const s = formatNumber(x)
    assert.doesNotMatch(s, /e/)
    assert.equal(Number(s), x, s)
  }
})

test('text that is not WKT is refused with the reason', () => {
  for (const bad of ['', 'garbage', 'POINT (1)', 'POINT (1 2', 'POINT (1 2) trailing', 'LINESTRING (1 1)', 'POLYGON ((0 0, 1 1, 1 0))', 'POINT (1 2 3)']) {
    const r = readWkt(bad)
    assert.ok(isWktProblem(r), bad)
    assert.ok(r.problem.length > 0)
  }
})

test('print → read → print is a fixed point on random shapes', () => {
  for (const wkt of randomShapes(500, 7)) {
    const once = canonicalWkt(wkt)
    assert.ok('wkt' in once, wkt)
    const g = readWkt(once.wkt)
    assert.ok(!isWktProblem(g))
    assert.equal(writeWkt(g), once.wkt)
  }
})
