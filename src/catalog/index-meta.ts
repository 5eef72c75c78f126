import type { Timestamp } from '../common/hybrid-ts.ts'
import type { PathKey } from '../expr/expr-node.ts'

/** An index as `createIndex` declared it: one per field, applied to every sealed segment. */
export interface IndexMeta {
  readonly id: number
  /** `index_name`; defaults to the field name. */
  readonly name: string
  readonly fieldName: string
  /** As requested (`AUTOINDEX` is kept for describe; it resolves to a concrete type when built). */
  readonly indexType: string
  readonly metricType: string | undefined
  /** Build parameters as given (`M`, `efConstruction`, `nlist`, …), values as strings. */
  readonly params: Readonly<Record<string, string>>
  /**
   * The same parameters with the JSON types the request gave them (`nlist: 128`, not `'128'`):
   * what describe echoes, as Milvus keeps the user's params. Absent in indexes created before.
   */
  readonly userParams?: Readonly<Record<string, string | number | boolean>>
  /**
   * The client sent the params as separate key/value pairs (pymilvus), not as one `params` JSON
   * (the Node SDK): describe echoes them the same way, as Milvus echoes the user's pairs.
   */
  readonly userParamsFlat?: boolean
  readonly createdTs: Timestamp
  /** Set by `AlterIndex` (`mmap.enabled`); absent when none. */
  readonly properties?: Readonly<Record<string, string>>
  /**
   * JSON path indexes only: the JSON column read (`$meta` for a dynamic key), the path in it and
   * the cast type, resolved from `json_path` / `json_cast_type` when the index was created.
   */
  readonly jsonPath?: IndexJsonPath
}

export interface IndexJsonPath {
  readonly column: string
  readonly path: readonly PathKey[]
  /** Upper case: BOOL, DOUBLE, VARCHAR, ARRAY_BOOL, ARRAY_DOUBLE, ARRAY_VARCHAR. */
  readonly castType: string
}

/**
 * Where a segment keeps the built index of `meta` (`Segment.scalarIndexes`/`vectorIndexes` keys,
 * manifest `fieldName`): the field name, one index per field; `json:<id>` for a JSON path index, of
 * which a field may have several (different paths or casts).
 */
export function indexSlotOf(meta: Pick<IndexMeta, 'id' | 'fieldName' | 'jsonPath'>): string {
  return meta.jsonPath === undefined ? meta.fieldName : `json:${meta.id}`
}
