import { assert } from '../common/assert.ts'
import type { FieldSchema } from '../schema/collection-schema.ts'
import type { RequestSize } from './request-size.ts'

/** Vector data for many rows, row-major (`rowCount × width` values), as the caller gave it. */
export type FlatVectorData = Float32Array | Float64Array | Uint8Array | Uint16Array | Int8Array | readonly number[]

/**
 * A field's data as read from the request, before validation.
 * `values`: one value per row (`undefined` or `null` = no value); `flat`: dense vectors only.
 */
export type RawColumn =
  | { readonly form: 'values'; readonly values: ArrayLike<unknown> }
  | { readonly form: 'flat'; readonly data: FlatVectorData }

/** A request read into raw columns: schema fields given, plus per-row dynamic keys. */
export interface RawBatch {
  readonly rowCount: number
  /** Schema fields the request gives, by name (absent = not given at all). */
  readonly columns: ReadonlyMap<string, RawColumn>
  /** Per-row objects of the keys not in the schema; null when no row has any. */
  readonly dynamicRows: readonly (Record<string, unknown> | undefined)[] | null
}

/** Shared state while building the columns of one batch. */
export interface BuildContext {
  readonly rowCount: number
  readonly size: RequestSize
  readonly jsonBytesMax: number
  /** IANA timezone that Timestamptz text without an offset is read in (default UTC). */
  readonly timezone?: string
}

/** A column no value was given for: reads `undefined` at every row. */
export const absentColumn: RawColumn = { form: 'values', values: [] }

/** The per-row values of a non-vector field (readers only make `flat` columns for dense vectors). */
export function rowValues(field: FieldSchema, raw: RawColumn): ArrayLike<unknown> {
  assert(raw.form === 'values', `flat data read for non-vector field ${field.name}`)
  return raw.values
}
