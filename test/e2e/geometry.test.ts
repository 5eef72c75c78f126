// The Geometry type through the embedded API: WKT in (every OGC type), Milvus's WKT out, the st_*
// filter functions, nullable and default values, invalid WKT refused whole (1100 naming field, row
// and problem), and the same answers after flush (segment files) and reopen (WAL replay).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType, MilvusError } from '../../src/index.ts'
import { openTemp } from '../support/temp-db.ts'

const fields = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true },
  { name: 'v', data_type: DataType.FloatVector, dim: 2 },
  { name: 'geo', data_type: DataType.Geometry, nullable: true },
  { name: 'home', data_type: DataType.Geometry, default_value: 'POINT(0 0)' },
]

const shapes: Record<number, string | null> = {
  1: 'POINT(13.399710 52.518010)',
  2: 'LINESTRING (0 0, 10 10)',
  3: 'POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))',
  4: 'MULTIPOINT (1 1, 20 20)',
  5: 'MULTILINESTRING ((0 0, 1 1), (2 2, 3 3))',
  6: 'MULTIPOLYGON (((0 0, 2 0, 2 2, 0 2, 0 0)), ((3 3, 5 3, 5 5, 3 5, 3 3)))',
  7: 'GEOMETRYCOLLECTION(POINT(1 1), LINESTRING(2 2, 3 3))',
  8: null,
  9: 'POINT EMPTY',
  10: 'POLYGON((10 0, 20 0, 20 10, 10 10, 10 0))',
  11: 'POINT (5 5)',
  12: 'POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0))',
}
const printed: Record<number, string | null> = {
  1: 'POINT (13.39971 52.51801)',
  2: 'LINESTRING (0 0, 10 10)',
  3: 'POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))',
  4: 'MULTIPOINT ((1 1), (20 20))',
  5: 'MULTILINESTRING ((0 0, 1 1), (2 2, 3 3))',
  6: 'MULTIPOLYGON (((0 0, 2 0, 2 2, 0 2, 0 0)), ((3 3, 5 3, 5 5, 3 5, 3 3)))',
  7: 'GEOMETRYCOLLECTION (POINT (1 1), LINESTRING (2 2, 3 3))',
  8: null,
  9: 'POINT (NaN NaN)',
  10: 'POLYGON ((10 0, 20 0, 20 10, 10 10, 10 0))',
  11: 'POINT (5 5)',
  12: 'POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0))',
}
const rows = Object.entries(shapes).map(([id, geo]) => ({ id: Number(id), v: [Number(id), 1], geo, ...(Number(id) === 2 ? { home: 'POINT (1 2)' } : {}) }))

describe('Geometry', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  before(async () => {
    env = await openTemp()
    const st = await env.client.createCollection({ collection_name: 'geo', fields })
    assert.equal(st.code, 0, st.reason)
    await env.client.collection('geo').insert(rows)
  })
  after(() => env.cleanup())

  const ids = async (filter: string) =>
    (await env.client.collection('geo').query({ filter, outputFields: ['id'] })).map((r) => Number(r.id)).sort((a, b) => a - b)

  const checkAll = async () => {
    const got = await env.client.collection('geo').query({ filter: 'id > 0', outputFields: ['geo', 'home'] })
    assert.equal(got.length, rows.length)
    for (const r of got) {
      assert.equal(r.geo, printed[Number(r.id)], `geo of row ${r.id}`)
      assert.equal(r.home, Number(r.id) === 2 ? 'POINT (1 2)' : 'POINT (0 0)', `home of row ${r.id}`)
    }
    assert.deepEqual(await ids("st_within(geo, 'POLYGON ((-1 -1, 11 -1, 11 11, -1 11, -1 -1))')"), [2, 3, 5, 6, 7, 11, 12])
    assert.deepEqual(await ids("ST_CONTAINS(geo, 'POINT (5 5)')"), [2, 3, 11])
    assert.deepEqual(await ids("ST_INTERSECTS(geo, 'POINT (10 5)')"), [3, 10, 12])
    assert.deepEqual(await ids("ST_TOUCHES(geo, 'POLYGON ((10 0, 20 0, 20 10, 10 10, 10 0))')"), [2, 3, 12])
    assert.deepEqual(await ids("ST_EQUALS(geo, 'POLYGON ((10 10, 0 10, 0 0, 10 0, 10 10))')"), [3])
    assert.deepEqual(await ids("st_crosses(geo, 'LINESTRING (-1 5, 30 5)')"), [2, 3, 10, 12])
    assert.deepEqual(await ids("ST_OVERLAPS(geo, 'POLYGON ((5 5, 15 5, 15 15, 5 15, 5 5))')"), [3, 10], 'a self-crossing polygon the library cannot relate overlaps nothing')
    assert.deepEqual(await ids('ST_ISVALID(geo)'), [1, 2, 3, 4, 5, 6, 7, 9, 10, 11])
    assert.deepEqual(await ids('geo is null'), [8])
    assert.deepEqual(await ids("not ST_EQUALS(home, 'POINT (0 0)')"), [2])
    assert.deepEqual(await ids("not st_intersects(geo, 'POINT (5 5)')").then((x) => x.includes(8)), false, 'null rows are unknown, also under not')
    // Milvus's ST_DWITHIN: metres; points by haversine (1 degree of latitude ≈ 111,195 m).
    assert.deepEqual(await ids("ST_DWITHIN(geo, 'POINT (13.4 52.518)', 100)"), [1])
    assert.deepEqual(await ids("ST_DWITHIN(geo, 'POINT (5 6)', 111000)"), [2, 3, 12])
    assert.deepEqual(await ids("ST_DWITHIN(geo, 'POINT (5 6)', 111300)"), [2, 3, 6, 11, 12], 'non-points: planar degrees × 111,320 m × √((1 + cos²(lat)) / 2)')
  }

  test('WKT in, Milvus WKT out; the st_* functions', async () => {
    await checkAll()
  })

  test('the same after flush (segment files) and after reopen (WAL replay)', async () => {
    await env.client.collection('geo').flush()
    await checkAll()
    await env.client.collection('geo').upsert([{ id: 13, v: [0, 0], geo: 'POINT (100 100)' }])
    await env.reopen()
    assert.deepEqual(await ids("ST_WITHIN(geo, 'POLYGON ((99 99, 101 99, 101 101, 99 101, 99 99))')"), [13])
    await env.client.collection('geo').delete({ filter: 'id == 13' })
    await checkAll()
  })

  test('an RTREE index (built after seal, loaded from its file on reopen) gives the same rows', async () => {
    await env.client.collection('geo').flush()
    const st = await env.client.createIndex({ collection_name: 'geo', field_name: 'geo', index_type: 'RTREE' })
    assert.equal(st.code, 0, st.reason)
    await env.client.database.indexBuilds.idle()
    assert.deepEqual([...env.client.database.indexBuilds.failures], [])
    assert.ok(env.client.database.indexBuilds.builtCount > 0, 'the RTREE index was built')
    await checkAll()
    const again = await env.reopen()
    await again.database.indexBuilds.idle()
    assert.equal(again.database.indexBuilds.builtCount, 0, 'loaded from its file, not rebuilt')
    await checkAll()
    const auto = await again.createIndex({ collection_name: 'geo', field_name: 'home', index_type: 'AUTOINDEX' })
    assert.equal(auto.code, 0, auto.reason)
    const d = await again.describeIndex({ collection_name: 'geo', field_name: 'home' })
    assert.equal(d.status.code, 0)
    assert.equal(d.index_descriptions.length, 1)
    const wrong = await again.createIndex({ collection_name: 'geo', field_name: 'id', index_type: 'RTREE' })
    assert.equal(wrong.code, 1100)
    assert.match(wrong.reason, /RTREE index is only supported on Geometry fields/)
  })

  test('invalid WKT is refused whole: 1100 naming the field, the row and the problem', async () => {
    const bad = [{ id: 20, v: [0, 0], geo: 'POINT (1 1)' }, { id: 21, v: [0, 0], geo: 'POINT (1)' }]
    await assert.rejects(env.client.collection('geo').insert(bad), (e) => e instanceof MilvusError && e.code === 1100 && /field geo at row 1: invalid WKT/.test(e.message))
    await assert.rejects(env.client.collection('geo').insert([{ id: 22, v: [0, 0], geo: 42 }]), (e) => e instanceof MilvusError && e.code === 1100 && /field geo at row 0/.test(e.message))
    assert.deepEqual(await ids('id >= 20'), [])
  })

  test('filter errors as Milvus words them', async () => {
    const q = (filter: string) => env.client.collection('geo').query({ filter, outputFields: ['id'] })
    const rejects = (filter: string, re: RegExp) => assert.rejects(q(filter), (e) => e instanceof MilvusError && e.code === 1100 && re.test(e.message), filter)
    await rejects("ST_CONTAINS(id, 'POINT (1 1)')", /spatial operation are only supported on geometry fields now/)
    await rejects("ST_CONTAINS(geo, 'POINT (1')", /invalid WKT/)
    await rejects("ST_DWITHIN(geo, 'LINESTRING (0 0, 1 1)', 5)", /POINT/)
    await rejects("ST_DWITHIN(geo, 'POINT (0 0)', -1)", /distance parameter must be non-negative, got: -1.000000/)
    await rejects("St_Contains(geo, 'POINT (1 1)')", /not supported/)
  })

  test('a default must be WKT; it is stored in canonical form', async () => {
    const st = await env.client.createCollection({ collection_name: 'bad', fields: [fields[0]!, fields[1]!, { name: 'g', data_type: DataType.Geometry, default_value: 'POINT (x y)' }] })
    assert.notEqual(st.code, 0)
    assert.match(st.reason, /not WKT/)
  })
})
