import type { FieldSchema } from '../schema/collection-schema.ts'
import { DataType } from '../schema/data-type.ts'
import { buildArrayColumn } from './array-column.ts'
import type { Column, ColumnKind } from './column.ts'
import { columnKindOf } from './column-kind.ts'
import { buildDenseVectorColumn } from './dense-vector-column.ts'
import { buildGeometryColumn } from './geometry-column.ts'
import { buildInt64Column } from './int64-column.ts'
import { buildJsonColumn } from './json-column.ts'
import type { BuildContext, RawColumn } from './raw-column.ts'
import { buildBoolColumn, buildDoubleColumn, buildFloatColumn, buildIntColumn } from './scalar-column.ts'
import { buildSparseVectorColumn } from './sparse-vector-column.ts'
import { buildTimestamptzColumn } from './timestamptz-column.ts'
import { buildVarcharColumn } from './varchar-column.ts'
import { buildVectorArrayColumn } from './vector-array-column.ts'

type ColumnBuilder = (field: FieldSchema, raw: RawColumn, ctx: BuildContext) => Column

/** One validating builder per column kind; a new kind without a builder is a compile error. */
const builders: Readonly<Record<ColumnKind, ColumnBuilder>> = {
  bool: buildBoolColumn,
  int8: buildIntColumn,
  int16: buildIntColumn,
  int32: buildIntColumn,
  int64: buildInt64Column,
  float: buildFloatColumn,
  double: buildDoubleColumn,
  varchar: buildVarcharColumn,
  json: buildJsonColumn,
  geometry: buildGeometryColumn,
  array: buildArrayColumn,
  floatVector: buildDenseVectorColumn,
  binaryVector: buildDenseVectorColumn,
  float16Vector: buildDenseVectorColumn,
  bfloat16Vector: buildDenseVectorColumn,
  int8Vector: buildDenseVectorColumn,
  sparseVector: buildSparseVectorColumn,
  vectorArray: buildVectorArrayColumn,
}

/** Validates `raw` (exactly `ctx.rowCount` rows, or absent) against `field` and builds its column. */
export function buildColumn(field: FieldSchema, raw: RawColumn, ctx: BuildContext): Column {
  if (field.dataType === DataType.Timestamptz) return buildTimestamptzColumn(field, raw, ctx)
  return builders[columnKindOf(field)](field, raw, ctx)
}
