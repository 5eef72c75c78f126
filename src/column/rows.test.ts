// batchToRows: output shapes per column kind, Int64 output modes at the safe-integer boundary, nulls,
// output-field selection with dynamic keys; and a fast-check property: random valid rows →
// normalizeData → batchToRows gives the rows back (and a columnar copy of them gives the same batch).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { INT64_MAX, INT64_MIN } from '../schema/data-type.ts'
import type { ColumnBatch } from './column.ts'
import { f16ToF32, isF16NonFinite } from '../common/half-float.ts'
import { normalizeData } from './normalize-data.ts'
import { batchToRows } from './rows.ts'
import { basicSchema, pkField, schemaOf } from './test-fixtures.ts'

describe('batchToRows', () => {
  const schema = schemaOf(
    [
      pkField,
      { name: 'vec', dataType: 'FloatVector', dim: 2 },
      { name: 'bin', dataType: 'BinaryVector', dim: 16 },
      { name: 'h', dataType: 'BFloat16Vector', dim: 2 },
      { name: 'sp', dataType: 'SparseFloatVector' },
      { name: 'ok', dataType: 'Bool', nullable: true },
      { name: 'doc', dataType: 'JSON' },
      { name: 'ids', dataType: 'Array', elementType: 'Int64', maxCapacity: 2 },
    ],
    true,
  )
  const batch = normalizeData(
    [
      { id: 1, vec: [0.5, 1], bin: [1, 255], h: [1, -2], sp: { 7: 0.5, 2: 1 }, ok: true, doc: { a: [1] }, ids: [3, '9007199254740993'], k: 'v' },
      { id: '-9223372036854775808', vec: [2, 3], bin: [0, 0], h: [0.5, 0], sp: {}, ok: null, doc: 'text', ids: [] },
    ],
    { schema, mode: 'insert' },
  )

  it('gives every column in Milvus output shape, with $meta keys spread into the row', () => {
    assert.deepEqual(batchToRows(batch), [
      { id: 1, vec: [0.5, 1], bin: [1, 255], h: [1, -2], sp: { 2: 1, 7: 0.5 }, ok: true, doc: { a: [1] }, ids: [3, '9007199254740993'], k: 'v' },
      { id: '-9223372036854775808', vec: [2, 3], bin: [0, 0], h: [0.5, 0], sp: {}, ok: null, doc: 'text', ids: [] },
    ])
  })

  it('int64As: number (safe) else string, always string, always bigint', () => {
    const s = basicSchema([{ name: 'n', dataType: 'Int64' }])
    const values = [2 ** 53 - 1, -(2 ** 53 - 1), '9007199254740992', '-9007199254740992', '-1', '4294967296', String(INT64_MAX), String(INT64_MIN)]
    const b = normalizeData({ id: values.map((_, i) => i), vec: values.map(() => [1, 2, 3, 4]), n: values }, { schema: s, mode: 'insert' })
    const numbers = batchToRows(b, ['n']).map((r) => r.n)
    assert.deepEqual(numbers, [2 ** 53 - 1, -(2 ** 53 - 1), '9007199254740992', '-9007199254740992', -1, 4294967296, String(INT64_MAX), String(INT64_MIN)])
    assert.deepEqual(batchToRows(b, ['n'], 'string').map((r) => r.n), values.map((v) => BigInt(v).toString()))
    assert.deepEqual(batchToRows(b, ['n'], 'bigint').map((r) => r.n), values.map((v) => BigInt(v)))
  })

  it('selects output fields in order; other names are dynamic keys; $meta spreads them all', () => {
    assert.deepEqual(batchToRows(batch, ['ok', 'id', 'k']), [{ ok: true, id: 1, k: 'v' }, { ok: null, id: '-9223372036854775808' }])
    assert.deepEqual(batchToRows(batch, ['id', '$meta']), [{ id: 1, k: 'v' }, { id: '-9223372036854775808' }])
    assert.deepEqual(Object.keys(batchToRows(batch, ['ok', 'id'])[0]!), ['ok', 'id'])
  })

  it('a schema field wins over a dynamic key of the same name; __proto__ stays an own key', () => {
    const b: ColumnBatch = {
      rowCount: 1,
      columns: new Map([
        ['name', { kind: 'varchar', values: ['field'], validBits: null }],
        ['$meta', { kind: 'json', values: [JSON.parse('{"name":"meta","__proto__":{"x":1}}')], validBits: null }],
      ]),
    }
    const [row] = batchToRows(b)
    assert.equal(row!.name, 'field')
    assert.deepEqual(Object.keys(row!), ['name', '__proto__'])
    assert.equal(Object.getPrototypeOf(row), Object.prototype)
  })

  it('returns copies: changing an output row does not change the batch', () => {
    const [row] = batchToRows(batch)
    ;(row!.doc as { a: number[] }).a.push(2)
    ;(row!.vec as number[])[0] = 9
    assert.deepEqual(batchToRows(batch)[0]!.doc, { a: [1] })
    assert.deepEqual(batchToRows(batch)[0]!.vec, [0.5, 1])
  })
})

describe('round trip (property)', () => {
  const schema = schemaOf(
    [
      pkField,
      { name: 'vec', dataType: 'FloatVector', dim: 3 },
      { name: 'bin', dataType: 'BinaryVector', dim: 8 },
      { name: 'h', dataType: 'Float16Vector', dim: 2 },
      { name: 'sp', dataType: 'SparseFloatVector' },
      { name: 'b', dataType: 'Bool', nullable: true },
      { name: 'i8', dataType: 'Int8' },
      { name: 'i64', dataType: 'Int64', nullable: true },
      { name: 'f', dataType: 'Float' },
      { name: 'd', dataType: 'Double', nullable: true },
      { name: 's', dataType: 'VarChar', maxLength: 6, nullable: true },
      { name: 'j', dataType: 'JSON', nullable: true },
      { name: 'a', dataType: 'Array', elementType: 'Int64', maxCapacity: 3 },
      { name: 'as', dataType: 'Array', elementType: 'VarChar', maxLength: 4, maxCapacity: 2 },
    ],
    true,
  )
  const names = new Set(schema.fields.map((f) => f.name))

  const float32 = fc.float({ noNaN: true, noDefaultInfinity: true })
  const int64 = fc.bigInt({ min: INT64_MIN, max: INT64_MAX })
  /** An int64 as the caller may send it: bigint, decimal string, or a number when safe. */
  const int64Input = int64.chain((v) =>
    fc.constantFrom<unknown>(v, v.toString(), Number.isSafeInteger(Number(v)) ? Number(v) : v).map((input) => [input, v] as const),
  )
  const utf8 = (bytes: number) => fc.string({ unit: 'binary', maxLength: bytes }).filter((s) => Buffer.byteLength(s) <= bytes)
  const half = fc.integer({ min: 0, max: 0xffff }).filter((h) => !isF16NonFinite(h)).map(f16ToF32)
  /** [input or undefined (omitted) or null, expected output]. */
  const nullable = <T>(arb: fc.Arbitrary<readonly [unknown, T]>) =>
    fc.oneof(arb, fc.constant([null, null] as const), fc.constant([undefined, null] as const))
  const same = <T>(arb: fc.Arbitrary<T>) => arb.map((v) => [v, v] as const)
  /** Objects come back with Object.prototype (fast-check makes some with a null prototype). */
  const plain = <T>(arb: fc.Arbitrary<T>) => arb.map((v) => [v, structuredClone(v)] as const)

  const rowArb = fc.record({
    id: int64Input,
    vec: same(fc.array(float32, { minLength: 3, maxLength: 3 })),
    bin: same(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 1 })),
    h: same(fc.array(half, { minLength: 2, maxLength: 2 })),
    sp: plain(fc.dictionary(fc.integer({ min: 0, max: 4294967294 }).map(String), float32, { maxKeys: 4 })),
    b: nullable(same(fc.boolean())),
    i8: same(fc.integer({ min: -128, max: 127 })),
    i64: nullable(int64Input),
    f: same(float32),
    d: nullable(same(fc.double({ noNaN: true, noDefaultInfinity: true }))),
    s: nullable(same(utf8(6))),
    j: nullable(plain(fc.jsonValue())),
    a: fc.array(int64Input, { maxLength: 3 }).map((xs) => [xs.map((x) => x[0]), xs.map((x) => x[1])] as const),
    as: same(fc.array(utf8(4), { maxLength: 2 })),
    dyn: fc.dictionary(fc.string().filter((k) => !names.has(k) && k !== '$meta'), fc.jsonValue(), { maxKeys: 3 }),
  })

  type RowValue = typeof rowArb extends fc.Arbitrary<infer T> ? T : never

  /** The input row and the row expected back (Int64 as bigint, omitted nullable fields as null). */
  function split(r: RowValue) {
    const input: Record<string, unknown> = { ...r.dyn }
    const output: Record<string, unknown> = structuredClone(r.dyn)
    for (const [k, v] of Object.entries(r)) {
      if (k === 'dyn') continue
      const [given, expected] = v as readonly [unknown, unknown]
      if (given !== undefined) input[k] = given
      output[k] = expected
    }
    return { input, output }
  }

  it('rows → batch → rows gives the rows back; a columnar copy gives the same batch', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { minLength: 1, maxLength: 4 }), (generated) => {
        const pairs = generated.map(split)
        const inputs = pairs.map((p) => p.input)
        const batch = normalizeData(inputs, { schema, mode: 'upsert' })
        assert.deepStrictEqual(batchToRows(batch, undefined, 'bigint'), pairs.map((p) => p.output))
        const columnar: Record<string, unknown[]> = {}
        const keys = new Set(inputs.flatMap((r) => Object.keys(r)))
        for (const k of keys) Object.defineProperty(columnar, k, { value: inputs.map((r) => (Object.hasOwn(r, k) ? r[k] : undefined)), enumerable: true })
        assert.deepStrictEqual(normalizeData(columnar, { schema, mode: 'upsert' }), batch)
      }),
      { numRuns: 150 },
    )
  })
})
