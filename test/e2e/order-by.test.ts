// order_by_fields (Milvus 3.0 clients): a query returns rows sorted by the fields (nulls last, ties by
// primary key) with offset and limit over that order; a search re-orders its top-k hits by them (ties
// in score order); unsortable or unknown fields are refused with 1100.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { DataType } from '../../src/index.ts'
import { openTemp } from '../support/temp-db.ts'

let env: Awaited<ReturnType<typeof openTemp>>
const N = 60
before(async () => {
  env = await openTemp({ segmentRowsMax: 25 })
  await env.client.createCollection({
    collection_name: 'c',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'price', data_type: DataType.Int32, nullable: true },
      { name: 'name', data_type: DataType.VarChar, max_length: 8 },
      { name: 'meta', data_type: DataType.JSON },
      { name: 'v', data_type: DataType.FloatVector, dim: 2 },
    ],
  })
  // price = id % 7 (null when id % 10 == 9); name = letter by id % 3; several segments.
  const data = Array.from({ length: N }, (_, i) => ({ id: N - i, price: (N - i) % 10 === 9 ? null : (N - i) % 7, name: 'abc'[(N - i) % 3]!, meta: {}, v: [N - i, 0] }))
  for (let i = 0; i < N; i += 20) assert.equal((await env.client.insert({ collection_name: 'c', data: data.slice(i, i + 20) })).status.code, 0)
})
after(() => env.cleanup())

const expectedOrder = (cmp: (a: number, b: number) => number) => Array.from({ length: N }, (_, i) => i + 1).sort(cmp)
const price = (id: number) => (id % 10 === 9 ? null : id % 7)
const byPrice = (desc: boolean) => (a: number, b: number) => {
  const x = price(a)
  const y = price(b)
  if (x !== y) {
    if (x === null) return 1
    if (y === null) return -1
    return desc ? y - x : x - y
  }
  return a - b
}

test('query: sorted by the fields, then by primary key; offset and limit over that order', async () => {
  for (const [orderBy, desc] of [['price', false], ['price:desc', true]] as const) {
    const q = await env.client.query({ collection_name: 'c', filter: 'id > 0', output_fields: ['id', 'price'], order_by_fields: orderBy, offset: 3, limit: 20 })
    assert.equal(q.status.code, 0, q.status.reason)
    assert.deepEqual(q.data.map((r) => Number(r.id)), expectedOrder(byPrice(desc)).slice(3, 23), orderBy)
  }
  const two = await env.client.query({ collection_name: 'c', filter: 'id <= 12', output_fields: ['id'], order_by_fields: [{ field: 'name', order: 'desc' }, { field: 'id', order: 'desc' }] })
  const name = (id: number) => 'abc'[id % 3]!
  assert.deepEqual(two.data.map((r) => Number(r.id)), Array.from({ length: 12 }, (_, i) => i + 1).sort((a, b) => (name(a) === name(b) ? b - a : name(a) < name(b) ? 1 : -1)))
})

test('search: the top-k hits by similarity, re-ordered by the fields; fields fetched only to sort are not returned', async () => {
  const plain = await env.client.search({ collection_name: 'c', data: [[30, 0]], limit: 10, metric_type: 'L2' })
  const ordered = await env.client.search({ collection_name: 'c', data: [[30, 0]], limit: 10, metric_type: 'L2', order_by_fields: [{ field: 'id', order: 'desc' }] })
  assert.equal(ordered.status.code, 0, ordered.status.reason)
  const ids = (r: typeof plain) => (r.results as { id: string }[]).map((h) => Number(h.id))
  assert.deepEqual(ids(ordered), [...ids(plain)].sort((a, b) => b - a))
  assert.ok((ordered.results as Record<string, unknown>[]).every((h) => !('price' in h)))
})

test('unknown, unsortable or repeated fields and bad directions: 1100', async () => {
  for (const [orderBy, message] of [
    ['nope', /not in the collection's schema/],
    ['meta', /field meta is JSON, which cannot be sorted/],
    ['price:up', /direction of price should be asc or desc/],
    ['price,price:desc', /names field price twice/],
  ] as const) {
    const q = await env.client.query({ collection_name: 'c', filter: 'id > 0', order_by_fields: orderBy, limit: 3 })
    assert.equal(q.status.code, 1100, orderBy)
    assert.match(q.status.reason, message)
  }
})
