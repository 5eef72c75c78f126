// JSON path indexes end to end through the SDK-style API: a collection with INVERTED / BITMAP JSON
// path indexes (several per JSON field, dynamic keys too) and the same collection without them get
// the same upserts, flushes and deletes; every query and count answers the same, before and after
// reopen (indexes loaded from their files); describe/list/drop; Milvus's errors for bad requests.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType, type Quiver } from '../../src/index.ts'
import { openTemp, rng } from '../support/temp-db.ts'

const ROWS = 1500
const BATCH = 300

const fields = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true },
  { name: 'v', data_type: DataType.FloatVector, dim: 2 },
  { name: 'meta', data_type: DataType.JSON, nullable: true },
]

/** The JSON path indexes: field, name, type, params (json_path as users write it, cast in any case). */
const indexes = [
  { field_name: 'meta', index_name: 'price_num', index_type: 'INVERTED', params: { json_path: 'meta["price"]', json_cast_type: 'double' } },
  { field_name: 'meta', index_name: 'price_str', index_type: 'INVERTED', params: { json_path: 'meta["price"]', json_cast_type: 'VARCHAR' } },
  { field_name: 'meta', index_name: 'city', index_type: 'BITMAP', params: { json_path: "meta['addr']['city']", json_cast_type: 'varchar' } },
  { field_name: 'meta', index_name: 'ok', index_type: 'AUTOINDEX', params: { json_path: 'meta["ok"]', json_cast_type: 'bool' } },
  { field_name: 'meta', index_name: 'tags', index_type: 'INVERTED', params: { json_path: 'meta["tags"]', json_cast_type: 'ARRAY_VARCHAR' } },
  { field_name: 'color', index_name: 'color', index_type: 'INVERTED', params: { json_path: 'color', json_cast_type: 'varchar' } },
  { field_name: 'size', index_name: 'size', index_type: 'BITMAP', params: { json_path: 'size', json_cast_type: 'BOOL' } },
  { field_name: '$meta', index_name: 'size_str', index_type: 'BITMAP', params: { json_path: '$meta["size"]', json_cast_type: 'varchar' } },
]

const filters = [
  'meta["price"] > 10',
  'meta["price"] == 12.5',
  'meta["price"] != 3',
  'meta["price"] in [1, 3, 100, "cheap"]',
  'meta["price"] == "cheap"',
  'meta["price"] like "ch%"',
  'not (meta["price"] < 50)',
  'meta["addr"]["city"] == "Oslo"',
  'meta["addr"]["city"] in ["Lima", "Pune"]',
  'meta["addr"]["city"] != "Oslo" and meta["ok"] == true',
  'meta["ok"] == false or meta["ok"] != true',
  'json_contains(meta["tags"], "x3")',
  'json_contains_any(meta["tags"], ["x1", "x9"])',
  'json_contains_all(meta["tags"], ["x1", "x2"])',
  'color == "red"',
  'color like "b%"',
  'not (color in ["red", "green"])',
  'size == true',
  'size in ["L", "M"] or $meta["size"] == false',
  'meta is null',
  'id > 100 and meta["price"] >= 1 and color != "blue"',
]

function rowsFor(ids: number[], next: () => number) {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!
  return ids.map((id) => {
    const meta =
      next() < 0.1
        ? null
        : {
            ...(next() < 0.9 ? { price: pick<unknown>([1, 3, 12.5, 100, 'cheap', Math.floor(next() * 400) / 4, true]) } : {}),
            addr: next() < 0.2 ? 'none' : { city: pick<unknown>(['Oslo', 'Lima', 'Pune', 7, null]) },
            ok: pick<unknown>([true, false, 1, 'yes']),
            tags: next() < 0.2 ? 'x1' : Array.from({ length: Math.floor(next() * 4) }, () => pick<unknown>([`x${Math.floor(next() * 10)}`, 3])),
          }
    const dynamic = next() < 0.15 ? {} : { color: pick<unknown>(['red', 'blue', 'black', 'green', 5]), size: pick<unknown>([true, false, 'L']) }
    return { id, v: [next(), next()], meta, ...dynamic }
  })
}

describe('JSON path indexes', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  before(async () => {
    env = await openTemp({ segmentRowsMax: 250 })
  })
  after(() => env.cleanup())

  const ok = (st: { code: number; reason: string }) => assert.equal(st.code, 0, st.reason)

  async function answers(client: Quiver, name: string) {
    const out: unknown[] = []
    for (const filter of filters) {
      const q = await client.query({ collection_name: name, filter, output_fields: ['id'], limit: 16384 })
      ok(q.status)
      const ids = q.data.map((r) => Number(r.id)).sort((a, b) => a - b)
      const c = await client.count({ collection_name: name, filter })
      assert.equal(c.data, ids.length, `${name}: count(${filter}) = query rows`)
      out.push({ filter, ids })
    }
    return out
  }

  async function setUp(name: string, indexed: boolean) {
    const client = env.client
    ok(await client.createCollection({ collection_name: name, fields, enable_dynamic_field: true }))
    if (indexed) for (const ix of indexes) ok(await client.createIndex({ collection_name: name, ...ix }))
    const next = rng(4321)
    for (let start = 0; start < ROWS; start += BATCH) {
      ok((await client.upsert({ collection_name: name, data: rowsFor(Array.from({ length: BATCH }, (_, i) => start + i), next) })).status)
    }
    ok((await client.upsert({ collection_name: name, data: rowsFor(Array.from({ length: 150 }, (_, i) => i * 9), next) })).status)
    ok((await client.flush({ collection_names: [name] })).status)
    const del = await client.delete({ collection_name: name, filter: 'meta["addr"]["city"] == "Pune" and color == "red"' })
    ok(del.status)
    return Number(del.delete_cnt)
  }

  test('query, count and delete by filter answer as without the indexes, before and after reopen', async () => {
    assert.equal(await setUp('idx', true), await setUp('plain', false))
    await env.client.database.indexBuilds.idle()
    assert.deepEqual([...env.client.database.indexBuilds.failures], [])
    const expected = await answers(env.client, 'plain')
    assert.ok((expected as { ids: number[] }[]).filter((e) => e.ids.length > 0).length >= filters.length - 2, 'the filters match rows')
    assert.deepEqual(await answers(env.client, 'idx'), expected)

    const described = await env.client.describeIndex({ collection_name: 'idx' })
    ok(described.status)
    assert.deepEqual(described.index_descriptions.map((d) => d.index_name).sort(), indexes.map((i) => i.index_name).sort())
    for (const d of described.index_descriptions as Record<string, unknown>[]) {
      assert.equal(d.state, 'Finished', `${String(d.index_name)} finished`)
      assert.ok(Number(d.indexed_rows) >= ROWS)
      const want = indexes.find((i) => i.index_name === d.index_name)!
      assert.equal(d.field_name, want.field_name)
      const params = JSON.parse((d.params as { key: string; value: string }[]).find((p) => p.key === 'params')!.value)
      assert.equal(params.json_path, want.params.json_path)
      assert.equal(params.json_cast_type, want.params.json_cast_type)
    }
    const onMeta = await env.client.describeIndex({ collection_name: 'idx', field_name: 'meta' })
    assert.deepEqual(onMeta.index_descriptions.map((d) => d.index_name).sort(), indexes.filter((i) => i.field_name === 'meta').map((i) => i.index_name).sort(), 'describe by field: every index of the field')
    const sealed = [...env.client.database.state.collection('idx').segments.values()].filter((s) => s.state === 'sealed')
    assert.ok(sealed.length >= 5)
    for (const s of sealed) assert.equal(s.scalarIndexes.size, indexes.length)

    const again = await env.reopen()
    assert.deepEqual(await answers(again, 'idx'), expected)
    await again.database.indexBuilds.idle()
    assert.equal(again.database.indexBuilds.builtCount, 0, 'indexes were loaded from their files, not rebuilt')
    assert.deepEqual(await answers(again, 'idx'), expected)
  })

  test('creating the same index again is a no-op; drop by name forgets one path index only', async () => {
    const client = env.client
    ok(await client.createIndex({ collection_name: 'idx', ...indexes[0]! }))
    const ambiguous = await client.dropIndex({ collection_name: 'idx', field_name: 'meta' })
    assert.equal(ambiguous.code, 65535, 'a field with several indexes needs the index name')
    assert.match(ambiguous.reason, /there are multiple indexes, please specify the index_name/)
    ok(await client.dropIndex({ collection_name: 'idx', index_name: 'price_str' }))
    const names = (await client.listIndexes({ collection_name: 'idx' })).indexes
    assert.deepEqual([...names].sort(), indexes.map((i) => i.index_name).filter((n) => n !== 'price_str').sort())
    await client.database.indexBuilds.idle()
    for (const s of client.database.state.collection('idx').segments.values()) if (s.state === 'sealed') assert.equal(s.scalarIndexes.size, indexes.length - 1)
    assert.deepEqual(await answers(client, 'idx'), await answers(client, 'plain'))
  })

  test('compaction merges small segments; the merged ones get their JSON path indexes again', async () => {
    const small = await openTemp({ segmentRowsMax: 2000, timeTravelRetentionMs: 0, autoCompaction: false })
    try {
      const client = small.client
      for (const name of ['plain', 'idx']) {
        ok(await client.createCollection({ collection_name: name, fields, enable_dynamic_field: true }))
        if (name === 'idx') for (const ix of indexes) ok(await client.createIndex({ collection_name: name, ...ix }))
        const next = rng(99)
        for (let start = 0; start < 600; start += 100) {
          ok((await client.upsert({ collection_name: name, data: rowsFor(Array.from({ length: 100 }, (_, i) => start + i), next) })).status)
          ok((await client.flush({ collection_names: [name] })).status)
        }
      }
      await client.database.indexBuilds.idle()
      const expected = await answers(client, 'plain')
      assert.deepEqual(await answers(client, 'idx'), expected)
      const segsBefore = client.database.state.collection('idx').segments.size
      const compacted = await client.compact({ collection_name: 'idx' })
      assert.equal(compacted.status.code, 0)
      assert.ok(compacted.compactionPlanCount >= 1, `compaction plans: ${compacted.compactionPlanCount}`)
      await client.database.indexBuilds.idle()
      const sealed = [...client.database.state.collection('idx').segments.values()].filter((s) => s.state === 'sealed')
      assert.ok(sealed.length < segsBefore, `${sealed.length} sealed segments after compaction, ${segsBefore} before`)
      for (const s of sealed) assert.equal(s.scalarIndexes.size, indexes.length, `segment ${s.id} has its indexes`)
      assert.deepEqual(await answers(client, 'idx'), expected)
    } finally {
      await small.cleanup()
    }
  })

  test('errors as Milvus 2.6: cast types, missing cast, paths of other fields, conflicts', async () => {
    const client = env.client
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ field_name: 'meta', index_type: 'BITMAP', params: { json_path: 'meta["a"]', json_cast_type: 'double' } }, 1100, /json_cast_type double is not supported for BITMAP index/],
      [{ field_name: 'meta', index_type: 'INVERTED', params: { json_path: 'meta["a"]', json_cast_type: 'int64' } }, 1100, /json_cast_type int64 is not supported/],
      [{ field_name: 'meta', index_type: 'INVERTED', params: { json_path: 'meta["a"]' } }, 1101, /json index must specify cast type/],
      [{ field_name: 'meta', index_type: 'STL_SORT', params: { json_path: 'meta["a"]', json_cast_type: 'double' } }, 1100, /STL_SORT is not supported on JSON field meta/],
      [{ field_name: 'meta', index_type: 'INVERTED', params: { json_path: 'other["a"]', json_cast_type: 'double' } }, 1100, /json_path other\["a"\] does not refer to field meta/],
      [{ field_name: 'meta', index_type: 'INVERTED', params: { json_path: 'meta[', json_cast_type: 'double' } }, 1100, /is not a JSON path of field meta/],
      [{ field_name: 'meta', index_type: 'INVERTED', params: { json_path: 'meta["a"]', json_cast_type: 'double', json_cast_function: 'STRING_TO_DOUBLE' } }, 1100, /json_cast_function/],
      [{ ...indexes[0]!, index_name: 'dup' }, 1100, /at most one distinct index/],
      [{ field_name: 'meta', index_name: 'price_num', index_type: 'INVERTED', params: { json_path: 'meta["q"]', json_cast_type: 'double' } }, 1100, /at most one distinct index/],
      [{ field_name: 'nope', index_type: 'INVERTED' }, 65535, /cannot create index on non-exist field: nope/],
    ]
    const before = (await client.listIndexes({ collection_name: 'idx' })).indexes
    for (const [req, code, message] of cases) {
      const st = await client.createIndex({ collection_name: 'idx', ...req } as Parameters<Quiver['createIndex']>[0])
      assert.equal(st.code, code, `${JSON.stringify(req)}: ${st.reason}`)
      assert.match(st.reason, message)
    }
    assert.deepEqual((await client.listIndexes({ collection_name: 'idx' })).indexes, before, 'a rejected request changes nothing')
  })
})
