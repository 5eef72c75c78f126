import { assert } from '../../common/assert.ts'
import { compareNumberToInt64, EQUAL, GREATER, LESS, UNORDERED } from './compare-mask.ts'
import type { NumArray, Vector } from './vector.ts'

/** `left op right` row by row, for two scalar columns of comparable types (exact across int64 and doubles). */
export function compareVectors(left: Vector, right: Vector, n: number, mask: number, out: Uint32Array): void {
  if (left.kind === 'num' && right.kind === 'num') return numNum(left.values, right.values, n, mask, out)
  if (left.kind === 'i64' && right.kind === 'i64') return i64I64(left.words, right.words, n, mask, out)
  if (left.kind === 'i64' && right.kind === 'num') return i64Num(left.words, right.values, n, mask, out, true)
  if (left.kind === 'num' && right.kind === 'i64') return i64Num(right.words, left.values, n, mask, out, false)
  if (left.kind === 'str' && right.kind === 'str') return strStr(left.values, right.values, n, mask, out)
  assert.fail(`cannot compare ${left.kind} with ${right.kind} columns`)
}

function numNum(a: NumArray, b: NumArray, n: number, mask: number, out: Uint32Array): void {
  for (let i = 0; i < n; i++) {
    const x = a[i]!
    const y = b[i]!
    const r = x < y ? LESS : x > y ? GREATER : x === y ? EQUAL : UNORDERED
    if (((mask >>> r) & 1) !== 0) out[i >>> 5]! |= 1 << (i & 31)
  }
}

function i64I64(a: Int32Array, b: Int32Array, n: number, mask: number, out: Uint32Array): void {
  for (let i = 0; i < n; i++) {
    const ah = a[2 * i + 1]!
    const bh = b[2 * i + 1]!
    const al = a[2 * i]! >>> 0
    const bl = b[2 * i]! >>> 0
    const r = ah < bh ? LESS : ah > bh ? GREATER : al < bl ? LESS : al > bl ? GREATER : EQUAL
    if (((mask >>> r) & 1) !== 0) out[i >>> 5]! |= 1 << (i & 31)
  }
}

/** int64 vs numbers; `int64OnLeft` says which side the int64 column is on. */
function i64Num(words: Int32Array, nums: NumArray, n: number, mask: number, out: Uint32Array, int64OnLeft: boolean): void {
  for (let i = 0; i < n; i++) {
    const numVsInt = compareNumberToInt64(nums[i]!, words[2 * i + 1]!, words[2 * i]! >>> 0)
    const r = !int64OnLeft || numVsInt === EQUAL || numVsInt === UNORDERED ? numVsInt : numVsInt === LESS ? GREATER : LESS
    if (((mask >>> r) & 1) !== 0) out[i >>> 5]! |= 1 << (i & 31)
  }
}

function strStr(a: readonly string[], b: readonly string[], n: number, mask: number, out: Uint32Array): void {
  for (let i = 0; i < n; i++) {
    const x = a[i]!
    const y = b[i]!
    const r = x < y ? LESS : x > y ? GREATER : EQUAL
    if (((mask >>> r) & 1) !== 0) out[i >>> 5]! |= 1 << (i & 31)
  }
}
