// Proves prepareLookups builds exactly the hash sets a plan's evaluation probes (none for Int64
// columns), the same sets the evaluator would build itself, a chunk at a time with the event loop
// running between chunks.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { compileFilter } from './compile-filter.ts'
import type { PredicatePlan } from './expr-plan.ts'
import { termLookup } from './planner/term-set.ts'
import { prepareLookups } from './prepare-lookups.ts'
import { testSchema } from './test-fixtures.ts'

const inSet = (p: PredicatePlan) => {
  assert.ok(p.kind === 'in')
  return p.set
}

test('each in gets the sets its value probes; Int64 columns need none', async () => {
  const plan = compileFilter('pk in [1, 2] and i32 in [3, 4] and s in ["a"] and j["k"] in [5, "b"] and b in [true]', testSchema)
  assert.ok(plan.root.kind === 'logical')
  const [pk, i32, s, j, b] = plan.root.operands.map(inSet)
  await prepareLookups(plan)
  const built = (set: typeof pk) => (['numbers', 'bigints', 'strings'] as const).filter((k) => termLookup(set!).isBuilt(k))
  assert.deepEqual(built(pk), [])
  assert.deepEqual(built(i32), ['numbers'])
  assert.deepEqual(built(s), ['strings'])
  assert.deepEqual(built(j), ['numbers', 'bigints', 'strings'])
  assert.deepEqual(built(b), [])
})

test('a big set is built in chunks, other work running between them, into the same sets', async () => {
  const values = Array.from({ length: 20_000 }, (_, i) => `"v${i}"`).join(',')
  const plan = compileFilter(`s in [${values}] or json_contains_any(j, [${values}, 1, 2.5])`, testSchema)
  const copy = structuredClone(plan)
  let turns = 0
  let done = false
  const spin = () => {
    turns++
    if (!done) setImmediate(spin)
  }
  setImmediate(spin)
  await prepareLookups(plan, 0)
  done = true
  await nextTurn()
  assert.ok(turns >= 5, `${turns} turns of the event loop ran meanwhile`)
  assert.ok(plan.root.kind === 'logical')
  const s = inSet(plan.root.operands[0]!)
  assert.ok(termLookup(s).isBuilt('strings'))
  assert.ok(copy.root.kind === 'logical')
  assert.deepEqual(termLookup(s).strings, termLookup(inSet(copy.root.operands[0]!)).strings)
})
