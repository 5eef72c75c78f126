import { DataType } from '../../schema/data-type.ts'
import { expectOk } from './rest-failure.ts'
import { int64 } from './rest-json.ts'
import { type RestContext, sdk } from './rest-route.ts'

/** What rendering a collection's rows needs: its primary key and which fields hold int64 values. */
export interface CollectionShape {
  readonly pkName: string
  readonly pkIsInt64: boolean
  /** Every schema field (dynamic keys are not among them). */
  readonly fieldNames: ReadonlySet<string>
  /** Int64 scalar fields (incl. an Int64 primary key). */
  readonly int64Fields: ReadonlySet<string>
  /** Arrays of Int64. */
  readonly int64ArrayFields: ReadonlySet<string>
}

/** The shape of a collection, from the facade's `describeCollection` (a missing collection fails with its status). */
export async function collectionShape(ctx: RestContext, collection: string): Promise<CollectionShape> {
  const d = expectOk(await ctx.client.describeCollection(sdk(ctx, { collection_name: collection })))
  const fields = (d.schema as { fields: Record<string, unknown>[] }).fields
  const pk = fields.find((f) => f.is_primary_key === true)
  const int64Fields = new Set<string>()
  const int64ArrayFields = new Set<string>()
  for (const f of fields) {
    if (f.dataType === DataType.Int64) int64Fields.add(String(f.name))
    if (f.dataType === DataType.Array && f.element_type === 'Int64') int64ArrayFields.add(String(f.name))
  }
  const fieldNames = new Set(fields.map((f) => String(f.name)))
  return { pkName: String(pk?.name ?? 'id'), pkIsInt64: pk?.dataType === DataType.Int64, fieldNames, int64Fields, int64ArrayFields }
}

/** The facade's column of dynamic keys; REST rows carry its keys flat, as Milvus's do. */
const DYNAMIC_FIELD = '$meta'

/** A facade row (int64 as decimal strings) in REST shape: int64 values marked for the int64 rule, dynamic keys flat. */
export function restRowOf(row: Record<string, unknown>, shape: CollectionShape): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(row)) {
    if (k === DYNAMIC_FIELD && !shape.fieldNames.has(k) && typeof v === 'object' && v !== null && !Array.isArray(v)) Object.assign(out, v)
    else if (v === null || v === undefined) out[k] = v
    else if (shape.int64Fields.has(k)) out[k] = int64(v)
    else if (shape.int64ArrayFields.has(k) && Array.isArray(v)) out[k] = v.map(int64)
    else out[k] = v
  }
  return out
}

/** Primary keys as the client sees them: int64 keys marked, VarChar keys as they are. */
export function restIdsOf(ids: readonly string[], pkIsInt64: boolean): unknown[] {
  return pkIsInt64 ? ids.map(int64) : [...ids]
}
