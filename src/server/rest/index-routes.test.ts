// indexes/create and collections/create read `indexParams` into engine index specs: identical specs
// count once, more distinct ones than a collection has fields is 1100, a missing fieldName 1802,
// the index type also from `params.index_type`.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { assertMilvusError } from '../../column/test-fixtures.ts'
import { limits } from '../../schema/limits.ts'
import { indexSpecsOf } from './index-routes.ts'

test('index specs: names, types, metric and params read; identical specs once', () => {
  const one = { fieldName: 'v', indexName: 'vi', indexType: 'HNSW', metricType: 'L2', params: { M: 8 } }
  assert.deepEqual(indexSpecsOf([one]), [{ fieldName: 'v', indexName: 'vi', indexType: 'HNSW', metricType: 'L2', params: { M: 8 } }])
  assert.deepEqual(indexSpecsOf([{ fieldName: 'a', metric_type: 'IP' }]), [{ fieldName: 'a', metricType: 'IP', params: {} }])
  assert.equal(indexSpecsOf(new Array(50_000).fill(one)).length, 1)
  assert.equal(indexSpecsOf([one, { ...one, fieldName: 'w' }]).length, 2)
})

test('index specs: more distinct ones than fieldCountMax is 1100; a missing fieldName 1802', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => ({ fieldName: `f${i}` }))
  assert.equal(indexSpecsOf(many(limits.fieldCountMax)).length, limits.fieldCountMax)
  assertMilvusError(() => indexSpecsOf(many(limits.fieldCountMax + 1)), 1100, `${limits.fieldCountMax + 1} distinct indexes`)
  assertMilvusError(() => indexSpecsOf([{ indexName: 'x' }]), 1802, 'fieldName')
})

test('index specs: the type from params.index_type when indexType is absent (Milvus REST v2), taken out of params', () => {
  const json = { fieldName: 'j', params: { index_type: 'INVERTED', json_path: 'j["a"]', json_cast_type: 'double' } }
  assert.deepEqual(indexSpecsOf([json]), [{ fieldName: 'j', indexType: 'INVERTED', params: { json_path: 'j["a"]', json_cast_type: 'double' } }])
  assert.deepEqual(indexSpecsOf([{ fieldName: 'v', indexType: 'HNSW', params: { index_type: 'IVF_FLAT', M: 8 } }]), [{ fieldName: 'v', indexType: 'HNSW', params: { M: 8 } }])
})
