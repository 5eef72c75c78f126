import type { PathKey } from '../expr-node.ts'
import type { PredicatePlan, Scalar, ValuePlan } from '../expr-plan.ts'
import { createTermSet, termValues } from './term-set.ts'

/**
 * Rewrites the operands of an `or`: all `x == c` and `x in [...]` on the same field become one
 * `x in [...]` (at the place of the first), so a generated `pk == 1 or pk == 2 or ...` of 10,000
 * terms is one set lookup per row, not 10,000 passes. Same truth on every row, nulls included.
 */
export function mergeOrTerms(operands: readonly PredicatePlan[]): PredicatePlan[] {
  const groups = new Map<string, { value: ValuePlan; scalars: Scalar[]; first: number; count: number }>()
  const out: PredicatePlan[] = []
  for (const p of operands) {
    const term = termOf(p)
    const key = term === undefined ? undefined : valueKey(term.value)
    if (term === undefined || key === undefined) {
      out.push(p)
      continue
    }
    const g = groups.get(key)
    if (g === undefined) {
      groups.set(key, { value: term.value, scalars: [...term.scalars], first: out.length, count: 1 })
      out.push(p)
    } else {
      for (const s of term.scalars) g.scalars.push(s)
      g.count++
    }
  }
  for (const g of groups.values()) {
    if (g.count > 1) out[g.first] = { kind: 'in', value: g.value, set: createTermSet(g.scalars) }
  }
  return out
}

function termOf(p: PredicatePlan): { value: ValuePlan; scalars: readonly Scalar[] } | undefined {
  if (p.kind === 'compare' && p.op === '==') return { value: p.value, scalars: [p.constant] }
  if (p.kind === 'in') return { value: p.value, scalars: termValues(p.set) }
  return undefined
}

/** Identity of a plain field read; undefined for computed values (arithmetic, lengths). */
function valueKey(v: ValuePlan): string | undefined {
  const path = (p: readonly PathKey[]) => JSON.stringify(p)
  switch (v.kind) {
    case 'column':
      return `c:${v.column}`
    case 'jsonPath':
      return `j:${v.column}:${path(v.path)}`
    case 'arrayElement':
      return `a:${v.column}:${v.index}`
    default:
      return undefined
  }
}
