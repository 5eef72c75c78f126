import { bf16ToF32Array, f16ToF32Array } from '../common/half-float.ts'
import type { SparseRow } from '../column/column.ts'
import { RowMappedIndex } from '../index/row-mapped-index.ts'
import { encodeSparseCsr } from '../index/sparse/sparse-csr.ts'
import { decodeIndex, type VectorIndex } from '../index/vector-index.ts'
import type { FieldSchema } from '../schema/collection-schema.ts'
import { DataType } from '../schema/data-type.ts'
import type { Segment } from '../segment/segment.ts'

/** What a vector index of one sealed segment's field is built on. */
export interface IndexInput {
  /** Row i at `vectors[i * dim]` (binary: byte `i * dim / 8`). */
  readonly vectors: Float32Array | Uint8Array
  readonly rowCount: number
  /** Segment row of each index row when null rows are left out; null = index row i is segment row i. */
  readonly rowMap: Int32Array | null
}

/**
 * The vectors an index of `field` is built on and re-ranks with: a view of the sealed segment's
 * contiguous column (float32 or binary), or a float32 copy for float16/bfloat16/int8 fields (exact:
 * the kernels and HNSW then run on float32); sparse rows as `encodeSparseCsr` bytes. A nullable
 * field's null rows are left out (a copy of the valid rows, with the map back to segment rows).
 */
export function indexInput(segment: Segment, field: FieldSchema): IndexInput {
  const store = segment.fields.get(field.name)!
  const n = segment.rowCount
  if (field.dataType === DataType.SparseFloatVector) {
    // The store's own array when it holds exactly the segment's rows: its blocks are known (`sparseBlocksOf`).
    const values = store.view().values as SparseRow[]
    const all = values.length === n ? values : values.slice(0, n)
    const map = field.nullable ? validRows(store.isValid.bind(store), n) : null
    const rows = map === null ? all : Array.from(map, (r) => all[r]!)
    return { vectors: encodeSparseCsr(rows, true), rowCount: rows.length, rowMap: map }
  }
  const raw = store.vectorRange(0, n)
  let vectors: Float32Array | Uint8Array
  if (raw instanceof Uint16Array) {
    vectors = new Float32Array(raw.length)
    if (field.dataType === DataType.Float16Vector) f16ToF32Array(raw, vectors)
    else bf16ToF32Array(raw, vectors)
  } else if (raw instanceof Int8Array) {
    vectors = new Float32Array(raw)
  } else {
    vectors = raw
  }
  const rowMap = field.nullable ? validRows(store.isValid.bind(store), n) : null
  if (rowMap === null) return { vectors, rowCount: n, rowMap: null }
  return { vectors: compact(vectors, rowMap, vectors.length / Math.max(n, 1)), rowCount: rowMap.length, rowMap }
}

/** The index decoded from `bytes` over `input` (mapped back to segment rows when null rows were left out). */
export function decodeSegmentIndex(bytes: Uint8Array, input: IndexInput): VectorIndex {
  return segmentIndexOf(decodeIndex(bytes, input.vectors, input.rowCount), input)
}

/** `index`, built over `input`, as the segment's index (mapped back to segment rows when null rows were left out). */
export function segmentIndexOf(index: VectorIndex, input: IndexInput): VectorIndex {
  return input.rowMap === null ? index : new RowMappedIndex(index, input.rowMap)
}

/** Rows whose vector is not null; null when every row is valid (no map needed). */
function validRows(isValid: (row: number) => boolean, n: number): Int32Array | null {
  let count = 0
  for (let i = 0; i < n; i++) if (isValid(i)) count++
  if (count === n) return null
  const rows = new Int32Array(count)
  for (let i = 0, k = 0; i < n; i++) if (isValid(i)) rows[k++] = i
  return rows
}

function compact<T extends Float32Array | Uint8Array>(vectors: T, rows: Int32Array, stride: number): T {
  const out = new (vectors.constructor as new (n: number) => T)(rows.length * stride)
  for (let i = 0; i < rows.length; i++) out.set(vectors.subarray(rows[i]! * stride, (rows[i]! + 1) * stride) as never, i * stride)
  return out
}
