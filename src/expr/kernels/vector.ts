import type { Bitset } from '../../common/bitset.ts'

export type NumArray = Int8Array | Int16Array | Int32Array | Float32Array | Float64Array | Uint8Array

/**
 * A value per row, as the vectorised evaluator passes it between nodes. `valid` (1 = not null)
 * comes from the column; `present` (1 = has a value) marks rows whose JSON key, array element or
 * JSON number is missing — such rows compare as unordered (false, `!=` true), never as null.
 * `num` holds numbers of any numeric column, booleans as 0/1, and small integers (lengths);
 * `i64` holds 64-bit integers, read through `words` (lo at 2i, hi at 2i+1) without BigInt.
 */
export type Vector =
  | { readonly kind: 'num'; readonly values: NumArray; readonly present: Bitset | null; readonly valid: Bitset | null }
  | {
      readonly kind: 'i64'
      readonly values: BigInt64Array
      readonly words: Int32Array
      readonly present: Bitset | null
      readonly valid: Bitset | null
    }
  | { readonly kind: 'str'; readonly values: readonly string[]; readonly present: Bitset | null; readonly valid: Bitset | null }
  /** Raw JSON values; `undefined` = missing. */
  | { readonly kind: 'json'; readonly values: readonly unknown[]; readonly present: null; readonly valid: Bitset | null }

export function wordsOf(values: BigInt64Array): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.length * 2)
}
