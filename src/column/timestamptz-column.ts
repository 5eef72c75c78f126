import { Bitset } from '../common/bitset.ts'
import { parseTimestamptz } from '../common/timestamptz.ts'
import type { FieldSchema } from '../schema/collection-schema.ts'
import type { Column } from './column.ts'
import { parseInt64 } from './int64-value.ts'
import { resolveMissing } from './missing-value.ts'
import { type BuildContext, type RawColumn, rowValues } from './raw-column.ts'
import { fieldRowError, typeProblem } from './value-problem.ts'

const expected = 'Timestamptz (an RFC 3339 / ISO 8601 string such as 2025-01-02T03:04:05+08:00, a Date, or int64 microseconds since the epoch)'

/**
 * A Timestamptz field into an int64 column of microseconds since the epoch (UTC), as Milvus stores it.
 * Accepted per row: ISO 8601 text (an offset in the text wins; text without one is read in the
 * collection's timezone, `ctx.timezone`), a `Date`, or an integer count of microseconds (what
 * Milvus's `timestamptz_data` carries; bigint, safe-integer number or decimal string).
 */
export function buildTimestamptzColumn(field: FieldSchema, raw: RawColumn, ctx: BuildContext): Column {
  const values = rowValues(field, raw)
  const n = ctx.rowCount
  const validBits = field.nullable ? Bitset.full(n) : null
  ctx.size.add(n * 8, field.name)
  const out = new BigInt64Array(n)
  const tz = ctx.timezone ?? 'UTC'
  for (let i = 0; i < n; i++) {
    let v = values[i]
    if (v === undefined || v === null) {
      v = resolveMissing(field, i, validBits)
      if (v === undefined) continue
    }
    out[i] = timestamptzValue(field.name, i, v, tz)
  }
  return { kind: 'int64', values: out, validBits }
}

/** One Timestamptz input → microseconds; 1100 naming field, row and the accepted forms otherwise. */
export function timestamptzValue(field: string, row: number, v: unknown, tz: string): bigint {
  if (typeof v === 'string' && !/^-?\d+$/.test(v)) {
    const parsed = parseTimestamptz(v.trim(), tz)
    if ('problem' in parsed) throw fieldRowError(field, row, `${parsed.problem}; expected ${expected}`)
    return parsed.micros
  }
  if (v instanceof Date) {
    const ms = v.getTime()
    if (Number.isNaN(ms)) throw fieldRowError(field, row, `invalid Date; expected ${expected}`)
    return BigInt(ms) * 1000n
  }
  const b = parseInt64(v)
  if (b === undefined) throw fieldRowError(field, row, typeProblem(expected, v))
  return b
}
