import { assert } from '../common/assert.ts'
import type { IndexSpec } from './index-spec.ts'
import { isBinaryIndexType, isSparseIndexType } from './index-type.ts'

/**
 * Asserts that `query` and `k` fit an index of `spec` (the API validated them; a mismatch is a bug).
 * The messages are built only on failure: this runs on every search.
 */
export function checkQuery(spec: IndexSpec, query: Float32Array | Uint8Array, k: number): void {
  if (!(Number.isInteger(k) && k >= 0)) assert.fail(`search: bad k ${k}`)
  if (isSparseIndexType(spec.indexType)) {
    assert(query instanceof Uint8Array, 'search: a sparse query is encodeSparseCsr bytes')
  } else if (isBinaryIndexType(spec.indexType)) {
    if (!(query instanceof Uint8Array && query.length === spec.dim / 8)) assert.fail(`search: query must be ${spec.dim / 8} bytes`)
  } else if (!(query instanceof Float32Array && query.length === spec.dim)) {
    assert.fail(`search: query must have ${spec.dim} floats`)
  }
}
