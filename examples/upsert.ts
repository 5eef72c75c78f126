/**
 * The Milvus "Upsert Entities" guide, end to end, on embedded Quiver: create a collection, insert,
 * upsert (also into a partition), read back, flush, reopen. Run: `npm start`.
 */
import { rmSync } from 'node:fs'
import { DataType, MilvusError, Quiver } from '../src/index.ts'

const path = process.env.QUIVER_DATA ?? './quiver-data'
rmSync(path, { recursive: true, force: true })
const client = await Quiver.open({ path })

await client.createCollection({
  collection_name: 'book',
  fields: [
    { name: 'book_id', data_type: DataType.Int64, is_primary_key: true },
    { name: 'book_name', data_type: DataType.VarChar, max_length: 200 },
    { name: 'word_count', data_type: DataType.Int64, default_value: 1000 },
    { name: 'book_intro', data_type: DataType.FloatVector, dim: 8 },
  ],
})
const book = client.collection('book')
const vector = (seed: number) => Array.from({ length: 8 }, (_, i) => Math.sin(seed * 8 + i))

// 1. Insert ten books (word_count omitted for book 9: it takes its default value).
const rows = Array.from({ length: 10 }, (_, i) => ({
  book_id: i,
  book_name: `Book ${i}`,
  ...(i === 9 ? {} : { word_count: 100 * i }),
  book_intro: vector(i),
}))
let mr = await book.insert(rows)
console.log('insert', { insertCount: mr.insertCount, primaryKeys: mr.primaryKeys })

// 2. Upsert: books 8 and 9 are replaced, 10 and 11 are new. Honest counts.
mr = await book.upsert([8, 9, 10, 11].map((i) => ({ book_id: i, book_name: `Book ${i} (2nd edition)`, word_count: 9999, book_intro: vector(i + 100) })))
console.log('upsert', { insertCount: mr.insertCount, deleteCount: mr.deleteCount, upsertCount: mr.upsertCount, timestamp: mr.timestamp })

// 3. Upsert into a partition: the key is unique per collection, so book 3 moves to 'comedy'.
await client.createPartition({ collection_name: 'book', partition_name: 'comedy' })
mr = await book.partition('comedy').upsert({ book_id: 3, book_name: 'A Funny Book', word_count: 42, book_intro: vector(3) })
console.log('partition upsert', { insertCount: mr.insertCount, deleteCount: mr.deleteCount })
console.log('comedy holds', await book.partition('comedy').query({ outputFields: ['book_name'] }))

// 4. Reads see one snapshot: count(*) is live rows; get returns the new versions.
console.log('count(*) =', await book.count())
console.log('get 8, 9', await book.get([8, 9], { outputFields: ['book_name', 'word_count'] }))

// 5. Search (exact, over growing and sealed segments alike).
const hits = await book.search(vector(10), { limit: 3, outputFields: ['book_name'], metric: 'L2' })
console.log('search', hits[0]!.map((h) => ({ id: h.id, score: h.score, name: h.row.book_name })))

// 6. Errors change nothing and say what is wrong.
try {
  await book.upsert([{ book_id: 1, book_name: 'x', book_intro: vector(1) }, { book_id: 1, book_name: 'y', book_intro: vector(2) }])
} catch (e) {
  if (e instanceof MilvusError) console.log('rejected:', e.code, e.message)
}

// 7. The SDK-shaped API works on the same database.
const res = await client.upsert({ collection_name: 'book', data: [{ book_id: 12, book_name: 'SDK', word_count: 1, book_intro: vector(12) }] })
console.log('SDK upsert', { upsert_cnt: res.upsert_cnt, insert_cnt: res.insert_cnt, IDs: res.IDs })

// 8. flush seals the growing segments into files; reopen recovers everything.
await book.flush()
await client.close()
const again = await Quiver.open({ path })
console.log('after reopen count(*) =', await again.collection('book').count())
await again.close()
