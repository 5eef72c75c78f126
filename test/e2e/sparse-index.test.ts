// Sparse indexes through the embedded API: on several sealed segments (plus a growing one), every
// inverted_index_algo of SPARSE_INVERTED_INDEX / SPARSE_WAND answers exactly what the exact scan
// answered before the index existed and what a brute-force reference computes (ids and scores), with
// filters, deletes and a nullable field; describe/list/drop; Milvus's refusals; the index files are
// loaded, not rebuilt, after a reopen and give the same answers.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DataType, MilvusError } from '../../src/index.ts'
import { openTemp, rng } from '../support/temp-db.ts'

const ROWS = 2400
const DIMS = 800
type Sparse = Record<number, number>

function dot(a: Sparse, b: Sparse): number {
  let s = 0
  const keys = Object.keys(a).map(Number).sort((x, y) => x - y)
  for (const k of keys) if (b[k] !== undefined) s += Math.fround(a[k]!) * Math.fround(b[k]!)
  return s
}

/** Positive inner products, best first, ties by id: what Milvus's sparse search returns. */
function reference(rows: ReadonlyMap<number, Sparse | null>, q: Sparse, k: number, keep: (id: number) => boolean = () => true): [number, number][] {
  const hits: [number, number][] = []
  for (const [id, v] of rows) {
    if (v === null || !keep(id)) continue
    const s = Math.fround(dot(q, v))
    if (s > 0) hits.push([id, s])
  }
  return hits.sort((x, y) => y[1] - x[1] || x[0] - y[0]).slice(0, k)
}

describe('sparse indexes (embedded)', () => {
  let env: Awaited<ReturnType<typeof openTemp>>
  const next = rng(2606)
  const rows = new Map<number, Sparse>()
  const nullable = new Map<number, Sparse | null>()
  const randomSparse = (nnzMax: number): Sparse => {
    const v: Sparse = {}
    const n = 1 + Math.floor(next() * nnzMax)
    for (let i = 0; i < n; i++) v[Math.floor(DIMS * next() ** 2)] = Math.fround(0.05 + next() ** 2 * 3)
    return v
  }
  const queries = Array.from({ length: 12 }, () => randomSparse(20))
  const coll = () => env.client.collection('sp')
  const answer = async (q: Sparse, opts: Record<string, unknown> = {}) =>
    ((await coll().search(q, { annsField: 's', limit: 15, ...opts }))[0] ?? []).map((h) => [Number(h.id), h.score] as [number, number])

  before(async () => {
    env = await openTemp({ segmentRowsMax: 500 })
    const st = await env.client.createCollection({
      collection_name: 'sp',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'tag', data_type: DataType.Int64 },
        { name: 's', data_type: DataType.SparseFloatVector },
        { name: 'ns', data_type: DataType.SparseFloatVector, nullable: true },
      ],
    })
    assert.equal(st.code, 0, st.reason)
    const batch = []
    for (let id = 0; id < ROWS; id++) {
      const s = randomSparse(30)
      const ns = id % 4 === 0 ? null : randomSparse(10)
      rows.set(id, s)
      nullable.set(id, ns)
      batch.push({ id, tag: id % 7, s, ns })
    }
    // Batches of 250 into 500-row segments: several sealed segments, then a growing one.
    for (let i = 0; i < ROWS; i += 250) await coll().insert(batch.slice(i, i + 250))
  })
  after(() => env.cleanup())

  test('the exact scan (no index yet) equals the reference', async () => {
    for (const q of queries) assert.deepEqual(await answer(q), reference(rows, q, 15))
  })

  for (const [indexType, algo] of [['SPARSE_INVERTED_INDEX', 'DAAT_MAXSCORE'], ['SPARSE_WAND', undefined], ['SPARSE_INVERTED_INDEX', 'TAAT_NAIVE'], ['AUTOINDEX', undefined]] as const) {
    test(`${indexType} ${algo ?? '(default algo)'}: indexed sealed segments answer exactly, with filters`, async () => {
      const params = algo === undefined ? {} : { inverted_index_algo: algo }
      const st = await env.client.createIndex({ collection_name: 'sp', field_name: 's', index_name: 's_idx', index_type: indexType, metric_type: 'IP', params })
      assert.equal(st.code, 0, st.reason)
      await env.client.database.indexBuilds.idle()
      assert.deepEqual([...env.client.database.indexBuilds.failures], [])
      const sealed = [...env.client.database.state.collection('sp').segments.values()].filter((s) => s.state === 'sealed')
      assert.ok(sealed.length >= 4, 'several sealed segments')
      for (const s of sealed) assert.equal(s.vectorIndexes.get('s')?.index.spec.indexType, indexType === 'AUTOINDEX' ? 'SPARSE_INVERTED_INDEX' : indexType)
      for (const q of queries) {
        assert.deepEqual(await answer(q), reference(rows, q, 15))
        assert.deepEqual(await answer(q, { filter: 'tag in [1, 3]' }), reference(rows, q, 15, (id) => id % 7 === 1 || id % 7 === 3))
      }
      const d = (await env.client.describeIndex({ collection_name: 'sp', field_name: 's' })).index_descriptions[0] as Record<string, unknown>
      assert.equal(d.index_name, 's_idx')
      assert.equal(Number(d.indexed_rows), sealed.reduce((n, s) => n + s.rowCount, 0))
      const p = d.params as { key: string; value: string }[]
      assert.equal(p.find((x) => x.key === 'index_type')?.value, indexType, 'described as the user asked (Milvus keeps AUTOINDEX)')
      assert.equal(p.find((x) => x.key === 'metric_type')?.value, 'IP')
      assert.deepEqual((await env.client.listIndexes({ collection_name: 'sp' })).indexes, ['s_idx'])
      assert.equal((await env.client.dropIndex({ collection_name: 'sp', field_name: 's' })).code, 0)
      assert.equal((await env.client.describeIndex({ collection_name: 'sp', field_name: 's' })).status.code, 700)
    })
  }

  test('deletes, a nullable field, search parameters; reopen loads the index files', async () => {
    assert.equal((await env.client.createIndex({ collection_name: 'sp', field_name: 's', index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'IP', params: { inverted_index_algo: 'DAAT_WAND' } })).code, 0)
    assert.equal((await env.client.createIndex({ collection_name: 'sp', field_name: 'ns', index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'IP' })).code, 0)
    await env.client.database.indexBuilds.idle()
    const gone = new Set<number>()
    for (const q of queries.slice(0, 4)) for (const [id] of reference(rows, q, 3)) gone.add(id)
    await coll().delete({ filter: `id in [${[...gone].join(', ')}]` })
    for (const id of gone) rows.delete(id), nullable.delete(id)
    const check = async () => {
      for (const q of queries) {
        assert.deepEqual(await answer(q), reference(rows, q, 15))
        assert.deepEqual(await answer(q, { annsField: 'ns' }), reference(nullable, q, 15))
        const all = new Map(reference(rows, q, ROWS))
        const approx = await answer(q, { dropRatioSearch: 0.5, dimMaxScoreRatio: 0.8 })
        for (const [id, score] of approx) assert.ok(score > 0 && score <= all.get(id)!, `approximate hits count the kept terms (${id})`)
        const refined = await answer(q, { dropRatioSearch: 0.5, refineFactor: 50 })
        for (const [id, score] of refined) assert.equal(score, all.get(id), `refined hits have exact scores (${id})`)
      }
    }
    await check()
    await coll().flush()
    await env.client.database.indexBuilds.idle()
    const again = await env.reopen()
    await again.database.indexBuilds.idle()
    assert.equal(again.database.indexBuilds.builtCount, 0, 'indexes were loaded from their files, not rebuilt')
    await check()
    const d = (await again.describeIndex({ collection_name: 'sp', field_name: 's' })).index_descriptions[0] as Record<string, unknown>
    assert.equal((d.params as { key: string; value: string }[]).find((x) => x.key === 'index_type')?.value, 'SPARSE_INVERTED_INDEX')
  })

  test('refused as Milvus refuses: metric, BM25 without a function, algo, ratios; nothing is created', async () => {
    const refuse = async (req: Record<string, unknown>, re: RegExp) => {
      const st = await env.client.createIndex({ collection_name: 'sp', field_name: 'ns', index_name: 'bad', ...req })
      assert.equal(st.code, 1100, st.reason)
      assert.match(st.reason, re)
    }
    await env.client.dropIndex({ collection_name: 'sp', field_name: 'ns' })
    await refuse({ index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'L2' }, /only IP&BM25 is the supported metric type for sparse index/)
    await refuse({ index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'BM25' }, /only BM25 Function output field support BM25 metric type/)
    await refuse({ index_type: 'SPARSE_WAND', metric_type: 'IP', params: { inverted_index_algo: 'BLOCKMAX' } }, /sparse inverted index algo BLOCKMAX not found or not supported/)
    await refuse({ index_type: 'SPARSE_WAND', metric_type: 'IP', params: { drop_ratio_build: 1.5 } }, /drop_ratio_build must be in range \[0, 1\)/)
    await refuse({ index_type: 'HNSW', metric_type: 'IP' }, /data type SparseFloatVector can't build with this index HNSW/)
    assert.equal((await env.client.describeIndex({ collection_name: 'sp', field_name: 'ns' })).status.code, 700)
    for (const [opts, re] of [[{ dropRatioSearch: 1 }, /drop_ratio_search must be in range \[0, 1\)/], [{ dimMaxScoreRatio: 1.5 }, /dim_max_score_ratio must be in range \[0.5, 1.3\]/]] as const) {
      await assert.rejects(coll().search(queries[0]!, { annsField: 's', limit: 3, ...opts }), (e) => e instanceof MilvusError && e.code === 1100 && re.test(e.message))
    }
  })
})
