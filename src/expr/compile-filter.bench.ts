// Micro-benchmark: what compiling a big filter costs, and what the main thread pays when a worker
// compiles it (the plan's structured-clone deserialisation, plus the lookup sets built at first use).
// Run: npx tsx src/expr/compile-filter.bench.ts [cases...]  (ms; best of 5, since on a shared machine
// the slower runs measure the other tenants; `in`-list sizes and chains)
// Then, per case, compileFilterAsync through the worker: latency, the main thread's active time
// (event-loop utilisation) and its longest block (gap between 1 ms timer ticks), best of 5.
import { deserialize, serialize } from 'node:v8'
import { performance as perf } from 'node:perf_hooks'
import { createCollectionSchema } from '../schema/collection-schema.ts'
import { compileFilterAsync } from './compile-filter-async.ts'
import { closeSharedCompileThread, sharedCompileThread } from './compile-thread.ts'
import type { ExprPlan } from './expr-plan.ts'
import { parseExpr } from './parse-expr.ts'
import { planExpr } from './plan.ts'
import { termLookup } from './planner/term-set.ts'

const schema = createCollectionSchema({
  name: 'bench',
  fields: [
    { name: 'id', dataType: 'Int64', isPrimaryKey: true },
    { name: 'v', dataType: 'FloatVector', dim: 2 },
    { name: 'n', dataType: 'Int32' },
    { name: 's', dataType: 'VarChar', maxLength: 64 },
  ],
})

const list = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(',')
const cases: Record<string, () => string> = {
  'int64 in 1k': () => `id in [${list(1000, String)}]`,
  'int64 in 10k': () => `id in [${list(10_000, String)}]`,
  'int64 in 100k': () => `id in [${list(100_000, String)}]`,
  'int32 in 100k': () => `n in [${list(100_000, String)}]`,
  'varchar in 100k': () => `s in [${list(100_000, (i) => `"k${i}"`)}]`,
  'uuid in 100k': () => `s in [${list(100_000, (i) => `"${(i * 2654435761).toString(16).padStart(12, '0').slice(-8)}-4a1b-9c2d-3e4f-${i.toString(16).padStart(12, '0')}"`)}]`,
  'and-chain 1k': () => Array.from({ length: 1000 }, (_, i) => `id != ${i}`).join(' and '),
  'and-chain 5k': () => Array.from({ length: 5000 }, (_, i) => `id != ${i}`).join(' and '),
  'or-chain 5k (merged)': () => Array.from({ length: 5000 }, (_, i) => `id == ${i}`).join(' or '),
}
/** Filters past a limit: how long until the 1100. */
const refused: Record<string, () => string> = {
  'and-chain 200k': () => Array.from({ length: 200_000 }, (_, i) => `id != ${i}`).join(' and '),
  'int64 in 1M': () => `id in [${list(1_000_000, String)}]`,
}

function best(f: () => void, runs = 5): number {
  f() // warm-up
  let min = Number.POSITIVE_INFINITY
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    f()
    min = Math.min(min, performance.now() - t)
  }
  return min
}

/** Builds the lookup set the first evaluation of an `in` on a column needs (none for Int64: halves). */
function warmLookups(plan: ExprPlan): void {
  const root = plan.root
  if (root.kind !== 'in' || root.value.kind !== 'column') return
  const kind = root.value.columnKind
  if (kind === 'varchar') void termLookup(root.set).strings
  else if (kind !== 'int64') void termLookup(root.set).numbers
}

const only = process.argv.slice(2)
for (const [name, make] of Object.entries(cases)) {
  if (only.length > 0 && !only.some((o) => name.includes(o))) continue
  const text = make()
  const ast = parseExpr(text)
  const plan = planExpr(ast, schema)
  const bytes = serialize(plan)
  const parseMs = best(() => parseExpr(text))
  const planMs = best(() => planExpr(ast, schema))
  const deserializeMs = best(() => deserialize(bytes))
  const lookupMs = best(() => warmLookups(deserialize(bytes) as ExprPlan)) - deserializeMs
  const f = (x: number) => x.toFixed(1).padStart(7)
  console.log(
    `${name.padEnd(22)} chars ${String(text.length).padStart(8)}  parse ${f(parseMs)}  plan ${f(planMs)}  ` +
      `clone ${String(bytes.length).padStart(9)} B  deserialize ${f(deserializeMs)}  lookup sets ${f(Math.max(0, lookupMs))}`,
  )
}

for (const [name, make] of Object.entries(refused)) {
  if (only.length > 0 && !only.some((o) => name.includes(o))) continue
  const text = make()
  const refusedMs = best(() => {
    try {
      parseExpr(text)
    } catch {
      return
    }
    throw new Error(`${name} parsed`)
  })
  console.log(`${name.padEnd(22)} chars ${String(text.length).padStart(8)}  refused (1100) after ${refusedMs.toFixed(1)} ms of parsing`)
}

/** One compile on the worker (a fresh text each run, so the cache never answers). */
async function onWorker(text: string, run: number): Promise<{ ms: number; activeMs: number; blockMs: number }> {
  let last = perf.now()
  let blockMs = 0
  const tick = setInterval(() => {
    const now = perf.now()
    blockMs = Math.max(blockMs, now - last)
    last = now
  }, 1)
  await new Promise((r) => setTimeout(r, 5))
  blockMs = 0
  last = perf.now()
  const elu = perf.eventLoopUtilization()
  const t = perf.now()
  const plan = await compileFilterAsync(`${text}${' '.repeat(run + 1)}`, schema)
  warmLookups(plan)
  const ms = perf.now() - t
  const activeMs = perf.eventLoopUtilization(elu).active
  await new Promise((r) => setTimeout(r, 2))
  clearInterval(tick)
  return { ms, activeMs, blockMs }
}

await sharedCompileThread().compile('id > 0', schema) // start the worker first
for (const [name, make] of Object.entries(cases)) {
  if (only.length > 0 && !only.some((o) => name.includes(o))) continue
  const text = make()
  const runs: { ms: number; activeMs: number; blockMs: number }[] = []
  for (let i = 0; i < 6; i++) runs.push(await onWorker(text, i))
  runs.shift() // warm-up
  const min = (k: 'ms' | 'activeMs' | 'blockMs') => Math.min(...runs.map((r) => r[k])).toFixed(1).padStart(7)
  console.log(`${name.padEnd(22)} worker: latency ${min('ms')}  main thread active ${min('activeMs')}  longest block ${min('blockMs')}`)
}
await closeSharedCompileThread()
