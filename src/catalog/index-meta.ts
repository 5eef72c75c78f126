import type { Timestamp } from '../common/hybrid-ts.ts'

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
  readonly createdTs: Timestamp
}
