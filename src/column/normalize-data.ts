import { assert } from '../common/assert.ts'
import { errors } from '../errors/errors.ts'
import { type CollectionSchema, type FieldSchema, META_FIELD } from '../schema/collection-schema.ts'
import { limits } from '../schema/limits.ts'
import { DataType } from '../schema/data-type.ts'
import { buildColumn } from './build-column.ts'
import type { Column, ColumnBatch } from './column.ts'
import { detectDataForm } from './detect-data-form.ts'
import { buildMetaColumn } from './dynamic-field.ts'
import { canFillMissing, missingColumnError } from './missing-value.ts'
import { buildPrimaryKeyColumn } from './primary-key-column.ts'
import { readArrowTable } from './read-arrow-table.ts'
import { readColumnarObject, readColumnList } from './read-columns.ts'
import { readRows } from './read-rows.ts'
import { absentColumn, type BuildContext, type RawBatch, type RawColumn } from './raw-column.ts'
import { rawRowCount, rowCountMismatchError } from './raw-column-from.ts'
import { RequestSize } from './request-size.ts'
import { checkStructLengths, expandStructArrays } from './struct-array-input.ts'
import { type WriteMode, type WritePlan, writePlan } from './write-plan.ts'

export type { WriteMode } from './write-plan.ts'

export interface NormalizeOptions {
  readonly schema: CollectionSchema
  readonly mode: WriteMode
  /** Allocates n new autoID primary keys (insert into an autoID Int64 collection). */
  readonly allocateIds?: (n: number) => BigInt64Array
  /** Request data limit in bytes (default `limits.requestBytesMax`); over it → 1102. */
  readonly requestBytesMax?: number
  /** Serialised size limit of one JSON value or `$meta` object (default `limits.jsonBytesMax`). */
  readonly jsonBytesMax?: number
  /** IANA timezone that Timestamptz text without an offset is read in (the collection's; default UTC). */
  readonly timezone?: string
}

/**
 * Turns the `data` of an insert/upsert into a validated `ColumnBatch`, all or nothing: any bad value
 * throws a MilvusError (1100 naming field, row and what was expected; 1102 when too large) and
 * nothing is allocated. Fields are checked in schema order, rows in order, so the first problem is
 * reported. See README.md for the data forms and the rules.
 */
export function normalizeData(data: unknown, options: NormalizeOptions): ColumnBatch {
  const plan = writePlan(options.schema, options.mode)
  const raw = readData(data, plan)
  checkRowCounts(raw, plan)
  const ctx: BuildContext = {
    rowCount: raw.rowCount,
    size: new RequestSize(options.requestBytesMax ?? limits.requestBytesMax),
    jsonBytesMax: options.jsonBytesMax ?? limits.jsonBytesMax,
    ...(options.timezone === undefined ? {} : { timezone: options.timezone }),
  }
  const built = new Map<string, Column>()
  for (const field of plan.schema.fields) {
    const column = field.isPrimaryKey
      ? buildPrimaryKeyColumn(field, raw.columns.get(field.name), plan, ctx)
      : buildFieldColumn(field, raw.columns.get(field.name), plan, ctx)
    if (column !== undefined) built.set(field.name, column)
  }
  if (plan.schema.enableDynamicField && (plan.mode !== 'partialUpsert' || raw.dynamicRows !== null)) {
    built.set(META_FIELD, buildMetaColumn(raw.dynamicRows, ctx))
  }
  checkStructLengths(built, plan.schema, ctx.rowCount)
  if (plan.allocatesKeys) built.set(plan.primaryKey.name, allocateKeys(options, ctx.rowCount, plan.primaryKey))
  return { rowCount: ctx.rowCount, columns: inSchemaOrder(built, plan) }
}

function readData(given: unknown, plan: WritePlan): RawBatch {
  const form = detectDataForm(given, plan)
  const data = expandStructArrays(given, plan.schema, form === 'columnar')
  switch (form) {
    case 'arrow':
      return readArrowTable(data, plan)
    case 'rows':
      return readRows(data as readonly unknown[], plan)
    case 'row':
      return readRows([data], plan)
    case 'columnar':
      return readColumnarObject(data as Record<string, unknown>, plan)
    case 'columnList':
      return readColumnList(data as readonly unknown[], plan)
  }
}

function checkRowCounts(raw: RawBatch, plan: WritePlan): void {
  for (const [name, column] of raw.columns) {
    const count = rawRowCount(plan.fieldsByName.get(name)!, column)
    if (count !== raw.rowCount) throw rowCountMismatchError(name, count, raw.rowCount)
  }
}

function buildFieldColumn(
  field: FieldSchema,
  given: RawColumn | undefined,
  plan: WritePlan,
  ctx: BuildContext,
): Column | undefined {
  // A function's output is computed from its input after normalizing (engine/), never given.
  if (field.isFunctionOutput === true) {
    if (given !== undefined && !givenNowhere(given, ctx.rowCount)) {
      throw errors.invalid(`field ${field.name} is the output of a function (computed from its input field); it cannot be given in an insert or upsert`, { field: field.name })
    }
    return undefined
  }
  if (given === undefined) {
    if (plan.mode === 'partialUpsert') return undefined
    if (ctx.rowCount > 0 && !canFillMissing(field)) throw missingColumnError(field.name)
    return buildColumn(field, absentColumn, ctx)
  }
  if (plan.mode === 'partialUpsert' && !givenAtEveryRow(field, given, ctx.rowCount)) return undefined
  return buildColumn(field, given, ctx)
}

/** A raw column of rows where no row holds the field (a rows form lists every schema field). */
function givenNowhere(raw: RawColumn, rowCount: number): boolean {
  if (raw.form === 'flat') return false
  for (let i = 0; i < rowCount; i++) if (raw.values[i] !== undefined) return false
  return true
}

/** Partial update: a field is given at every row (true) or at none (false); anything else is 1100. */
function givenAtEveryRow(field: FieldSchema, raw: RawColumn, rowCount: number): boolean {
  if (raw.form === 'flat') return true
  let missing = 0
  let firstMissing = -1
  for (let i = 0; i < rowCount; i++) {
    if (raw.values[i] !== undefined) continue
    if (missing++ === 0) firstMissing = i
  }
  if (missing === 0) return true
  if (missing === rowCount) return false
  throw errors.invalid(
    `field ${field.name} is given at some rows but not at row ${firstMissing}: ` +
      'a partial update must give a field at every row or at none',
  )
}

/** Keys of an autoID insert: allocated int64 ids; a VarChar key gets their decimal text, as Milvus does. */
function allocateKeys(options: NormalizeOptions, rowCount: number, pk: FieldSchema): Column {
  assert(options.allocateIds !== undefined, 'allocateIds is needed to insert into an autoID collection')
  const values = rowCount === 0 ? new BigInt64Array(0) : options.allocateIds(rowCount)
  assert(values.length === rowCount, `allocateIds(${rowCount}) returned ${values.length} keys`)
  if (pk.dataType !== DataType.VarChar) return { kind: 'int64', values, validBits: null }
  const text = Array.from(values, (v) => v.toString())
  const longest = text.reduce((m, s) => Math.max(m, s.length), 0)
  if (pk.maxLength !== undefined && longest > pk.maxLength) {
    throw errors.invalid(`autoID keys of ${pk.name} are ${longest} characters long, more than its max_length ${pk.maxLength}: give the VarChar primary key a max_length of at least 20`, { field: pk.name })
  }
  return { kind: 'varchar', values: text, validBits: null }
}

function inSchemaOrder(built: ReadonlyMap<string, Column>, plan: WritePlan): Map<string, Column> {
  const out = new Map<string, Column>()
  for (const field of plan.schema.fields) {
    const column = built.get(field.name)
    if (column !== undefined) out.set(field.name, column)
  }
  const meta = built.get(META_FIELD)
  if (meta !== undefined) out.set(META_FIELD, meta)
  return out
}
