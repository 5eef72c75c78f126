import { INT64_MAX, INT64_MIN } from '../schema/data-type.ts'
import { typeProblem } from './value-problem.ts'

/**
 * Int64 inputs: a safe-integer number, a bigint, or a decimal string (`-?[0-9]+`), range-checked.
 * An integer number beyond ±(2^53−1) is refused: it was already rounded when the caller parsed it.
 */
export function parseInt64(v: unknown): bigint | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : undefined
  if (typeof v === 'bigint') return v >= INT64_MIN && v <= INT64_MAX ? v : undefined
  if (typeof v === 'string') return parseDecimal(v)
  return undefined
}

const decimalPattern = /^-?[0-9]+$/
/** Longest decimal string that can hold an int64 (sign + 19 digits, plus leading zeros we allow). */
const decimalCharsMax = 40

function parseDecimal(s: string): bigint | undefined {
  if (s.length > decimalCharsMax || !decimalPattern.test(s)) return undefined
  const b = BigInt(s)
  return b >= INT64_MIN && b <= INT64_MAX ? b : undefined
}

const int64Expected = 'Int64 (safe integer number, bigint or decimal string)'

/** Why `v` is not a valid Int64 input (call only after `parseInt64` returned undefined). */
export function int64Problem(v: unknown): string {
  if (typeof v === 'number' && Number.isInteger(v)) {
    return (
      `the integer ${v} is beyond ±Number.MAX_SAFE_INTEGER and has already lost precision; ` +
      'pass such Int64 values as bigint or as a decimal string'
    )
  }
  const outOfRange = typeof v === 'bigint' || (typeof v === 'string' && decimalPattern.test(v))
  if (outOfRange) return `the value (${String(v)}) out of range: [${INT64_MIN}, ${INT64_MAX}]`
  return typeProblem(int64Expected, v)
}
