import type { Scalar } from '../expr-plan.ts'
import { compareNumberToInt64, EQUAL, GREATER, int64Halves, LESS, UNORDERED } from './compare-mask.ts'
import type { NumArray } from './vector.ts'

/*
 * One loop per value representation; `mask` (see compare-mask.ts) selects the operator.
 * Each sets bit i of `out` (words of a zeroed Bitset) when row i holds; the numeric ones build
 * each 32-row word in a register and store it once.
 */

export function compareNumbers(values: NumArray, n: number, c: number, mask: number, out: Uint32Array): void {
  const lt = mask & 1
  const eq = (mask >>> 1) & 1
  const gt = (mask >>> 2) & 1
  const un = (mask >>> 3) & 1
  for (let base = 0; base < n; base += 32) {
    const end = Math.min(32, n - base)
    let word = 0
    for (let b = 0; b < end; b++) {
      const v = values[base + b]!
      const bit = v < c ? lt : v > c ? gt : v === c ? eq : un
      word |= bit << b
    }
    out[base >>> 5] = word
  }
}

export function compareInt64(words: Int32Array, n: number, c: bigint, mask: number, out: Uint32Array): void {
  const { hi: cHi, lo: cLo } = int64Halves(c)
  const lt = mask & 1
  const eq = (mask >>> 1) & 1
  const gt = (mask >>> 2) & 1
  for (let base = 0; base < n; base += 32) {
    const end = Math.min(32, n - base)
    let word = 0
    for (let b = 0; b < end; b++) {
      const i = base + b
      const hi = words[2 * i + 1]!
      const lo = words[2 * i]! >>> 0
      const bit = hi < cHi ? lt : hi > cHi ? gt : lo < cLo ? lt : lo > cLo ? gt : eq
      word |= bit << b
    }
    out[base >>> 5] = word
  }
}

export function compareStrings(values: readonly string[], n: number, c: string, mask: number, out: Uint32Array): void {
  for (let i = 0; i < n; i++) {
    const v = values[i]!
    const r = v < c ? LESS : v > c ? GREATER : EQUAL
    if (((mask >>> r) & 1) !== 0) out[i >>> 5]! |= 1 << (i & 31)
  }
}

/** JSON values against a constant: numbers numerically (integers exactly), strings, booleans; else unordered. */
export function compareJson(values: readonly unknown[], n: number, c: Scalar, mask: number, out: Uint32Array): void {
  switch (c.type) {
    case 'int': {
      const { hi, lo } = int64Halves(c.value)
      for (let i = 0; i < n; i++) {
        const v = values[i]
        const r = typeof v === 'number' ? compareNumberToInt64(v, hi, lo) : UNORDERED
        if (((mask >>> r) & 1) !== 0) out[i >>> 5]! |= 1 << (i & 31)
      }
      return
    }
    case 'float': {
      const k = c.value
      for (let i = 0; i < n; i++) {
        const v = values[i]
        const r = typeof v !== 'number' ? UNORDERED : v < k ? LESS : v > k ? GREATER : v === k ? EQUAL : UNORDERED
        if (((mask >>> r) & 1) !== 0) out[i >>> 5]! |= 1 << (i & 31)
      }
      return
    }
    case 'string': {
      const k = c.value
      for (let i = 0; i < n; i++) {
        const v = values[i]
        const r = typeof v !== 'string' ? UNORDERED : v < k ? LESS : v > k ? GREATER : EQUAL
        if (((mask >>> r) & 1) !== 0) out[i >>> 5]! |= 1 << (i & 31)
      }
      return
    }
    case 'bool': {
      const k = c.value
      for (let i = 0; i < n; i++) {
        const v = values[i]
        const r = typeof v !== 'boolean' ? UNORDERED : v === k ? EQUAL : GREATER
        if (((mask >>> r) & 1) !== 0) out[i >>> 5]! |= 1 << (i & 31)
      }
    }
  }
}
