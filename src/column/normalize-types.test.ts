// Per-type validation through normalizeData: for every data type, the accepted input forms and the
// stored result, and each rejected value with its code and a message naming field, row and what
// was expected (the bad value is always at row 1, after a good row 0). Boundaries sit at the limit.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ErrorCode } from '../errors/errors.ts'
import type { FieldSpec } from '../schema/collection-schema.ts'
import type { Column } from './column.ts'
import { normalizeData } from './normalize-data.ts'
import { markOwnedVectors } from './owned-vectors.ts'
import { assertMilvusError, pkField, schemaOf, vecField } from './test-fixtures.ts'

const invalid = ErrorCode.ParameterInvalid

/** The field under test is `f`; vector fields get no extra FloatVector field. */
function optionsFor(spec: Omit<FieldSpec, 'name'>, jsonBytesMax?: number) {
  const f = { ...spec, name: 'f' }
  const isVector = String(spec.dataType).endsWith('Vector')
  const schema = schemaOf(isVector ? [pkField, f] : [pkField, vecField, f])
  return { schema, mode: 'insert', ...(jsonBytesMax === undefined ? {} : { jsonBytesMax }) } as const
}

function rowOf(id: number, spec: Omit<FieldSpec, 'name'>, v: unknown): Record<string, unknown> {
  const isVector = String(spec.dataType).endsWith('Vector')
  return isVector ? { id, f: v } : { id, vec: [1, 2, 3, 4], f: v }
}

/** The column `f` built from one row holding `v`. */
function accept(spec: Omit<FieldSpec, 'name'>, v: unknown): Column {
  const column = normalizeData([rowOf(0, spec, v)], optionsFor(spec)).columns.get('f')
  assert.ok(column !== undefined)
  return column
}

/** Row 0 holds `good`, row 1 holds `bad`; expects 1100 mentioning `field f at row 1` unless told. */
function reject(spec: Omit<FieldSpec, 'name'>, good: unknown, bad: unknown, ...fragments: string[]): void {
  const where = fragments.some((f) => f.includes('at row')) ? [] : ['field f at row 1']
  assertMilvusError(
    () => normalizeData([rowOf(0, spec, good), rowOf(1, spec, bad)], optionsFor(spec)),
    invalid,
    ...where,
    ...fragments,
  )
}

describe('Bool', () => {
  const spec = { dataType: 'Bool' }
  it('accepts booleans', () => assert.deepEqual(accept(spec, true).values, Uint8Array.of(1)))
  it('rejects other types', () => {
    reject(spec, true, 1, 'The Input data type is inconsistent with defined schema', 'expected Bool', 'got number 1')
    reject(spec, true, 'true', 'got string "true"')
  })
})

describe('Int8 / Int16 / Int32', () => {
  const cases = [
    ['Int8', -128, 127],
    ['Int16', -32768, 32767],
    ['Int32', -2147483648, 2147483647],
  ] as const
  for (const [type, lo, hi] of cases) {
    it(`${type} accepts [${lo}, ${hi}] and rejects one beyond`, () => {
      const spec = { dataType: type }
      assert.deepEqual(Array.from(accept(spec, lo).values as Int32Array), [lo])
      assert.deepEqual(Array.from(accept(spec, hi).values as Int32Array), [hi])
      reject(spec, 0, hi + 1, `the value (${hi + 1}) out of range: [${lo}, ${hi}]`)
      reject(spec, 0, lo - 1, `the value (${lo - 1}) out of range`)
      reject(spec, 0, 1.5, `expected ${type} (integer number)`, 'got number 1.5')
      reject(spec, 0, '1', 'got string "1"')
      reject(spec, 0, 1n, 'got bigint 1')
    })
  }
})

describe('Int64', () => {
  const spec = { dataType: 'Int64' }
  const int64 = (v: unknown) => (accept(spec, v).values as BigInt64Array)[0]
  it('accepts safe numbers, bigints and decimal strings up to the int64 bounds', () => {
    assert.equal(int64(Number.MAX_SAFE_INTEGER), 9007199254740991n)
    assert.equal(int64(-Number.MAX_SAFE_INTEGER), -9007199254740991n)
    assert.equal(int64(-1), -1n)
    assert.equal(int64(-4294967296), -4294967296n)
    assert.equal(int64('9223372036854775807'), 9223372036854775807n)
    assert.equal(int64('-9223372036854775808'), -9223372036854775808n)
    assert.equal(int64(9223372036854775807n), 9223372036854775807n)
    assert.equal(int64(-9223372036854775808n), -9223372036854775808n)
    assert.equal(int64('007'), 7n)
  })
  it('rejects 2^63 and -2^63-1 in every form', () => {
    reject(spec, 0, '9223372036854775808', 'the value (9223372036854775808) out of range: [-9223372036854775808, 9223372036854775807]')
    reject(spec, 0, 9223372036854775808n, 'out of range')
    reject(spec, 0, '-9223372036854775809', 'out of range')
  })
  it('rejects an unsafe integer number, pointing at bigint or a decimal string', () => {
    reject(spec, 0, 2 ** 53, 'the integer 9007199254740992 is beyond ±Number.MAX_SAFE_INTEGER', 'has already lost precision',
      'as bigint or as a decimal string')
    reject(spec, 0, 2 ** 63, 'lost precision')
  })
  it('rejects non-integers and other types', () => {
    reject(spec, 0, 1.5, 'expected Int64 (safe integer number, bigint or decimal string)', 'got number 1.5')
    reject(spec, 0, '1.5', 'got string "1.5"')
    reject(spec, 0, ' 1', 'got string " 1"')
    reject(spec, 0, true, 'got boolean true')
  })
  it('applies to the primary key too', () => {
    const s = schemaOf([pkField, vecField])
    const b = normalizeData([{ id: '-9223372036854775808', vec: [1, 2, 3, 4] }], { schema: s, mode: 'insert' })
    assert.deepEqual(b.columns.get('id')?.values, BigInt64Array.of(-9223372036854775808n))
    assertMilvusError(() => normalizeData([{ id: 2 ** 60, vec: [1, 2, 3, 4] }], { schema: s, mode: 'insert' }), invalid,
      'field id at row 0', 'lost precision')
  })
})

describe('Float / Double', () => {
  it('Float accepts finite float32 values', () => {
    assert.deepEqual(accept({ dataType: 'Float' }, 1.5).values, Float32Array.of(1.5))
    assert.deepEqual(accept({ dataType: 'Float' }, 3.4028234663852886e38).values, Float32Array.of(3.4028234663852886e38))
  })
  it('Float rejects NaN, ±Infinity, beyond float32 and non-numbers', () => {
    const spec = { dataType: 'Float' }
    reject(spec, 0, Number.NaN, 'the value (NaN) is not a finite number')
    reject(spec, 0, Number.POSITIVE_INFINITY, 'the value (Infinity) is not a finite number')
    reject(spec, 0, 1e39, 'the value (1e+39) out of float32 range')
    reject(spec, 0, '1', 'expected Float (number)')
  })
  it('Double accepts any finite number and rejects NaN/Infinity', () => {
    const spec = { dataType: 'Double' }
    assert.deepEqual(accept(spec, 1e300).values, Float64Array.of(1e300))
    reject(spec, 0, Number.NaN, 'not a finite number')
    reject(spec, 0, Number.NEGATIVE_INFINITY, 'the value (-Infinity) is not a finite number')
    reject(spec, 0, null, 'missing value')
  })
})

describe('VarChar', () => {
  const spec = { dataType: 'VarChar', maxLength: 5 }
  it('counts max_length in UTF-8 bytes, accepting exactly max_length', () => {
    assert.deepEqual(accept(spec, 'abcde').values, ['abcde'])
    assert.deepEqual(accept(spec, 'éé').values, ['éé']) // 4 bytes
    assert.deepEqual(accept(spec, 'a😀').values, ['a😀']) // 5 bytes
    assert.deepEqual(accept(spec, '').values, [''])
  })
  it('rejects one byte more, even with fewer characters', () => {
    reject(spec, 'a', 'abcdef', 'the length (6) of f at row 1 exceeds max length (5)')
    reject(spec, 'a', 'ééé', 'the length (6) of f at row 1 exceeds max length (5)')
    reject(spec, 'a', 'ab😀', 'the length (6) of f at row 1')
  })
  it('rejects non-strings', () => reject(spec, 'a', 5, 'expected VarChar (string)', 'got number 5'))
})

describe('JSON', () => {
  const spec = { dataType: 'JSON' }
  it('accepts any JSON value and stores a copy', () => {
    for (const v of [{ a: 1, b: [true, null, 'x'] }, [1, 'x'], 'str', 3.5, false]) assert.deepEqual(accept(spec, v).values, [v])
    assert.deepEqual(accept(spec, { a: 1, u: undefined }).values, [{ a: 1 }])
  })
  it('rejects what JSON cannot hold, naming the path', () => {
    reject(spec, 1, 1n, 'not a JSON value at $: bigint 1')
    reject(spec, 1, { a: [1, Number.NaN] }, 'not a JSON value at $.a[1]: number NaN')
    reject(spec, 1, { d: new Date(0) }, 'not a JSON value at $.d: Date object')
    reject(spec, 1, new Map(), 'Map object')
    reject(spec, 1, [undefined], 'at $[0]: undefined')
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    reject(spec, 1, cyclic, 'nested deeper than 64 levels (or cyclic)')
  })
  it('limits the serialised size to jsonBytesMax', () => {
    const opts = optionsFor(spec, 10)
    assert.equal(normalizeData([rowOf(0, spec, 'x'.repeat(8))], opts).rowCount, 1) // "xxxxxxxx" = 10 bytes
    assertMilvusError(() => normalizeData([rowOf(0, spec, 'x'.repeat(9))], opts), invalid,
      'the length (11) of json field (f) at row 0 exceeds max length (10)')
  })
})

describe('Array', () => {
  const strings = { dataType: 'Array', elementType: 'VarChar', maxLength: 3, maxCapacity: 3 }
  it('accepts arrays up to max_capacity with elements within max_length', () => {
    assert.deepEqual(accept(strings, ['abc', 'é', '']).values, [['abc', 'é', '']])
    assert.deepEqual(accept(strings, []).values, [[]])
  })
  it('rejects too many elements, too long elements, wrong element types and non-arrays', () => {
    reject(strings, [], ['a', 'b', 'c', 'd'], 'the length (4) of array field f at row 1 exceeds max capacity (3)')
    reject(strings, [], ['ok', 'abcd'], 'the length (4) of f[1] at row 1 exceeds max length (3)')
    reject(strings, [], ['a', 1], 'element 1', 'expected VarChar', 'got number 1')
    reject(strings, [], [null], 'element 0', 'got null')
    reject(strings, [], 'abc', 'expected Array of VarChar', 'got string "abc"')
  })
  it('Int64 elements become bigint and follow the Int64 rules', () => {
    const spec = { dataType: 'Array', elementType: 'Int64', maxCapacity: 4 }
    assert.deepEqual(accept(spec, [1, '2', 3n, '-9223372036854775808']).values, [[1n, 2n, 3n, -9223372036854775808n]])
    reject(spec, [], [2 ** 53], 'element 0', 'lost precision')
  })
  it('numeric and bool elements are range- and type-checked', () => {
    assert.deepEqual(accept({ dataType: 'Array', elementType: 'Int8', maxCapacity: 2 }, Int8Array.of(-128, 127)).values, [[-128, 127]])
    reject({ dataType: 'Array', elementType: 'Int8', maxCapacity: 2 }, [], [128], 'element 0: the value (128) out of range: [-128, 127]')
    assert.deepEqual(accept({ dataType: 'Array', elementType: 'Float', maxCapacity: 2 }, [0.1]).values, [[Math.fround(0.1)]])
    reject({ dataType: 'Array', elementType: 'Float', maxCapacity: 2 }, [], [1e39], 'element 0: the value (1e+39) is not a finite float32')
    reject({ dataType: 'Array', elementType: 'Double', maxCapacity: 2 }, [], [Number.NaN], 'element 0', 'not a finite number')
    reject({ dataType: 'Array', elementType: 'Bool', maxCapacity: 2 }, [], [1], 'element 0', 'expected Bool')
  })
})

describe('FloatVector', () => {
  const spec = { dataType: 'FloatVector', dim: 4 }
  it('accepts number[], Float32Array and Float64Array of exactly dim values', () => {
    for (const v of [[1, 2, 3, 4], Float32Array.of(1, 2, 3, 4), Float64Array.of(1, 2, 3, 4)]) {
      assert.deepEqual(accept(spec, v), { kind: 'floatVector', dim: 4, values: Float32Array.of(1, 2, 3, 4), validBits: null })
    }
  })
  it('rejects dim - 1 and dim + 1 with Milvus wording and expected/actual', () => {
    const e = assertMilvusError(() => normalizeData([rowOf(0, spec, [1, 2, 3, 4]), rowOf(1, spec, [1, 2, 3])], optionsFor(spec)), invalid,
      'the dim (3) of field data(f) is not equal to schema dim (4) at row 1')
    assert.deepEqual(e.details, { expected: 4, actual: 3 })
    reject(spec, [1, 2, 3, 4], Float32Array.of(1, 2, 3, 4, 5), 'the dim (5) of field data(f) is not equal to schema dim (4) at row 1')
  })
  it('rejects non-finite and non-number elements, naming row and element', () => {
    reject(spec, [1, 2, 3, 4], [1, Number.NaN, 3, 4], 'element 1: NaN is not a finite float32 value')
    reject(spec, [1, 2, 3, 4], Float32Array.of(1, 2, Number.POSITIVE_INFINITY, 4), 'element 2: Infinity is not a finite float32')
    reject(spec, [1, 2, 3, 4], [1, 2, 3, 1e39], 'element 3: 1e+39 is not a finite float32 value')
    reject(spec, [1, 2, 3, 4], [1, '2', 3, 4], 'element 1', 'expected number')
    reject(spec, [1, 2, 3, 4], null, 'missing value')
    reject(spec, [1, 2, 3, 4], Uint8Array.of(1, 2, 3, 4), 'expected FloatVector (number[] or Float32Array)', 'got Uint8Array')
    reject(spec, [1, 2, 3, 4], { 0: 1 }, 'expected FloatVector')
  })
  it('flat data: a bad value reports its row and element', () => {
    const flat = Float32Array.of(1, 2, 3, 4, 5, 6, Number.NaN, 8)
    assertMilvusError(() => normalizeData({ id: [1, 2], f: flat }, optionsFor(spec)), invalid, 'field f at row 1: element 2: NaN')
  })
  it('flat data a decoder made for this write is taken without a copy, and still checked', () => {
    const owned = markOwnedVectors(Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8))
    assert.equal(normalizeData({ id: [1, 2], f: owned }, optionsFor(spec)).columns.get('f')!.values, owned)
    const caller = Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8)
    const copied = normalizeData({ id: [1, 2], f: caller }, optionsFor(spec)).columns.get('f')!.values
    assert.notEqual(copied, caller)
    assert.deepEqual(copied, caller)
    const bad = markOwnedVectors(Float32Array.of(1, 2, 3, 4, 5, Number.POSITIVE_INFINITY, 7, 8))
    assertMilvusError(() => normalizeData({ id: [1, 2], f: bad }, optionsFor(spec)), invalid, 'field f at row 1: element 1: Infinity')
  })
})

describe('BinaryVector', () => {
  const spec = { dataType: 'BinaryVector', dim: 16 }
  it('accepts dim/8 bytes as number[] or Uint8Array', () => {
    assert.deepEqual(accept(spec, [0, 255]), { kind: 'binaryVector', dim: 16, values: Uint8Array.of(0, 255), validBits: null })
    assert.deepEqual(accept(spec, Uint8Array.of(7, 8)).values, Uint8Array.of(7, 8))
  })
  it('rejects a wrong byte count (reported as a dim in bits) and non-bytes', () => {
    reject(spec, [0, 0], [1], 'the dim (8) of field data(f) is not equal to schema dim (16) at row 1')
    reject(spec, [0, 0], Uint8Array.of(1, 2, 3), 'the dim (24) of field data(f) is not equal to schema dim (16) at row 1')
    reject(spec, [0, 0], [1, 256], 'element 1', 'expected a byte (integer 0..255)')
    reject(spec, [0, 0], [1, 1.5], 'element 1')
    reject(spec, [0, 0], Float32Array.of(1, 2), 'expected BinaryVector')
  })
})

describe('Float16Vector / BFloat16Vector', () => {
  const f16 = { dataType: 'Float16Vector', dim: 2 }
  const bf16 = { dataType: 'BFloat16Vector', dim: 2 }
  it('converts floats, keeps raw Uint16Array values and little-endian raw bytes', () => {
    assert.deepEqual(accept(f16, [1, 0.5]), { kind: 'float16Vector', dim: 2, values: Uint16Array.of(0x3c00, 0x3800), validBits: null })
    assert.deepEqual(accept(f16, Float32Array.of(-2, 65504)).values, Uint16Array.of(0xc000, 0x7bff))
    assert.deepEqual(accept(f16, Uint16Array.of(0x3c00, 1)).values, Uint16Array.of(0x3c00, 1))
    assert.deepEqual(accept(f16, Uint8Array.of(0x00, 0x3c, 0x01, 0x00)).values, Uint16Array.of(0x3c00, 1))
    assert.deepEqual(accept(bf16, [1, -2]), { kind: 'bfloat16Vector', dim: 2, values: Uint16Array.of(0x3f80, 0xc000), validBits: null })
  })
  it('rounds to nearest even', () => {
    // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties to the even 1; 1 + 3·2^-11 ties up to 1 + 2^-9
    assert.deepEqual(accept(f16, [1 + 2 ** -11, 1 + 3 * 2 ** -11]).values, Uint16Array.of(0x3c00, 0x3c02))
    // bfloat16 keeps 7 mantissa bits: 1 + 2^-8 ties to 1, 1 + 3·2^-8 ties up to 1 + 2^-6
    assert.deepEqual(accept(bf16, [1 + 2 ** -8, 1 + 3 * 2 ** -8]).values, Uint16Array.of(0x3f80, 0x3f82))
  })
  it('rejects values beyond the 16-bit range, NaN patterns and wrong sizes', () => {
    reject(f16, [0, 0], [1, 70000], 'element 1: 70000 is not a finite float16 value')
    reject(f16, [0, 0], [1, Number.NaN], 'element 1: NaN is not a finite float16 value')
    reject(f16, [0, 0], Uint16Array.of(0x7e00, 0), 'element 0: raw value is not a finite float16 value')
    reject(bf16, [0, 0], [3.4e38, 0], 'element 0: 3.4e+38 is not a finite bfloat16 value')
    reject(f16, [0, 0], [1, 2, 3], 'the dim (3) of field data(f) is not equal to schema dim (2) at row 1')
    reject(f16, [0, 0], Uint8Array.of(1, 2), 'the dim (1) of field data(f) is not equal to schema dim (2) at row 1')
  })
})

describe('SparseFloatVector', () => {
  const spec = { dataType: 'SparseFloatVector' }
  const sparse = (v: unknown) => (accept(spec, v).values as { indices: Uint32Array; values: Float32Array }[])[0]
  it('accepts dict, { indices, values } and COO forms, sorted by index', () => {
    const expected = { indices: Uint32Array.of(1, 3), values: Float32Array.of(2, 0.5) }
    assert.deepEqual(sparse({ 3: 0.5, 1: 2 }), expected)
    assert.deepEqual(sparse({ indices: [3, 1], values: [0.5, 2] }), expected)
    assert.deepEqual(sparse({ indices: Uint32Array.of(3, 1), values: Float32Array.of(0.5, 2) }), expected)
    assert.deepEqual(sparse([{ index: 3, value: 0.5 }, { index: 1, value: 2 }]), expected)
    assert.deepEqual(sparse({}), { indices: new Uint32Array(0), values: new Float32Array(0) })
    assert.deepEqual(sparse({ 4294967294: 1 })?.indices, Uint32Array.of(4294967294))
  })
  it('rejects bad indices, repeated indices, bad values and other shapes', () => {
    reject(spec, {}, { indices: [4294967295], values: [1] }, 'sparse index 4294967295 is not an integer in [0, 4294967294]')
    reject(spec, {}, { indices: [-1], values: [1] }, 'sparse index -1')
    reject(spec, {}, { indices: [1.5], values: [1] }, 'sparse index 1.5')
    reject(spec, {}, { '-1': 1 }, 'sparse index "-1" is not a non-negative integer')
    reject(spec, {}, { indices: [2, 2], values: [1, 2] }, 'sparse index 2 appears more than once')
    reject(spec, {}, { indices: [1], values: [1, 2] }, 'sparse vector has 1 indices but 2 values')
    reject(spec, {}, { 1: Number.NaN }, 'index 1: NaN is not a finite float32 value')
    reject(spec, {}, { 1: 'x' }, 'index 1', 'expected number')
    reject(spec, {}, [{ index: 1 }], 'entry 0', 'expected { index: number, value: number }')
    reject(spec, {}, 'x', 'expected SparseFloatVector')
    reject(spec, {}, null, 'missing value')
  })
})
