// Test-only helpers for the expr/ tests: a schema with every filterable type, column sources,
// random data (with nulls) and random well-typed expressions for the property tests.
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { Bitset } from '../common/bitset.ts'
import type { Column } from '../column/column.ts'
import { MilvusError } from '../errors/errors.ts'
import { type CollectionSchema, createCollectionSchema } from '../schema/collection-schema.ts'
import type { ArithOp, CompareOp, ExprNode, FieldNode, PathKey } from './expr-node.ts'
import type { ColumnSource } from './kernels/column-access.ts'

/** pk + one field of each filterable type (most nullable), dynamic field on. */
export const testSchema: CollectionSchema = createCollectionSchema({
  name: 'c',
  enableDynamicField: true,
  fields: [
    { name: 'pk', dataType: 'Int64', isPrimaryKey: true },
    { name: 'vec', dataType: 'FloatVector', dim: 2 },
    { name: 'i8', dataType: 'Int8', nullable: true },
    { name: 'i16', dataType: 'Int16' },
    { name: 'i32', dataType: 'Int32', nullable: true },
    { name: 'i64', dataType: 'Int64', nullable: true },
    { name: 'f32', dataType: 'Float', nullable: true },
    { name: 'f64', dataType: 'Double' },
    { name: 'b', dataType: 'Bool', nullable: true },
    { name: 's', dataType: 'VarChar', maxLength: 64, nullable: true },
    { name: 'j', dataType: 'JSON', nullable: true },
    { name: 'a64', dataType: 'Array', elementType: 'Int64', maxCapacity: 8, nullable: true },
    { name: 'a32', dataType: 'Array', elementType: 'Int32', maxCapacity: 8 },
    { name: 'af', dataType: 'Array', elementType: 'Float', maxCapacity: 8 },
    { name: 'astr', dataType: 'Array', elementType: 'VarChar', maxCapacity: 8, maxLength: 16 },
  ],
})

export function sourceOf(rowCount: number, columns: ReadonlyMap<string, Column>): ColumnSource {
  return { rowCount, column: (name) => columns.get(name) }
}

/** Valid bits from per-row flags (true = has a value). */
export function validOf(flags: readonly boolean[]): Bitset {
  const b = new Bitset(flags.length)
  flags.forEach((f, i) => f && b.set(i))
  return b
}

/** Asserts `fn` throws a MilvusError 1100 whose message contains every fragment. */
export function assertInvalid(fn: () => unknown, ...fragments: string[]): MilvusError {
  let caught: unknown
  try {
    fn()
  } catch (e) {
    caught = e
  }
  assert.ok(caught instanceof MilvusError, `expected a MilvusError, got ${caught instanceof Error ? caught.stack : String(caught)}`)
  assert.equal(caught.code, 1100, caught.message)
  for (const f of fragments) assert.ok(caught.message.includes(f), `message "${caught.message}" lacks "${f}"`)
  return caught
}

/** A tree without offsets, for comparing trees parsed from different texts. */
export function withoutOffsets(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutOffsets)
  if (node === null || typeof node !== 'object') return node
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(node)) if (k !== 'offset') out[k] = withoutOffsets(v)
  return out
}

// ---------- syntax tree constructors (offset 0) ----------

export const field = (name: string, ...path: PathKey[]): FieldNode => ({ kind: 'field', name, path, offset: 0 })
export const num = (v: number | bigint): ExprNode => {
  if (typeof v === 'bigint' || Number.isInteger(v)) {
    const b = BigInt(v)
    const lit: ExprNode = { kind: 'integer', value: b < 0n ? -b : b, offset: 0 }
    return b < 0n ? { kind: 'unary', op: '-', operand: lit, offset: 0 } : lit
  }
  const lit: ExprNode = { kind: 'float', value: Math.abs(v), offset: 0 }
  return v < 0 || Object.is(v, -0) ? { kind: 'unary', op: '-', operand: lit, offset: 0 } : lit
}
/** A float literal even for integral values (`2.0`). */
export const flt = (v: number): ExprNode => {
  const lit: ExprNode = { kind: 'float', value: Math.abs(v), offset: 0 }
  return v < 0 ? { kind: 'unary', op: '-', operand: lit, offset: 0 } : lit
}
export const str = (value: string): ExprNode => ({ kind: 'string', value, offset: 0 })
export const bool = (value: boolean): ExprNode => ({ kind: 'bool', value, offset: 0 })
export const list = (items: ExprNode[]): ExprNode => ({ kind: 'list', items, offset: 0 })
export const cmp = (op: CompareOp, left: ExprNode, right: ExprNode): ExprNode => ({ kind: 'compare', op, left, right, offset: 0 })
export const arith = (op: ArithOp, left: ExprNode, right: ExprNode): ExprNode => ({ kind: 'arith', op, left, right, offset: 0 })
export const not = (operand: ExprNode): ExprNode => ({ kind: 'unary', op: 'not', operand, offset: 0 })
export const logical = (op: 'and' | 'or', operands: ExprNode[]): ExprNode => ({ kind: 'logical', op, operands, offset: 0 })
export const call = (name: string, ...args: ExprNode[]): ExprNode => ({ kind: 'call', name, args, offset: 0 })

// ---------- random data ----------

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const big53 = 2n ** 53n
export const int64Pool: readonly bigint[] = [INT64_MIN, INT64_MAX, -(big53 + 1n), big53, big53 + 1n, -1n, 0n, 1n, 2n, 3n, 2n ** 32n, -(2n ** 32n), 4294967295n]
const int8Pool = [-128, -1, 0, 1, 2, 3, 127]
const int16Pool = [-32768, -1, 0, 1, 2, 3, 32767]
const int32Pool = [-2147483648, -1, 0, 1, 2, 3, 2147483647]
const float32Pool = [-1.5, 0, 0.5, 1, 2.25, 1.1, -0, 3.4e38, 1e-40].map(Math.fround)
const float64Pool = [-1.5, 0, 0.5, 1, 2.25, 1.1, 9007199254740993, 1e300, -1e300, 9.3e18]
export const stringPool = ['', 'a', 'ab', 'abc', 'b', 'ba', 'a%b', 'a_c', 'é', '😀x', 'A']
const jsonScalarPool: readonly unknown[] = [0, 1, 2, -1.5, 2.5, 9007199254740992, 'a', 'ab', '', true, false, null]
const jsonPool: readonly unknown[] = [...jsonScalarPool, [1, 2], [[1, 2]], ['a', 1], { c: 1 }, []]

const pick = <T>(pool: readonly T[]) => fc.constantFrom(...pool)

/** A JSON document for the `j` column: usually an object with keys a, b, arr; sometimes a bare value. */
const jsonDocArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ a: pick(jsonPool), b: pick(jsonPool), arr: fc.array(pick(jsonScalarPool), { maxLength: 4 }) }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: pick(jsonPool) },
  { weight: 1, arbitrary: fc.array(pick(jsonPool), { maxLength: 3 }) },
)
const metaArb = fc.record({ color: pick(['red', 'blue', 1, null] as unknown[]), size: pick([1, 2, 2.5, 'x'] as unknown[]) }, { requiredKeys: [] })

function nullable<T>(values: fc.Arbitrary<T>, n: number): fc.Arbitrary<{ values: T[]; valid: boolean[] | null }> {
  return fc.record({ values: fc.array(values, { minLength: n, maxLength: n }), valid: fc.option(fc.array(fc.boolean(), { minLength: n, maxLength: n }), { nil: null }) })
}

/** Random columns for `testSchema`: 0–70 rows (crossing word boundaries), nulls in nullable fields. */
export const dataArb: fc.Arbitrary<ColumnSource> = fc.integer({ min: 0, max: 70 }).chain((n) =>
  fc
    .record({
      i8: nullable(pick(int8Pool), n),
      i16: nullable(pick(int16Pool), n),
      i32: nullable(pick(int32Pool), n),
      i64: nullable(pick(int64Pool), n),
      f32: nullable(pick(float32Pool), n),
      f64: nullable(pick(float64Pool), n),
      b: nullable(fc.boolean(), n),
      s: nullable(pick(stringPool), n),
      j: nullable(jsonDocArb, n),
      meta: fc.array(metaArb, { minLength: n, maxLength: n }),
      a64: nullable(fc.array(pick(int64Pool), { maxLength: 4 }), n),
      a32: nullable(fc.array(pick(int32Pool), { maxLength: 4 }), n),
      af: nullable(fc.array(pick(float32Pool), { maxLength: 4 }), n),
      astr: nullable(fc.array(pick(stringPool), { maxLength: 4 }), n),
    })
    .map((d) => buildSource(n, d)),
)

type Raw = { values: unknown[]; valid: boolean[] | null }

function buildSource(n: number, d: Record<string, Raw | unknown[]>): ColumnSource {
  const cols = new Map<string, Column>()
  const raw = (k: string) => d[k] as Raw
  const valid = (k: string, nullableField: boolean) => (nullableField && raw(k).valid !== null ? validOf(raw(k).valid!) : null)
  cols.set('pk', { kind: 'int64', values: BigInt64Array.from({ length: n }, (_, i) => BigInt(i)), validBits: null })
  cols.set('i8', { kind: 'int8', values: Int8Array.from(raw('i8').values as number[]), validBits: valid('i8', true) })
  cols.set('i16', { kind: 'int16', values: Int16Array.from(raw('i16').values as number[]), validBits: null })
  cols.set('i32', { kind: 'int32', values: Int32Array.from(raw('i32').values as number[]), validBits: valid('i32', true) })
  cols.set('i64', { kind: 'int64', values: BigInt64Array.from(raw('i64').values as bigint[]), validBits: valid('i64', true) })
  cols.set('f32', { kind: 'float', values: Float32Array.from(raw('f32').values as number[]), validBits: valid('f32', true) })
  cols.set('f64', { kind: 'double', values: Float64Array.from(raw('f64').values as number[]), validBits: null })
  cols.set('b', { kind: 'bool', values: Uint8Array.from(raw('b').values as boolean[], (x) => (x ? 1 : 0)), validBits: valid('b', true) })
  cols.set('s', { kind: 'varchar', values: raw('s').values as string[], validBits: valid('s', true) })
  cols.set('j', { kind: 'json', values: raw('j').values, validBits: valid('j', true) })
  cols.set('$meta', { kind: 'json', values: d.meta as unknown[], validBits: null })
  cols.set('a64', { kind: 'array', values: raw('a64').values as unknown[][], validBits: valid('a64', true) })
  cols.set('a32', { kind: 'array', values: raw('a32').values as unknown[][], validBits: null })
  cols.set('af', { kind: 'array', values: raw('af').values as unknown[][], validBits: null })
  cols.set('astr', { kind: 'array', values: raw('astr').values as unknown[][], validBits: null })
  return sourceOf(n, cols)
}

// ---------- random well-typed expressions over testSchema ----------

const compareOps: readonly CompareOp[] = ['==', '!=', '<', '<=', '>', '>=']
const cmpOp = pick(compareOps)
const eqOp = pick(['==', '!='] as const)
const smallInt = fc.integer({ min: -3, max: 3 })
const intConst = fc.oneof(smallInt.map(num), pick(int64Pool).map(num), pick([127, -128, 2147483647, 32767]).map(num))
const floatConst = fc.oneof(pick([-1.5, 0.5, 1.1, 2.25, 1e300, 9007199254740993]).map(flt), smallInt.map(num), pick(float32Pool.filter((x) => x >= 0)).map(flt))
const stringConst = pick(stringPool).map(str)
const jsonConst = fc.oneof(intConst, floatConst, stringConst)

const intField = fc.oneof(
  pick(['i8', 'i16', 'i32', 'i64']).map((n) => field(n) as ExprNode),
  fc.constant(field('a64', 0)),
  fc.constant(field('a32', 1)),
  fc.constant(call('array_length', field('a32'))),
  fc.constant(call('array_length', field('j', 'arr'))),
)
const nonZero = fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: -3, max: -1 }), pick([2147483647, 4294967296])).map(num)

/** An integer-valued operand: a field, or arithmetic on it with integer constants. */
const intValue: fc.Arbitrary<ExprNode> = fc.oneof(
  { weight: 3, arbitrary: intField },
  {
    weight: 2,
    arbitrary: fc.tuple(intField, pick(['+', '-', '*'] as const), intConst, fc.boolean()).map(([f, op, c, left]) => (left ? arith(op, c, f) : arith(op, f, c))),
  },
  { weight: 1, arbitrary: fc.tuple(intField, pick(['/', '%'] as const), nonZero).map(([f, op, c]) => arith(op, f, c)) },
  { weight: 1, arbitrary: intField.map((f) => ({ kind: 'unary', op: '-', operand: f, offset: 0 }) as ExprNode) },
  {
    weight: 1,
    arbitrary: fc.tuple(intField, pick(['+', '-', '*', '%'] as const), nonZero, pick(['+', '-', '*', '/'] as const), intConst).map(([f, o1, c1, o2, c2]) =>
      arith(o2, arith(o1, f, c1), o2 === '/' ? c1 : c2),
    ),
  },
)
const floatField = fc.oneof(pick(['f32', 'f64']).map((n) => field(n) as ExprNode), fc.constant(field('af', 0)))
const floatValue: fc.Arbitrary<ExprNode> = fc.oneof(
  { weight: 1, arbitrary: fc.tuple(fc.oneof(intField, pick(['f32', 'f64']).map((n) => field(n) as ExprNode)), pick([2, 0.5, 3, -1]), fc.boolean()).map(([f, k, left]) => (left ? arith('**', flt(2), f) : arith('**', f, num(k)))) },
  { weight: 3, arbitrary: floatField },
  { weight: 1, arbitrary: fc.tuple(floatField, pick(['+', '-', '*', '/', '%'] as const), nonZero).map(([f, op, c]) => arith(op, f, c)) },
  { weight: 1, arbitrary: fc.tuple(pick(['a', 'b']), pick(['+', '*', '-'] as const), floatConst).map(([k, op, c]) => arith(op, field('j', k), c)) },
)
const jsonValue = fc.oneof(
  pick(['a', 'b']).map((k) => field('j', k) as ExprNode),
  fc.constant(field('j', 'arr', 0)),
  fc.constant(field('j')),
  fc.constant(field('color')),
  fc.constant(field('$meta', 'size')),
)
const stringValue = fc.oneof(fc.constant(field('s')), fc.constant(field('astr', 0)))
const likePattern = pick(['a%', '%b', '%a%', 'a_c', '_', '%', 'abc', 'a\\%b', '%\\_%', '_%_', '%😀%', 'a%b%c', '', '%%']).map(str)

const numberList = (c: fc.Arbitrary<ExprNode>) => fc.array(c, { maxLength: 4 }).map(list)

const leaf: fc.Arbitrary<ExprNode> = fc.oneof(
  fc.tuple(cmpOp, intValue, intConst, fc.boolean()).map(([op, v, c, flip]) => (flip ? cmp(op, c, v) : cmp(op, v, c))),
  fc.tuple(cmpOp, floatValue, floatConst).map(([op, v, c]) => cmp(op, v, c)),
  fc.tuple(cmpOp, stringValue, stringConst).map(([op, v, c]) => cmp(op, v, c)),
  fc.tuple(eqOp, fc.boolean()).map(([op, c]) => cmp(op, field('b'), bool(c))),
  fc.constant(field('b')),
  fc.tuple(cmpOp, jsonValue, jsonConst).map(([op, v, c]) => cmp(op, v, c)),
  fc.tuple(eqOp, jsonValue, fc.boolean()).map(([op, v, c]) => cmp(op, v, bool(c))),
  fc.tuple(fc.boolean(), intValue, numberList(intConst)).map(([neg, v, l]) => ({ kind: 'in', negated: neg, left: v, right: l, offset: 0 }) as ExprNode),
  fc.tuple(fc.boolean(), floatField, numberList(floatConst)).map(([neg, v, l]) => ({ kind: 'in', negated: neg, left: v, right: l, offset: 0 }) as ExprNode),
  fc.tuple(fc.boolean(), fc.array(fc.boolean().map(bool), { maxLength: 2 })).map(([neg, l]) => ({ kind: 'in', negated: neg, left: field('b'), right: list(l), offset: 0 }) as ExprNode),
  fc.tuple(cmpOp, cmpOp, intField, intConst, intConst).map(([o1, o2, f, c1, c2]) => logical('or', [cmp('==', f, c1), cmp(o1 === '==' ? '==' : o2, f, c2), cmp('==', f, c2)])),
  fc.tuple(fc.array(fc.boolean(), { minLength: 2, maxLength: 3 })).map(([bs]) => logical('or', bs.map((x) => cmp('==', field('b'), bool(x))))),
  fc.tuple(fc.boolean(), stringValue, numberList(stringConst)).map(([neg, v, l]) => ({ kind: 'in', negated: neg, left: v, right: l, offset: 0 }) as ExprNode),
  fc.tuple(fc.boolean(), jsonValue, numberList(fc.oneof(jsonConst, fc.boolean().map(bool)))).map(([neg, v, l]) => ({ kind: 'in', negated: neg, left: v, right: l, offset: 0 }) as ExprNode),
  fc.tuple(fc.oneof(stringValue, jsonValue), likePattern).map(([v, p]) => ({ kind: 'like', left: v, pattern: p, offset: 0 }) as ExprNode),
  fc.tuple(pick(['i8', 'i16', 'i32', 'i64', 'f32', 'b', 's', 'j', 'a64', 'a32']), fc.boolean()).map(([n, neg]) => ({ kind: 'isNull', negated: neg, operand: field(n), offset: 0 }) as ExprNode),
  fc.tuple(fc.constantFrom(field('j', 'a'), field('color'), field('$meta', 'size')), fc.boolean()).map(([f, neg]) => ({ kind: 'isNull', negated: neg, operand: f, offset: 0 }) as ExprNode),
  fc.constantFrom(field('j', 'a'), field('j', 'arr', 0), field('color'), field('j')).map((f) => ({ kind: 'exists', operand: f, offset: 0 }) as ExprNode),
  fc.tuple(pick(['array_contains', 'json_contains'] as const), intConst).map(([fn, c]) => call(fn, field(fn === 'array_contains' ? 'a32' : 'j', ...(fn === 'json_contains' ? ['arr'] : [])), c)),
  fc.tuple(pick(['array_contains_all', 'array_contains_any'] as const), numberList(intConst)).map(([fn, l]) => call(fn, field('a64'), l)),
  fc.tuple(pick(['array_contains_all', 'array_contains_any'] as const), numberList(stringConst)).map(([fn, l]) => call(fn, field('astr'), l)),
  floatConst.map((c) => call('array_contains', field('af'), c)),
  numberList(floatConst).map((l) => call('array_contains_any', field('af'), l)),
  fc
    .tuple(
      pick(['json_contains', 'json_contains_all', 'json_contains_any'] as const),
      fc.constantFrom(field('j'), field('j', 'arr')),
      fc.array(fc.oneof(jsonConst, fc.constant(list([num(1), num(2)]))), { minLength: 1, maxLength: 3 }),
    )
    .map(([fn, f, items]) => call(fn, f, fn === 'json_contains' ? items[0]! : list(items))),
  fc.tuple(cmpOp, pick([['i8', 'i32'], ['i32', 'i64'], ['i64', 'f64'], ['f32', 'i16'], ['s', 's'], ['i64', 'i64'], ['f64', 'f32']] as const)).map(([op, [a, b]]) => cmp(op, field(a), field(b))),
  fc.tuple(eqOp).map(([op]) => cmp(op, field('b'), field('b'))),
  fc
    .tuple(pick(['<', '<='] as const), pick(['<', '<='] as const), pick(['i8', 'i32', 'i64', 'f32', 'f64']), smallInt, smallInt, fc.boolean())
    .map(([o1, o2, name, lo, hi, rev]): ExprNode => {
      const f = field(name)
      if (!rev) return { kind: 'range', lower: num(lo), lowerOp: o1, field: f, upperOp: o2, upper: num(hi), offset: 0 }
      const r = (o: '<' | '<=') => (o === '<' ? '>' : '>=')
      return { kind: 'range', lower: num(hi), lowerOp: r(o1), field: f, upperOp: r(o2), upper: num(lo), offset: 0 }
    }),
  fc.boolean().map(bool),
  fc.tuple(cmpOp, smallInt, smallInt).map(([op, a, b]) => cmp(op, arith('+', num(a), num(b)), num(b))),
)

/** Random conditions over `testSchema`, nested up to three levels of and/or/not. */
export const predicateArb: fc.Arbitrary<ExprNode> = fc.letrec<{ p: ExprNode }>((tie) => ({
  p: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: leaf },
    { weight: 1, arbitrary: tie('p').map(not) },
    { weight: 1, arbitrary: fc.tuple(pick(['and', 'or'] as const), fc.array(tie('p'), { minLength: 2, maxLength: 3 })).map(([op, xs]) => logical(op, xs)) },
  ),
})).p
