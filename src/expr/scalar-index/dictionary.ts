import type { IndexKeys } from './index-keys.ts'
import type { SortedEntries } from './sorted-entries.ts'

/** Distinct sorted keys; key t owns entries `offsets[t]..offsets[t + 1]` (rows ascending). */
export interface Dictionary {
  readonly keys: IndexKeys
  readonly offsets: Uint32Array
  readonly rowIds: Uint32Array
}

/** Groups sorted entries by key (keys compare with `===`; -0 and NaN never occur). */
export function dictionaryOf(s: SortedEntries): Dictionary {
  const v = s.keys.values as ArrayLike<unknown>
  const n = v.length
  let m = 0
  for (let j = 0; j < n; j++) if (j === 0 || v[j] !== v[j - 1]) m++
  const offsets = new Uint32Array(m + 1)
  for (let j = 0, t = 0; j < n; j++) if (j === 0 || v[j] !== v[j - 1]) offsets[t++] = j
  offsets[m] = n
  return { keys: distinctKeys(s.keys, offsets, m), offsets, rowIds: s.rowIds }
}

function distinctKeys(keys: IndexKeys, offsets: Uint32Array, m: number): IndexKeys {
  switch (keys.kind) {
    case 'f64': {
      const out = new Float64Array(m)
      for (let t = 0; t < m; t++) out[t] = keys.values[offsets[t]!]!
      return { kind: 'f64', values: out }
    }
    case 'i64': {
      const out = new BigInt64Array(m)
      for (let t = 0; t < m; t++) out[t] = keys.values[offsets[t]!]!
      return { kind: 'i64', values: out }
    }
    case 'str': {
      const out = new Array<string>(m)
      for (let t = 0; t < m; t++) out[t] = keys.values[offsets[t]!]!
      return { kind: 'str', values: out }
    }
  }
}
