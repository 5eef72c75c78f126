import type { FieldSchema } from '../schema/collection-schema.ts'
import { DataType } from '../schema/data-type.ts'
import type { ExprPlan, PredicatePlan, Scalar, ValuePlan } from './expr-plan.ts'

export type PrimaryKeySet = { readonly kind: 'int64'; readonly keys: bigint[] } | { readonly kind: 'varchar'; readonly keys: string[] }

/**
 * The exact set of primary keys a filter selects, when the whole filter is `pk in [...]`,
 * `pk == x`, or an `or` of those (the delete fast path: no scan needed). Keys are deduplicated, in
 * first-written order. `undefined` for any other filter.
 */
export function primaryKeysOf(plan: ExprPlan, pkField: FieldSchema): PrimaryKeySet | undefined {
  const scalars = keysOf(plan.root, pkField.name)
  if (scalars === undefined) return undefined
  // The planner gave every constant the field's type; anything else is not a key set.
  if (pkField.dataType === DataType.Int64 && scalars.every((s) => s.type === 'int')) {
    return { kind: 'int64', keys: unique(scalars.map((s) => s.value as bigint)) }
  }
  if (pkField.dataType === DataType.VarChar && scalars.every((s) => s.type === 'string')) {
    return { kind: 'varchar', keys: unique(scalars.map((s) => s.value as string)) }
  }
  return undefined
}

function keysOf(p: PredicatePlan, pk: string): Scalar[] | undefined {
  switch (p.kind) {
    case 'compare':
      return p.op === '==' && isPk(p.value, pk) ? [p.constant] : undefined
    case 'in':
      return isPk(p.value, pk) ? [...p.set.values] : undefined
    case 'logical': {
      if (p.op !== 'or') return undefined
      const all: Scalar[] = []
      for (const x of p.operands) {
        const k = keysOf(x, pk)
        if (k === undefined) return undefined
        for (const s of k) all.push(s)
      }
      return all
    }
    default:
      return undefined
  }
}

function isPk(v: ValuePlan, pk: string): boolean {
  return v.kind === 'column' && v.column === pk
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)]
}
