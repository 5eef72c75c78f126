import { errors } from '../errors/errors.ts'
import type { FieldSchema } from '../schema/collection-schema.ts'
import { buildColumn } from './build-column.ts'
import type { Column } from './column.ts'
import { missingColumnError } from './missing-value.ts'
import { absentColumn, type BuildContext, type RawColumn } from './raw-column.ts'
import type { WritePlan } from './write-plan.ts'

/**
 * The primary key column, or undefined when the keys are to be allocated (insert into an autoID
 * collection). Upserts must give a key at every row; keys are never null.
 */
export function buildPrimaryKeyColumn(
  field: FieldSchema,
  given: RawColumn | undefined,
  plan: WritePlan,
  ctx: BuildContext,
): Column | undefined {
  if (plan.allocatesKeys) {
    if (given !== undefined) checkKeysAbsent(field, given)
    ctx.size.add(ctx.rowCount * 8, field.name)
    return undefined
  }
  if (plan.mode !== 'insert') checkKeysPresent(field, given, ctx.rowCount)
  else if (given === undefined && ctx.rowCount > 0) throw missingColumnError(field.name)
  return buildColumn(field, given ?? absentColumn, ctx)
}

/**
 * Milvus ≥ 2.6.3 accepts explicit keys on insert into an autoID collection; Quiver refuses them so
 * that a given key can never collide with one it allocates (upsert writes given keys).
 */
function checkKeysAbsent(field: FieldSchema, given: RawColumn): void {
  const row = firstRow(given, (v) => v !== undefined && v !== null)
  if (row === undefined) return
  throw errors.invalid(
    `can not assign primary field data when auto id enabled: ${field.name} (given at row ${row}); ` +
      'keys of an autoID collection are allocated on insert, use upsert to write given keys',
  )
}

function checkKeysPresent(field: FieldSchema, given: RawColumn | undefined, rowCount: number): void {
  if (rowCount === 0) return
  const missingRow = given === undefined ? 0 : firstRow(given, (v) => v === undefined || v === null, rowCount)
  if (missingRow === undefined) return
  const where = given === undefined ? '' : ` (missing at row ${missingRow})`
  throw errors.invalid(`must assign pk when upsert, primary field: ${field.name}${where}`)
}

/** First row (below `rowCount`, default the column length) whose value passes `test`. */
function firstRow(raw: RawColumn, test: (v: unknown) => boolean, rowCount?: number): number | undefined {
  if (raw.form === 'flat') return undefined
  const n = rowCount ?? raw.values.length
  for (let i = 0; i < n; i++) if (test(raw.values[i])) return i
  return undefined
}
