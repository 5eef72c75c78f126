import { Bitset } from '../common/bitset.ts'
import { errors, type MilvusError } from '../errors/errors.ts'
import type { FieldSchema } from '../schema/collection-schema.ts'
import type { Column } from './column.ts'
import { resolveMissing } from './missing-value.ts'
import { type BuildContext, type RawColumn, rowValues } from './raw-column.ts'
import { fieldRowError, typeProblem } from './value-problem.ts'

/** VarChar column: strings whose UTF-8 byte length is at most the field's max_length. */
export function buildVarcharColumn(field: FieldSchema, raw: RawColumn, ctx: BuildContext): Column {
  const values = rowValues(field, raw)
  const n = ctx.rowCount
  const maxLength = field.maxLength ?? Number.POSITIVE_INFINITY
  const out = new Array<string>(n)
  const validBits = field.nullable ? Bitset.full(n) : null
  let bytes = 0
  for (let i = 0; i < n; i++) {
    let v = values[i]
    if (v === undefined || v === null) v = resolveMissing(field, i, validBits) ?? ''
    if (typeof v !== 'string') throw fieldRowError(field.name, i, typeProblem('VarChar (string)', v))
    const len = utf8Length(v)
    if (len > maxLength) throw varcharTooLongError(field.name, i, len, maxLength)
    bytes += len
    out[i] = v
  }
  ctx.size.add(bytes + n * 4, field.name)
  return { kind: 'varchar', values: out, validBits }
}

/** UTF-8 byte length (a lone surrogate counts 3 bytes, as it is encoded as U+FFFD). */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8')
}

/** `what` is the field name, or `<field>[<index>]` for an array element. */
export function varcharTooLongError(what: string, row: number, len: number, maxLength: number): MilvusError {
  return errors.invalid(`the length (${len}) of ${what} at row ${row} exceeds max length (${maxLength})`)
}
