import { Bitset } from '../../common/bitset.ts'
import type { PathKey } from '../expr-node.ts'
import type { ArraySource, ValuePlan } from '../expr-plan.ts'
import { assert } from '../../common/assert.ts'
import { arithFloat, arithInt64, int64ToFloat64, widenToInt64 } from './arith-kernels.ts'
import { type ColumnSource, readColumn } from './column-access.ts'
import { resolveJsonPath } from './json-path.ts'
import { type Vector, wordsOf } from './vector.ts'

/** Computes a value plan for every row of `src`, one loop per node. */
export function evalValue(plan: ValuePlan, src: ColumnSource): Vector {
  switch (plan.kind) {
    case 'column':
      return columnVector(plan, src)
    case 'jsonPath': {
      const c = readColumn(src, plan.column, 'json')
      return { kind: 'json', values: resolveAll(c.values, plan.path, src.rowCount), present: null, valid: c.validBits }
    }
    case 'arrayElement':
      return arrayElement(plan, src)
    case 'arrayLength':
      return arrayLength(plan.source, src)
    case 'arith':
      return arith(plan, src)
  }
}

function columnVector(plan: ValuePlan & { kind: 'column' }, src: ColumnSource): Vector {
  if (plan.columnKind === 'int64') {
    const c = readColumn(src, plan.column, 'int64')
    return { kind: 'i64', values: c.values, words: wordsOf(c.values), present: null, valid: c.validBits }
  }
  if (plan.columnKind === 'varchar') {
    const c = readColumn(src, plan.column, 'varchar')
    return { kind: 'str', values: c.values, present: null, valid: c.validBits }
  }
  const c = readColumn(src, plan.column, plan.columnKind)
  return { kind: 'num', values: c.values, present: null, valid: c.validBits }
}

function resolveAll(values: readonly unknown[], path: readonly PathKey[], n: number): readonly unknown[] {
  if (path.length === 0) return values
  const out = new Array<unknown>(n)
  for (let i = 0; i < n; i++) out[i] = resolveJsonPath(values[i], path)
  return out
}

function arrayElement(plan: ValuePlan & { kind: 'arrayElement' }, src: ColumnSource): Vector {
  const c = readColumn(src, plan.column, 'array')
  const n = src.rowCount
  const rows = c.values
  const index = plan.index
  const present = new Bitset(n)
  for (let i = 0; i < n; i++) if (index < rows[i]!.length) present.set(i)
  switch (plan.elementKind) {
    case 'int64': {
      const out = new BigInt64Array(n)
      for (let i = 0; i < n; i++) if (index < rows[i]!.length) out[i] = rows[i]![index] as bigint
      return { kind: 'i64', values: out, words: wordsOf(out), present, valid: c.validBits }
    }
    case 'varchar': {
      const out = new Array<string>(n)
      for (let i = 0; i < n; i++) out[i] = index < rows[i]!.length ? (rows[i]![index] as string) : ''
      return { kind: 'str', values: out, present, valid: c.validBits }
    }
    case 'bool': {
      const out = new Uint8Array(n)
      for (let i = 0; i < n; i++) if (index < rows[i]!.length) out[i] = rows[i]![index] === true ? 1 : 0
      return { kind: 'num', values: out, present, valid: c.validBits }
    }
    default: {
      const out = new Float64Array(n)
      for (let i = 0; i < n; i++) if (index < rows[i]!.length) out[i] = rows[i]![index] as number
      return { kind: 'num', values: out, present, valid: c.validBits }
    }
  }
}

function arrayLength(source: ArraySource, src: ColumnSource): Vector {
  const n = src.rowCount
  const out = new Int32Array(n)
  if (source.kind === 'array') {
    const c = readColumn(src, source.column, 'array')
    for (let i = 0; i < n; i++) out[i] = c.values[i]!.length
    return { kind: 'num', values: out, present: null, valid: c.validBits }
  }
  const c = readColumn(src, source.column, 'json')
  const present = new Bitset(n)
  for (let i = 0; i < n; i++) {
    const v = resolveJsonPath(c.values[i], source.path)
    if (Array.isArray(v)) {
      out[i] = v.length
      present.set(i)
    }
  }
  return { kind: 'num', values: out, present, valid: c.validBits }
}

function arith(plan: ValuePlan & { kind: 'arith' }, src: ColumnSource): Vector {
  const v = evalValue(plan.operand, src)
  const n = src.rowCount
  const c = plan.constant
  if (plan.type === 'int') {
    assert.ok(c.type === 'int' && plan.op !== '**' && (v.kind === 'i64' || v.kind === 'num'), 'integer arithmetic on integers')
    const values = v.kind === 'i64' ? v.values : widenToInt64(v.values, n)
    const words = v.kind === 'i64' ? v.words : wordsOf(values)
    const out = arithInt64(words, values, n, plan.op, c.value, plan.constantOnLeft)
    return { kind: 'i64', values: out, words: wordsOf(out), present: v.present, valid: v.valid }
  }
  assert.ok(v.kind !== 'str', 'float arithmetic on numbers')
  const nums =
    v.kind === 'json'
      ? jsonNumbers(v.values, n)
      : { values: v.kind === 'i64' ? int64ToFloat64(v.words, n) : v.values, present: v.present }
  const out = arithFloat(nums.values, n, plan.op, Number(c.value), plan.constantOnLeft)
  return { kind: 'num', values: out, present: nums.present, valid: v.valid }
}

/** JSON values as doubles; rows that are not numbers are not present. */
function jsonNumbers(values: readonly unknown[], n: number): { values: Float64Array; present: Bitset } {
  const out = new Float64Array(n)
  const present = new Bitset(n)
  for (let i = 0; i < n; i++) {
    const v = values[i]
    if (typeof v === 'number') {
      out[i] = v
      present.set(i)
    }
  }
  return { values: out, present }
}
