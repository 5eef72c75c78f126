import type { CollectionMeta } from '../catalog/catalog.ts'
import { type IndexJsonPath, type IndexMeta, indexSlotOf } from '../catalog/index-meta.ts'
import { JsonPathIndex } from '../expr/scalar-index/json-path-index.ts'
import { decodeScalarIndex } from '../expr/scalar-index/scalar-index.ts'
import { jsonIndexSpecOf, scalarIndexSpecOf } from '../expr/scalar-index/scalar-index-rules.ts'
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
    const def = meta.indexes.find((i) => i.id === f.indexId && indexSlotOf(i) === f.fieldName)
    if (def === undefined) continue
    const field = meta.schema.fields.find((x) => x.name === def.fieldName)
    if (def.jsonPath === undefined && field === undefined) continue
    try {
      const bytes = await store.readFile(f.file)
      bytesRead += bytes.byteLength
      if (def.jsonPath !== undefined) {
        seg.scalarIndexes.set(f.fieldName, { ...loadJsonPathIndex(bytes, seg, def, def.jsonPath), file: f.file })
      } else if (field === undefined) {
        continue
      } else if (isVectorType(field.dataType)) {
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

/** A persisted JSON path index, checked against its definition, over the segment's JSON column. */
function loadJsonPathIndex(bytes: Uint8Array, seg: Segment, def: IndexMeta, target: IndexJsonPath) {
  const inner = decodeScalarIndex(bytes, seg.rowCount)
  const { spec: want, castType } = jsonIndexSpecOf(def.indexType, target.castType, def.fieldName)
  const got = inner.spec
  if (got.indexType !== want.indexType || got.valueKind !== want.valueKind || got.multiValued !== want.multiValued) {
    throw new Error(`the file holds ${JSON.stringify(got)}, the definition wants ${JSON.stringify(want)}`)
  }
  const json = seg.column(target.column)
  if (json?.kind !== 'json') throw new Error(`segment ${seg.id} has no JSON column ${target.column}`)
  const index = new JsonPathIndex(inner, castType, json.validBits)
  return { indexId: def.id, index, jsonPath: { column: target.column, path: target.path } }
}
