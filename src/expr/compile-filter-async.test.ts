// Proves a filter compiled on the filter worker is the filter compiled in-line: plans survive the
// structured clone exactly (deep equality over typed arrays, bigints, -0, like matchers, JSON paths,
// template values; fixed cases and random expressions), errors come back as the same MilvusError,
// and compileFilterAsync keeps the cache's one-plan-per-text promise however it compiled.
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import fc from 'fast-check'
import { ErrorCode, MilvusError } from '../errors/errors.ts'
import { compileFilter } from './compile-filter.ts'
import { compileFilterAsync, compilesInline, INLINE_FILTER_CHARS_MAX, INLINE_PARAM_WEIGHT_MAX } from './compile-filter-async.ts'
import { closeSharedCompileThread, sharedCompileThread } from './compile-thread.ts'
import { exprLimits } from './expr-limits.ts'
import { exprToString } from './expr-to-string.ts'
import { compileFilterCached, isSharedPlan } from './filter-cache.ts'
import { predicateArb, testSchema } from './test-fixtures.ts'

after(() => closeSharedCompileThread())

const onWorker = (text: string, params?: Record<string, unknown>) => sharedCompileThread().compile(text, testSchema, params)

/** Filters covering every plan kind and every field of a TermSet. */
const cases: [string, Record<string, unknown>?][] = [
  ['pk in [3, 1, 2, 9007199254740993, -9223372036854775808, 9223372036854775807]'],
  ['i32 in [1, 2, 3] and i8 not in [-1]'],
  ['f32 in [0.1, -0.0, 1e30, 2.5] or f64 in [1, 2.5, -0.0]'],
  ['s in ["a", "b", "é", "😀x", ""]'],
  ['b in [true, false, true]'],
  ['j["a"]["b"][0] in [1, 2.5, "x", true, 9007199254740993]'],
  ['$meta["k"] == 1 and dyn > 2.5'],
  ['s like "ab%" or s like "%b" or s like "%b%" or s like "a_c" or s like "%" or s like "abc" or s like "a\\\\%b%c_d"'],
  ['j["x"] like "a%"'],
  ['1 < i16 <= 5 and -3 >= i64 and not (f64 != 2)'],
  ['i64 * 2 + 1 > 7 and 10 - i32 < 3 and f64 ** 2 > 1.5 and i64 % 3 == 1 and -i32 > 0'],
  ['i32 == i16 and f32 < f64 and s != s'],
  ['i8 is null or s is not null or exists j["a"]'],
  ['json_contains(j["l"], 1) and json_contains_all(j, [1, [2, 3]]) and json_contains_any(j, ["a", 2.5])'],
  ['array_contains(a64, 9007199254740993) and array_contains_all(a32, [1, 2]) and array_contains_any(astr, ["x"])'],
  ['array_length(af) == 2 and af[1] > 0.5 and a64[0] in [1, 2]'],
  ['pk == 1 or pk == 2 or pk in [3, 4] or i32 > 3'],
  ['true and not false'],
  ['pk in {ids} and s in {names} and f64 > {x} and j["a"] == {y}', { ids: [1, 2n ** 62n, 3], names: ['a', 'b'], x: -0.5, y: 'z' }],
  ['json_contains_any(j, {lists})', { lists: [[1, 2], [3, [4]], 'a', true] }],
  ['{flag}', { flag: true }],
]

test('fixed filters: the plan from the worker deep-equals the plan compiled in-line', async () => {
  for (const [text, params] of cases) {
    assert.deepStrictEqual(await onWorker(text, params), compileFilter(text, testSchema, params), text)
  }
})

test('random filters: the plan from the worker deep-equals the plan compiled in-line', async () => {
  const texts = fc.sample(predicateArb, { numRuns: 300, seed: 42 }).map((ast) => exprToString(ast))
  const fromWorker = await Promise.all(texts.map((t) => onWorker(t).catch((e: unknown) => e)))
  texts.forEach((t, i) => {
    let inline: unknown
    try {
      inline = compileFilter(t, testSchema)
    } catch (e) {
      inline = e
    }
    assertSameOutcome(fromWorker[i], inline, t)
  })
})

function assertSameOutcome(got: unknown, want: unknown, text: string): void {
  if (want instanceof MilvusError) assertSameError(got, want, text)
  else assert.deepStrictEqual(got, want, text)
}

function assertSameError(got: unknown, want: MilvusError, text: string): void {
  assert.ok(got instanceof MilvusError, `${text}: ${String(got)}`)
  assert.equal(got.code, want.code, text)
  assert.equal(got.message, want.message, text)
  assert.equal(got.retriable, want.retriable, text)
  assert.deepEqual(got.details, want.details, text)
  assert.equal((got.cause as Error | undefined)?.message, (want.cause as Error | undefined)?.message, text)
  assert.equal(got.cause instanceof MilvusError, want.cause instanceof MilvusError, text)
}

test('errors come back as the same MilvusError 1100, cause included', async () => {
  const bad: [string, Record<string, unknown>?][] = [
    ['x > > 1'],
    ['vec > 1'],
    ['s > 3'],
    ['pk in {ids}', { ids: [1, 'a'] }],
    ['pk == {missing}'],
    [Array.from({ length: 6000 }, (_, i) => `pk != ${i}`).join(' and ')],
    [`pk in [${'1,'.repeat(exprLimits.inListLengthMax + 1)}]`],
  ]
  for (const [text, params] of bad) {
    let want: MilvusError | undefined
    try {
      compileFilter(text, testSchema, params)
    } catch (e) {
      want = e as MilvusError
    }
    assert.ok(want instanceof MilvusError && want.code === ErrorCode.ParameterInvalid, text.slice(0, 50))
    const viaWorker = await onWorker(text, params).then(() => undefined, (e: unknown) => e)
    assertSameError(viaWorker, want, text.slice(0, 50))
    const viaAsync = await compileFilterAsync(text, testSchema, params).then(() => undefined, (e: unknown) => e)
    assertSameError(viaAsync, want, text.slice(0, 50))
  }
})

test('which filters compile in-line: text up to INLINE_FILTER_CHARS_MAX, template values up to INLINE_PARAM_WEIGHT_MAX', () => {
  const text = (n: number) => `pk > 1${' '.repeat(n - 6)}`
  assert.equal(compilesInline(text(INLINE_FILTER_CHARS_MAX)), true)
  assert.equal(compilesInline(text(INLINE_FILTER_CHARS_MAX + 1)), false)
  // A list of k values weighs k + 1 (the list itself).
  assert.equal(compilesInline('pk in {a}', { a: new Array(INLINE_PARAM_WEIGHT_MAX - 1).fill(1) }), true)
  assert.equal(compilesInline('pk in {a}', { a: new Array(INLINE_PARAM_WEIGHT_MAX).fill(1) }), false)
  assert.equal(compilesInline('s == {a}', { a: 'x'.repeat(16 * (INLINE_PARAM_WEIGHT_MAX - 1)) }), true)
  assert.equal(compilesInline('s == {a}', { a: 'x'.repeat(16 * INLINE_PARAM_WEIGHT_MAX) }), false)
  const cycle: unknown[] = []
  cycle.push(cycle)
  assert.equal(compilesInline('pk in {a}', { a: cycle }), false)
  const shared = new Array(100).fill(1)
  assert.equal(compilesInline('pk in {a}', { a: new Array(100).fill(shared) }), false)
})

test('a big filter compiles on the worker to one shared, cached plan; concurrent callers get the same object', async () => {
  const text = `pk in [${Array.from({ length: 5000 }, (_, i) => i * 7).join(', ')}]`
  assert.equal(compilesInline(text), false)
  const thread = sharedCompileThread()
  const [a, b] = await Promise.all([compileFilterAsync(text, testSchema), compileFilterAsync(text, testSchema)])
  assert.equal(a, b)
  assert.ok(isSharedPlan(a))
  assert.equal(compileFilterCached(text, testSchema), a)
  assert.equal(await compileFilterAsync(text, testSchema), a)
  assert.equal(thread.pendingCount, 0)
  assert.deepStrictEqual(a, compileFilter(text, testSchema))
  // Template values change the plan: compiled each time, never shared.
  const ids = Array.from({ length: 5000 }, (_, i) => i)
  const p = await compileFilterAsync('pk in {ids}', testSchema, { ids })
  const q = await compileFilterAsync('pk in {ids}', testSchema, { ids })
  assert.notEqual(p, q)
  assert.ok(!isSharedPlan(p))
  assert.deepStrictEqual(p, q)
})

test('a small filter compiles in-line, sharing the cache with compileFilterCached', async () => {
  const p = await compileFilterAsync('i32 > 17', testSchema)
  assert.equal(p, compileFilterCached('i32 > 17', testSchema))
})

test('params that cannot be sent to a thread are compiled in-line, with the same result', async () => {
  const params = { ids: Array.from({ length: 3000 }, (_, i) => i), unused: () => 1 }
  assert.equal(compilesInline('pk in {ids}', params), false)
  assert.deepStrictEqual(await compileFilterAsync('pk in {ids}', testSchema, params), compileFilter('pk in {ids}', testSchema, params))
  const bad = { ids: [1, 2, () => 3, ...new Array(3000).fill(4)] }
  await assert.rejects(compileFilterAsync('pk in {ids}', testSchema, bad), /unsupported value type function/)
})

test('close rejects pending compiles; the next compile starts a new thread', async () => {
  const text = `pk in [${'1,'.repeat(50_000)}]`
  const outcome = compileFilterAsync(`${text} `, testSchema).then(() => undefined, (e: unknown) => e)
  await closeSharedCompileThread()
  const e = await outcome
  assert.ok(e instanceof MilvusError && /closed/.test(e.message), String(e))
  assert.equal((await compileFilterAsync(`${text}  `, testSchema)).root.kind, 'in')
})
