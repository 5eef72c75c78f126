import { parseTimestamptz } from '../common/timestamptz.ts'
import { errors } from '../errors/errors.ts'

/**
 * A Timestamptz `default_value` → microseconds since the epoch (bigint), as Milvus keeps it
 * (`CheckAndRewriteTimestampTzDefaultValue`): ISO 8601 text (read in `timezone` without an offset),
 * or the microseconds themselves (the Node SDK converts text to microseconds before it sends it).
 */
export function timestamptzDefault(field: string, v: unknown, timezone: string): bigint {
  if (typeof v === 'bigint') return v
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v)
  if (v instanceof Date && !Number.isNaN(v.getTime())) return BigInt(v.getTime()) * 1000n
  if (typeof v === 'string') {
    if (/^-?\d{1,19}$/.test(v)) return BigInt(v)
    const parsed = parseTimestamptz(v.trim(), timezone)
    if ('micros' in parsed) return parsed.micros
    throw errors.invalid(`default value of Timestamptz field ${field}: ${parsed.problem}`, { field })
  }
  throw errors.invalid(`type (Timestamptz) of field (${field}) is not equal to the type(${typeof v}) of default_value`, { field })
}
