// validateIndexSpec / validateSearchParams follow Milvus's names, ranges and defaults: every bad value
// is a MilvusError 1100 that names the parameter and the allowed range; AUTOINDEX and metrics resolve.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ErrorCode, MilvusError } from '../errors/errors.ts'
import { type RawIndexSpec, validateIndexSpec, validateSearchParams } from './index-spec.ts'

const float = (indexType: unknown, params: Record<string, unknown> = {}, metric: unknown = 'L2'): RawIndexSpec => ({
  indexType,
  metric,
  params,
  dim: 128,
  fieldKind: 'float',
})

function rejects(raw: RawIndexSpec, ...fragments: string[]): void {
  assert.throws(
    () => validateIndexSpec(raw),
    (e: unknown) => e instanceof MilvusError && e.code === ErrorCode.ParameterInvalid && fragments.every((f) => e.message.includes(f)),
  )
}

test('defaults are filled in (knowhere: M 30, efConstruction 360, nlist 128, nbits 8)', () => {
  assert.deepEqual(validateIndexSpec(float('HNSW')).params, { M: 30, efConstruction: 360 })
  assert.deepEqual(validateIndexSpec(float('IVF_FLAT')).params, { nlist: 128 })
  assert.deepEqual(validateIndexSpec(float('ivf_pq', { m: 16 })).params, { nlist: 128, m: 16, nbits: 8 })
  assert.deepEqual(validateIndexSpec(float('FLAT', { M: 4 })).params, {})
})

test('integer strings are accepted as the SDKs send them; unknown parameters are ignored', () => {
  assert.deepEqual(validateIndexSpec(float('HNSW', { M: '16', efConstruction: '200', foo: 'bar' })).params, { M: 16, efConstruction: 200 })
})

test('ranges are checked at both ends and the error names the parameter and the range', () => {
  rejects(float('HNSW', { M: 1 }), "'M'", '[2, 2048]')
  rejects(float('HNSW', { M: 2049 }), "'M'", '[2, 2048]')
  validateIndexSpec(float('HNSW', { M: 2 }))
  validateIndexSpec(float('HNSW', { M: 2048 }))
  rejects(float('HNSW', { efConstruction: 0 }), "'efConstruction'", '[1, 2147483647]')
  rejects(float('IVF_FLAT', { nlist: 0 }), "'nlist'", '[1, 65536]')
  rejects(float('IVF_SQ8', { nlist: 65537 }), "'nlist'", '[1, 65536]')
  rejects(float('IVF_PQ', { m: 16, nbits: 17 }), "'nbits'", '[1, 16]')
  rejects(float('HNSW', { M: 16.5 }), "'M'", 'integer')
  rejects(float('HNSW', { M: 'x' }), "'M'", 'integer')
})

test('IVF_PQ needs m, and m must divide dim', () => {
  rejects(float('IVF_PQ'), "'m'", 'required')
  rejects(float('IVF_PQ', { m: 3 }), 'multiple of the number of subquantizers', 'm: 3')
  assert.equal(validateIndexSpec(float('IVF_PQ', { m: 128 })).params.m, 128)
})

test('AUTOINDEX resolves to HNSW (float) or BIN_IVF_FLAT (binary); missing metrics to COSINE / HAMMING', () => {
  const f = validateIndexSpec(float('AUTOINDEX', {}, null))
  assert.deepEqual([f.indexType, f.metric, f.params], ['HNSW', 'COSINE', { M: 18, efConstruction: 240 }])
  const b = validateIndexSpec({ indexType: 'AUTOINDEX', metric: '', params: {}, dim: 64, fieldKind: 'binary' })
  assert.deepEqual([b.indexType, b.metric, b.params], ['BIN_IVF_FLAT', 'HAMMING', { nlist: 1024 }])
  assert.equal(validateIndexSpec(float('HNSW', {}, 'ip')).metric, 'IP')
})

test('index types and metrics must fit the field', () => {
  rejects(float('DISKANN'), 'invalid index type: DISKANN is a Milvus index type that Quiver does not implement', 'use HNSW')
  rejects(float('NOSUCH'), 'invalid index type: NOSUCH')
  rejects(float('BIN_FLAT'), "can't build with this index BIN_FLAT")
  rejects({ indexType: 'HNSW', metric: 'HAMMING', params: {}, dim: 64, fieldKind: 'binary' }, "can't build with this index HNSW")
  rejects(float('HNSW', {}, 'HAMMING'), 'metric type HAMMING', 'supported: [L2 IP COSINE]')
  rejects({ indexType: 'BIN_FLAT', metric: 'L2', params: {}, dim: 64, fieldKind: 'binary' }, 'supported: [HAMMING JACCARD]')
  rejects({ indexType: 'HNSW', metric: 'IP', params: {}, dim: 64, fieldKind: 'sparse' }, "data type SparseFloatVector can't build with this index HNSW")
  rejects({ indexType: 'FLAT', metric: 'L2', params: {}, dim: 8, fieldKind: 'int8' }, "data type Int8Vector can't build with this index FLAT")
  assert.equal(validateIndexSpec({ indexType: 'AUTOINDEX', metric: 'IP', params: {}, dim: 8, fieldKind: 'int8' }).indexType, 'HNSW')
  assert.equal(validateIndexSpec({ indexType: 'HNSW', metric: 'L2', params: {}, dim: 64, fieldKind: 'float16' }).indexType, 'HNSW')
})

test('search parameters: ef ≥ k within [1, 2^31-1]; nprobe within [1, nlist]; others ignored', () => {
  const hnsw = validateIndexSpec(float('HNSW'))
  assert.deepEqual(validateSearchParams(hnsw, 10, { ef: 64, nprobe: 3 }), { ef: 64 })
  assert.deepEqual(validateSearchParams(hnsw, 10, {}), {})
  assert.throws(() => validateSearchParams(hnsw, 10, { ef: 5 }), /ef\(5\) should be larger than k\(10\)/)
  assert.throws(() => validateSearchParams(hnsw, 1, { ef: 0 }), /'ef' \(0\) should be in range \[1, 2147483647\]/)
  const ivf = validateIndexSpec(float('IVF_FLAT', { nlist: 64 }))
  assert.deepEqual(validateSearchParams(ivf, 10, { nprobe: '64', ef: 3 }), { nprobe: 64 })
  assert.throws(() => validateSearchParams(ivf, 10, { nprobe: 65 }), /'nprobe' \(65\) should be in range \[1, 64\]/)
  assert.deepEqual(validateSearchParams(validateIndexSpec(float('FLAT')), 10, { nprobe: 0 }), {})
})
