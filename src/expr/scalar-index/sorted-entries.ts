import type { Bitset } from '../../common/bitset.ts'
import type { Column } from '../../column/column.ts'
import type { IndexKeys } from './index-keys.ts'
import { doubleSortKeys, int32SortKeys, int64SortKeys, radixArgsort } from './radix-argsort.ts'
import { stringArgsort } from './string-argsort.ts'

/**
 * What an index stores per entry, as the evaluator compares it: `bool` (0/1 as doubles), `num`
 * (doubles: Int8–Int32, Float, Double), `i64` (bigints), `str` (strings).
 */
export type ValueKind = 'bool' | 'num' | 'i64' | 'str'

/** The (key, row) entries of a column, sorted by key, rows ascending within a key, each pair once. */
export interface SortedEntries {
  readonly keys: IndexKeys
  readonly rowIds: Uint32Array
}

/** Entries before sorting, in row order. */
type Entries =
  | { readonly kind: 'int32'; readonly values: Float64Array; readonly rows: Uint32Array; readonly n: number }
  | { readonly kind: 'f64'; readonly values: Float64Array; readonly rows: Uint32Array; readonly n: number }
  | { readonly kind: 'i64'; readonly values: BigInt64Array; readonly rows: Uint32Array; readonly n: number }
  | { readonly kind: 'str'; readonly values: string[]; readonly rows: Uint32Array; readonly n: number }

/**
 * The sorted entries of rows [0, rowCount) of `column`: one per non-null row (Array columns: one per
 * distinct element of each non-null row). NaN values are left out (they equal nothing and order
 * with nothing); -0 is stored as 0 (they compare equal).
 */
export function sortedEntriesOf(column: Column, rowCount: number, valueKind: ValueKind): SortedEntries {
  const entries = column.kind === 'array' ? arrayEntries(column, rowCount, valueKind) : scalarEntries(column, rowCount)
  const sorted = sortEntries(entries)
  return column.kind === 'array' ? dropRepeats(sorted) : sorted
}

function isValid(validBits: Bitset | null, i: number): boolean {
  return validBits === null || validBits.get(i)
}

function scalarEntries(column: Column, rowCount: number): Entries {
  const valid = 'validBits' in column ? column.validBits : null
  const rows = new Uint32Array(rowCount)
  switch (column.kind) {
    case 'bool':
    case 'int8':
    case 'int16':
    case 'int32': {
      const values = new Float64Array(rowCount)
      let n = 0
      for (let i = 0; i < rowCount; i++) {
        if (!isValid(valid, i)) continue
        values[n] = column.values[i]!
        rows[n++] = i
      }
      return { kind: 'int32', values, rows, n }
    }
    case 'float':
    case 'double':
      return numberEntries(column.values, valid, rowCount)
    case 'int64': {
      const values = new BigInt64Array(rowCount)
      const from = new Uint32Array(column.values.buffer, column.values.byteOffset, rowCount * 2)
      const to = new Uint32Array(values.buffer)
      let n = 0
      for (let i = 0; i < rowCount; i++) {
        if (!isValid(valid, i)) continue
        to[2 * n] = from[2 * i]!
        to[2 * n + 1] = from[2 * i + 1]!
        rows[n++] = i
      }
      return { kind: 'i64', values, rows, n }
    }
    case 'varchar': {
      const values: string[] = []
      let n = 0
      for (let i = 0; i < rowCount; i++) {
        if (!isValid(valid, i)) continue
        values.push(column.values[i]!)
        rows[n++] = i
      }
      return { kind: 'str', values, rows, n }
    }
    default:
      throw new Error(`a scalar index cannot be built on a ${column.kind} column`)
  }
}

function numberEntries(src: ArrayLike<number>, valid: Bitset | null, rowCount: number): Entries {
  const values = new Float64Array(rowCount)
  const rows = new Uint32Array(rowCount)
  let n = 0
  for (let i = 0; i < rowCount; i++) {
    const v = src[i]!
    if (v !== v || !isValid(valid, i)) continue
    values[n] = v === 0 ? 0 : v
    rows[n++] = i
  }
  return { kind: 'f64', values, rows, n }
}

/** One entry per element of each non-null row (repeats within a row are dropped after sorting). */
function arrayEntries(column: Column & { kind: 'array' }, rowCount: number, valueKind: ValueKind): Entries {
  const valid = column.validBits
  let total = 0
  for (let i = 0; i < rowCount; i++) if (valid === null || valid.get(i)) total += column.values[i]!.length
  const rows = new Uint32Array(total)
  let n = 0
  const each = (fn: (e: unknown, at: number) => boolean) => {
    for (let i = 0; i < rowCount; i++) {
      if (valid !== null && !valid.get(i)) continue
      const arr = column.values[i]!
      for (let k = 0; k < arr.length; k++) if (fn(arr[k], n)) rows[n++] = i
    }
  }
  switch (valueKind) {
    case 'bool': {
      const values = new Float64Array(total)
      each((e, at) => ((values[at] = e === true ? 1 : 0), true))
      return { kind: 'int32', values, rows, n }
    }
    case 'num': {
      const values = new Float64Array(total)
      each((e, at) => {
        const v = e as number
        if (v !== v) return false
        values[at] = v === 0 ? 0 : v
        return true
      })
      return { kind: 'f64', values, rows, n }
    }
    case 'i64': {
      const values = new BigInt64Array(total)
      each((e, at) => ((values[at] = e as bigint), true))
      return { kind: 'i64', values, rows, n }
    }
    case 'str': {
      const values: string[] = []
      each((e) => (values.push(e as string), true))
      return { kind: 'str', values, rows, n }
    }
  }
}

function sortEntries(e: Entries): SortedEntries {
  const n = e.n
  switch (e.kind) {
    case 'int32':
      return gatherF64(e.values, e.rows, radixArgsort(int32SortKeys(e.values, n), null, n))
    case 'f64': {
      const k = doubleSortKeys(e.values, n)
      return gatherF64(e.values, e.rows, radixArgsort(k.lo, k.hi, n))
    }
    case 'i64': {
      const k = int64SortKeys(e.values, n)
      const perm = radixArgsort(k.lo, k.hi, n)
      const keys = new BigInt64Array(n)
      const from = new Uint32Array(e.values.buffer, e.values.byteOffset, n * 2)
      const to = new Uint32Array(keys.buffer)
      const rowIds = new Uint32Array(n)
      for (let j = 0; j < n; j++) {
        const p = perm[j]!
        to[2 * j] = from[2 * p]!
        to[2 * j + 1] = from[2 * p + 1]!
        rowIds[j] = e.rows[p]!
      }
      return { keys: { kind: 'i64', values: keys }, rowIds }
    }
    case 'str':
      return sortStrings(e.values, e.rows, n)
  }
}

function gatherF64(values: Float64Array, rows: Uint32Array, perm: Uint32Array): SortedEntries {
  const n = perm.length
  const keys = new Float64Array(n)
  const rowIds = new Uint32Array(n)
  for (let j = 0; j < n; j++) {
    const p = perm[j]!
    keys[j] = values[p]!
    rowIds[j] = rows[p]!
  }
  return { keys: { kind: 'f64', values: keys }, rowIds }
}

/** Strings: an MSD radix sort on code units (see `stringArgsort`). */
function sortStrings(values: readonly string[], rows: Uint32Array, n: number): SortedEntries {
  const perm = stringArgsort(values)
  const keys = new Array<string>(n)
  const rowIds = new Uint32Array(n)
  for (let j = 0; j < n; j++) {
    const p = perm[j]!
    keys[j] = values[p]!
    rowIds[j] = rows[p]!
  }
  return { keys: { kind: 'str', values: keys }, rowIds }
}

/** Array rows list an element once per occurrence; an index needs each (key, row) pair once. */
function dropRepeats(s: SortedEntries): SortedEntries {
  const v = s.keys.values as ArrayLike<unknown>
  const r = s.rowIds
  const n = r.length
  const keep = new Uint32Array(n)
  let m = 0
  for (let j = 0; j < n; j++) if (j === 0 || r[j] !== r[j - 1] || v[j] !== v[j - 1]) keep[m++] = j
  if (m === n) return s
  const rowIds = new Uint32Array(m)
  for (let j = 0; j < m; j++) rowIds[j] = r[keep[j]!]!
  return { keys: pickKeys(s.keys, keep, m), rowIds }
}

function pickKeys(keys: IndexKeys, at: Uint32Array, m: number): IndexKeys {
  switch (keys.kind) {
    case 'f64': {
      const out = new Float64Array(m)
      for (let j = 0; j < m; j++) out[j] = keys.values[at[j]!]!
      return { kind: 'f64', values: out }
    }
    case 'i64': {
      const out = new BigInt64Array(m)
      for (let j = 0; j < m; j++) out[j] = keys.values[at[j]!]!
      return { kind: 'i64', values: out }
    }
    case 'str': {
      const out = new Array<string>(m)
      for (let j = 0; j < m; j++) out[j] = keys.values[at[j]!]!
      return { kind: 'str', values: out }
    }
  }
}
