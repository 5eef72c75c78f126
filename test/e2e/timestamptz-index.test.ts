// STL_SORT on a Timestamptz field (Milvus 2.6): comparisons with ISO literals (plain and shifted by a
// fixed INTERVAL) answer the same with the index as without it, before and after reopen, and the
// index answers them (it is asked, not only built).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { DataType, type Quiver } from '../../src/index.ts'
import { openTemp, rng } from '../support/temp-db.ts'

const fields = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true },
  { name: 'v', data_type: DataType.FloatVector, dim: 2 },
  { name: 'at', data_type: DataType.Timestamptz, nullable: true },
]
const filters = [
  "at > ISO '2025-06-01T00:00:00Z'",
  "at <= ISO '2025-03-15T12:30:00+02:00'",
  "at == ISO '2025-01-01T00:00:00Z'",
  "at != ISO '2025-01-01T00:00:00Z' and id < 400",
  "at - INTERVAL 'P1D' >= ISO '2025-10-01T00:00:00Z'",
  "not (at < ISO '2025-09-09T09:09:09Z')",
]

let env: Awaited<ReturnType<typeof openTemp>>
before(async () => {
  env = await openTemp({ segmentRowsMax: 200 })
})
after(() => env.cleanup())

function data(next: () => number) {
  return Array.from({ length: 900 }, (_, id) => {
    const day = Math.floor(next() * 365)
    const at = next() < 0.1 ? null : id % 50 === 0 ? '2025-01-01T00:00:00Z' : new Date(Date.UTC(2025, 0, 1) + day * 86_400_000 + Math.floor(next() * 86_400) * 1000).toISOString()
    return { id, v: [next(), next()], at }
  })
}

async function answers(client: Quiver, name: string) {
  const out: number[][] = []
  for (const filter of filters) {
    const q = await client.query({ collection_name: name, filter, output_fields: ['id'], limit: 16384 })
    assert.equal(q.status.code, 0, `${filter}: ${q.status.reason}`)
    out.push(q.data.map((r) => Number(r.id)).sort((a, b) => a - b))
  }
  return out
}

test('STL_SORT on Timestamptz: ISO comparisons answer as without the index, before and after reopen', async () => {
  const c = env.client
  for (const name of ['ts_plain', 'ts_idx']) {
    assert.equal((await c.createCollection({ collection_name: name, fields })).code, 0)
    if (name === 'ts_idx') {
      const st = await c.createIndex({ collection_name: name, field_name: 'at', index_type: 'STL_SORT' })
      assert.equal(st.code, 0, st.reason)
    }
    assert.equal((await c.insert({ collection_name: name, data: data(rng(77)) })).status.code, 0)
    await c.flush({ collection_names: [name] })
  }
  await c.database.indexBuilds.idle()
  const expected = await answers(c, 'ts_plain')
  assert.ok(expected.every((ids) => ids.length > 0), 'every filter matches rows')
  const seg = [...c.database.state.collection('ts_idx').segments.values()].find((s) => s.state === 'sealed')!
  const index = seg.scalarIndexes.get('at')!.index
  let asked = 0
  const lookup = index.lookup.bind(index)
  index.lookup = (q) => {
    const r = lookup(q)
    if (r !== undefined) asked++
    return r
  }
  assert.deepEqual(await answers(c, 'ts_idx'), expected)
  assert.ok(asked >= 5, `the index answered ${asked} leaves`)
  const bad = await c.createIndex({ collection_name: 'ts_plain', field_name: 'at', index_type: 'BITMAP' })
  assert.equal(bad.code, 1100)

  const again = await env.reopen()
  assert.deepEqual(await answers(again, 'ts_idx'), expected)
  await again.database.indexBuilds.idle()
  assert.equal(again.database.indexBuilds.builtCount, 0, 'loaded from its files')
})
