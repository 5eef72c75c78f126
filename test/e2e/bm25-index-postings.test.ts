// BM25 search and the sparse index of its output field share one set of posting lists: a segment
// searched before its index exists scores from lists of its own, which it drops for the index's once
// built (same results); a segment indexed first never builds its own. Results equal before and after.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DataType } from '../../src/index.ts'
import { SparseInvertedIndex } from '../../src/index/sparse/sparse-inverted-index.ts'
import { bm25Segment } from '../../src/query/bm25-segment.ts'
import { openTemp } from '../support/temp-db.ts'

const words = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'sigma', 'kappa', 'theta']

test('BM25 search moves to the index postings once built, with the same results', async () => {
  const env = await openTemp({ autoCompaction: false })
  try {
    const c = env.client
    await c.createCollection({
      collection_name: 'docs',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'text', data_type: DataType.VarChar, max_length: 500, enable_analyzer: true },
        { name: 'sparse', data_type: DataType.SparseFloatVector },
      ],
      functions: [{ name: 'bm25', type: 1, input_field_names: ['text'], output_field_names: ['sparse'], params: {} }],
    })
    const rows = Array.from({ length: 600 }, (_, i) => ({ id: i, text: Array.from({ length: 3 + (i % 7) }, (_, j) => words[(i * 7 + j * j) % words.length]).join(' ') }))
    await c.collection('docs').insert(rows)
    await c.collection('docs').flush()
    const search = async (q: string) => (await c.search({ collection_name: 'docs', data: [q], anns_field: 'sparse', limit: 10, output_fields: [] })).results.map((h) => { const hit = h as { id: string; score: number }; return [hit.id, hit.score] })
    const queries = ['alpha beta', 'omega', 'theta sigma kappa', 'delta delta gamma']
    const before = []
    for (const q of queries) before.push(await search(q))
    const segment = c.database.state.collection('docs').segmentsOf().find((s) => s.state === 'sealed' && s.rowCount > 0)!
    const own = bm25Segment(segment, 'sparse').postings
    assert.equal(segment.vectorIndexes.get('sparse'), undefined, 'no index yet: the view built its own lists')

    await c.createIndex({ collection_name: 'docs', field_name: 'sparse', index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'BM25', params: {} })
    await c.database.indexBuilds.idle()
    const index = segment.vectorIndexes.get('sparse')?.index
    assert.ok(index instanceof SparseInvertedIndex)
    const after = []
    for (const q of queries) after.push(await search(q))
    assert.deepEqual(after, before)
    const view = bm25Segment(segment, 'sparse')
    assert.notEqual(view.postings, own)
    assert.equal(view.postings, index.postingLists(), 'the view reads the index lists')
    assert.deepEqual([...view.postings.dims], [...own.dims])
  } finally {
    await env.cleanup()
  }
})
