import type { CollectionSchema } from '../schema/collection-schema.ts'
import { type OrderByField, parseOrderBy } from '../query/field-order.ts'
import type { SearchHit } from './read-ops.ts'

/** `order_by_fields` of a read, parsed against the schema; undefined when absent or empty. */
export function orderByOf(text: string | undefined, schema: CollectionSchema): OrderByField[] | undefined {
  return text === undefined || text.trim() === '' ? undefined : parseOrderBy(text, schema)
}

/** The order fields a read must fetch besides the ones asked for (they are dropped from the rows after sorting). */
export function extraOrderFields(order: readonly OrderByField[] | undefined, asked: readonly string[] | undefined): string[] {
  return (order ?? []).map((o) => o.field).filter((f) => !(asked ?? []).includes(f))
}

type Value = unknown

function compare(a: Value, b: Value, desc: boolean): number {
  if (a === b) return 0
  if (a === null || a === undefined) return 1
  if (b === null || b === undefined) return -1
  const c = (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0
  return desc ? -c : c
}

/**
 * A search's hits (best first) re-ordered by `order` as Milvus's `order_by_fields` does: the top-k by
 * similarity are found first, then sorted by the fields (nulls last), ties kept in score order. The
 * `extra` fields fetched only for sorting are removed from the rows.
 */
export function orderHits(hits: readonly SearchHit[], order: readonly OrderByField[], extra: readonly string[]): SearchHit[] {
  const ranked = hits.map((h, rank) => ({ h, rank }))
  ranked.sort((x, y) => {
    for (const o of order) {
      const c = compare(x.h.row[o.field], y.h.row[o.field], o.desc)
      if (c !== 0) return c
    }
    return x.rank - y.rank
  })
  return ranked.map(({ h }) => {
    if (extra.length === 0) return h
    const row = { ...h.row }
    for (const f of extra) delete row[f]
    return { ...h, row }
  })
}
