import { assert } from '../common/assert.ts'
import type { IndexSpec } from './index-spec.ts'
import { isBinaryIndexType, isSparseIndexType } from './index-type.ts'

/** Asserts that `query` and `k` fit an index of `spec` (the API validated them; a mismatch is a bug). */
export function checkQuery(spec: IndexSpec, query: Float32Array | Uint8Array, k: number): void {
  assert(Number.isInteger(k) && k >= 0, `search: bad k ${k}`)
  if (isSparseIndexType(spec.indexType)) {
    assert(query instanceof Uint8Array, 'search: a sparse query is encodeSparseCsr bytes')
  } else if (isBinaryIndexType(spec.indexType)) {
    assert(query instanceof Uint8Array && query.length === spec.dim / 8, `search: query must be ${spec.dim / 8} bytes`)
  } else {
    assert(query instanceof Float32Array && query.length === spec.dim, `search: query must have ${spec.dim} floats`)
  }
}
