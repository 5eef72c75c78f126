import { Bitset } from '../common/bitset.ts'
import { errors } from '../errors/errors.ts'
import type { FieldSchema } from '../schema/collection-schema.ts'
import type { Column } from './column.ts'
import { copyJsonValue, jsonProblem, notJson } from './json-value.ts'
import { resolveMissing } from './missing-value.ts'
import { type BuildContext, type RawColumn, rowValues } from './raw-column.ts'
import { fieldRowError } from './value-problem.ts'
import { utf8Length } from './varchar-column.ts'

/** JSON column: any JSON value per row (copied), serialised size at most `jsonBytesMax`. */
export function buildJsonColumn(field: FieldSchema, raw: RawColumn, ctx: BuildContext): Column {
  const values = rowValues(field, raw)
  const n = ctx.rowCount
  const out = new Array<unknown>(n)
  const validBits = field.nullable ? Bitset.full(n) : null
  let bytes = 0
  for (let i = 0; i < n; i++) {
    const v = values[i]
    if (v === undefined || v === null) {
      out[i] = resolveMissing(field, i, validBits) ?? null
      continue
    }
    const copy = copyJsonValue(v)
    if (copy === notJson) throw fieldRowError(field.name, i, jsonProblem(v))
    const len = utf8Length(JSON.stringify(copy))
    if (len > ctx.jsonBytesMax) {
      throw errors.invalid(
        `the length (${len}) of json field (${field.name}) at row ${i} exceeds max length (${ctx.jsonBytesMax})`,
      )
    }
    bytes += len
    out[i] = copy
  }
  ctx.size.add(bytes, field.name)
  return { kind: 'json', values: out, validBits }
}
