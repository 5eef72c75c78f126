import { errors } from '../../../errors/errors.ts'

/** Bytes per (index, value) pair in Milvus's sparse row format: uint32 LE index, float32 LE value. */
export const SPARSE_PAIR_BYTES = 8

export interface SparsePairs {
  readonly indices: Uint32Array
  readonly values: Float32Array
}

/** One sparse row from Milvus's binary form; 1100 when the length is not a whole number of pairs. */
export function decodeSparseRow(bytes: Uint8Array, row: number): SparsePairs {
  if (bytes.length % SPARSE_PAIR_BYTES !== 0) {
    throw errors.invalid(`sparse vector row ${row} has ${bytes.length} bytes, not a multiple of ${SPARSE_PAIR_BYTES}`)
  }
  const n = bytes.length / SPARSE_PAIR_BYTES
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length)
  const indices = new Uint32Array(n)
  const values = new Float32Array(n)
  for (let k = 0; k < n; k++) {
    indices[k] = view.getUint32(k * SPARSE_PAIR_BYTES, true)
    values[k] = view.getFloat32(k * SPARSE_PAIR_BYTES + 4, true)
  }
  return { indices, values }
}

/** One sparse row (`{ [index]: value }`, as rows come out of the engine) in Milvus's binary form. */
export function encodeSparseRow(row: Readonly<Record<string, number>>): Buffer {
  const keys = Object.keys(row)
  const out = Buffer.alloc(keys.length * SPARSE_PAIR_BYTES)
  for (let k = 0; k < keys.length; k++) {
    out.writeUInt32LE(Number(keys[k]), k * SPARSE_PAIR_BYTES)
    out.writeFloatLE(row[keys[k]!]!, k * SPARSE_PAIR_BYTES + 4)
  }
  return out
}
