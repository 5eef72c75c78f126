import { ttlFieldOf } from '../catalog/ttl-field.ts'
import type { CollectionData } from '../collection/collection-data.ts'
import type { ExprPlan, PredicatePlan, ValuePlan } from '../expr/expr-plan.ts'
import type { Database } from './database.ts'
import { deleteData } from './write-ops.ts'

/**
 * Entity-level TTL (Milvus 2.6 `ttl_field`): a row whose TTL field holds a time > 0 that is not after
 * now has expired and is invisible to every read (query, search, get, count), as Milvus injects the
 * filter on the read path. Null, 0 and negative values never expire. `plan` (the request's filter) is
 * returned as is when the collection has no TTL field, else and-ed with "not expired".
 */
export function withEntityTtl(d: CollectionData, plan: ExprPlan | undefined, nowMs: number = Date.now()): ExprPlan | undefined {
  const column = ttlFieldOf(d.schema, d.meta.properties)
  if (column === undefined) return plan
  const nullable = d.schema.fields.find((f) => f.name === column)?.nullable === true
  const value: ValuePlan = { kind: 'column', column, columnKind: 'int64', type: 'int' }
  const live: PredicatePlan = {
    kind: 'logical',
    op: 'or',
    operands: [
      { kind: 'isNull', column, nullable, negated: false },
      { kind: 'compare', op: '<=', value, constant: { type: 'int', value: 0n } },
      { kind: 'compare', op: '>', value, constant: { type: 'int', value: BigInt(nowMs) * 1000n } },
    ],
  }
  if (plan === undefined) return { root: live, columns: [column] }
  const columns = plan.columns.includes(column) ? plan.columns : [...plan.columns, column]
  return { root: { kind: 'logical', op: 'and', operands: [plan.root, live] }, columns }
}

/** True when reads of this collection filter out expired rows (so key lookups must go through the filter). */
export function hasEntityTtl(d: CollectionData): boolean {
  return ttlFieldOf(d.schema, d.meta.properties) !== undefined
}

/**
 * Turns the expired rows of a collection with entity-level TTL into deletes (one WAL record, the
 * expiry instant fixed in its filter so replay deletes the same rows), so compaction purges them as
 * Milvus's does. Returns the rows deleted (0 without a TTL field).
 */
export async function expireTtlRows(db: Database, collection: string, nowMs: number = Date.now()): Promise<number> {
  const d = db.state.collection(collection)
  const column = ttlFieldOf(d.schema, d.meta.properties)
  if (column === undefined) return 0
  const nowMicros = BigInt(nowMs) * 1000n
  const outcome = await deleteData(db, collection, { filter: `${column} > 0 and ${column} <= ${nowMicros}` })
  return outcome.deleteCount
}
