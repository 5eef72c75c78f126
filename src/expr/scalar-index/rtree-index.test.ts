// RTREE prunes, never decides: for every spatial function, random shapes (with nulls) and random
// query shapes, evaluate with the index = evaluate by scan = the naive evaluator; the same after
// encode → decode; st_dwithin on lon/lat points near the poles and across the antimeridian.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Bitset } from '../../common/bitset.ts'
import type { Column } from '../../column/column.ts'
import { canonicalWkt } from '../../geometry/canonical-wkt.ts'
import { parsedQueryGeometry } from '../../geometry/parsed-geometries.ts'
import { randomShapes } from '../../geometry/test-shapes.ts'
import { createCollectionSchema } from '../../schema/collection-schema.ts'
import { DataType } from '../../schema/data-type.ts'
import { compileFilter } from '../compile-filter.ts'
import { evaluate, type ColumnSource } from '../evaluate.ts'
import { evaluateNaive } from '../evaluate-naive.ts'
import { RtreeIndex } from './rtree-index.ts'
import { decodeScalarIndex } from './scalar-index.ts'
import { scalarIndexSpecOf } from './scalar-index-rules.ts'

const schema = createCollectionSchema({
  name: 'g',
  fields: [
    { name: 'id', dataType: DataType.Int64, isPrimaryKey: true },
    { name: 'v', dataType: DataType.FloatVector, dim: 2 },
    { name: 'geo', dataType: DataType.Geometry, nullable: true },
  ],
})
const field = schema.fields.find((f) => f.name === 'geo')!

function geometryColumn(wkts: readonly (string | null)[]): Column {
  const validBits = new Bitset(wkts.length)
  const values = wkts.map((w, i) => {
    if (w === null) return ''
    validBits.set(i)
    const c = canonicalWkt(w)
    assert.ok('wkt' in c, w)
    return c.wkt
  })
  return { kind: 'geometry', values, validBits }
}

function sources(column: Column, rowCount: number): { plain: ColumnSource; indexed: ColumnSource; decoded: ColumnSource } {
  const index = RtreeIndex.build(scalarIndexSpecOf('RTREE', field), column, rowCount)
  const bytes = Buffer.concat(index.encode())
  const decoded = decodeScalarIndex(bytes, rowCount)
  assert.ok(decoded instanceof RtreeIndex)
  const plain: ColumnSource = { rowCount, column: (n) => (n === 'geo' ? column : undefined) }
  return {
    plain,
    indexed: { ...plain, geometryIndex: () => index },
    decoded: { ...plain, geometryIndex: () => decoded },
  }
}

const functions = ['st_equals', 'st_touches', 'st_overlaps', 'st_crosses', 'st_contains', 'st_intersects', 'st_within']

test('RTREE-pruned results equal the scan and the naive evaluator for every function', () => {
  const shapes = randomShapes(100, 11).map((w, i) => (i % 9 === 4 ? null : w))
  const column = geometryColumn(shapes)
  const { plain, indexed, decoded } = sources(column, shapes.length)
  let matched = 0
  for (const q of randomShapes(10, 23)) {
    for (const fn of functions) {
      for (const filter of [`${fn}(geo, '${q}')`, `not ${fn}(geo, '${q}')`]) {
        const plan = compileFilter(filter, schema)
        const want = [...evaluate(plan, plain).toIndexes()]
        assert.deepEqual([...evaluate(plan, indexed).toIndexes()], want, filter)
        assert.deepEqual([...evaluate(plan, decoded).toIndexes()], want, `${filter} (decoded index)`)
        if (filter.startsWith('not')) continue
        assert.deepEqual([...evaluateNaive(plan, plain).toIndexes()], want, `${filter} (naive)`)
        matched += want.length
      }
    }
  }
  assert.ok(matched > 100, `the queries matched ${matched} rows`)
})

test('st_dwithin: pruned = scanned on lon/lat points and shapes, near the poles and the antimeridian', () => {
  let s = 3
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647)
  const wkts: (string | null)[] = []
  for (let i = 0; i < 300; i++) {
    const lon = i % 3 === 0 ? 179 + rnd() * 2 - 1 : rnd() * 360 - 180
    const lat = i % 5 === 0 ? 89 - rnd() * 2 : rnd() * 180 - 90
    wkts.push(i % 7 === 0 ? `LINESTRING (${lon} ${lat}, ${Math.min(180, lon + 1)} ${Math.max(-90, lat - 1)})` : i % 11 === 0 ? null : `POINT (${lon} ${lat})`)
  }
  const column = geometryColumn(wkts)
  const { plain, indexed, decoded } = sources(column, wkts.length)
  let matched = 0
  for (const [lon, lat] of [[180, 0], [-179.9, 10], [0, 89.9], [10, -89.5], [45, 45], [-180, -60]]) {
    for (const d of [0, 1000, 150000, 2000000, 30000000]) {
      const plan = compileFilter(`st_dwithin(geo, 'POINT (${lon} ${lat})', ${d})`, schema)
      const want = [...evaluate(plan, plain).toIndexes()]
      assert.deepEqual([...evaluate(plan, indexed).toIndexes()], want, `${lon} ${lat} ${d}`)
      assert.deepEqual([...evaluate(plan, decoded).toIndexes()], want, `${lon} ${lat} ${d} (decoded)`)
      matched += want.length
    }
  }
  assert.ok(matched > 100, `matched ${matched}`)
})

test('the index holds only non-null, non-empty rows; an all-null column builds an empty index', () => {
  const column = geometryColumn([null, 'POINT EMPTY', 'POINT (1 1)', null, 'LINESTRING (0 0, 5 5)'])
  const index = RtreeIndex.build(scalarIndexSpecOf('AUTOINDEX', field), column, 5)
  assert.equal(index.spec.indexType, 'RTREE', 'AUTOINDEX on a Geometry field is RTREE')
  assert.deepEqual([...index.candidates('intersects', query('POLYGON ((-1 -1, 2 -1, 2 2, -1 2, -1 -1))'), 0)], [2, 4])
  assert.deepEqual([...index.candidates('intersects', query('POINT (4 1)'), 0)], [4], 'boxes, not shapes: the exact test decides')
  const empty = RtreeIndex.build(index.spec, geometryColumn([null, null]), 2)
  const back = decodeScalarIndex(Buffer.concat(empty.encode()), 2) as RtreeIndex
  assert.deepEqual([...back.candidates('within', query('POINT (1 1)'), 0)], [])
})

function query(wkt: string) {
  const g = parsedQueryGeometry(wkt)
  assert.ok(g !== null)
  return g
}
