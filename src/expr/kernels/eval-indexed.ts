import type { PathKey } from '../expr-node.ts'
import type { PredicatePlan } from '../expr-plan.ts'
import type { IndexQuery } from '../scalar-index/sorted-lookup.ts'
import type { ColumnSource } from './column-access.ts'
import { leafTruth, type Truth } from './truth.ts'

/**
 * A leaf answered by its field's scalar index: `field op c`, ranges (two such leaves), `in`, `like`
 * on a plain field, `array_contains*` on an Array field. Undefined when the source has no index for
 * the field or the index cannot answer the leaf; the caller then scans the column. The index's
 * rows equal the scan's exactly (differential test), so either way the result is the same.
 */
export function evalIndexed(p: PredicatePlan, src: ColumnSource, wantFalse: boolean): Truth | undefined {
  const json = jsonTarget(p)
  if (json !== undefined) return evalJsonIndexed(json, src, wantFalse)
  if (src.index === undefined) return undefined
  const target = indexTarget(p)
  if (target === undefined) return undefined
  const index = src.index(target.column)
  if (index === undefined || index.rowCount !== src.rowCount) return undefined
  const holds = index.lookup(target.query)
  return holds === undefined ? undefined : leafTruth(holds, index.validBits, wantFalse)
}

/** A leaf on a JSON path answered by the first JSON path index on that path that can (`JsonPathIndex`). */
function evalJsonIndexed(target: { column: string; path: readonly PathKey[]; query: IndexQuery }, src: ColumnSource, wantFalse: boolean): Truth | undefined {
  if (src.jsonIndexes === undefined) return undefined
  for (const index of src.jsonIndexes(target.column, target.path)) {
    if (index.rowCount !== src.rowCount) continue
    const holds = index.lookup(target.query)
    if (holds !== undefined) return leafTruth(holds, index.validBits, wantFalse)
  }
  return undefined
}

function jsonTarget(p: PredicatePlan): { column: string; path: readonly PathKey[]; query: IndexQuery } | undefined {
  switch (p.kind) {
    case 'compare':
      return p.value.kind === 'jsonPath' ? { column: p.value.column, path: p.value.path, query: { kind: 'compare', op: p.op, constant: p.constant } } : undefined
    case 'in':
      return p.value.kind === 'jsonPath' ? { column: p.value.column, path: p.value.path, query: { kind: 'in', set: p.set } } : undefined
    case 'like':
      return p.value.kind === 'jsonPath' ? { column: p.value.column, path: p.value.path, query: { kind: 'like', matcher: p.matcher } } : undefined
    case 'contains':
      return p.source.kind === 'json' ? { column: p.source.column, path: p.source.path, query: { kind: 'contains', mode: p.mode, values: p.values } } : undefined
    default:
      return undefined
  }
}

function indexTarget(p: PredicatePlan): { column: string; query: IndexQuery } | undefined {
  switch (p.kind) {
    case 'compare':
      return p.value.kind === 'column' ? { column: p.value.column, query: { kind: 'compare', op: p.op, constant: p.constant } } : undefined
    case 'in':
      return p.value.kind === 'column' ? { column: p.value.column, query: { kind: 'in', set: p.set } } : undefined
    case 'like':
      return p.value.kind === 'column' ? { column: p.value.column, query: { kind: 'like', matcher: p.matcher } } : undefined
    case 'contains':
      return p.source.kind === 'array' ? { column: p.source.column, query: { kind: 'contains', mode: p.mode, values: p.values } } : undefined
    default:
      return undefined
  }
}
