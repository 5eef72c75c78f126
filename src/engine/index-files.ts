import type { CollectionMeta } from '../catalog/catalog.ts'
import { decodeScalarIndex } from '../expr/scalar-index/scalar-index.ts'
import { scalarIndexSpecOf } from '../expr/scalar-index/scalar-index-rules.ts'
import { isVectorType } from '../schema/data-type.ts'
import type { Segment } from '../segment/segment.ts'
import type { FileStore } from '../storage/file-store.ts'
import { decodeSegmentIndex, indexInput } from './index-vectors.ts'
import type { ManifestIndexFile } from './manifest.ts'

/**
 * Loads a segment's persisted vector and scalar indexes; resolves with the bytes read. An index file
 * that no longer matches an index definition, or cannot be decoded (corrupt, another format version,
 * another row count), is skipped (logged) and the index is rebuilt in the background.
 */
export async function loadSegmentIndexes(
  store: FileStore,
  seg: Segment,
  meta: CollectionMeta,
  files: readonly ManifestIndexFile[],
  log: (m: string) => void,
): Promise<number> {
  let bytesRead = 0
  for (const f of files) {
    const def = meta.indexes.find((i) => i.id === f.indexId && i.fieldName === f.fieldName)
    const field = meta.schema.fields.find((x) => x.name === f.fieldName)
    if (def === undefined || field === undefined) continue
    try {
      const bytes = await store.readFile(f.file)
      bytesRead += bytes.byteLength
      if (isVectorType(field.dataType)) {
        const index = decodeSegmentIndex(bytes, indexInput(seg, field))
        seg.vectorIndexes.set(f.fieldName, { indexId: f.indexId, index, file: f.file })
      } else {
        const index = decodeScalarIndex(bytes, seg.rowCount)
        const want = scalarIndexSpecOf(def.indexType, field)
        const got = index.spec
        if (got.indexType !== want.indexType || got.valueKind !== want.valueKind || got.multiValued !== want.multiValued) {
          throw new Error(`the file holds ${JSON.stringify(got)}, the definition wants ${JSON.stringify(want)}`)
        }
        seg.scalarIndexes.set(f.fieldName, { indexId: f.indexId, index, file: f.file })
      }
    } catch (e) {
      log(`index file ${f.file} could not be loaded (${String(e)}); it will be rebuilt`)
    }
  }
  return bytesRead
}
