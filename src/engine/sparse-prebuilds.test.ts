// The posting lists of a BM25 output field are built as its segment seals, before any index is
// defined; the index defined later takes them (under its own spec) instead of building again: the
// same results as an index built the usual way, its spec in the index file, and nothing held for
// segments that go away.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { SparseRow } from '../column/column.ts'
import { takeJoinedBlock } from '../column/sparse-blocks.ts'
import { DataType, type Quiver } from '../index.ts'
import { SparseInvertedIndex } from '../index/sparse/sparse-inverted-index.ts'
import { openTemp } from '../../test/support/temp-db.ts'
import { PREBUILD_ROWS_MIN } from './sparse-prebuilds.ts'

const words = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'sigma', 'kappa', 'theta', 'lambda', 'zeta']
const rowCount = PREBUILD_ROWS_MIN + 500
const rows = Array.from({ length: rowCount }, (_, i) => ({ id: i, text: Array.from({ length: 2 + (i % 9) }, (_, j) => words[(i * 7 + j * j + (i >> 5)) % words.length]).join(' ') }))
const queries = ['alpha beta', 'omega', 'theta sigma kappa', 'delta delta gamma', 'zeta lambda alpha']

async function createDocs(c: Quiver, name: string): Promise<void> {
  const st = await c.createCollection({
    collection_name: name,
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'text', data_type: DataType.VarChar, max_length: 500, enable_analyzer: true },
      { name: 'sparse', data_type: DataType.SparseFloatVector },
    ],
    functions: [{ name: 'bm25', type: 1, input_field_names: ['text'], output_field_names: ['sparse'], params: {} }],
  })
  assert.equal(st.code, 0, st.reason)
}

const indexParams = (name: string) => ({ collection_name: name, field_name: 'sparse', index_type: 'SPARSE_WAND', metric_type: 'BM25', params: { inverted_index_algo: 'DAAT_WAND', bm25_k1: 1.5, bm25_b: 0.6 } })

async function search(c: Quiver, name: string): Promise<[string, number][][]> {
  const out: [string, number][][] = []
  for (const q of queries) {
    const res = await c.search({ collection_name: name, data: [q], anns_field: 'sparse', limit: 10, output_fields: [] })
    assert.equal(res.status.code, 0, res.status.reason)
    out.push((res.results as { id: string; score: number }[]).map((h) => [h.id, h.score]))
  }
  return out
}

test('an index defined after the seal takes the prebuilt lists: same results as a fresh build, its own spec, kept across a reopen', async () => {
  const env = await openTemp({ autoCompaction: false })
  try {
    const c = env.client
    const pre = c.database.indexBuilds.prebuilds
    // The usual order of Milvus's guide: index first, then the rows (no prebuild: the build runs at the seal).
    await createDocs(c, 'indexed_first')
    assert.equal((await c.createIndex(indexParams('indexed_first'))).code, 0)
    await c.collection('indexed_first').insert(rows)
    await c.collection('indexed_first').flush()
    await pre.idle()
    assert.equal(pre.startedCount, 0, 'a field with an index definition is built by the index build')

    await createDocs(c, 'indexed_after')
    await c.collection('indexed_after').insert(rows)
    await c.collection('indexed_after').flush()
    assert.equal(pre.startedCount, 1, 'the seal started a prebuild')
    await pre.idle()
    assert.equal(pre.heldCount, 1)
    assert.equal((await c.createIndex(indexParams('indexed_after'))).code, 0)
    await c.database.indexBuilds.idle()
    assert.equal(pre.heldCount, 0, 'the build took the lists')
    assert.equal(pre.startedCount, 1)
    const segment = c.database.state.collection('indexed_after').segmentsOf().find((s) => s.state === 'sealed' && s.rowCount > 0)!
    const index = segment.vectorIndexes.get('sparse')?.index
    assert.ok(index instanceof SparseInvertedIndex)
    assert.equal(index.algo, 'DAAT_WAND', "the definition's algorithm, not the prebuild's")
    assert.equal(index.spec.indexType, 'SPARSE_WAND')
    const want = await search(c, 'indexed_first')
    assert.equal(want.length, queries.length)
    assert.ok(want.every((hits) => hits.length === 10))
    assert.deepEqual(await search(c, 'indexed_after'), want)

    // The segment file was written from the rows the prebuild joined (`takeJoinedBlock`): the same rows come back.
    const rowsOf = (q: Quiver): [number[], number[]][] => {
      const seg = q.database.state.collection('indexed_after').segmentsOf().find((s) => s.state === 'sealed' && s.rowCount > 0)!
      return (seg.fields.get('sparse')!.view().values as SparseRow[]).slice(0, seg.rowCount).map((r) => [[...r.indices], [...r.values]])
    }
    const rowsBefore = rowsOf(c)
    // No joined copy outlives the builds (the segment file took the prebuild's; the index defined first made none to offer).
    for (const name of ['indexed_first', 'indexed_after']) {
      const seg = c.database.state.collection(name).segmentsOf().find((s) => s.state === 'sealed' && s.rowCount > 0)!
      assert.equal(takeJoinedBlock(seg.fields.get('sparse')!.view().values as SparseRow[], seg.rowCount), undefined, name)
    }
    // The index file holds the definition's spec: after a reopen the index decodes with it.
    const reopened = await env.reopen()
    assert.deepEqual(rowsOf(reopened), rowsBefore)
    const again = reopened.database.state.collection('indexed_after').segmentsOf().find((s) => s.state === 'sealed' && s.rowCount > 0)!
    await reopened.database.indexBuilds.idle()
    const decoded = again.vectorIndexes.get('sparse')?.index
    assert.ok(decoded instanceof SparseInvertedIndex)
    assert.equal(decoded.algo, 'DAAT_WAND')
    assert.equal(decoded.spec.indexType, 'SPARSE_WAND')
    assert.equal(reopened.database.indexBuilds.prebuilds.startedCount, 0, 'nothing to prebuild: every segment has its index')
    assert.deepEqual(await search(reopened, 'indexed_after'), want)
  } finally {
    await env.cleanup()
  }
})

test('prebuilt lists of a dropped collection are let go; small segments are not prebuilt', async () => {
  const env = await openTemp({ autoCompaction: false })
  try {
    const c = env.client
    const pre = c.database.indexBuilds.prebuilds
    await createDocs(c, 'small')
    await c.collection('small').insert(rows.slice(0, PREBUILD_ROWS_MIN - 1))
    await c.collection('small').flush()
    assert.equal(pre.startedCount, 0, 'below PREBUILD_ROWS_MIN the index build makes its lists')

    await createDocs(c, 'gone')
    await c.collection('gone').insert(rows)
    await c.collection('gone').flush()
    await pre.idle()
    assert.equal(pre.heldCount, 1)
    assert.equal((await c.dropCollection({ collection_name: 'gone' })).code, 0)
    c.database.indexBuilds.schedule()
    assert.equal(pre.heldCount, 0, 'the dropped collection\'s lists are released')
  } finally {
    await env.cleanup()
  }
})
