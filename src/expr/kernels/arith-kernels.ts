import type { ArithPlanOp, IntArithOp } from '../expr-plan.ts'
import type { NumArray } from './vector.ts'

const two32 = 4294967296

/**
 * Int64 arithmetic with a constant, two's-complement wrapping like Milvus's C++ (`/` truncates,
 * `%` keeps the dividend's sign). Rows whose operand and result fit in 2^53 are computed in
 * doubles on the 32-bit halves; only the others take the exact BigInt path.
 */
export function arithInt64(
  words: Int32Array,
  values: BigInt64Array,
  n: number,
  op: IntArithOp,
  c: bigint,
  constantOnLeft: boolean,
): BigInt64Array {
  const out = new BigInt64Array(n)
  const ow = new Int32Array(out.buffer)
  const k = Number(c)
  const kSafe = Number.isSafeInteger(k)
  for (let i = 0; i < n; i++) {
    const hi = words[2 * i + 1]!
    if (kSafe && hi >= -0x200000 && hi < 0x200000) {
      const r = applyDouble(op, hi * two32 + (words[2 * i]! >>> 0), k, constantOnLeft)
      if (Number.isSafeInteger(r)) {
        const rh = Math.floor(r / two32)
        ow[2 * i] = (r - rh * two32) | 0
        ow[2 * i + 1] = rh
        continue
      }
    }
    out[i] = applyBigInt(op, values[i]!, c, constantOnLeft)
  }
  return out
}

/** Exact in doubles while operand and result stay below 2^53 (the caller checks the result). */
function applyDouble(op: IntArithOp, x: number, k: number, constantOnLeft: boolean): number {
  switch (op) {
    case '+':
      return x + k
    case '-':
      return constantOnLeft ? k - x : x - k
    case '*':
      return x * k
    case '/':
      return (x - (x % k)) / k
    case '%':
      return x % k
  }
}

export function applyBigInt(op: IntArithOp, x: bigint, c: bigint, constantOnLeft: boolean): bigint {
  switch (op) {
    case '+':
      return BigInt.asIntN(64, x + c)
    case '-':
      return BigInt.asIntN(64, constantOnLeft ? c - x : x - c)
    case '*':
      return BigInt.asIntN(64, x * c)
    case '/':
      return BigInt.asIntN(64, x / c)
    case '%':
      return BigInt.asIntN(64, x % c)
  }
}

/** Small integers (Int8/16/32 columns, lengths) widened to int64 for integer arithmetic. */
export function widenToInt64(values: NumArray, n: number): BigInt64Array {
  const out = new BigInt64Array(n)
  const ow = new Int32Array(out.buffer)
  for (let i = 0; i < n; i++) {
    const v = values[i]!
    ow[2 * i] = v | 0
    ow[2 * i + 1] = v < 0 ? -1 : 0
  }
  return out
}

/** Double arithmetic with a constant. */
export function arithFloat(values: NumArray, n: number, op: ArithPlanOp, k: number, constantOnLeft: boolean): Float64Array {
  const out = new Float64Array(n)
  switch (op) {
    case '+':
      for (let i = 0; i < n; i++) out[i] = values[i]! + k
      break
    case '-':
      if (constantOnLeft) for (let i = 0; i < n; i++) out[i] = k - values[i]!
      else for (let i = 0; i < n; i++) out[i] = values[i]! - k
      break
    case '*':
      for (let i = 0; i < n; i++) out[i] = values[i]! * k
      break
    case '/':
      for (let i = 0; i < n; i++) out[i] = values[i]! / k
      break
    case '%':
      for (let i = 0; i < n; i++) out[i] = values[i]! % k
      break
    case '**':
      if (constantOnLeft) for (let i = 0; i < n; i++) out[i] = k ** values[i]!
      else for (let i = 0; i < n; i++) out[i] = values[i]! ** k
      break
  }
  return out
}

/** Int64 values as the nearest doubles, from their halves (hi·2^32 is exact, one rounding on adding lo). */
export function int64ToFloat64(words: Int32Array, n: number): Float64Array {
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) out[i] = words[2 * i + 1]! * two32 + (words[2 * i]! >>> 0)
  return out
}
