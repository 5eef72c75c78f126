import type { Bitset } from '../common/bitset.ts'
import type { ExprPlan, PredicateKind, PredicatePlan } from './expr-plan.ts'
import type { ColumnSource } from './kernels/column-access.ts'
import { evalCompare, evalCompareColumns, evalIn, evalLike } from './kernels/eval-leaf.ts'
import { evalIndexed } from './kernels/eval-indexed.ts'
import { evalContains, evalExists, evalIsNull } from './kernels/eval-json.ts'
import { andTruth, constantTruth, notTruth, orTruth, type Truth } from './kernels/truth.ts'
import { evalSpatialSteps } from './kernels/spatial-kernels.ts'
import { evalTimeShift } from './kernels/time-shift-kernels.ts'
import { evalTextMatchSteps } from './kernels/text-match-kernels.ts'

export type { ColumnSource } from './kernels/column-access.ts'

/**
 * Evaluates a plan over every row of `source` and returns `matchBits` (1 = the row matches).
 * Vectorised: each node runs one tight loop over its column's typed array and yields bitsets;
 * `and`/`or`/`not` combine them word-wise. Int64 columns are read as 32-bit halves, never as
 * BigInts per row. Null rows are unknown (three-valued logic); see `expr-plan.ts`. Leaves on a
 * field with a scalar index (`source.index`) are answered by the index, with the same rows.
 */
export function evaluate(plan: ExprPlan, source: ColumnSource): Bitset {
  const walk = evalPredicate(plan.root, source, false)
  for (;;) {
    const step = walk.next()
    if (step.done === true) return step.value.t
  }
}

/** What `evaluateSliced` needs of a request's time slice (`WorkSlice`). */
export interface EvalSlice {
  due(): boolean
  pause(): Promise<void>
}

/**
 * `evaluate` for reads: the same walk, letting other work run (`slice.pause()`, which also ends the
 * read on its deadline or cancellation) between operands of `and`/`or` once the slice is used up. A
 * leaf is one tight loop over the segment's rows; a plan of thousands of leaves over a big segment
 * therefore never holds the event loop for longer than about the slice plus one leaf.
 */
export async function evaluateSliced(plan: ExprPlan, source: ColumnSource, slice: EvalSlice): Promise<Bitset> {
  const walk = evalPredicate(plan.root, source, false)
  for (;;) {
    const step = walk.next()
    if (step.done === true) return step.value.t
    if (slice.due()) await slice.pause()
  }
}

type LeafKind = Exclude<PredicateKind, 'logical' | 'not' | 'spatial' | 'textMatch' | 'phraseMatch'>
type Handler<K extends PredicateKind> = (p: PredicatePlan & { kind: K }, src: ColumnSource, wantFalse: boolean) => Truth

/** One handler per leaf kind (`logical`, `not`, `spatial` and the text leaves are walked by `evalPredicate`); a missing kind is a compile error. */
const handlers: { readonly [K in LeafKind]: Handler<K> } = {
  constant: (p, src) => constantTruth(p.value, src.rowCount),
  compare: (p, src, wantFalse) => evalIndexed(p, src, wantFalse) ?? evalCompare(p, src, wantFalse),
  compareColumns: evalCompareColumns,
  timeShift: evalTimeShift,
  in: (p, src, wantFalse) => evalIndexed(p, src, wantFalse) ?? evalIn(p, src, wantFalse),
  like: (p, src, wantFalse) => evalIndexed(p, src, wantFalse) ?? evalLike(p, src, wantFalse),
  isNull: (p, src) => evalIsNull(p, src),
  exists: evalExists,
  contains: (p, src, wantFalse) => evalIndexed(p, src, wantFalse) ?? evalContains(p, src, wantFalse),
}

/** An `and` with an operand true nowhere, or an `or` with one true everywhere, needs no more operands. */
function settled(op: 'and' | 'or', part: Truth, rowCount: number): boolean {
  const n = part.t.count()
  return op === 'and' ? n === 0 : n === rowCount
}

/**
 * The truth of `p` over every row. A generator that yields after each operand of `and`/`or` (the
 * points where a sliced evaluation may pause); `evaluate` runs it to the end in one go.
 */
function* evalPredicate(p: PredicatePlan, src: ColumnSource, wantFalse: boolean): Generator<void, Truth, void> {
  if (p.kind === 'logical') {
    const parts: Truth[] = []
    for (const x of p.operands) {
      const part = yield* evalPredicate(x, src, wantFalse)
      parts.push(part)
      if (!wantFalse && settled(p.op, part, src.rowCount)) break
      yield
    }
    return p.op === 'and' ? andTruth(parts, wantFalse) : orTruth(parts, wantFalse)
  }
  if (p.kind === 'not') return notTruth(yield* evalPredicate(p.operand, src, true), wantFalse)
  // Spatial leaves may take long (WKT parsed per row on a segment's first filter): they yield inside.
  if (p.kind === 'spatial') return yield* evalSpatialSteps(p, src, wantFalse)
  // A segment's first text filter builds its text index: it yields between blocks of rows analyzed.
  if (p.kind === 'textMatch' || p.kind === 'phraseMatch') return yield* evalTextMatchSteps(p, src, wantFalse)
  return (handlers[p.kind] as Handler<LeafKind>)(p as PredicatePlan & { kind: LeafKind }, src, wantFalse)
}
