import type { ConsistencyLevel } from '../catalog/consistency-level.ts'
import type { IndexMeta } from '../catalog/index-meta.ts'
import type { CollectionSchema } from '../schema/collection-schema.ts'
import type { SegmentState } from '../segment/segment.ts'

/** The manifest: which files hold the state as of `checkpointLsn` (DESIGN §2 "Storage layout"). */
export interface Manifest {
  readonly formatVersion: 1
  /** Every WAL record ≤ this LSN is reflected in the files below. */
  readonly checkpointLsn: number
  /** Newest timestamp handed out before the checkpoint (the oracle restarts above it). */
  readonly lastTs: bigint
  readonly nextId: number
  /** Absent in older manifests (their compaction outputs have ids below the unlogged range). */
  readonly nextUnloggedId?: number
  /** Properties absent (older manifests) = none. The default database is listed only when it has properties. */
  readonly databases?: readonly { readonly id: number; readonly name: string; readonly createdTs: bigint; readonly properties?: Readonly<Record<string, string>> }[]
  /** [alias key, collection id]. */
  readonly aliases?: readonly (readonly [string, number])[]
  readonly collections: readonly ManifestCollection[]
}

export interface ManifestCollection {
  readonly id: number
  readonly name: string
  readonly database?: string
  readonly schema: CollectionSchema
  readonly createdTs: bigint
  readonly loaded: boolean
  readonly partitions: readonly { readonly id: number; readonly name: string; readonly createdTs: bigint }[]
  readonly indexes?: readonly IndexMeta[]
  /** Absent in older manifests (= none). */
  readonly properties?: Readonly<Record<string, string>>
  /** Absent in older manifests (= the default level). */
  readonly consistencyLevel?: ConsistencyLevel
  readonly segments: readonly ManifestSegment[]
}

export interface ManifestSegment {
  readonly id: number
  readonly partitionId: number
  readonly state: SegmentState
  readonly rowCount: number
  /** Arrow IPC file with the rows (path relative to the data directory). */
  readonly dataFile: string
  /** Delete file, absent when nothing in the segment was deleted. */
  readonly deleteFile?: string
  readonly deleteCount: number
  /** Built indexes of this segment. */
  readonly indexFiles?: readonly ManifestIndexFile[]
}

/** One persisted index of a segment. */
export interface ManifestIndexFile {
  readonly indexId: number
  readonly fieldName: string
  readonly file: string
  /** `scalar` for scalar indexes; absent (older manifests) or `vector` for vector indexes. */
  readonly kind?: 'vector' | 'scalar'
}

/** Every file `manifest` names (data, delete and index files of its segments). */
export function referencedFiles(manifest: Manifest): Set<string> {
  const live = new Set<string>()
  for (const c of manifest.collections) {
    for (const s of c.segments) {
      live.add(s.dataFile)
      if (s.deleteFile !== undefined) live.add(s.deleteFile)
      for (const f of s.indexFiles ?? []) live.add(f.file)
    }
  }
  return live
}
