import type { CollectionMeta } from '../catalog/catalog.ts'
import { decodeIndex } from '../index/vector-index.ts'
import type { Segment } from '../segment/segment.ts'
import type { FileStore } from '../storage/file-store.ts'
import { indexVectors } from './index-vectors.ts'

/**
 * Loads a segment's persisted vector indexes. An index file that no longer matches an index
 * definition, or cannot be decoded, is skipped (logged) and the index is rebuilt in the background.
 */
export async function loadSegmentIndexes(
  store: FileStore,
  seg: Segment,
  meta: CollectionMeta,
  files: readonly { indexId: number; fieldName: string; file: string }[],
  log: (m: string) => void,
): Promise<void> {
  for (const f of files) {
    const def = meta.indexes.find((i) => i.id === f.indexId && i.fieldName === f.fieldName)
    const field = meta.schema.fields.find((x) => x.name === f.fieldName)
    if (def === undefined || field === undefined) continue
    try {
      const index = decodeIndex(await store.readFile(f.file), indexVectors(seg, field), seg.rowCount)
      seg.vectorIndexes.set(f.fieldName, { indexId: f.indexId, index, file: f.file })
    } catch (e) {
      log(`index file ${f.file} could not be loaded (${String(e)}); it will be rebuilt`)
    }
  }
}
