import { errors } from '../../../errors/errors.ts'
import { decodeEmbedded } from '../milvus-proto.ts'
import { decodeSparseRow } from './sparse-bytes.ts'

/** Query vectors as the engine's search takes them, one per query. */
export type QueryVectors = Float32Array[] | Uint8Array[] | Uint16Array[] | { indices: number[]; values: number[] }[]

/**
 * `placeholder_group` bytes (a serialised `common.PlaceholderGroup`, tag `$0`) → the query vectors:
 * FloatVector rows are float32 LE, BinaryVector rows bytes, Float16/BFloat16 rows 16-bit patterns,
 * SparseFloatVector rows Milvus's (uint32, float32) pairs. Other kinds (text for functions, int8,
 * embedding lists) are not supported (3000).
 */
export function decodePlaceholderGroup(bytes: Uint8Array): QueryVectors {
  const group = decodeEmbedded('milvus.proto.common.PlaceholderGroup', bytes)
  const holders = (group.placeholders ?? []) as { tag?: string; type?: string; values?: Uint8Array[] }[]
  if (holders.length !== 1) throw errors.invalid(`the placeholder group should hold one placeholder, got ${holders.length}`)
  const h = holders[0]!
  const values = h.values ?? []
  switch (h.type) {
    case 'FloatVector':
      return values.map((b, i) => typedRows(b, 4, i, (buf) => new Float32Array(buf)))
    case 'BinaryVector':
      return values.map((b) => Uint8Array.from(b))
    case 'Float16Vector':
    case 'BFloat16Vector':
      return values.map((b, i) => typedRows(b, 2, i, (buf) => new Uint16Array(buf)))
    case 'SparseFloatVector':
      return values.map((b, i) => {
        const row = decodeSparseRow(b, i)
        return { indices: Array.from(row.indices), values: Array.from(row.values) }
      })
    default:
      throw errors.notSupported(`search with ${h.type ?? 'unknown'} placeholders is not supported by Quiver`)
  }
}

/** Copies one query's bytes into an aligned buffer and views it as `width`-byte elements (LE). */
function typedRows<T>(b: Uint8Array, width: number, i: number, view: (buf: ArrayBuffer) => T): T {
  if (b.length % width !== 0) throw errors.invalid(`query vector ${i} has ${b.length} bytes, not a multiple of ${width}`)
  const copy = new Uint8Array(b.length)
  copy.set(b)
  return view(copy.buffer)
}
