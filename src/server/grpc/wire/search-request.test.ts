// Search requests as the SDKs send them are read into the engine's specs: placeholder groups of each
// vector kind (encoded here with the same descriptor), both search_params forms, filter templates,
// hybrid rank params; features the engine lacks answer 3000.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { assertMilvusError } from '../../../column/test-fixtures.ts'
import { loadMilvusProto } from '../milvus-proto.ts'
import { decodePlaceholderGroup, placeholderValueCount } from './placeholder-group.ts'
import { encodeSparseRow } from './sparse-bytes.ts'
import { hybridSpecOf, searchIteratorOf, searchKeysOf, searchSpecOf } from './search-request.ts'
import { templateValuesOf } from './template-values.ts'

function placeholders(type: number, values: Uint8Array[]): Uint8Array {
  const t = loadMilvusProto().root.lookupType('milvus.proto.common.PlaceholderGroup')
  return t.encode(t.create({ placeholders: [{ tag: '$0', type, values }] })).finish()
}

const f32 = (xs: number[]) => new Uint8Array(Float32Array.from(xs).buffer)
const kv = (o: Record<string, string>) => Object.entries(o).map(([key, value]) => ({ key, value }))

describe('placeholder groups', () => {
  test('float, binary, float16 and sparse query vectors', () => {
    assert.deepEqual(decodePlaceholderGroup(placeholders(101, [f32([1, 2]), f32([3, 4])])), [Float32Array.of(1, 2), Float32Array.of(3, 4)])
    assert.deepEqual(decodePlaceholderGroup(placeholders(100, [Uint8Array.of(255, 1)])), [Uint8Array.of(255, 1)])
    assert.deepEqual(decodePlaceholderGroup(placeholders(102, [Uint8Array.of(0x00, 0x3c)])), [Uint16Array.of(0x3c00)])
    assert.deepEqual(decodePlaceholderGroup(placeholders(104, [encodeSparseRow({ 3: 0.5, 10: 2 })])), [{ indices: [3, 10], values: [0.5, 2] }])
  })

  test('more query vectors than nq allows are refused before decoding (a million empty ones in well under a second)', () => {
    const t = loadMilvusProto().root.lookupType('milvus.proto.common.PlaceholderGroup')
    const one = t.encode(t.create({ placeholders: [{ tag: '$0', type: 101, values: [new Uint8Array(0)] }] })).finish()
    // A placeholder record is `0a <len> 0a 02 "$0" 10 65 1a 00`: repeat its `values` record (1a 00) a million times.
    const head = Buffer.from([0x0a, 0x02, 0x24, 0x30, 0x10, 0x65])
    const body = Buffer.concat([head, Buffer.alloc(2_000_000, Buffer.from([0x1a, 0x00]))])
    const len: number[] = []
    for (let n = body.length; ; n = Math.floor(n / 128)) {
      len.push(n < 128 ? n : (n & 0x7f) | 0x80)
      if (n < 128) break
    }
    const group = Buffer.concat([Buffer.from([0x0a, ...len]), body])
    assert.equal(placeholderValueCount(one), 1)
    assert.equal(placeholderValueCount(group), 1_000_000)
    const started = performance.now()
    assertMilvusError(() => decodePlaceholderGroup(group), 1100, 'nq (1000000) should be in range [1, 16384]')
    assert.ok(performance.now() - started < 500, `took ${performance.now() - started} ms`)
    assert.equal(placeholderValueCount(Uint8Array.of(0x0a, 0xff)), 0)
  })

  test('malformed bytes are 1100; VarChar placeholders are UTF-8 query texts; Int8Vector ones are signed bytes', () => {
    assertMilvusError(() => decodePlaceholderGroup(Uint8Array.of(0x0a, 0xff)), 1100, 'PlaceholderGroup')
    assertMilvusError(() => decodePlaceholderGroup(placeholders(101, [Uint8Array.of(1, 2, 3)])), 1100, 'not a multiple of 4')
    assert.deepEqual(decodePlaceholderGroup(placeholders(21, [Uint8Array.of(65), new TextEncoder().encode('中文 text')])), ['A', '中文 text'])
    assert.deepEqual(decodePlaceholderGroup(placeholders(105, [Uint8Array.of(1, 255)])), [Int8Array.of(1, -1)])
  })
})

describe('search requests', () => {
  const group = placeholders(101, [f32([1, 0])])

  test('the new form: params JSON, flattened keys, topk, offset', () => {
    const spec = searchSpecOf({
      placeholder_group: group,
      dsl: 'age > {a}',
      output_fields: ['*'],
      partition_names: [],
      expr_template_values: { a: { int64_val: '9007199254740993', val: 'int64_val' } },
      search_params: kv({ anns_field: 'vec', params: '{"ef":16,"radius":0.5,"range_filter":0.9}', topk: '2', offset: '1', metric_type: 'L2', ignore_growing: 'False', ef: '16' }),
    })
    assert.deepEqual(
      { ...spec, vectors: undefined },
      { vectors: undefined, annsField: 'vec', metric: 'L2', limit: 2, offset: 1, radius: 0.5, rangeFilter: 0.9, ef: 16, filter: 'age > {a}', params: { a: 9007199254740993n }, outputFields: ['*'] },
    )
  })

  test('the old form: search_params passed through, nprobe and round_decimal; no metric means the index metric', () => {
    const spec = searchSpecOf({ placeholder_group: group, dsl: '', search_params: kv({ anns_field: 'vec', topk: '3', params: '{"nprobe":8}', round_decimal: '2' }) })
    assert.equal(spec.metric, undefined)
    assert.equal(spec.nprobe, 8)
    assert.equal(spec.roundDecimal, 2)
    assert.equal(spec.limit, 3)
    assert.equal(spec.filter, undefined)
  })

  test('grouping is read from the pairs or the params JSON; iterator v2 pages from either; bad numbers 1100', () => {
    const grouped = searchSpecOf({ placeholder_group: group, search_params: kv({ group_by_field: 'x', group_size: '2', strict_group_size: 'True' }) })
    assert.equal(grouped.groupByField, 'x')
    assert.equal(grouped.groupSize, 2)
    assert.equal(grouped.strictGroupSize, true)
    const fromJson = searchSpecOf({ placeholder_group: group, search_params: kv({ params: '{"group_by_field":"y","group_size":3}' }) })
    assert.equal(fromJson.groupByField, 'y')
    assert.equal(fromJson.groupSize, 3)
    assert.equal(searchSpecOf({ placeholder_group: group }).groupByField, undefined)
    assert.equal(searchIteratorOf({ placeholder_group: group, search_params: kv({ iterator: 'True', topk: '5' }) }), undefined)
    assert.deepEqual(searchIteratorOf({ search_params: kv({ iterator: 'True', search_iter_v2: 'True', search_iter_batch_size: '5' }) }), { batchSize: 5, token: undefined, lastBound: undefined })
    assert.deepEqual(searchIteratorOf({ search_params: kv({ params: '{"search_iter_v2":true,"search_iter_batch_size":7,"search_iter_id":"t","search_iter_last_bound":0.5}' }) }), { batchSize: 7, token: 't', lastBound: 0.5 })
    assertMilvusError(() => searchIteratorOf({ search_params: kv({ search_iter_v2: 'True', search_iter_batch_size: 'x' }) }), 1100, 'search_iter_batch_size')
    assertMilvusError(() => searchSpecOf({ placeholder_group: group, search_params: kv({ topk: 'ten' }) }), 1100, 'topk')
    assertMilvusError(() => searchSpecOf({ placeholder_group: group, search_params: kv({ params: '{bad' }) }), 1100, 'params')
  })

  test('ignore_growing is accepted; search by ids yields the keys and no vectors', () => {
    assert.equal(searchSpecOf({ placeholder_group: group, search_params: kv({ ignore_growing: 'True', topk: '3' }) }).limit, 3)
    const byIds = { search_input: 'ids', ids: { int_id: { data: ['1', '9007199254740993'] } }, search_params: kv({ anns_field: 'vec' }) }
    assert.deepEqual(searchKeysOf(byIds), ['1', '9007199254740993'])
    assert.deepEqual(searchSpecOf(byIds).vectors, [])
    assert.deepEqual(searchKeysOf({ search_input: 'ids', ids: { str_id: { data: ['a'] } } }), ['a'])
    assert.equal(searchKeysOf({ placeholder_group: group }), undefined)
    assertMilvusError(() => searchKeysOf({ search_input: 'ids', ids: { int_id: { data: [] } } }), 1100, 'ids')
    // Each key is a query: more than nq allows is refused before any vector is fetched.
    assert.equal(searchKeysOf({ search_input: 'ids', ids: { int_id: { data: new Array(16_384).fill('1') } } })?.length, 16_384)
    assertMilvusError(() => searchKeysOf({ search_input: 'ids', ids: { int_id: { data: new Array(1_000_000).fill('1') } } }), 1100, 'nq (1000000) should be in range [1, 16384]')
  })

  test('hybrid: sub-requests and rank params (rrf default, weighted)', () => {
    const sub = { placeholder_group: group, dsl: 'x > 1', search_params: kv({ anns_field: 'vec', topk: '5', params: '{}' }) }
    const rrf = hybridSpecOf({ requests: [sub, sub], rank_params: kv({ strategy: 'rrf', params: '{"k":30}', limit: '2', offset: '0', round_decimal: '-1' }), output_fields: ['id'] })
    assert.deepEqual(rrf.rerank, { strategy: 'rrf', k: 30 })
    assert.equal(rrf.limit, 2)
    assert.equal(rrf.requests[0]!.limit, 5)
    assert.equal(rrf.requests[1]!.filter, 'x > 1')
    const weighted = hybridSpecOf({ requests: [sub], rank_params: kv({ strategy: 'weighted', params: '{"weights":[0.7]}', limit: '1' }) })
    assert.deepEqual(weighted.rerank, { strategy: 'weighted', weights: [0.7] })
    assert.deepEqual(hybridSpecOf({ requests: [sub], rank_params: [] }).rerank, { strategy: 'rrf', k: 60 })
    // Rerank functions (function_score): rrf / weighted / decay fuse a hybrid search; model rerankers and unknown ones are refused.
    const fn = (params: Record<string, string>, inputs: string[] = []) => ({ functions: [{ name: 'f', type: 'Rerank', input_field_names: inputs, params: kv(params) }] })
    assert.deepEqual(hybridSpecOf({ requests: [sub, sub], function_score: fn({ reranker: 'rrf', k: '20' }) }).rerank, { strategy: 'rrf', k: 20 })
    assert.deepEqual(hybridSpecOf({ requests: [sub, sub], function_score: fn({ reranker: 'weighted', weights: '[0.2,0.8]' }) }).rerank, { strategy: 'weighted', weights: [0.2, 0.8] })
    assert.deepEqual(hybridSpecOf({ requests: [sub], function_score: fn({ reranker: 'decay', function: 'gauss', origin: '0', scale: '1' }, ['x']) }).rerank, { strategy: 'decay', decay: { field: 'x', function: 'gauss', origin: 0, scale: 1 } })
    assertMilvusError(() => hybridSpecOf({ requests: [sub], function_score: fn({ reranker: 'model', provider: 'tei' }) }), 3000, 'external inference')
    assertMilvusError(() => hybridSpecOf({ requests: [sub], function_score: { functions: [{ name: 'f' }] } }), 1100, 'unsupported reranker')
    assertMilvusError(() => hybridSpecOf({ requests: [sub], function_score: fn({ reranker: 'weighted', weights: '0.5' }) }), 1100, 'JSON list')
    const decayed = searchSpecOf({ ...sub, function_score: fn({ reranker: 'decay', function: 'exp', origin: '10', scale: '5', offset: '1', decay: '0.3' }, ['price']) })
    assert.deepEqual(decayed.decay, { field: 'price', function: 'exp', origin: 10, scale: 5, offset: 1, decay: 0.3 })
    assertMilvusError(() => searchSpecOf({ ...sub, function_score: fn({ reranker: 'decay', function: 'exp', scale: '5' }, ['price']) }), 1100, 'origin is missing')
    assertMilvusError(() => searchSpecOf({ ...sub, function_score: fn({ reranker: 'decay', origin: '1', scale: '5' }, ['a', 'b']) }), 1100, 'exactly one input field')
    assertMilvusError(() => searchSpecOf({ ...sub, function_score: fn({ reranker: 'rrf' }) }), 1100, 'hybrid search')
    // Grouping is refused in a hybrid search (top level or in a sub-request), never ignored.
    assertMilvusError(() => hybridSpecOf({ requests: [sub], rank_params: kv({ strategy: 'rrf', group_by_field: 'x' }) }), 3000, 'group_by_field')
    const groupedSub = { ...sub, search_params: kv({ anns_field: 'vec', topk: '5', params: '{}', group_by_field: 'x' }) }
    assertMilvusError(() => hybridSpecOf({ requests: [groupedSub] }), 3000, 'group_by_field')
  })

  test('template values: scalars, lists of each kind, nested lists', () => {
    const values = templateValuesOf({
      b: { val: 'bool_val', bool_val: true },
      f: { val: 'float_val', float_val: 1.5 },
      s: { val: 'string_val', string_val: 'x' },
      l: { val: 'array_val', array_val: { data: 'long_data', long_data: { data: ['1', '-2'] } } },
      n: { val: 'array_val', array_val: { data: 'array_data', array_data: { data: [{ data: 'string_data', string_data: { data: ['a'] } }] } } },
      j: { val: 'array_val', array_val: { data: 'json_data', json_data: { data: [Buffer.from('{"k":1}')] } } },
    })
    assert.deepEqual(values, { b: true, f: 1.5, s: 'x', l: [1n, -2n], n: [['a']], j: [{ k: 1 }] })
    assert.equal(templateValuesOf({}), undefined)
    assertMilvusError(() => templateValuesOf({ x: { val: 'bytes_val', bytes_val: Buffer.from([1]) } }), 3000, '{x}')
  })
})
