import { Bitset } from '../common/bitset.ts'
import { assert } from '../common/assert.ts'
import type { FieldSchema } from '../schema/collection-schema.ts'
import type { Column } from './column.ts'
import { int64Problem, parseInt64 } from './int64-value.ts'
import { resolveMissing } from './missing-value.ts'
import { type BuildContext, type RawColumn, rowValues } from './raw-column.ts'
import { fieldRowError } from './value-problem.ts'

/** The 32-bit halves trick below writes int64 as (low, high) words: little-endian only. */
assert(new Uint8Array(new Uint16Array([1]).buffer)[0] === 1, 'Quiver needs a little-endian platform')

const two32 = 4294967296

/**
 * Int64 column into a `BigInt64Array`. Safe-integer numbers (the common case) are written as two
 * 32-bit words, so no BigInt is created per row; bigints and decimal strings go through `parseInt64`.
 */
export function buildInt64Column(field: FieldSchema, raw: RawColumn, ctx: BuildContext): Column {
  const values = rowValues(field, raw)
  const n = ctx.rowCount
  const validBits = field.nullable ? Bitset.full(n) : null
  ctx.size.add(n * 8, field.name)
  if (values instanceof BigInt64Array) return { kind: 'int64', values: values.slice(0, n), validBits }
  const out = new BigInt64Array(n)
  const words = new Uint32Array(out.buffer)
  for (let i = 0; i < n; i++) {
    let v = values[i]
    if (typeof v === 'number' && Number.isSafeInteger(v)) {
      const hi = Math.floor(v / two32)
      words[2 * i] = v - hi * two32
      words[2 * i + 1] = hi // stored modulo 2^32: two's complement for negative numbers
      continue
    }
    if (v === undefined || v === null) {
      v = resolveMissing(field, i, validBits)
      if (v === undefined) continue
    }
    const b = parseInt64(v)
    if (b === undefined) throw fieldRowError(field.name, i, int64Problem(v))
    out[i] = b
  }
  return { kind: 'int64', values: out, validBits }
}
