import { WorkSlice } from '../common/work-slice.ts'
import type { ExprPlan, PredicatePlan, ValuePlan } from './expr-plan.ts'
import { type LookupKind, scalarTermSet, type TermSet, termLookup } from './planner/term-set.ts'

/** Time `prepareLookups` may hold the event loop before it lets others run, in milliseconds. */
export const PREPARE_SLICE_MS = 4

/**
 * Builds the hash sets evaluating `plan` will probe (`TermLookup`: numbers for numeric columns,
 * strings for VarChar, every kind for JSON and computed values; int64 columns need none), a chunk
 * at a time, letting the event loop run between chunks. A plan from the filter worker arrives
 * without them (they are not plain data); built here, a 100,000-value list costs the main thread
 * slices of at most ~`PREPARE_SLICE_MS` instead of one 10–40 ms block at its first evaluation.
 */
export async function prepareLookups(plan: ExprPlan, sliceMs = PREPARE_SLICE_MS): Promise<void> {
  const slice = new WorkSlice(sliceMs)
  const due = () => slice.due()
  const pause = () => slice.pause()
  for (const { set, kinds } of lookupsOf(plan.root)) {
    const lookup = termLookup(set)
    for (const kind of kinds) await lookup.build(kind, due, pause)
  }
}

interface Needed {
  readonly set: TermSet
  readonly kinds: readonly LookupKind[]
}

/** The term sets of a plan and the hash sets their probes use; iterative (plans can be wide). */
function lookupsOf(root: PredicatePlan): Needed[] {
  const out: Needed[] = []
  const stack: PredicatePlan[] = [root]
  for (let p = stack.pop(); p !== undefined; p = stack.pop()) {
    switch (p.kind) {
      case 'logical':
        for (const x of p.operands) stack.push(x)
        break
      case 'not':
        stack.push(p.operand)
        break
      case 'in':
        out.push({ set: p.set, kinds: kindsFor(p.value, p.set) })
        break
      case 'contains': {
        const set = scalarTermSet(p.values)
        out.push({ set, kinds: allKinds(set) })
        break
      }
      default:
        break
    }
  }
  return out
}

/** What an `in` on this value probes: see `evalIn` (numbers, int64 halves, strings, any value). */
function kindsFor(v: ValuePlan, set: TermSet): readonly LookupKind[] {
  const kind = v.kind === 'column' ? v.columnKind : v.kind === 'arrayElement' ? v.elementKind : undefined
  if (kind === 'int64' || kind === 'bool') return []
  if (kind === 'varchar') return set.strings.length > 0 ? ['strings'] : []
  if (kind !== undefined) return set.ints.length + set.floats.length > 0 ? ['numbers'] : []
  return allKinds(set)
}

function allKinds(set: TermSet): LookupKind[] {
  const numeric = set.ints.length + set.floats.length > 0
  return [...(numeric ? (['numbers', 'bigints'] as const) : []), ...(set.strings.length > 0 ? (['strings'] as const) : [])]
}
