import type { FieldSchema } from '../schema/collection-schema.ts'
import { DataType } from '../schema/data-type.ts'
import type { ExprPlan, PredicatePlan, Scalar, ValuePlan } from './expr-plan.ts'
import { termValues } from './planner/term-set.ts'

export type PrimaryKeySet = { readonly kind: 'int64'; readonly keys: bigint[] } | { readonly kind: 'varchar'; readonly keys: string[] }

/**
 * The exact set of primary keys a filter selects, when the whole filter is `pk in [...]`,
 * `pk == x`, or an `or` of those (the delete fast path: no scan needed). Keys are deduplicated;
 * a single `in` gives them in the term set's order (integers ascending, strings first-written),
 * without re-hashing them. `undefined` for any other filter.
 */
export function primaryKeysOf(plan: ExprPlan, pkField: FieldSchema): PrimaryKeySet | undefined {
  const single = singleSetOf(plan.root, pkField)
  if (single !== undefined) return single
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
      return isPk(p.value, pk) ? [...termValues(p.set)] : undefined
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

/** The keys of a plan that is one `pk in [...]` (its set is distinct already), else undefined. */
function singleSetOf(p: PredicatePlan, pkField: FieldSchema): PrimaryKeySet | undefined {
  if (p.kind !== 'in' || !isPk(p.value, pkField.name)) return undefined
  const { ints, floats, strings, bools } = p.set
  if (pkField.dataType === DataType.Int64 && floats.length + strings.length + bools.length === 0) return { kind: 'int64', keys: Array.from(ints) }
  if (pkField.dataType === DataType.VarChar && ints.length + floats.length + bools.length === 0) return { kind: 'varchar', keys: [...strings] }
  return undefined
}

function isPk(v: ValuePlan, pk: string): boolean {
  return v.kind === 'column' && v.column === pk
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)]
}
