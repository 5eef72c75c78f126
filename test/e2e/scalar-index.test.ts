// Scalar indexes end to end, through the SDK-style API: for each type, a collection with the index
// and the same collection without it get the same upserts, flushes (small segments seal and get
// indexed) and deletes by filter; every query, count and delete answers the same, before and after
// reopen (indexes loaded from their files, not rebuilt); describe/list/drop; field-type errors.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { DataType, type Quiver } from '../../src/index.ts'
import { openTemp, rng } from '../support/temp-db.ts'

const ROWS = 1800
const BATCH = 300

const fields = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true },
  { name: 'v', data_type: DataType.FloatVector, dim: 2 },
  { name: 'tag', data_type: DataType.VarChar, max_length: 32, nullable: true },
  { name: 'n', data_type: DataType.Int32, nullable: true },
  { name: 'big', data_type: DataType.Int64 },
  { name: 'price', data_type: DataType.Double, nullable: true },
  { name: 'flag', data_type: DataType.Bool, nullable: true },
  { name: 'tags', data_type: DataType.Array, element_type: DataType.VarChar, max_capacity: 4, max_length: 16, nullable: true },
  { name: 'nums', data_type: DataType.Array, element_type: DataType.Int64, max_capacity: 4 },
]

/** The indexes each type gets: every field of the schema that Milvus lets it index. */
const indexedFields: Record<string, string[]> = {
  INVERTED: ['tag', 'n', 'big', 'price', 'flag', 'tags', 'nums'],
  STL_SORT: ['n', 'big', 'price', 'tag'],
  BITMAP: ['tag', 'n', 'big', 'flag', 'tags', 'nums'],
  Trie: ['tag'],
  AUTOINDEX: ['tag', 'n', 'price', 'tags'],
}

const filters = [
  'tag == "t3"',
  'tag != "t3"',
  'tag in ["t1", "t7", "nope"]',
  'tag like "t1%"',
  'tag like "%5"',
  'tag > "t5"',
  'tag is null',
  'not (tag like "t1%")',
  'n == 7',
  'n > 40 and n <= 60',
  'n not in [1, 2, 3]',
  '10 < n < 20 or tag == "t2"',
  'not (n < 50)',
  'big >= 9007199254740993',
  'big == -5',
  'price < 12.5',
  'price != 0.25',
  'flag',
  'not flag',
  'flag == false and n > 10',
  'array_contains(tags, "x2")',
  'array_contains_any(tags, ["x1", "x9"])',
  'array_contains_all(nums, [1, 2])',
  'not array_contains(nums, 3)',
  'id > 100 and price > 5 and tag like "t%"',
]

function rowsFor(ids: number[], next: () => number) {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!
  return ids.map((id) => ({
    id,
    v: [next(), next()],
    tag: next() < 0.1 ? null : `t${Math.floor(next() * 30)}`,
    n: next() < 0.1 ? null : Math.floor(next() * 100),
    big: pick([-5n, 0n, 9007199254740993n, 9007199254740992n, BigInt(id) * 1000n]),
    price: next() < 0.1 ? null : pick([0.25, 1, 12.5, 100, Math.floor(next() * 400) / 16]),
    flag: next() < 0.1 ? null : next() < 0.5,
    tags: next() < 0.1 ? null : Array.from({ length: Math.floor(next() * 4) }, () => `x${Math.floor(next() * 10)}`),
    nums: Array.from({ length: Math.floor(next() * 4) }, () => BigInt(Math.floor(next() * 6))),
  }))
}

describe('scalar indexes', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  before(async () => {
    env = await openTemp({ segmentRowsMax: 250 })
  })
  after(() => env.cleanup())

  const ok = (st: { code: number; reason: string }) => assert.equal(st.code, 0, st.reason)

  async function answers(client: Quiver, name: string) {
    const out: unknown[] = []
    for (const filter of filters) {
      const q = await client.query({ collection_name: name, filter, output_fields: ['id', 'tag', 'n'], limit: 16384 })
      ok(q.status)
      const ids = q.data.map((r) => Number(r.id)).sort((a, b) => a - b)
      const c = await client.count({ collection_name: name, filter })
      ok(c.status)
      assert.equal(c.data, ids.length, `${name}: count(${filter}) = query rows`)
      out.push({ filter, ids })
    }
    return out
  }

  async function setUp(name: string, indexType: string | undefined) {
    const client = env.client
    ok(await client.createCollection({ collection_name: name, fields }))
    if (indexType !== undefined) {
      for (const f of indexedFields[indexType]!) ok(await client.createIndex({ collection_name: name, field_name: f, index_type: indexType }))
    }
    const next = rng(1234)
    for (let start = 0; start < ROWS; start += BATCH) {
      ok((await client.upsert({ collection_name: name, data: rowsFor(Array.from({ length: BATCH }, (_, i) => start + i), next) })).status)
      if (start === 600) ok((await client.flush({ collection_names: [name] })).status)
    }
    // Overwrite rows that live in sealed (indexed) segments, then delete by filter.
    ok((await client.upsert({ collection_name: name, data: rowsFor(Array.from({ length: 200 }, (_, i) => i * 7), next) })).status)
    ok((await client.flush({ collection_names: [name] })).status)
    const del = await client.delete({ collection_name: name, filter: 'tag in ["t4", "t5"] or n == 13' })
    ok(del.status)
    return Number(del.delete_cnt)
  }

  for (const indexType of Object.keys(indexedFields)) {
    test(`${indexType}: query, count and delete by filter answer as without the index, before and after reopen`, async () => {
      const plain = `plain_${indexType.toLowerCase()}`
      const indexed = `idx_${indexType.toLowerCase()}`
      const deletedPlain = await setUp(plain, undefined)
      const deletedIndexed = await setUp(indexed, indexType)
      assert.equal(deletedIndexed, deletedPlain, 'delete by filter removed the same rows')
      assert.ok(deletedPlain > 0)
      await env.client.database.indexBuilds.idle()
      assert.deepEqual([...env.client.database.indexBuilds.failures], [])
      const expected = await answers(env.client, plain)
      assert.deepEqual(await answers(env.client, indexed), expected)

      const described = await env.client.describeIndex({ collection_name: indexed })
      ok(described.status)
      assert.equal(described.index_descriptions.length, indexedFields[indexType]!.length)
      for (const d of described.index_descriptions as Record<string, unknown>[]) {
        assert.equal(d.state, 'Finished', `${String(d.field_name)} finished`)
        assert.equal(d.pending_index_rows, '0')
        assert.ok(Number(d.indexed_rows) >= ROWS, `${String(d.field_name)} indexed rows ${String(d.indexed_rows)}`)
        const params = d.params as { key: string; value: string }[]
        assert.equal(params.find((p) => p.key === 'index_type')?.value, indexType.toUpperCase())
        assert.equal(params.find((p) => p.key === 'metric_type'), undefined, 'scalar indexes have no metric')
      }
      const listed = await env.client.listIndexes({ collection_name: indexed })
      assert.deepEqual([...listed.indexes].sort(), [...indexedFields[indexType]!].sort())

      const again = await env.reopen()
      assert.deepEqual(await answers(again, indexed), expected)
      assert.deepEqual(await answers(again, plain), expected)
      await again.database.indexBuilds.idle()
      assert.equal(again.database.indexBuilds.builtCount, 0, 'indexes were loaded from their files, not rebuilt')
      const sealed = [...again.database.state.collection(indexed).segments.values()].filter((s) => s.state === 'sealed')
      assert.ok(sealed.length >= 4, `${sealed.length} sealed segments`)
      for (const s of sealed) assert.equal(s.scalarIndexes.size, indexedFields[indexType]!.length, `segment ${s.id} has its indexes`)
    })
  }

  test('growing rows are scanned, sealed ones indexed, and both agree after more writes', async () => {
    const client = env.client
    ok(await client.createCollection({ collection_name: 'mixed', fields }))
    ok(await client.createIndex({ collection_name: 'mixed', field_name: 'tag', index_type: 'INVERTED' }))
    const next = rng(99)
    for (let start = 0; start < 650; start += 50) {
      ok((await client.upsert({ collection_name: 'mixed', data: rowsFor(Array.from({ length: 50 }, (_, i) => start + i), next) })).status)
    }
    await client.database.indexBuilds.idle()
    const seg = [...client.database.state.collection('mixed').segments.values()]
    assert.ok(seg.some((s) => s.state === 'growing' && s.rowCount > 0), seg.map((s) => `${s.state}:${s.rowCount}`).join(' '))
    assert.ok(seg.some((s) => s.scalarIndexes.size === 1))
    const rows = (await client.query({ collection_name: 'mixed', filter: 'id >= 0', output_fields: ['id', 'tag'], limit: 16384 })).data
    const want = rows.filter((r) => typeof r.tag === 'string' && r.tag.startsWith('t1')).map((r) => Number(r.id)).sort((a, b) => a - b)
    const got = (await client.query({ collection_name: 'mixed', filter: 'tag like "t1%"', output_fields: ['id'], limit: 16384 })).data
    assert.deepEqual(got.map((r) => Number(r.id)).sort((a, b) => a - b), want)
  })

  test('dropIndex forgets the index; filters still answer; the index can be created again', async () => {
    const client = env.client
    const name = 'idx_inverted'
    const before = await answers(client, name)
    ok(await client.dropIndex({ collection_name: name, index_name: 'tag' }))
    for (const s of client.database.state.collection(name).segments.values()) assert.equal(s.scalarIndexes.has('tag'), false)
    assert.equal((await client.describeIndex({ collection_name: name, index_name: 'tag' })).status.code, 700)
    assert.deepEqual(await answers(client, name), before)
    ok(await client.createIndex({ collection_name: name, field_name: 'tag', index_type: 'Trie' }))
    await client.database.indexBuilds.idle()
    assert.deepEqual(await answers(client, name), before)
    const again = await env.reopen()
    assert.deepEqual(await answers(again, name), before)
    const d = (await again.describeIndex({ collection_name: name, field_name: 'tag' })).index_descriptions[0] as Record<string, unknown>
    assert.equal(d.state, 'Finished')
  })

  test('a missing or corrupt index file is rebuilt on open; answers stay the same', async () => {
    const name = 'idx_stl_sort'
    await env.client.database.checkpoint()
    const before = await answers(env.client, name)
    const dir = join(env.path, 'segments', String(env.client.database.state.catalog.get(name).id))
    const files = readdirSync(dir).filter((f) => f.includes('-sidx'))
    assert.ok(files.length >= 6, `${files.length} scalar index files`)
    rmSync(join(dir, files[0]!))
    const bytes = readFileSync(join(dir, files[1]!))
    bytes[bytes.length >> 1]! ^= 0xff
    writeFileSync(join(dir, files[1]!), bytes)
    const again = await env.reopen()
    assert.deepEqual(await answers(again, name), before)
    await again.database.indexBuilds.idle()
    assert.equal(again.database.indexBuilds.builtCount, 2, 'the two damaged indexes were rebuilt')
    assert.deepEqual(await answers(again, name), before)
    for (const d of (await again.describeIndex({ collection_name: name })).index_descriptions as Record<string, unknown>[]) assert.equal(d.state, 'Finished')
  })

  test('errors: 1100 naming the field and the types it takes', async () => {
    const client = env.client
    ok(await client.createCollection({ collection_name: 'errs', fields: [...fields, { name: 'meta', data_type: DataType.JSON }] }))
    const cases: [string, string, RegExp][] = [
      ['flag', 'STL_SORT', /STL_SORT index is only supported on numeric, VarChar and Timestamptz fields.*field flag is Bool.*supported: INVERTED, BITMAP, AUTOINDEX/],
      ['price', 'BITMAP', /BITMAP index is only supported on .*field price is Double/],
      ['id', 'BITMAP', /bitmap index on primary key not supported: field id/],
      ['n', 'Trie', /Trie index is only supported on VarChar fields: field n is Int32/],
      ['tags', 'STL_SORT', /field tags is Array of VarChar/],
      ['n', 'HNSW', /index type HNSW is not supported on scalar field n \(Int32\); supported: INVERTED, STL_SORT, BITMAP, AUTOINDEX/],
    ]
    for (const [field, type, message] of cases) {
      const st = await client.createIndex({ collection_name: 'errs', field_name: field, index_type: type })
      assert.equal(st.code, 1100, `${type} on ${field}`)
      assert.match(st.reason, message)
      assert.match(st.reason, new RegExp(`\\[field=${field}\\]`))
    }
    const json = await client.createIndex({ collection_name: 'errs', field_name: 'meta', index_type: 'INVERTED' })
    assert.equal(json.code, 1101, 'a JSON index without json_cast_type')
    assert.match(json.reason, /json index must specify cast type/)
    assert.deepEqual((await client.listIndexes({ collection_name: 'errs' })).indexes, [])
  })
})
