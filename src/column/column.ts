import type { Bitset } from '../common/bitset.ts'

/** A sparse vector row: ascending indices and their values. */
export interface SparseRow {
  readonly indices: Uint32Array
  readonly values: Float32Array
}

/**
 * One column of `rowCount` values, one typed array per numeric type.
 * `validBits` (1 = the row has a value) is present only for nullable fields; a null row holds a
 * placeholder (0, '', null) in `values`. Vectors are flat with a fixed stride.
 */
export type Column =
  | { readonly kind: 'bool'; readonly values: Uint8Array; readonly validBits: Bitset | null }
  | { readonly kind: 'int8'; readonly values: Int8Array; readonly validBits: Bitset | null }
  | { readonly kind: 'int16'; readonly values: Int16Array; readonly validBits: Bitset | null }
  | { readonly kind: 'int32'; readonly values: Int32Array; readonly validBits: Bitset | null }
  | { readonly kind: 'int64'; readonly values: BigInt64Array; readonly validBits: Bitset | null }
  | { readonly kind: 'float'; readonly values: Float32Array; readonly validBits: Bitset | null }
  | { readonly kind: 'double'; readonly values: Float64Array; readonly validBits: Bitset | null }
  | { readonly kind: 'varchar'; readonly values: string[]; readonly validBits: Bitset | null }
  /** Parsed JSON values; `$meta` (dynamic keys) is a json column of objects. */
  | { readonly kind: 'json'; readonly values: unknown[]; readonly validBits: Bitset | null }
  /** Geometries as canonical WKT (`geometry/` prints it as Milvus does); a null row holds ''. */
  | { readonly kind: 'geometry'; readonly values: string[]; readonly validBits: Bitset | null }
  /** Arrays of scalars; int64 elements as bigint. */
  | { readonly kind: 'array'; readonly values: unknown[][]; readonly validBits: Bitset | null }
  /** dim floats per row. Vector `validBits`: nullable vector fields only; a null row holds zeros. */
  | { readonly kind: 'floatVector'; readonly dim: number; readonly values: Float32Array; readonly validBits: Bitset | null }
  /** dim bits per row, dim/8 bytes. */
  | { readonly kind: 'binaryVector'; readonly dim: number; readonly values: Uint8Array; readonly validBits: Bitset | null }
  /** dim IEEE half (or bfloat16) values per row, raw 16-bit patterns. */
  | { readonly kind: 'float16Vector'; readonly dim: number; readonly values: Uint16Array; readonly validBits: Bitset | null }
  | { readonly kind: 'bfloat16Vector'; readonly dim: number; readonly values: Uint16Array; readonly validBits: Bitset | null }
  /** dim signed bytes per row. */
  | { readonly kind: 'int8Vector'; readonly dim: number; readonly values: Int8Array; readonly validBits: Bitset | null }
  /** A null row is an empty row. */
  | { readonly kind: 'sparseVector'; readonly values: SparseRow[]; readonly validBits: Bitset | null }
  /**
   * A struct sub-field holding a vector per element (ArrayOfVector): per row the row's vectors, flat
   * (elements × stride, stride as in the `element` vector column). Never null (struct fields are not nullable).
   */
  | { readonly kind: 'vectorArray'; readonly element: VectorElementKind; readonly dim: number; readonly values: VectorRows[]; readonly validBits: Bitset | null }

/** The dense vector kinds an ArrayOfVector holds. */
export type VectorElementKind = 'floatVector' | 'binaryVector' | 'float16Vector' | 'bfloat16Vector' | 'int8Vector'
/** One row of an ArrayOfVector: its vectors, flat. */
export type VectorRows = Float32Array | Uint8Array | Uint16Array | Int8Array

export type ColumnKind = Column['kind']

/** A batch of rows as columns, keyed by field name (`$meta` for dynamic keys). */
export interface ColumnBatch {
  readonly rowCount: number
  readonly columns: ReadonlyMap<string, Column>
}
