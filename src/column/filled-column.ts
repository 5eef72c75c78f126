import type { FieldSchema } from '../schema/collection-schema.ts'
import { buildColumn } from './build-column.ts'
import type { Column } from './column.ts'
import { absentColumn } from './raw-column.ts'
import { RequestSize } from './request-size.ts'

/**
 * The column of `rowCount` rows that hold no value for `field`: each row is its default value, else
 * null. Rows written before a field was added (`AddCollectionField`, which only adds nullable fields)
 * read so, in memory and from segment files that predate the field.
 */
export function filledColumn(field: FieldSchema, rowCount: number): Column {
  return buildColumn(field, absentColumn, { rowCount, size: new RequestSize(Number.POSITIVE_INFINITY), jsonBytesMax: Number.POSITIVE_INFINITY })
}
