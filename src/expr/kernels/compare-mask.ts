import type { CompareOp } from '../expr-node.ts'

/**
 * Comparison kernels compute a three-way result r per row: 0 less, 1 equal, 2 greater,
 * 3 unordered (NaN, a JSON value of another type, a missing key). Bit r of the op's mask says
 * whether the row holds, so one loop serves all six operators with no branch on the operator.
 */
export const LESS = 0
export const EQUAL = 1
export const GREATER = 2
export const UNORDERED = 3

export const opMask: Readonly<Record<CompareOp, number>> = {
  '<': 0b0001,
  '<=': 0b0011,
  '==': 0b0010,
  '!=': 0b1101,
  '>': 0b0100,
  '>=': 0b0110,
}

/** Whether unordered rows (missing, mismatched) hold for this op: only for `!=`. */
export function unorderedHolds(mask: number): boolean {
  return (mask & (1 << UNORDERED)) !== 0
}

/** Three-way comparison of a double with the int64 (hi signed, lo unsigned), exact, no BigInt. */
export function compareNumberToInt64(v: number, hi: number, lo: number): number {
  if (v !== v) return UNORDERED
  if (hi >= -0x200000 && hi < 0x200000) {
    const x = hi * 4294967296 + lo
    return v < x ? LESS : v > x ? GREATER : EQUAL
  }
  if (v >= 9223372036854775808) return GREATER
  if (v < -9223372036854775808) return LESS
  if (v > -9007199254740992 && v < 9007199254740992) return hi < 0 ? GREATER : LESS
  const vh = Math.floor(v / 4294967296)
  const vl = v - vh * 4294967296
  if (vh !== hi) return vh < hi ? LESS : GREATER
  return vl < lo ? LESS : vl > lo ? GREATER : EQUAL
}

/** The 32-bit halves of an int64 given as bigint: hi signed, lo unsigned. */
export function int64Halves(v: bigint): { hi: number; lo: number } {
  return { hi: Number(BigInt.asIntN(32, v >> 32n)), lo: Number(BigInt.asUintN(32, v)) }
}
