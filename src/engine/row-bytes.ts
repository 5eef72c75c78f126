import type { CollectionSchema } from '../schema/collection-schema.ts'
import { DataType } from '../schema/data-type.ts'

/** Estimated bytes of one row, to turn a segment byte budget into a row count. */
export function estimateRowBytes(schema: CollectionSchema): number {
  let n = 0
  for (const f of schema.fields) {
    switch (f.dataType) {
      case DataType.FloatVector:
        n += 4 * (f.dim ?? 0)
        break
      case DataType.Float16Vector:
      case DataType.BFloat16Vector:
        n += 2 * (f.dim ?? 0)
        break
      case DataType.BinaryVector:
        n += (f.dim ?? 0) >>> 3
        break
      case DataType.Int8Vector:
        n += f.dim ?? 0
        break
      case DataType.VarChar:
        n += Math.min(f.maxLength ?? 64, 64)
        break
      case DataType.JSON:
      case DataType.Array:
      case DataType.SparseFloatVector:
        n += 128
        break
      default:
        n += 8
    }
  }
  return Math.max(n, 1)
}

/** When a growing segment seals: at `segmentRowsMax` rows or `segmentBytesMax` estimated bytes, whichever comes first. */
export function sealPolicy(options: { readonly segmentBytesMax: number; readonly segmentRowsMax: number }, schema: CollectionSchema): { segmentRowsMax: number } {
  const byBytes = Math.floor(options.segmentBytesMax / estimateRowBytes(schema))
  return { segmentRowsMax: Math.max(1, Math.min(options.segmentRowsMax, byBytes)) }
}
