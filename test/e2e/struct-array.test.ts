// Array-of-structs fields (Milvus 2.6) through the embedded API: struct lists in and out (whole struct
// and single sub-fields), bad struct input refused with nothing written, element_filter queries and
// embedding-list (MAX_SIM_COSINE / _IP / _L2) and element-level searches equal to a brute-force
// reference over the same rows, before and after flush + reopen (WAL replay and segment files).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType } from '../../src/index.ts'
import { openTemp, rng } from '../support/temp-db.ts'

const DIM = 4
type Item = { label: string; order: number; emb: number[] }
type Hit = { id: string; score: number; offset?: number }

const ip = (a: readonly number[], b: readonly number[]) => a.reduce((s, x, k) => s + x * b[k]!, 0)
const norm = (a: readonly number[]) => Math.sqrt(ip(a, a))
const cos = (a: readonly number[], b: readonly number[]) => ip(a, b) / (norm(a) * norm(b))
const l2 = (a: readonly number[], b: readonly number[]) => a.reduce((s, x, k) => s + (x - b[k]!) ** 2, 0)
const metrics = { COSINE: [cos, true], IP: [ip, true], L2: [l2, false] } as const

/** Σ over the query vectors of the best match among the row's vectors (MAX_SIM_*). */
function maxSim(m: keyof typeof metrics, q: readonly number[][], d: readonly number[][]): number {
  const [f, larger] = metrics[m]
  return q.reduce((s, v) => s + d.map((e) => f(v, e)).reduce((b, x) => (larger ? Math.max(b, x) : Math.min(b, x))), 0)
}

describe('struct array fields', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  const next = rng(29)
  const vec = () => Array.from({ length: DIM }, () => Math.round((next() * 2 - 1) * 1000) / 1000)
  const rows = new Map<number, Item[]>()
  const labels = ['a', 'b', 'c', 'd']

  before(async () => {
    env = await openTemp({ segmentRowsMax: 64 })
    const st = await env.client.createCollection({
      collection_name: 'sa',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'vec', data_type: DataType.FloatVector, dim: DIM },
        {
          name: 'items',
          data_type: DataType.Array,
          element_type: DataType.Struct,
          max_capacity: 4,
          fields: [
            { name: 'label', data_type: DataType.VarChar, max_length: 8 },
            { name: 'order', data_type: DataType.Int32 },
            { name: 'emb', data_type: DataType.FloatVector, dim: DIM },
          ],
        },
      ],
    })
    assert.equal(st.error_code, 'Success', st.reason)
    const data = []
    for (let id = 1; id <= 150; id++) {
      const n = id % 5 === 0 ? 0 : 1 + Math.floor(next() * 4)
      const items = Array.from({ length: n }, () => ({ label: labels[Math.floor(next() * 4)]!, order: Math.floor(next() * 100), emb: vec() }))
      rows.set(id, items)
      data.push({ id, vec: vec(), items })
    }
    const ins = await env.client.insert({ collection_name: 'sa', data })
    assert.equal(ins.status.error_code, 'Success', ins.status.reason)
    await env.client.loadCollection({ collection_name: 'sa' })
  })
  after(() => env.cleanup())

  const c = () => env.client

  async function checkReads(): Promise<void> {
    const q = await c().query({ collection_name: 'sa', filter: 'id <= 10', output_fields: ['items'] })
    for (const r of q.data) {
      const want = rows.get(Number(r.id))!
      assert.equal((r.items as Item[]).length, want.length)
      ;(r.items as Item[]).forEach((e, j) => {
        assert.equal(e.label, want[j]!.label)
        assert.equal(e.order, want[j]!.order)
        e.emb.forEach((x, k) => assert.ok(Math.abs(x - want[j]!.emb[k]!) < 1e-6))
      })
    }
    const sub = await c().query({ collection_name: 'sa', filter: 'id == 1', output_fields: ['items[label]'] })
    assert.deepEqual(sub.data[0]!.items, rows.get(1)!.map((e) => ({ label: e.label })))

    // element_filter: rows with an element matching, each with the offsets of the matching elements.
    const ef = await c().query({ collection_name: 'sa', filter: 'id > 20 and element_filter(items, $[order] < 30 && $[label] == "a")', output_fields: ['id'] })
    const want: string[] = []
    for (const [id, items] of rows) items.forEach((e, j) => id > 20 && e.order < 30 && e.label === 'a' && want.push(`${id}:${j}`))
    assert.deepEqual(ef.data.map((r) => `${r.id}:${r.offset}`).sort(), want.sort())

    for (const m of ['COSINE', 'IP', 'L2'] as const) {
      const query = [vec(), vec()]
      const res = (await c().search({ collection_name: 'sa', data: query, anns_field: 'items[emb]', metric_type: `MAX_SIM_${m}`, limit: 5 })) as unknown as { results: Hit[] }
      const ref = [...rows].filter(([, it]) => it.length > 0).map(([id, it]) => ({ id, s: maxSim(m, query, it.map((e) => e.emb)) }))
      ref.sort((a, b) => (metrics[m][1] ? b.s - a.s : a.s - b.s))
      assert.deepEqual(res.results.map((h) => Number(h.id)), ref.slice(0, 5).map((r) => r.id), `MAX_SIM_${m}`)
      res.results.forEach((h, i) => assert.ok(Math.abs(h.score - ref[i]!.s) < 1e-3))
    }

    // Element level: one vector against every element; hits are (row, element offset).
    const one = vec()
    const el = (await c().search({ collection_name: 'sa', data: one, anns_field: 'items[emb]', metric_type: 'IP', limit: 6 })) as unknown as { results: Hit[] }
    const refEl = [...rows].flatMap(([id, it]) => it.map((e, j) => ({ key: `${id}:${j}`, s: ip(one, e.emb) }))).sort((a, b) => b.s - a.s)
    assert.deepEqual(el.results.map((h) => `${h.id}:${h.offset}`), refEl.slice(0, 6).map((r) => r.key))

    // element_filter in a search: only matching elements are candidates (and, for MAX_SIM, take part).
    const f = 'id > 40 and element_filter(items, $[label] == "c")'
    const fe = (await c().search({ collection_name: 'sa', data: one, anns_field: 'items[emb]', metric_type: 'IP', limit: 5, filter: f })) as unknown as { results: Hit[] }
    const refFe = [...rows].flatMap(([id, it]) => it.map((e, j) => ({ key: `${id}:${j}`, ok: id > 40 && e.label === 'c', s: ip(one, e.emb) }))).filter((x) => x.ok).sort((a, b) => b.s - a.s)
    assert.deepEqual(fe.results.map((h) => `${h.id}:${h.offset}`), refFe.slice(0, 5).map((r) => r.key))
    const lists = [vec()]
    const fm = (await c().search({ collection_name: 'sa', data: lists, anns_field: 'items[emb]', metric_type: 'MAX_SIM_IP', limit: 3, filter: f })) as unknown as { results: Hit[] }
    const refFm = [...rows]
      .filter(([id, it]) => id > 40 && it.some((e) => e.label === 'c'))
      .map(([id, it]) => ({ id, s: maxSim('IP', lists, it.filter((e) => e.label === 'c').map((e) => e.emb)) }))
      .sort((a, b) => b.s - a.s)
    assert.deepEqual(fm.results.map((h) => Number(h.id)), refFm.slice(0, 3).map((r) => r.id))
  }

  test('struct lists round-trip; element_filter and MAX_SIM / element-level search equal a brute-force reference', async () => {
    await checkReads()
    const n = [...rows.values()].filter((it) => it.some((e) => e.label === 'b')).length
    assert.equal((await c().count({ collection_name: 'sa', filter: 'element_filter(items, $[label] == "b")' })).data, n)
  })

  test('indexes on a struct vector sub-field: Milvus index types and metrics only; finished at once (searches are exact)', async () => {
    const bad = await c().createIndex({ collection_name: 'sa', field_name: 'items[emb]', index_type: 'IVF_FLAT', metric_type: 'MAX_SIM_IP' })
    assert.equal(bad.code, 1100)
    assert.match(bad.reason, /IVF_FLAT is not supported on struct vector field items\[emb\]/)
    const badMetric = await c().createIndex({ collection_name: 'sa', field_name: 'items[emb]', index_type: 'HNSW', metric_type: 'MAX_SIM_HAMMING' })
    assert.equal(badMetric.code, 1100)
    const ok = await c().createIndex({ collection_name: 'sa', field_name: 'items[emb]', index_name: 'e', index_type: 'HNSW', metric_type: 'MAX_SIM_IP' })
    assert.equal(ok.error_code, 'Success', ok.reason)
    await c().flush({ collection_names: ['sa'] })
    const d = (await c().describeIndex({ collection_name: 'sa', index_name: 'e' })) as unknown as { index_descriptions: { state: string; params: { key: string; value: string }[] }[] }
    assert.equal(d.index_descriptions[0]!.state, 'Finished')
    await c().dropIndex({ collection_name: 'sa', index_name: 'e' })
  })

  test('bad struct input is refused naming field, row and element; nothing is written', async () => {
    const bad = [
      [{ id: 900, vec: vec(), items: [{ label: 'a', order: 1 }] }, /items at row 0: struct element 0 has no value for sub-field emb/],
      [{ id: 900, vec: vec(), items: [{ label: 'a', order: 1, emb: vec(), x: 1 }] }, /struct element 0 has field x/],
      [{ id: 900, vec: vec(), items: Array.from({ length: 5 }, () => ({ label: 'a', order: 1, emb: vec() })) }, /exceeds max capacity \(4\)/],
      [{ id: 900, vec: vec(), items: [{ label: 'a', order: 1, emb: [1, 2, 3] }] }, /items\[emb\] at row 0/],
      [{ id: 900, vec: vec(), items: 'no' }, /expected a list of structs/],
    ] as const
    for (const [row, re] of bad) {
      const r = await c().insert({ collection_name: 'sa', data: [row] })
      assert.equal(r.status.code, 1100)
      assert.match(r.status.reason, re)
    }
    assert.equal((await c().query({ collection_name: 'sa', filter: 'id == 900', output_fields: ['id'] })).data.length, 0)
  })

  test('upsert replaces a row\'s structs; flush and reopen keep everything', async () => {
    const items = [{ label: 'z', order: 7, emb: vec() }]
    const up = await c().upsert({ collection_name: 'sa', data: [{ id: 3, vec: vec(), items }] })
    assert.equal(up.status.error_code, 'Success', up.status.reason)
    rows.set(3, items)
    await checkReads()
    await c().flush({ collection_names: ['sa'] })
    await env.reopen()
    await c().loadCollection({ collection_name: 'sa' })
    await checkReads()
    const d = (await c().describeCollection({ collection_name: 'sa' })) as unknown as { schema: { fields: { name: string }[] } }
    const items2 = d.schema.fields.find((f) => f.name === 'items') as unknown as { element_type: string; max_capacity: string; fields: { name: string; data_type: string }[] }
    assert.equal(items2.element_type, 'Struct')
    assert.equal(items2.max_capacity, '4')
    assert.deepEqual(items2.fields.map((f) => [f.name, f.data_type]), [['label', 'VarChar'], ['order', 'Int32'], ['emb', 'FloatVector']])
  })
})
