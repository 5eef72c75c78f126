// Nullable vector fields (Milvus 2.6) through the embedded API: null rows in (row and columnar forms,
// omitted fields), null out in query/get; search never returns a null row, with results exactly equal
// to a brute-force reference over the valid rows, unindexed and through HNSW / BIN_IVF_FLAT built over
// the valid rows only (an all-null segment too); count and filters unaffected; upsert to and from
// null; default_value refused; flush, WAL replay and reopen; a nullable vector field added later.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType, MilvusError } from '../../src/index.ts'
import { openTemp, rng } from '../support/temp-db.ts'

const DIM = 8

function l2(a: readonly number[], b: readonly number[]): number {
  let s = 0
  for (let k = 0; k < a.length; k++) s += (a[k]! - b[k]!) ** 2
  return s
}

function bruteForce(rows: ReadonlyMap<number, number[] | null>, q: readonly number[], k: number): number[] {
  return [...rows]
    .filter((e): e is [number, number[]] => e[1] !== null)
    .map(([id, v]) => ({ id, d: l2(q, v) }))
    .sort((x, y) => x.d - y.d || x.id - y.id)
    .slice(0, k)
    .map((x) => x.id)
}

describe('nullable vector fields', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  const next = rng(17)
  const vec = () => Array.from({ length: DIM }, () => Math.round(next() * 200 - 100))
  /** id → vector (null = null vector), the reference for every check. */
  const rows = new Map<number, number[] | null>()
  const coll = () => env.client.collection('nv')
  before(async () => {
    env = await openTemp({ segmentRowsMax: 128 })
    const st = await env.client.createCollection({
      collection_name: 'nv',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'tag', data_type: DataType.Int64 },
        { name: 'v', data_type: DataType.FloatVector, dim: DIM, nullable: true },
      ],
    })
    assert.equal(st.code, 0, st.reason)
  })
  after(() => env.cleanup())

  const checkReads = async (label: string) => {
    const c = env.client.collection('nv')
    assert.equal(await c.count(), rows.size, `${label}: count includes null rows`)
    const got = await c.query({ filter: 'id >= 0', outputFields: ['v'] })
    assert.equal(got.length, rows.size)
    for (const r of got) assert.deepEqual(r.v, rows.get(Number(r.id)), `${label}: row ${r.id}`)
    assert.equal((await c.query({ filter: 'tag == 1', outputFields: ['id'] })).length, [...rows.keys()].filter((id) => id % 3 === 1).length)
    for (let t = 0; t < 6; t++) {
      const q = vec()
      const hits = (await c.search(q, { metric: 'L2', limit: 10, ef: 500, outputFields: ['v'] }))[0]!
      assert.deepEqual(hits.map((h) => Number(h.id)), bruteForce(rows, q, 10), `${label}: search`)
      for (const h of hits) assert.notEqual(h.row.v, null)
    }
  }

  test('null rows in (rows, columns, omitted), null out; search skips them exactly', async () => {
    const batch = Array.from({ length: 300 }, (_, id) => {
      const v = id % 4 === 0 ? null : vec()
      rows.set(id, v)
      return id % 8 === 0 ? { id, tag: id % 3 } : { id, tag: id % 3, v }
    })
    await coll().insert(batch)
    const ids = [300, 301, 302]
    const cols = { id: ids, tag: ids.map((id) => id % 3), v: [vec(), null, vec()] }
    ids.forEach((id, i) => rows.set(id, cols.v[i]!))
    await coll().insert(cols)
    await checkReads('growing and sealed, unindexed')
  })

  test('upsert turns a vector to null and back; a non-nullable vector still refuses null', async () => {
    const back = vec()
    await coll().upsert([{ id: 1, tag: 1, v: null }, { id: 4, tag: 1, v: back }])
    rows.set(1, null)
    rows.set(4, back)
    await checkReads('after upsert')
    await env.client.createCollection({
      collection_name: 'strict',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: 2 },
      ],
    })
    await assert.rejects(env.client.collection('strict').insert([{ id: 1, v: [1, 2] }, { id: 2, v: null }]), (e) => e instanceof MilvusError && e.code === 1100 && /field v at row 1: missing value/.test(e.message))
  })

  test('partial upsert: an omitted nullable vector keeps its value, a given null clears it, a new key reads null', async () => {
    const keep = rows.get(2)!
    await coll().upsert([{ id: 2, tag: 2 }, { id: 7000, tag: 1 }], { partialUpdate: true })
    await coll().upsert([{ id: 5, v: null }], { partialUpdate: true })
    rows.set(5, null)
    rows.set(7000, null)
    assert.deepEqual((await coll().get([2, 5, 7000], { outputFields: ['v'] })).map((r) => r.v), [keep, null, null])
    await checkReads('after partial upserts')
  })

  test('a default_value on a vector field is refused', async () => {
    const st = await env.client.createCollection({
      collection_name: 'dflt',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: 2, nullable: true, default_value: [1, 2] },
      ],
    })
    assert.equal(st.code, 1100)
    assert.match(st.reason, /FloatVector field does not support default_value/)
  })

  test('HNSW is built over the valid rows only; results equal the reference; flush, replay, reopen', async () => {
    const st = await env.client.createIndex({ collection_name: 'nv', field_name: 'v', index_type: 'HNSW', metric_type: 'L2', params: { M: 16, efConstruction: 200 } })
    assert.equal(st.code, 0, st.reason)
    await coll().flush()
    await env.client.database.indexBuilds.idle()
    assert.deepEqual([...env.client.database.indexBuilds.failures], [])
    await checkReads('indexed')
    const late = vec()
    await coll().insert([{ id: 900, tag: 0, v: late }, { id: 901, tag: 1, v: null }])
    rows.set(900, late)
    rows.set(901, null)
    await env.reopen()
    await checkReads('after reopen')
  })

  test('compaction keeps null vectors null (merged segments, their indexes rebuilt over the valid rows)', async () => {
    await coll().delete('id in [3, 5, 7, 9, 11, 13]')
    for (const id of [3, 5, 7, 9, 11, 13]) rows.delete(id)
    await coll().flush()
    // Compaction takes only segments whose vector indexes are built (Milvus's indexBasedCompaction).
    await env.client.database.indexBuilds.idle()
    const res = await env.client.compact({ collection_name: 'nv' })
    assert.equal(res.status.code, 0)
    assert.ok(res.compactionPlanCount >= 1, `plans: ${res.compactionPlanCount}`)
    await env.client.database.indexBuilds.idle()
    assert.deepEqual([...env.client.database.indexBuilds.failures], [])
    await checkReads('after compaction')
  })

  test('binary and sparse nullable vectors; an all-null sealed segment gets its (empty) index', async () => {
    await env.client.createCollection({
      collection_name: 'nb',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'b', data_type: DataType.BinaryVector, dim: 16, nullable: true },
        { name: 's', data_type: DataType.SparseFloatVector, nullable: true },
      ],
    })
    const nb = env.client.collection('nb')
    await nb.insert([{ id: 1, b: null, s: null }, { id: 2, b: null, s: null }])
    assert.equal((await env.client.createIndex({ collection_name: 'nb', field_name: 'b', index_type: 'BIN_IVF_FLAT', metric_type: 'HAMMING', params: { nlist: 2 } })).code, 0)
    await nb.flush()
    await env.client.database.indexBuilds.idle()
    assert.deepEqual([...env.client.database.indexBuilds.failures], [])
    assert.deepEqual(await nb.search([1, 2], { annsField: 'b', limit: 5 }), [[]])
    await nb.insert([{ id: 3, b: [1, 2], s: { 5: 1 } }, { id: 4, b: [255, 255], s: null }])
    const bin = (await nb.search([1, 2], { annsField: 'b', limit: 5 }))[0]!
    assert.deepEqual(bin.map((h) => [Number(h.id), h.score]), [[3, 0], [4, 14]])
    const sp = (await nb.search({ 5: 2 }, { annsField: 's', limit: 5, outputFields: ['s', 'b'] }))[0]!
    assert.deepEqual(sp.map((h) => [Number(h.id), h.score, h.row.s, h.row.b]), [[3, 2, { 5: 1 }, [1, 2]]])
    await env.reopen()
    assert.deepEqual((await env.client.collection('nb').get([1, 3, 4], { outputFields: ['b', 's'] })).map((r) => [r.b, r.s]), [[null, null], [[1, 2], { 5: 1 }], [[255, 255], null]])
  })

  test('a nullable vector field added later: old rows read null, new rows are searched', async () => {
    await env.client.createCollection({
      collection_name: 'add',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: 2 },
      ],
    })
    const add = () => env.client.collection('add')
    await add().insert([{ id: 1, v: [1, 2] }, { id: 2, v: [3, 4] }])
    await add().flush()
    const st = await env.client.addCollectionField({ collection_name: 'add', field: { name: 'nv', data_type: DataType.Int8Vector, dim: 2, nullable: true } })
    assert.equal(st.code, 0, st.reason)
    const refused = await env.client.addCollectionField({ collection_name: 'add', field: { name: 'nv2', data_type: DataType.FloatVector, dim: 2 } })
    assert.equal(refused.code, 1100)
    assert.match(refused.reason, /added field must be nullable/)
    assert.equal((await env.client.createIndex({ collection_name: 'add', field_name: 'nv', index_type: 'AUTOINDEX', metric_type: 'L2' })).code, 0)
    await env.client.database.indexBuilds.idle()
    assert.deepEqual([...env.client.database.indexBuilds.failures], [])
    await add().insert([{ id: 3, v: [5, 6], nv: [1, 1] }, { id: 4, v: [7, 8] }])
    assert.deepEqual((await add().query({ filter: 'id > 0', outputFields: ['nv'] })).map((r) => [Number(r.id), r.nv]), [[1, null], [2, null], [3, [1, 1]], [4, null]])
    assert.deepEqual((await add().search([1, 1], { annsField: 'nv', metric: 'L2', limit: 5 }))[0]!.map((h) => Number(h.id)), [3])
    await env.reopen()
    assert.deepEqual((await env.client.collection('add').search([1, 1], { annsField: 'nv', metric: 'L2', limit: 5 }))[0]!.map((h) => Number(h.id)), [3])
  })
})
