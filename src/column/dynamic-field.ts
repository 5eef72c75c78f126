import { errors, type MilvusError } from '../errors/errors.ts'
import { META_FIELD } from '../schema/collection-schema.ts'
import type { Column } from './column.ts'
import { copyJsonValue, jsonProblem, notJson, setOwnKey } from './json-value.ts'
import type { BuildContext } from './raw-column.ts'
import { utf8Length } from './varchar-column.ts'

/**
 * Dynamic fields: keys not in the schema are kept, per row, in the hidden JSON column `$meta`
 * (an object per row, `{}` when the row has none). Without `enableDynamicField` such a key is an error.
 */

/** Checks a key that is not a schema field; throws unless it may become a dynamic key. */
export function checkDynamicKey(key: string, enableDynamicField: boolean, row: number | undefined): void {
  if (key === META_FIELD) throw errors.invalid(`cannot set json key to: ${META_FIELD}`, rowDetail(row))
  if (!enableDynamicField) throw unexpectedFieldError(key, row)
}

export function unexpectedFieldError(key: string, row: number | undefined): MilvusError {
  return errors.invalid(
    `Attempt to insert an unexpected field '${key}' to collection without enabling dynamic field`,
    rowDetail(row),
  )
}

function rowDetail(row: number | undefined): Record<string, number> {
  return row === undefined ? {} : { row }
}

/** Adds `value` under `key` to the dynamic object of `row`, creating it on first use. */
export function addDynamicValue(
  rows: (Record<string, unknown> | undefined)[],
  row: number,
  key: string,
  value: unknown,
): void {
  let obj = rows[row]
  if (obj === undefined) {
    obj = {}
    rows[row] = obj
  }
  setOwnKey(obj, key, value)
}

/** The `$meta` column: each row's dynamic keys, validated as JSON and copied. */
export function buildMetaColumn(
  dynamicRows: readonly (Record<string, unknown> | undefined)[] | null,
  ctx: BuildContext,
): Column {
  const n = ctx.rowCount
  const out = new Array<unknown>(n)
  let bytes = 0
  for (let i = 0; i < n; i++) {
    const obj = dynamicRows?.[i]
    if (obj === undefined) {
      out[i] = {}
      bytes += 2
      continue
    }
    const copy = copyJsonValue(obj)
    if (copy === notJson) throw errors.invalid(`dynamic field at row ${i}: ${jsonProblem(obj)}`)
    const len = utf8Length(JSON.stringify(copy))
    if (len > ctx.jsonBytesMax) {
      throw errors.invalid(`the length (${len}) of dynamic field at row ${i} exceeds max length (${ctx.jsonBytesMax})`)
    }
    bytes += len
    out[i] = copy
  }
  ctx.size.add(bytes, META_FIELD)
  return { kind: 'json', values: out, validBits: null }
}
