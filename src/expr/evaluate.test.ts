// Proves the filter semantics on a small hand-made table, for both evaluators: nulls (three-valued
// logic), int64 beyond 2^53 and wrap-around, float32 constants, strings and like, JSON and dynamic
// keys (missing = false, != true), arrays, contains, null tests, two-column comparisons.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Column } from '../column/column.ts'
import { compileFilter } from './compile-filter.ts'
import { evaluate } from './evaluate.ts'
import { evaluateNaive } from './evaluate-naive.ts'
import { sourceOf, testSchema, validOf } from './test-fixtures.ts'

const MAX = 2n ** 63n - 1n
const MIN = -(2n ** 63n)
const present = [true, true, false, true, true, true] // row 2 is null in every nullable field
const columns = new Map<string, Column>([
  ['pk', { kind: 'int64', values: BigInt64Array.from([0n, 1n, 2n, 3n, 4n, 5n]), validBits: null }],
  ['i32', { kind: 'int32', values: Int32Array.from([10, 20, 0, 30, -5, 0]), validBits: validOf(present) }],
  ['i64', { kind: 'int64', values: BigInt64Array.from([2n ** 53n + 1n, -1n, 0n, MAX, 2n ** 53n, 0n]), validBits: validOf(present) }],
  ['f32', { kind: 'float', values: Float32Array.from([1.1, 2.5, 0, -1, 3, 1]), validBits: validOf(present) }],
  ['s', { kind: 'varchar', values: ['alice', 'bob', '', 'a%b', 'Ünïcode😀', ''], validBits: validOf(present) }],
  ['b', { kind: 'bool', values: Uint8Array.from([1, 0, 0, 1, 0, 1]), validBits: validOf(present) }],
  ['j', { kind: 'json', values: [{ a: 1, arr: [1, 2] }, { a: 'x', arr: [[1, 2]] }, null, { a: null }, [1, 2, 3], { a: 2.5, b: { c: 'd' } }], validBits: validOf(present) }],
  ['$meta', { kind: 'json', values: [{ color: 'red' }, { color: 'blue', size: 2 }, {}, { color: null }, { size: 'x' }, { color: 'red', size: 1.5 }], validBits: null }],
  ['a64', { kind: 'array', values: [[1n, 2n], [], [], [MIN], [5n], [7n]], validBits: validOf(present) }],
  ['astr', { kind: 'array', values: [['x'], [], [], ['y', 'z'], [], ['x', 'y']], validBits: null }],
])
const src = sourceOf(6, columns)

function rows(text: string): number[] {
  const plan = compileFilter(text, testSchema)
  const fast = [...evaluate(plan, src).toIndexes()]
  assert.deepEqual([...evaluateNaive(plan, src).toIndexes()], fast, `naive and vectorised disagree on ${text}`)
  return fast
}

function expectRows(cases: [string, number[]][]): void {
  for (const [text, expected] of cases) assert.deepEqual(rows(text), expected, text)
}

test('comparisons and negation skip null rows (unknown stays unknown under not)', () => {
  expectRows([
    ['i32 > 5', [0, 1, 3]],
    ['not (i32 > 5)', [4, 5]],
    ['i32 != 10', [1, 3, 4, 5]],
    ['i32 > 15 or s == "alice"', [0, 1, 3]],
    ['not (i32 > 15 or s == "alice")', [4, 5]],
    ['not (i32 > 15 and s == "zzz")', [0, 1, 3, 4, 5]],
    ['0 <= i32 < 20', [0, 5]],
    ['30 >= i32 > 0', [0, 1, 3]],
    ['b', [0, 3, 5]],
    ['not b', [1, 4]],
    ['b != true', [1, 4]],
    ['true', [0, 1, 2, 3, 4, 5]],
    ['false', []],
    ['1 == 1 and i32 > 15', [1, 3]],
    ['pk in [1, 3]', [1, 3]],
  ])
})

test('int64 compares exactly beyond 2^53; integer arithmetic truncates and wraps like int64', () => {
  expectRows([
    ['i64 == 9007199254740993', [0]],
    ['i64 > 9007199254740992', [0, 3]],
    ['i64 in [9007199254740993, -1]', [0, 1]],
    ['i64 not in [9007199254740993, -1]', [3, 4, 5]],
    ['i64 + 1 == -9223372036854775808', [3]],
    ['i64 * 2 == -2', [1, 3]],
    ['i32 * 2 == 40', [1]],
    ['i32 % 7 == -5', [4]],
    ['i32 / 3 == -1', [4]],
    ['10 - i32 == 0', [0]],
    ['-i32 == 5', [4]],
    ['i32 ** 2 == 400', [1]],
    ['2 ** i32 == 1024', [0]],
    ['i64 ** 0.5 > 94906265', [0, 3, 4]],
  ])
})

test('Float fields compare with float32-rounded constants', () => {
  expectRows([
    ['f32 == 1.1', [0]],
    ['f32 > 1.1', [1, 4]],
    ['f32 * 2 == 5', [1]],
  ])
})

test('strings: ordering and like (prefix, suffix, infix, _, escapes)', () => {
  expectRows([
    ['s > "b"', [1, 4]],
    ['s like "a%"', [0, 3]],
    ['s like "a\\\\%b"', [3]],
    ['s like "%😀"', [4]],
    ['s like "%li%"', [0]],
    ['s like "_lice"', [0]],
    ['s like "Ün_code_"', [4]],
    ['s like "%"', [0, 1, 3, 4, 5]],
    ['s like ""', [5]],
    ['not (s like "a%")', [1, 4, 5]],
  ])
})

test('JSON paths: a missing key or another type compares false and != true; column nulls are unknown', () => {
  expectRows([
    ['j["a"] == 1', [0]],
    ['j["a"] != 1', [1, 3, 4, 5]],
    ['not (j["a"] == 1)', [1, 3, 4, 5]],
    ['j["a"] > 0', [0, 5]],
    ['j["a"] in [1, "x"]', [0, 1]],
    ['j["a"] like "x%"', [1]],
    ['j["b"]["c"] == "d"', [5]],
    ['j[0] == 1', [4]],
    ['j["arr"][1] == 2', [0]],
    ['j["a"] + 1 == 3.5', [5]],
    ['exists j["a"]', [0, 1, 5]],
    ['j["a"] is null', [3, 4]],
    ['j is null', [2]],
    ['array_length(j["arr"]) == 2', [0]],
  ])
})

test('dynamic keys read $meta; a row without the key compares false (!= true)', () => {
  expectRows([
    ['color == "red"', [0, 5]],
    ['color != "red"', [1, 2, 3, 4]],
    ['$meta["color"] == "red"', [0, 5]],
    ['size > 1', [1, 5]],
    ['exists color', [0, 1, 5]],
    ['color is not null', [0, 1, 5]],
    ['size == "x"', [4]],
  ])
})

test('arrays: elements, lengths, contains (all, any), and JSON containment of lists', () => {
  expectRows([
    ['a64[0] == 1', [0]],
    ['a64[0] != 1', [1, 3, 4, 5]],
    ['array_length(a64) == 0', [1]],
    ['array_contains(a64, -9223372036854775808)', [3]],
    ['array_contains_all(a64, [1, 2])', [0]],
    ['array_contains_any(astr, ["x", "z"])', [0, 3, 5]],
    ['array_contains_all(astr, ["y", "x"])', [5]],
    ['json_contains(j["arr"], [1, 2])', [1]],
    ['json_contains(j["arr"], 2)', [0]],
    ['json_contains_any(j, [3, 9])', [4]],
    ['json_contains_all(j, [1, 3])', [4]],
    ['a64 is null', [2]],
  ])
})

test('null tests, two-column comparisons, and columns the source lacks (all null)', () => {
  expectRows([
    ['i32 is null', [2]],
    ['i32 is not null', [0, 1, 3, 4, 5]],
    ['i32 < i64', [0, 3, 4]],
    ['f32 < i32', [0, 1, 3]],
    ['s == s', [0, 1, 3, 4, 5]],
    ['i8 > 0', []],
    ['not (i8 > 0)', []],
    ['i8 is null', [0, 1, 2, 3, 4, 5]],
  ])
})

test('an empty source yields an empty bitset', () => {
  const plan = compileFilter('i32 > 1 or not b', testSchema)
  const empty = sourceOf(0, new Map())
  assert.equal(evaluate(plan, empty).count(), 0)
  assert.equal(evaluateNaive(plan, empty).count(), 0)
})

test('a source with fewer rows than its columns (a snapshot of a growing segment) sets no bit beyond rowCount', () => {
  const long = new Map(columns)
  const valid = validOf([true, false, true, true, true, true, true, true, true, true])
  long.set('i32', { kind: 'int32', values: Int32Array.from([1, 0, 1, 1, 1, 1, 1, 1, 1, 1]), validBits: valid })
  const src4 = sourceOf(4, long)
  for (const text of ['not (i32 > 5)', 'i32 is not null', 'i32 is null', 'not (i32 > 5 and i32 < 0)', 'i32 > 0 or not (i32 == 1)']) {
    const plan = compileFilter(text, testSchema)
    const bits = evaluate(plan, src4)
    assert.deepEqual([...bits.toIndexes()].filter((i) => i >= 4), [], text)
    assert.deepEqual([...bits.toIndexes()], [...evaluateNaive(plan, src4).toIndexes()], text)
  }
})

test('an Array field compared whole with a list literal: element by element, null arrays unknown', () => {
  expectRows([
    ['a64 == [1, 2]', [0]],
    ['[1, 2] == a64', [0]],
    ['a64 != [1, 2]', [1, 3, 4, 5]],
    ['a64 == []', [1]],
    ['astr == ["x", "y"]', [5]],
    ['astr != ["x"]', [1, 2, 3, 4, 5]],
    ['not (a64 == [5])', [0, 1, 3, 5]],
  ])
  assert.throws(() => rows('a64 == ["x"]'), /cannot compare/)
})
