// Test-only: seeded columns over the expr tests' `testSchema` (nulls, NaN, -0, int64 beyond 2^53,
// repeated and unique values) and a source that answers leaves through scalar indexes of one type.
import { Bitset } from '../../common/bitset.ts'
import type { Column } from '../../column/column.ts'
import type { ColumnSource } from '../kernels/column-access.ts'
import { int64Pool, stringPool, testSchema } from '../test-fixtures.ts'
import { buildScalarIndex, type ScalarIndex, type ScalarIndexType } from './scalar-index.ts'
import { scalarIndexSpecOf, scalarIndexTypesFor } from './scalar-index-rules.ts'

export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export const numberPools = {
  i8: [-128, -1, 0, 1, 2, 3, 127],
  i16: [-32768, -1, 0, 1, 2, 3, 32767],
  i32: [-2147483648, -1, 0, 1, 2, 3, 2147483647],
  f32: [-1.5, 0, -0, 0.5, 1, 2.25, 1.1, 3.4e38, 1e-40].map(Math.fround),
  f64: [-1.5, 0, -0, 0.5, 1, 2.25, 1.1, 9007199254740993, 1e300, -1e300, 9.3e18],
} as const
export const stringValues = [...stringPool, 'abd', 'abc\u0000', '\uffff', 'zz']

/**
 * `rowCount` rows of every filterable column of `testSchema` but JSON: a quarter of the values drawn
 * from small pools (repeats, boundaries), the rest spread (unique-ish); about 15% nulls in nullable
 * fields; NaN in a few `f64` rows. `spread` widens the unique-ish part (BITMAP's high-cardinality path).
 */
export function seededSource(rowCount: number, seed: number, spread = 1000): ColumnSource {
  const next = rng(seed)
  const pick = <T>(pool: readonly T[]) => pool[Math.floor(next() * pool.length)]!
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1))
  const n = rowCount
  const fromPool = () => next() < 0.25
  const valid = () => {
    const b = new Bitset(n)
    for (let i = 0; i < n; i++) if (next() >= 0.15) b.set(i)
    return b
  }
  const cols = new Map<string, Column>()
  cols.set('pk', { kind: 'int64', values: BigInt64Array.from({ length: n }, (_, i) => BigInt(i)), validBits: null })
  cols.set('i8', { kind: 'int8', values: Int8Array.from({ length: n }, () => (fromPool() ? pick(numberPools.i8) : int(-20, 20))), validBits: valid() })
  cols.set('i16', { kind: 'int16', values: Int16Array.from({ length: n }, () => (fromPool() ? pick(numberPools.i16) : int(-spread, spread))), validBits: null })
  cols.set('i32', { kind: 'int32', values: Int32Array.from({ length: n }, () => (fromPool() ? pick(numberPools.i32) : int(-spread, spread))), validBits: valid() })
  cols.set('i64', { kind: 'int64', values: BigInt64Array.from({ length: n }, () => (fromPool() ? pick(int64Pool) : BigInt(int(-spread, spread)) * 4294967296n + BigInt(int(0, 3)))), validBits: valid() })
  cols.set('f32', { kind: 'float', values: Float32Array.from({ length: n }, () => (fromPool() ? pick(numberPools.f32) : Math.fround(int(-spread, spread) / 8))), validBits: valid() })
  cols.set('f64', { kind: 'double', values: Float64Array.from({ length: n }, () => (next() < 0.02 ? Number.NaN : fromPool() ? pick(numberPools.f64) : int(-spread, spread) / 4)), validBits: null })
  cols.set('b', { kind: 'bool', values: Uint8Array.from({ length: n }, () => (next() < 0.5 ? 1 : 0)), validBits: valid() })
  cols.set('s', { kind: 'varchar', values: Array.from({ length: n }, () => (fromPool() ? pick(stringValues) : `${pick(['a', 'ab', 'b', 'x'])}${int(0, spread)}`)), validBits: valid() })
  const arrays = (elem: () => unknown) => Array.from({ length: n }, () => Array.from({ length: int(0, 4) }, elem))
  cols.set('a64', { kind: 'array', values: arrays(() => (fromPool() ? pick(int64Pool) : BigInt(int(-spread, spread)))), validBits: valid() })
  cols.set('a32', { kind: 'array', values: arrays(() => (fromPool() ? pick(numberPools.i32) : int(-spread, spread))), validBits: null })
  cols.set('af', { kind: 'array', values: arrays(() => (fromPool() ? pick(numberPools.f32) : Math.fround(int(-spread, spread) / 8))), validBits: null })
  cols.set('astr', { kind: 'array', values: arrays(() => (fromPool() ? pick(stringValues) : `a${int(0, spread)}`)), validBits: null })
  return { rowCount: n, column: (name) => cols.get(name) }
}

/** The fields of `testSchema` that take `type`. */
export function fieldsTaking(type: ScalarIndexType): string[] {
  const shown = type === 'TRIE' ? 'Trie' : type
  return testSchema.fields.filter((f) => scalarIndexTypesFor(f).includes(shown)).map((f) => f.name)
}

/** `src` with an index of `type` on every field that takes it; `answered` counts lookups the indexes answered. */
export function withScalarIndexes(src: ColumnSource, type: ScalarIndexType, map: (i: ScalarIndex) => ScalarIndex = (i) => i) {
  const indexes = new Map<string, ScalarIndex>()
  for (const name of fieldsTaking(type)) {
    const field = testSchema.fields.find((f) => f.name === name)!
    indexes.set(name, map(buildScalarIndex(scalarIndexSpecOf(type, field), src.column(name)!, src.rowCount)))
  }
  const counter = { answered: 0 }
  const source: ColumnSource = {
    rowCount: src.rowCount,
    column: (name) => src.column(name),
    index: (name) => {
      const index = indexes.get(name)
      if (index === undefined) return undefined
      return {
        ...index,
        spec: index.spec,
        rowCount: index.rowCount,
        validBits: index.validBits,
        sizeBytes: index.sizeBytes,
        encode: () => index.encode(),
        lookup: (q) => {
          const r = index.lookup(q)
          if (r !== undefined) counter.answered++
          return r
        },
      }
    },
  }
  return { source, indexes, counter }
}
