import { Bitset } from '../common/bitset.ts'
import type { FieldSchema } from '../schema/collection-schema.ts'
import type { Column, SparseRow } from './column.ts'
import { isPlainObject } from './json-value.ts'
import { missingValueError, resolveMissing } from './missing-value.ts'
import type { BuildContext, RawColumn } from './raw-column.ts'
import { fieldRowError, typeProblem } from './value-problem.ts'

/** Sparse indices are uint32 below 2^32 − 1 (Milvus reserves the largest value). */
export const sparseIndexMax = 4294967294

/** The placeholder of a null row of a nullable sparse field. */
const emptySparseRow: SparseRow = { indices: new Uint32Array(0), values: new Float32Array(0) }

const sparseForms = 'SparseFloatVector ({ [index]: value }, { indices, values } or [{ index, value }])'

/**
 * SparseFloatVector column. A row is a dict `{ [index]: value }`, `{ indices, values }` or a COO list
 * `[{ index, value }]`; indices are unique integers in [0, 2^32 − 2], values finite float32.
 * Output rows have ascending indices. A null row of a nullable field is empty and cleared in `validBits`.
 */
export function buildSparseVectorColumn(field: FieldSchema, raw: RawColumn, ctx: BuildContext): Column {
  if (raw.form !== 'values') throw fieldRowError(field.name, 0, typeProblem(sparseForms, raw.data))
  const n = ctx.rowCount
  const out = new Array<SparseRow>(n)
  const validBits = field.nullable ? Bitset.full(n) : null
  let pairs = 0
  for (let i = 0; i < n; i++) {
    const v = raw.values[i]
    if ((v === undefined || v === null) && validBits !== null) {
      resolveMissing(field, i, validBits)
      out[i] = emptySparseRow
      continue
    }
    const row = readSparseRow(field, v, i)
    checkSparseRow(field, row, i)
    out[i] = sortSparseRow(field, row, i)
    pairs += row.indices.length
  }
  ctx.size.add(pairs * 8, field.name)
  return { kind: 'sparseVector', values: out, validBits }
}

/** Copies one row into typed arrays, without checking the numbers yet. */
function readSparseRow(field: FieldSchema, v: unknown, row: number): WideRow {
  if (v === undefined || v === null) throw missingValueError(field.name, row)
  if (Array.isArray(v)) return readCoo(field, v, row)
  if (typeof v !== 'object' || !isPlainObject(v)) throw fieldRowError(field.name, row, typeProblem(sparseForms, v))
  const o = v as Record<string, unknown>
  if ('indices' in o && 'values' in o) return readPair(field, o.indices, o.values, row)
  return readDict(field, o, row)
}

function readCoo(field: FieldSchema, v: readonly unknown[], row: number): WideRow {
  const indices = new Float64Array(v.length)
  const values = new Float64Array(v.length)
  for (let k = 0; k < v.length; k++) {
    const e = v[k] as { index?: unknown; value?: unknown } | null
    if (typeof e !== 'object' || e === null || typeof e.index !== 'number' || typeof e.value !== 'number') {
      throw fieldRowError(field.name, row, `entry ${k}: ${typeProblem('{ index: number, value: number }', e)}`)
    }
    indices[k] = e.index
    values[k] = e.value
  }
  return { indices, values }
}

function readPair(field: FieldSchema, idx: unknown, val: unknown, row: number): WideRow {
  if (!isNumberList(idx) || !isNumberList(val)) {
    const bad = isNumberList(idx) ? val : idx
    throw fieldRowError(field.name, row, typeProblem('{ indices: number[], values: number[] }', bad))
  }
  if (idx.length !== val.length) {
    throw fieldRowError(field.name, row, `sparse vector has ${idx.length} indices but ${val.length} values`)
  }
  for (let k = 0; k < idx.length; k++) {
    if (typeof idx[k] !== 'number' || typeof val[k] !== 'number') {
      const bad = typeof idx[k] !== 'number' ? idx[k] : val[k]
      throw fieldRowError(field.name, row, `entry ${k}: ${typeProblem('number', bad)}`)
    }
  }
  return { indices: Float64Array.from(idx as ArrayLike<number>), values: Float64Array.from(val as ArrayLike<number>) }
}

function isNumberList(v: unknown): v is ArrayLike<unknown> {
  if (Array.isArray(v)) return true
  return ArrayBuffer.isView(v) && !(v instanceof DataView || v instanceof BigInt64Array || v instanceof BigUint64Array)
}

const canonicalIndex = /^(0|[1-9][0-9]*)$/

function readDict(field: FieldSchema, o: Record<string, unknown>, row: number): WideRow {
  const keys = Object.keys(o)
  const indices = new Float64Array(keys.length)
  const values = new Float64Array(keys.length)
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!
    const x = o[key]
    if (!canonicalIndex.test(key)) {
      throw fieldRowError(field.name, row, `sparse index ${JSON.stringify(key)} is not a non-negative integer`)
    }
    if (typeof x !== 'number') throw fieldRowError(field.name, row, `index ${key}: ${typeProblem('number', x)}`)
    indices[k] = Number(key)
    values[k] = x
  }
  return { indices, values }
}

/** Indices and values still as float64, so that range checks see what the caller sent. */
interface WideRow {
  readonly indices: Float64Array
  readonly values: Float64Array
}

function checkSparseRow(field: FieldSchema, r: WideRow, row: number): void {
  const { indices, values } = r
  for (let k = 0; k < indices.length; k++) {
    const index = indices[k]!
    if (!Number.isInteger(index) || index < 0 || index > sparseIndexMax) {
      throw fieldRowError(field.name, row, `sparse index ${index} is not an integer in [0, ${sparseIndexMax}]`)
    }
    if (!Number.isFinite(Math.fround(values[k]!))) {
      throw fieldRowError(field.name, row, `index ${index}: ${values[k]} is not a finite float32 value`)
    }
  }
}

/** Narrows to uint32/float32 in ascending index order; 1100 on a repeated index. */
function sortSparseRow(field: FieldSchema, r: WideRow, row: number): SparseRow {
  const { indices, values } = r
  const n = indices.length
  let sorted = true
  for (let k = 1; k < n && sorted; k++) sorted = indices[k - 1]! < indices[k]!
  const order = sorted ? null : Array.from({ length: n }, (_, k) => k).sort((a, b) => indices[a]! - indices[b]!)
  const outIndices = new Uint32Array(n)
  const outValues = new Float32Array(n)
  for (let k = 0; k < n; k++) {
    const from = order === null ? k : order[k]!
    outIndices[k] = indices[from]!
    outValues[k] = values[from]!
    if (k > 0 && outIndices[k] === outIndices[k - 1]) {
      throw fieldRowError(field.name, row, `sparse index ${outIndices[k]} appears more than once`)
    }
  }
  return { indices: outIndices, values: outValues }
}
