// RRFRanker / WeightedRanker exported from quiverdb build the SDK's objects, and a hybrid search
// through the embedded SDK-style API fuses with them.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { RRFRanker as SdkRRF, WeightedRanker as SdkWeighted } from '@zilliz/milvus2-sdk-node'
import { DataType, RRFRanker, WeightedRanker } from '../index.ts'
import { openTemp } from '../../test/support/temp-db.ts'

test('RRFRanker and WeightedRanker are the SDK objects', () => {
  assert.deepEqual(RRFRanker(), SdkRRF())
  assert.deepEqual(RRFRanker(10), SdkRRF(10))
  assert.deepEqual(WeightedRanker([0.3, 0.7]), SdkWeighted([0.3, 0.7]))
})

test('hybridSearch fuses two vector fields with RRFRanker and WeightedRanker from quiverdb', async () => {
  const db = await openTemp()
  const client = db.client
  {
    try {
      await client.createCollection({
        collection_name: 'h',
        fields: [
          { name: 'id', data_type: DataType.Int64, is_primary_key: true },
          { name: 'a', data_type: DataType.FloatVector, dim: 2 },
          { name: 'b', data_type: DataType.FloatVector, dim: 2 },
        ],
      })
      // Row 1 is nearest on `a`, row 2 on `b`, row 3 second on both.
      const data = [
        { id: 1, a: [1, 0], b: [-1, 0] },
        { id: 2, a: [-1, 0], b: [1, 0] },
        { id: 3, a: [0.9, 0.5], b: [0.9, 0.5] },
      ]
      await client.insert({ collection_name: 'h', data })
      const search = (rerank: unknown, perRequest = 3) =>
        client.hybridSearch({
          collection_name: 'h',
          data: [
            { data: [[1, 0]], anns_field: 'a', params: {}, limit: perRequest },
            { data: [[1, 0]], anns_field: 'b', params: {}, limit: perRequest },
          ],
          rerank,
          limit: 3,
          output_fields: ['id'],
        })
      const ids = (r: Awaited<ReturnType<typeof search>>) => (r.results as { id: string }[]).map((h) => String(h.id))
      // Top 2 per field: 1 and 3 on `a`, 2 and 3 on `b`; 3 scores 2/62, 1 and 2 score 1/61 each.
      const rrf = await search(RRFRanker(60), 2)
      assert.equal(rrf.status.error_code, 'Success', rrf.status.reason)
      assert.equal(ids(rrf)[0], '3', 'second on both beats first on one under RRF')
      assert.deepEqual(ids(rrf).slice(1).sort(), ['1', '2'])
      const onlyA = await search(WeightedRanker([1, 0]))
      assert.deepEqual(ids(onlyA), ['1', '3', '2'])
      const onlyB = await search(WeightedRanker([0, 1]))
      assert.deepEqual(ids(onlyB), ['2', '3', '1'])
    } finally {
      await db.cleanup()
    }
  }
})
