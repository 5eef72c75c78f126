import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Bitset } from '../../common/bitset.ts'
import { MilvusError } from '../../errors/errors.ts'
import { compileFilter } from '../compile-filter.ts'
import { evaluate } from '../evaluate.ts'
import type { ColumnSource } from '../kernels/column-access.ts'
import { createTermSet } from '../planner/term-set.ts'
import { testSchema } from '../test-fixtures.ts'
import { concatChunks } from './test-bytes.ts'
import { decodeScalarIndex, type ScalarIndex, type ScalarIndexType } from './scalar-index.ts'
import { fieldsTaking, seededSource, stringValues, withScalarIndexes } from './test-data.ts'

/** Rows of the suite's data: crosses 32-row words and the radix sort's threshold. */
const rowCount = 2011

const ops = ['==', '!=', '<', '<=', '>', '>='] as const
const intConstants = ['-1', '0', '1', '3', '127', '-128', '2147483647', '-2147483648', '17', '-500', '999', '100000']
const int64Constants = [...intConstants, '9007199254740993', '-9223372036854775808', '9223372036854775807', '4294967296', '4294967297']
const floatConstants = ['0', '-0.0', '0.5', '1.1', '2.25', '-1.5', '3.4e38', '1e300', '-1e300', '12.125', '-0.25', '1e-40']
const quote = (s: string) => JSON.stringify(s)

/** The filters the suite runs on `field`: every comparison, ranges, `in`, `like`, contains, under not/and/or. */
export function filtersFor(field: string): string[] {
  const out: string[] = []
  const compare = (consts: readonly string[]) => {
    for (const op of ops) for (const c of consts) out.push(`${field} ${op} ${c}`)
    for (let i = 0; i + 1 < consts.length; i++) out.push(`${consts[i]} < ${field} <= ${consts[i + 1]}`, `${consts[i + 1]} >= ${field} > ${consts[i]}`)
    out.push(`${field} in [${consts.slice(0, 5).join(', ')}]`, `${field} not in [${consts.slice(2, 6).join(', ')}]`, `${field} in []`)
    out.push(`not (${field} > ${consts[1]})`, `${field} > ${consts[0]} and ${field} < ${consts[3]}`, `not (${field} == ${consts[2]} or ${field} is null)`)
  }
  switch (field) {
    case 'i8':
    case 'i16':
    case 'i32':
      compare(intConstants)
      break
    case 'i64':
    case 'pk':
      compare(int64Constants)
      break
    case 'f32':
    case 'f64':
      compare(floatConstants)
      break
    case 'b':
      out.push('b', 'not b', 'b == true', 'b != true', 'b == false', 'b in [true]', 'b in [true, false]', 'b not in [false]', 'b in []')
      break
    case 's': {
      const consts = stringValues.map(quote)
      compare(consts)
      for (const p of ['a%', 'ab%', '%b', '%a%', 'a_c', '_', '%', 'abc', 'a\\%b', '%\\_%', 'x1%', '', '%%', 'é%', '😀%', '\uffff%']) out.push(`s like ${quote(p)}`, `not (s like ${quote(p)})`)
      break
    }
    default: {
      const consts = field === 'astr' ? stringValues.map(quote) : field === 'af' ? floatConstants : field === 'a64' ? int64Constants : intConstants
      for (const c of consts) out.push(`array_contains(${field}, ${c})`, `not array_contains(${field}, ${c})`)
      for (let i = 0; i + 3 <= consts.length; i += 2) {
        const l = consts.slice(i, i + 3).join(', ')
        out.push(`array_contains_all(${field}, [${l}])`, `array_contains_any(${field}, [${l}])`, `not array_contains_all(${field}, [${consts[i]}])`)
      }
      out.push(`array_contains_all(${field}, [])`, `array_contains_any(${field}, [])`, `not array_contains_all(${field}, [])`)
    }
  }
  return out
}

function rowsOf(b: Bitset): number[] {
  return [...b.toIndexes()]
}

/** Every filter on every field that takes `type` gives the same rows with the index as without. */
function assertSameAsScan(type: ScalarIndexType, src: ColumnSource, indexed: ColumnSource, counter: { answered: number }, fields: readonly string[]): void {
  for (const field of fields) {
    const before = counter.answered
    for (const text of filtersFor(field)) {
      const plan = compileFilter(text, testSchema)
      assert.deepEqual(rowsOf(evaluate(plan, indexed)), rowsOf(evaluate(plan, src)), `${type} on ${field}: ${text}`)
    }
    assert.ok(counter.answered > before, `${type} on ${field}: the index answered some leaves`)
  }
}

/**
 * The contract every scalar index type passes: identical rows to the column scan for every leaf
 * form on every field kind it takes (nulls, NaN, -0, int64 beyond 2^53, empty and all-null columns),
 * the same after an encode/decode round trip, and corruption detected on decode.
 */
export function runScalarIndexContract(type: ScalarIndexType): void {
  const fields = fieldsTaking(type)

  describe(`${type} scalar index contract`, () => {
    test(`takes the fields Milvus lets it take: ${fields.join(', ')}`, () => {
      assert.ok(fields.length > 0)
    })

    test('answers like the column scan, on every filter form', () => {
      const src = seededSource(rowCount, 11)
      const { source, counter } = withScalarIndexes(src, type)
      assertSameAsScan(type, src, source, counter, fields)
    })

    test('answers like the column scan on small and empty segments (comparison-sort path, word tails)', () => {
      for (const n of [0, 1, 31, 32, 33, 100]) {
        const src = seededSource(n, n + 5)
        const { source } = withScalarIndexes(src, type)
        for (const field of fields) {
          for (const text of filtersFor(field).filter((_, i) => i % 7 === 0)) {
            const plan = compileFilter(text, testSchema)
            assert.deepEqual(rowsOf(evaluate(plan, source)), rowsOf(evaluate(plan, src)), `${type} n=${n}: ${text}`)
          }
        }
      }
    })

    test('an all-null column: lookups return no rows, `not` none either, `is null` every row', () => {
      const base = seededSource(70, 3)
      const nullable = fields.filter((f) => testSchema.fields.find((x) => x.name === f)!.nullable)
      const src: ColumnSource = {
        rowCount: 70,
        column: (name) => {
          const c = base.column(name)!
          return nullable.includes(name) && 'validBits' in c ? ({ ...c, validBits: new Bitset(70) } as typeof c) : c
        },
      }
      const { source, counter } = withScalarIndexes(src, type)
      for (const field of nullable) {
        for (const text of filtersFor(field)) {
          const plan = compileFilter(text, testSchema)
          assert.deepEqual(rowsOf(evaluate(plan, source)), [], `${type} all-null ${field}: ${text}`)
        }
        assert.equal(evaluate(compileFilter(`${field} is null`, testSchema), source).count(), 70)
      }
      assert.ok(nullable.length === 0 || counter.answered > 0)
    })

    test('encode → decode gives an index with the same answers; sizeBytes counts its arrays', () => {
      const src = seededSource(rowCount, 23)
      const { source: fresh, indexes } = withScalarIndexes(src, type)
      const decoded = withScalarIndexes(src, type, (i) => decodeScalarIndex(concatChunks(i.encode()), src.rowCount))
      for (const [name, index] of indexes) {
        assert.ok(index.sizeBytes > 0, `${name} sizeBytes`)
        for (const text of filtersFor(name).filter((_, i) => i % 3 === 0)) {
          const plan = compileFilter(text, testSchema)
          assert.deepEqual(rowsOf(evaluate(plan, decoded.source)), rowsOf(evaluate(plan, fresh)), `${type} decoded ${name}: ${text}`)
        }
      }
    })

    test('decode refuses flipped bytes, truncation and another row count (2100)', () => {
      const src = seededSource(300, 31)
      const { indexes } = withScalarIndexes(src, type)
      const index = indexes.get(fields[0]!)!
      const bytes = concatChunks(index.encode())
      const expect2100 = (b: Uint8Array, rows: number) =>
        assert.throws(() => decodeScalarIndex(b, rows), (e: unknown) => e instanceof MilvusError && e.code === 2100)
      for (const at of [0, 5, 20, Math.floor(bytes.length / 2), bytes.length - 1]) {
        const bad = bytes.slice()
        bad[at]! ^= 0x40
        expect2100(bad, 300)
      }
      expect2100(bytes.subarray(0, bytes.length - 8), 300)
      expect2100(bytes, 301)
    })

    test('lookups it cannot answer come back undefined (the evaluator scans)', () => {
      const src = seededSource(64, 41)
      const { indexes } = withScalarIndexes(src, type)
      for (const [name, index] of indexes) {
        const isArray = name.startsWith('a')
        const other = name === 's' || name === 'astr' ? { type: 'int', value: 1n } as const : { type: 'string', value: 'x' } as const
        assert.equal(index.lookup({ kind: 'compare', op: '==', constant: other }), undefined, `${name}: a constant of another type`)
        if (name !== 's') assert.equal(index.lookup({ kind: 'like', matcher: { kind: 'prefix', text: 'a', pattern: 'a%' } }), undefined, `${name}: like`)
        if (isArray) assert.equal(index.lookup({ kind: 'in', set: createTermSet([{ type: 'int', value: 1n }]) }), undefined, `${name}: in on an array`)
        else assert.equal(index.lookup({ kind: 'contains', mode: 'one', values: [{ type: 'int', value: 1n }] }), undefined, `${name}: contains on a scalar`)
      }
    })

    test('every answer is a fresh bitset of rowCount bits with no null rows', () => {
      const src = seededSource(500, 53)
      const { indexes } = withScalarIndexes(src, type)
      for (const [name, index] of indexes) {
        const q = name === 'b' ? { type: 'bool', value: true } as const : name === 's' ? { type: 'string', value: 'a' } as const : name === 'f32' || name === 'f64' ? { type: 'float', value: 0 } as const : { type: 'int', value: 0n } as const
        const a = index.lookup({ kind: 'compare', op: '!=', constant: q })
        if (a === undefined) continue
        assert.equal(a.capacity, 500)
        if (index.validBits !== null) assert.equal(a.clone().andNot(index.validBits).count(), 0, `${name}: null rows never returned`)
        a.words.fill(0xffffffff)
        const b = index.lookup({ kind: 'compare', op: '!=', constant: q })!
        assert.ok(b.count() < 500 || index.validBits === null, `${name}: answers do not share memory`)
      }
    })
  })
}
