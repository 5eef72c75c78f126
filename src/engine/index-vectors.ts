import type { FieldSchema } from '../schema/collection-schema.ts'
import { DataType } from '../schema/data-type.ts'
import type { Segment } from '../segment/segment.ts'
import { bf16ToF32Array, f16ToF32Array } from '../common/half-float.ts'

/**
 * The vectors an index of `field` is built on and re-ranks with: a view of the sealed segment's
 * contiguous column (float32 or binary), or a float32 copy for float16/bfloat16 fields.
 */
export function indexVectors(segment: Segment, field: FieldSchema): Float32Array | Uint8Array {
  const store = segment.fields.get(field.name)!
  const raw = store.vectorRange(0, segment.rowCount)
  if (field.dataType === DataType.Float16Vector || field.dataType === DataType.BFloat16Vector) {
    const out = new Float32Array(raw.length)
    if (field.dataType === DataType.Float16Vector) f16ToF32Array(raw as Uint16Array, out)
    else bf16ToF32Array(raw as Uint16Array, out)
    return out
  }
  return raw as Float32Array | Uint8Array
}
