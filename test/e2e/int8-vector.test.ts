// Int8Vector end to end through the embedded API: number[] and Int8Array rows in, integers out;
// bad values and dims refused naming field and row; L2/IP/COSINE search exactly equal to a
// brute-force reference, unindexed (growing and sealed) and through HNSW; other index types refused;
// the data survives flush (segment files), WAL replay and reopen (index loaded from its file).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType, MilvusError } from '../../src/index.ts'
import { openTemp, rng } from '../support/temp-db.ts'

const DIM = 16
const ROWS = 600

function int8Vector(next: () => number): number[] {
  return Array.from({ length: DIM }, () => Math.floor(next() * 256) - 128)
}

/** Milvus scores: L2 = squared distance (smaller first), IP / COSINE similarities (larger first). */
function score(metric: string, a: readonly number[], b: readonly number[]): number {
  let dot = 0
  let na = 0
  let nb = 0
  let l2 = 0
  for (let k = 0; k < a.length; k++) {
    dot += a[k]! * b[k]!
    na += a[k]! * a[k]!
    nb += b[k]! * b[k]!
    l2 += (a[k]! - b[k]!) ** 2
  }
  if (metric === 'L2') return l2
  if (metric === 'IP') return dot
  return dot / Math.sqrt(na * nb)
}

function bruteForce(rows: ReadonlyMap<number, number[]>, q: readonly number[], metric: string, k: number): { id: number; score: number }[] {
  const all = [...rows].map(([id, v]) => ({ id, score: score(metric, q, v) }))
  all.sort((x, y) => (metric === 'L2' ? x.score - y.score : y.score - x.score) || x.id - y.id)
  return all.slice(0, k)
}

const isInvalid = (re: RegExp) => (e: unknown) => e instanceof MilvusError && e.code === 1100 && re.test(e.message)

describe('Int8Vector', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  const next = rng(8)
  const rows = new Map<number, number[]>()
  const coll = () => env.client.collection('i8')
  before(async () => {
    env = await openTemp({ segmentRowsMax: 256 })
    const st = await env.client.createCollection({
      collection_name: 'i8',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.Int8Vector, dim: DIM },
      ],
    })
    assert.equal(st.code, 0, st.reason)
  })
  after(() => env.cleanup())

  test('describe shows the type; rows go in as number[] or Int8Array and come out as integers', async () => {
    const d = (await env.client.describeCollection({ collection_name: 'i8' })) as unknown as { schema: { fields: { name: string; data_type: unknown }[] } }
    const v = d.schema.fields.find((f) => f.name === 'v')!
    assert.ok(v.data_type === 'Int8Vector' || v.data_type === DataType.Int8Vector, `data_type ${String(v.data_type)}`)
    const batch = Array.from({ length: ROWS }, (_, id) => {
      const vec = int8Vector(next)
      rows.set(id, vec)
      return { id, v: id % 2 === 0 ? vec : Int8Array.from(vec) }
    })
    await coll().insert(batch)
    assert.equal(await coll().count(), ROWS)
    const got = await coll().get([0, 1, 599], { outputFields: ['v'] })
    assert.deepEqual(got, [0, 1, 599].map((id) => ({ id: BigInt(id), v: rows.get(id) })))
    assert.deepEqual(got[0]!.v, rows.get(0))
  })

  test('values outside int8, non-integers and wrong dims are refused, naming field and row; nothing is written', async () => {
    const good = int8Vector(next)
    await assert.rejects(coll().insert([{ id: 1000, v: good }, { id: 1001, v: [...good.slice(1), 128] }]), isInvalid(/field v at row 1: element 15: .*int8/))
    await assert.rejects(coll().insert([{ id: 1000, v: [...good.slice(1), 1.5] }]), isInvalid(/field v at row 0/))
    await assert.rejects(coll().insert([{ id: 1000, v: good.slice(1) }]), isInvalid(/dim \(15\).*schema dim \(16\)/))
    assert.equal(await coll().count(), ROWS)
  })

  for (const metric of ['L2', 'IP', 'COSINE']) {
    test(`exact search (${metric}) equals a brute-force reference, for number[] and Int8Array queries`, async () => {
      for (let t = 0; t < 5; t++) {
        const q = int8Vector(next)
        const want = bruteForce(rows, q, metric, 10)
        for (const query of [q, Int8Array.from(q)]) {
          const hits = (await coll().search(query, { metric, limit: 10 }))[0]!
          assert.deepEqual(hits.map((h) => Number(h.id)), want.map((w) => w.id))
          for (let i = 0; i < hits.length; i++) assert.ok(Math.abs(hits[i]!.score - want[i]!.score) <= 1e-4 * Math.max(1, Math.abs(want[i]!.score)))
        }
      }
    })
  }

  test('query vectors outside int8 are refused', async () => {
    await assert.rejects(coll().search([...int8Vector(next).slice(1), 300], { metric: 'L2', limit: 1 }), isInvalid(/\[-128, 127\]/))
  })

  test('only HNSW (and AUTOINDEX) index Int8Vector; others are refused as Milvus does', async () => {
    for (const indexType of ['FLAT', 'IVF_FLAT', 'IVF_SQ8', 'BIN_FLAT']) {
      const st = await env.client.createIndex({ collection_name: 'i8', field_name: 'v', index_type: indexType, metric_type: 'L2', params: { nlist: 8 } })
      assert.equal(st.code, 1100, indexType)
      assert.match(st.reason, new RegExp(`data type Int8Vector can't build with this index ${indexType}`))
    }
    const bad = await env.client.createIndex({ collection_name: 'i8', field_name: 'v', index_type: 'HNSW', metric_type: 'HAMMING' })
    assert.equal(bad.code, 1100)
    const st = await env.client.createIndex({ collection_name: 'i8', field_name: 'v', index_type: 'HNSW', metric_type: 'IP', params: { M: 16, efConstruction: 200 } })
    assert.equal(st.code, 0, st.reason)
  })

  test('HNSW search equals the brute-force reference on sealed segments; survives flush, replay and reopen', async () => {
    await coll().flush()
    await env.client.database.indexBuilds.idle()
    assert.deepEqual([...env.client.database.indexBuilds.failures], [])
    const check = async () => {
      for (let t = 0; t < 8; t++) {
        const q = int8Vector(next)
        const want = bruteForce(rows, q, 'IP', 5)
        const hits = (await env.client.collection('i8').search(q, { limit: 5, ef: 600 }))[0]!
        assert.deepEqual(hits.map((h) => Number(h.id)), want.map((w) => w.id))
        assert.deepEqual(hits.map((h) => h.score), want.map((w) => w.score))
      }
    }
    await check()
    // Not flushed: replayed from the WAL on reopen.
    const extra = int8Vector(next)
    rows.set(5000, extra)
    await coll().insert([{ id: 5000, v: Int8Array.from(extra) }])
    await env.reopen()
    await env.client.loadCollection({ collection_name: 'i8' })
    assert.equal(await env.client.collection('i8').count(), ROWS + 1)
    assert.deepEqual((await env.client.collection('i8').get([5000, 3], { outputFields: ['v'] })).map((r) => r.v), [extra, rows.get(3)])
    await check()
  })
})
