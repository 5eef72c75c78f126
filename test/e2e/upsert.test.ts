// The upsert guide's promises through the public API: honest counts, atomic batches, keys unique per
// collection (also across partitions), defaults and nullable, autoID, partial update, errors that
// change nothing. Each test opens a fresh embedded database in a temp directory.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType, MilvusError, type Quiver } from '../../src/index.ts'
import { openTemp } from '../support/temp-db.ts'

const vec = (x: number) => [x, x + 1, x + 2, x + 3]

async function bookCollection(client: Quiver, name = 'book', extra: Record<string, unknown>[] = []) {
  const st = await client.createCollection({
    collection_name: name,
    fields: [
      { name: 'book_id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'title', data_type: 'VarChar', max_length: 20 },
      { name: 'words', data_type: DataType.Int64, default_value: 7 },
      { name: 'rating', data_type: DataType.Float, nullable: true },
      { name: 'intro', data_type: DataType.FloatVector, dim: 4 },
      ...extra,
    ],
  })
  assert.equal(st.code, 0, st.reason)
  return client.collection(name)
}

async function rejects(p: Promise<unknown>, code: number, message: RegExp): Promise<MilvusError> {
  try {
    await p
  } catch (e) {
    assert.ok(e instanceof MilvusError, `expected MilvusError, got ${String(e)}`)
    assert.equal(e.code, code, e.message)
    assert.match(e.message, message)
    return e
  }
  assert.fail('expected a rejection')
}

describe('upsert', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  before(async () => {
    env = await openTemp()
  })
  after(() => env.cleanup())

  test('counts are honest: new keys are inserts, existing keys are replaced', async () => {
    const book = await bookCollection(env.client, 'counts')
    const first = await book.upsert([1, 2, 3].map((i) => ({ book_id: i, title: `t${i}`, intro: vec(i) })))
    assert.deepEqual([first.insertCount, first.deleteCount, first.upsertCount], [3, 0, 3])
    assert.deepEqual(first.primaryKeys, [1n, 2n, 3n])
    assert.deepEqual(first.succIndex, [0, 1, 2])
    assert.equal(typeof first.timestamp, 'bigint')
    const second = await book.upsert([2, 3, 4].map((i) => ({ book_id: i, title: `new${i}`, intro: vec(i) })))
    assert.deepEqual([second.insertCount, second.deleteCount, second.upsertCount], [1, 2, 3])
    assert.ok(second.timestamp > first.timestamp)
    assert.equal(await book.count(), 4)
    const rows = await book.get([2, 3, 4], { outputFields: ['title'] })
    assert.deepEqual(rows.map((r) => r.title), ['new2', 'new3', 'new4'])
  })

  test('a key is unique per collection: upsert into another partition moves it', async () => {
    const book = await bookCollection(env.client, 'moves')
    await env.client.createPartition({ collection_name: 'moves', partition_name: 'comedy' })
    await book.upsert({ book_id: 10, title: 'plain', intro: vec(1) })
    const r = await book.partition('comedy').upsert({ book_id: 10, title: 'funny', intro: vec(2) })
    assert.deepEqual([r.insertCount, r.deleteCount], [0, 1])
    assert.equal(await book.count(), 1)
    assert.deepEqual(await book.partition('comedy').query({ outputFields: ['title'] }), [{ book_id: 10n, title: 'funny' }])
    assert.deepEqual(await book.partition('_default').query({}), [])
    const hits = await book.search(vec(2), { limit: 10, metric: 'L2' })
    assert.equal(hits[0]!.length, 1, 'the old version is never found')
  })

  test('duplicate keys in one batch are rejected and nothing is written', async () => {
    const book = await bookCollection(env.client, 'dups')
    await rejects(book.upsert([{ book_id: 1, title: 'a', intro: vec(1) }, { book_id: 1, title: 'b', intro: vec(2) }]), 1100, /duplicate primary keys are not allowed in the same batch/)
    assert.equal(await book.count(), 0)
  })

  test('insert of an existing key is rejected naming the key; upsert replaces it', async () => {
    const book = await bookCollection(env.client, 'ins')
    await book.insert([{ book_id: 5, title: 'a', intro: vec(1) }])
    await rejects(book.insert([{ book_id: 6, title: 'b', intro: vec(1) }, { book_id: 5, title: 'c', intro: vec(1) }]), 1100, /use upsert.*\[5\]/)
    assert.equal(await book.count(), 1, 'the whole batch was rejected, key 6 too')
    await book.upsert([{ book_id: 5, title: 'c', intro: vec(1) }])
    assert.deepEqual((await book.get([5], { outputFields: ['title'] }))[0]?.title, 'c')
  })

  test('defaults and nullable fill omitted values; a missing required value names field and row', async () => {
    const book = await bookCollection(env.client, 'defaults')
    await book.upsert([{ book_id: 1, title: 'a', intro: vec(1) }, { book_id: 2, title: 'b', words: 3, rating: 4.5, intro: vec(2) }])
    const rows = await book.query({ filter: 'book_id >= 1', outputFields: ['words', 'rating'] })
    assert.deepEqual(rows, [
      { book_id: 1n, words: 7n, rating: null },
      { book_id: 2n, words: 3n, rating: 4.5 },
    ])
    const e = await rejects(book.upsert([{ book_id: 3, title: 'x', intro: vec(1) }, { book_id: 4, intro: vec(1) }]), 1100, /title/)
    assert.match(e.message, /row 1/)
    assert.equal(await book.count(), 2)
  })

  test('type errors name the field and the row, and change nothing', async () => {
    const book = await bookCollection(env.client, 'types')
    await rejects(book.upsert([{ book_id: 1, title: 'ok', intro: vec(1) }, { book_id: 2, title: 'x'.repeat(21), intro: vec(1) }]), 1100, /title/)
    await rejects(book.upsert([{ book_id: 1, title: 'ok', intro: [1, 2, 3] }]), 1100, /dim/)
    await rejects(book.upsert([{ book_id: 1, title: 'ok', intro: [1, 2, 3, Number.NaN] }]), 1100, /intro/)
    await rejects(book.upsert([{ book_id: 'abc', title: 'ok', intro: vec(1) }]), 1100, /book_id/)
    assert.equal(await book.count(), 0)
  })

  test('partial update merges given fields into the stored row', async () => {
    const book = await bookCollection(env.client, 'partial')
    await book.upsert([{ book_id: 1, title: 'a', words: 10, rating: 1, intro: vec(1) }])
    const r = await book.upsert([{ book_id: 1, rating: 2 }], { partialUpdate: true })
    assert.deepEqual([r.insertCount, r.deleteCount, r.upsertCount], [0, 1, 1])
    const [row] = await book.get([1], { outputFields: ['*'] })
    assert.deepEqual(row, { book_id: 1n, title: 'a', words: 10n, rating: 2, intro: vec(1) })
    await rejects(book.upsert([{ book_id: 2, rating: 2 }], { partialUpdate: true }), 1100, /title|intro/)
  })

  test('autoID: insert allocates keys; upsert keeps existing keys and rejects unknown ones', async () => {
    await env.client.createCollection({
      collection_name: 'auto',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: true },
        { name: 'v', data_type: DataType.FloatVector, dim: 4 },
      ],
    })
    const auto = env.client.collection('auto')
    const ins = await auto.insert([{ v: vec(1) }, { v: vec(2) }])
    assert.equal(ins.primaryKeys.length, 2)
    assert.notEqual(ins.primaryKeys[0], ins.primaryKeys[1])
    const key = ins.primaryKeys[0] as bigint
    const up = await auto.upsert([{ id: key, v: vec(9) }])
    assert.deepEqual(up.primaryKeys, [key])
    assert.deepEqual((await auto.get([key], { outputFields: ['v'] }))[0]?.v, vec(9))
    await rejects(auto.upsert([{ id: 12345, v: vec(1) }]), 1100, /12345/)
    assert.equal(await auto.count(), 2)
  })

  test('delete by ids and by filter counts the rows actually deleted', async () => {
    const book = await bookCollection(env.client, 'del')
    await book.upsert([1, 2, 3, 4].map((i) => ({ book_id: i, title: `t${i}`, intro: vec(i) })))
    assert.equal((await book.delete([1, 2, 99])).deleteCount, 2)
    assert.equal((await book.delete([1])).deleteCount, 0)
    assert.equal((await book.delete('book_id >= 4')).deleteCount, 1)
    assert.deepEqual((await book.query({ filter: 'book_id >= 0' })).map((r) => r.book_id), [3n])
  })

  test('every data form gives the same rows', async () => {
    const forms: [string, unknown][] = [
      ['rows', [{ book_id: 1, title: 'a', intro: vec(1) }, { book_id: 2, title: 'b', intro: vec(2) }]],
      ['columnar', { book_id: [1, 2], title: ['a', 'b'], intro: new Float32Array([...vec(1), ...vec(2)]) }],
      ['columns', [[1n, 2n], ['a', 'b'], [7, 7], [null, null], [vec(1), vec(2)]]],
    ]
    for (const [name, data] of forms) {
      const book = await bookCollection(env.client, `form_${name}`)
      await book.upsert(data)
      assert.deepEqual(await book.query({ filter: 'book_id >= 0', outputFields: ['*'] }), [
        { book_id: 1n, title: 'a', words: 7n, rating: null, intro: vec(1) },
        { book_id: 2n, title: 'b', words: 7n, rating: null, intro: vec(2) },
      ], name)
    }
  })

  test('unknown collection and partition are 100 and 200', async () => {
    assert.throws(() => env.client.collection('nope'), (e) => e instanceof MilvusError && e.code === 100 && /collection not found/.test(e.message))
    const book = await bookCollection(env.client, 'parts')
    await rejects(book.partition('nope').upsert({ book_id: 1, title: 'a', intro: vec(1) }), 200, /partition not found\[partition=nope\]/)
  })
})
