/**
 * The sorted keys of a scalar index, in one typed representation per value kind. Sorted ascending
 * in the evaluator's order: numbers as doubles (`<`; no NaN, no -0), int64 as bigints, strings by
 * UTF-16 code units (JS `<`, what `compareStrings` uses). Equal keys may repeat (STL_SORT keeps
 * one key per row; dictionaries keep each once).
 */
export type IndexKeys =
  | { readonly kind: 'f64'; readonly values: Float64Array }
  | { readonly kind: 'i64'; readonly values: BigInt64Array }
  | { readonly kind: 'str'; readonly values: readonly string[] }

/** A key as the keys of `kind` hold it. */
export type KeyOf<K extends IndexKeys['kind']> = K extends 'f64' ? number : K extends 'i64' ? bigint : string

export type IndexKey = number | bigint | string

/** First position whose key is not less than `k` (keys.length if none). */
export function lowerBound(keys: IndexKeys, k: IndexKey): number {
  const v = keys.values as ArrayLike<IndexKey>
  let a = 0
  let b = v.length
  while (a < b) {
    const m = (a + b) >>> 1
    if (v[m]! < k) a = m + 1
    else b = m
  }
  return a
}

/** First position whose key is greater than `k` (keys.length if none). */
export function upperBound(keys: IndexKeys, k: IndexKey): number {
  const v = keys.values as ArrayLike<IndexKey>
  let a = 0
  let b = v.length
  while (a < b) {
    const m = (a + b) >>> 1
    if (k < v[m]!) b = m
    else a = m + 1
  }
  return a
}

/**
 * Positions [from, to) of the string keys that start with `prefix`. In code-unit order the strings
 * with a prefix are contiguous: they start at the lower bound of the prefix and end at the first
 * key whose first `prefix.length` units are greater than the prefix.
 */
export function prefixRange(keys: IndexKeys & { kind: 'str' }, prefix: string): [number, number] {
  const from = lowerBound(keys, prefix)
  const v = keys.values
  const n = prefix.length
  let a = from
  let b = v.length
  while (a < b) {
    const m = (a + b) >>> 1
    if (v[m]!.slice(0, n) > prefix) b = m
    else a = m + 1
  }
  return [from, a]
}

export function keyCount(keys: IndexKeys): number {
  return keys.values.length
}
