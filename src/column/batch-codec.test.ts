// encodeBatch/decodeBatch: random batches of every column kind (nullable or not, bigints in arrays and
// json, any alignment of the input) round-trip deep-equal (fast-check); typed arrays are sent
// zero-copy; truncated, bit-flipped or random input throws a MilvusError and never anything else.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { Bitset } from '../common/bitset.ts'
import { ErrorCode, MilvusError } from '../errors/errors.ts'
import { batchValueDepthMax, decodeBatch, encodeBatch } from './batch-codec.ts'
import type { Column, ColumnBatch, ColumnKind, SparseRow } from './column.ts'

const kinds: readonly ColumnKind[] = [
  'bool',
  'int8',
  'int16',
  'int32',
  'int64',
  'float',
  'double',
  'varchar',
  'geometry',
  'json',
  'array',
  'floatVector',
  'binaryVector',
  'float16Vector',
  'bfloat16Vector',
  'int8Vector',
  'sparseVector',
]

const int64Arb = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
const stringArb = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string())
const elementArb = fc.oneof(int64Arb, fc.bigInt(), fc.integer(), fc.double(), fc.float(), fc.boolean(), stringArb)
const jsonArb = fc.oneof(fc.jsonValue(), fc.anything({ withBigInt: true, maxDepth: 3 }))

function validBitsArb(n: number): fc.Arbitrary<Bitset | null> {
  const words = (n + 31) >>> 5
  return fc.option(
    fc.uint32Array({ minLength: words, maxLength: words + 2 }).map((w) => new Bitset(n, w)),
    { nil: null },
  )
}

function scalar<K extends ColumnKind>(kind: K, values: fc.Arbitrary<unknown>, n: number): fc.Arbitrary<Column> {
  return fc.record({ values, validBits: validBitsArb(n) }).map((c) => ({ kind, ...c }) as Column)
}

function vector<K extends ColumnKind>(kind: K, dims: fc.Arbitrary<number>, values: (len: number) => fc.Arbitrary<unknown>, n: number) {
  return dims.chain((dim) =>
    fc
      .tuple(values(kind === 'binaryVector' ? (n * dim) / 8 : n * dim), validBitsArb(n))
      .map(([v, validBits]) => ({ kind, dim, values: v, validBits }) as Column),
  )
}

const sparseRowArb: fc.Arbitrary<SparseRow> = fc
  .uniqueArray(fc.integer({ min: 0, max: 0xffff_ffff }), { maxLength: 6 })
  .chain((idx) =>
    fc.float32Array({ minLength: idx.length, maxLength: idx.length }).map((values) => ({
      indices: Uint32Array.from(idx.sort((a, b) => a - b)),
      values,
    })),
  )

function columnArb(kind: ColumnKind, n: number): fc.Arbitrary<Column> {
  const len = { minLength: n, maxLength: n }
  switch (kind) {
    case 'bool':
      return scalar(kind, fc.uint8Array({ ...len, min: 0, max: 1 }), n)
    case 'int8':
      return scalar(kind, fc.int8Array(len), n)
    case 'int16':
      return scalar(kind, fc.int16Array(len), n)
    case 'int32':
      return scalar(kind, fc.int32Array(len), n)
    case 'int64':
      return scalar(kind, fc.bigInt64Array(len), n)
    case 'float':
      return scalar(kind, fc.float32Array(len), n)
    case 'double':
      return scalar(kind, fc.float64Array(len), n)
    case 'varchar':
    case 'geometry':
      return scalar(kind, fc.array(stringArb, len), n)
    case 'json':
      return scalar(kind, fc.array(jsonArb, len), n)
    case 'array':
      return scalar(kind, fc.array(fc.array(elementArb, { maxLength: 5 }), len), n)
    case 'floatVector':
      return vector(kind, fc.integer({ min: 1, max: 6 }), (l) => fc.float32Array({ minLength: l, maxLength: l }), n)
    case 'binaryVector':
      return vector(kind, fc.constantFrom(8, 16, 24), (l) => fc.uint8Array({ minLength: l, maxLength: l }), n)
    case 'float16Vector':
    case 'bfloat16Vector':
      return vector(kind, fc.integer({ min: 1, max: 6 }), (l) => fc.uint16Array({ minLength: l, maxLength: l }), n)
    case 'int8Vector':
      return vector(kind, fc.integer({ min: 1, max: 6 }), (l) => fc.int8Array({ minLength: l, maxLength: l }), n)
    case 'sparseVector':
      return fc.tuple(fc.array(sparseRowArb, len), validBitsArb(n)).map(([values, validBits]) => ({ kind, values, validBits }))
    case 'vectorArray':
      // Float vectors per row: 0..3 of them, dim 1..4 (struct sub-fields are never null).
      return fc.integer({ min: 1, max: 4 }).chain((dim) =>
        fc
          .array(fc.integer({ min: 0, max: 3 }).chain((count) => fc.float32Array({ minLength: count * dim, maxLength: count * dim })), len)
          .map((values) => ({ kind, element: 'floatVector' as const, dim, values, validBits: null })),
      )
  }
}

const batchArb: fc.Arbitrary<ColumnBatch> = fc.integer({ min: 0, max: 12 }).chain((rowCount) =>
  fc
    .uniqueArray(fc.tuple(fc.string({ unit: 'binary', maxLength: 6 }), fc.constantFrom(...kinds)), { selector: (t) => t[0], maxLength: 6 })
    .chain((specs) => fc.tuple(...specs.map(([name, kind]) => columnArb(kind, rowCount).map((c) => [name, c] as const))))
    .map((entries) => ({ rowCount, columns: new Map<string, Column>(entries) })),
)

/** The chunks laid out from byte `offset` of a bigger buffer; returns the view of the batch. */
function placeAt(chunks: readonly Uint8Array[], offset: number): Uint8Array {
  const total = chunks.reduce((s, c) => s + c.byteLength, 0)
  const buf = new Uint8Array(offset + total + 5)
  let at = offset
  for (const c of chunks) {
    buf.set(c, at)
    at += c.byteLength
  }
  return buf.subarray(offset, offset + total)
}

function decodeOrCorrupt(bytes: Uint8Array): void {
  try {
    decodeBatch(bytes)
  } catch (e) {
    assert.ok(e instanceof MilvusError, `expected a MilvusError, got ${String(e)}`)
    assert.equal(e.code, ErrorCode.IoFailed)
    assert.match(e.message, /^cannot decode column batch: /)
  }
}

/** One batch with a column of every kind, nullable where possible. */
function sampleBatch(): ColumnBatch {
  return fc.sample(
    fc.tuple(...kinds.map((k) => columnArb(k, 3))).map((cols) => ({ rowCount: 3, columns: new Map(cols.map((c, i) => [`f${i}`, c])) })),
    { numRuns: 1, seed: 42 },
  )[0]!
}

describe('batch codec', () => {
  it('round-trips random batches of every column kind, from any alignment', () => {
    fc.assert(
      fc.property(batchArb, fc.integer({ min: 0, max: 7 }), (batch, offset) => {
        assert.deepStrictEqual(decodeBatch(placeAt(encodeBatch(batch), offset)), batch)
      }),
      { numRuns: 300 },
    )
  })

  it('sends big typed arrays as their own chunks and decodes aligned input without copying', () => {
    const values = new Float32Array(1024).map((_, i) => i / 7)
    const batch: ColumnBatch = { rowCount: 8, columns: new Map([['v', { kind: 'floatVector', dim: 128, values, validBits: null }]]) }
    const chunks = encodeBatch(batch)
    assert.ok(chunks.some((c) => c.buffer === values.buffer && c.byteLength === values.byteLength))
    const bytes = placeAt(chunks, 8)
    const decoded = decodeBatch(bytes).columns.get('v')
    assert.ok(decoded?.kind === 'floatVector')
    assert.equal(decoded.values.buffer, bytes.buffer, 'aligned input is viewed, not copied')
    assert.deepStrictEqual(decoded.values, values)
  })

  it('throws a clear error for every truncation of a batch', () => {
    const bytes = placeAt(encodeBatch(sampleBatch()), 0)
    for (let end = 0; end < bytes.length; end++) {
      assert.throws(() => decodeBatch(bytes.subarray(0, end)), /^MilvusError: cannot decode column batch: /, `prefix of ${end} bytes`)
    }
  })

  it('never fails with anything but a MilvusError on flipped bits or random bytes', () => {
    fc.assert(
      fc.property(batchArb, fc.nat(), fc.integer({ min: 0, max: 7 }), (batch, at, bit) => {
        const bytes = placeAt(encodeBatch(batch), 0).slice()
        const i = at % bytes.length
        bytes[i] = bytes[i]! ^ (1 << bit)
        decodeOrCorrupt(bytes)
      }),
      { numRuns: 500 },
    )
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        if (bytes.length > 0) bytes[0] = 1
        decodeOrCorrupt(bytes)
      }),
      { numRuns: 500 },
    )
  })

  it('keeps own __proto__ keys, -0, NaN and bigints beyond int64 exactly', () => {
    const values = [JSON.parse('{"__proto__":{"polluted":true},"a":[1]}'), [-0, Number.NaN, 2n ** 64n, -(2n ** 63n)]]
    const batch: ColumnBatch = { rowCount: 2, columns: new Map([['j', { kind: 'json', values, validBits: null }]]) }
    const decoded = decodeBatch(placeAt(encodeBatch(batch), 3)).columns.get('j')!.values as unknown[]
    assert.deepStrictEqual(decoded, values)
    assert.ok(Object.hasOwn(decoded[0] as object, '__proto__'))
    assert.equal(Object.getPrototypeOf(decoded[0]), Object.prototype)
    assert.equal(({} as Record<string, unknown>).polluted, undefined)
  })

  it('refuses values that are not JSON-like, naming the field and row', () => {
    const batch = (values: unknown[]): ColumnBatch => ({ rowCount: values.length, columns: new Map([['meta', { kind: 'json', values, validBits: null }]]) })
    assert.throws(() => encodeBatch(batch([{}, { when: new Date(0) }])), /a value of type Date cannot be stored: invalid parameter\[field=meta\]\[row=1\]/)
    assert.throws(() => encodeBatch(batch([() => 1])), /type function/)
    let deep: unknown = 1
    for (let i = 0; i < batchValueDepthMax; i++) deep = [deep]
    assert.throws(() => encodeBatch(batch([deep])), /nested deeper than 256 levels/)
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    assert.throws(() => encodeBatch(batch([cyclic])), /nested deeper/)
  })
})
