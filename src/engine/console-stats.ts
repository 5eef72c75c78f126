import { indexSlotOf, type IndexMeta } from '../catalog/index-meta.ts'
import type { CollectionData } from '../collection/collection-data.ts'
import type { Segment } from '../segment/segment.ts'
import type { Database } from './database.ts'

/**
 * What the web console shows of a database beyond the public API's answers: segments with their
 * index state, index build progress, compactions, and the engine's settings. Read from one walk
 * over the applied state (no data is read, nothing is changed).
 */

/** `indexed`: sealed and every index of the collection is built on it. */
export type SegmentView = {
  readonly id: number
  readonly partition: string
  readonly state: 'growing' | 'sealed' | 'indexed'
  readonly rowCount: number
  readonly deletedCount: number
  /** Names of the collection's indexes built on this segment. */
  readonly builtIndexes: readonly string[]
}

export interface IndexProgress {
  readonly name: string
  readonly fieldName: string
  readonly indexType: string
  readonly metricType: string | undefined
  /** Rows of sealed segments with the index built / of all sealed segments (growing rows are searched exactly). */
  readonly indexedRows: number
  readonly sealedRows: number
  /** Builds of this index that failed and are not retried. */
  readonly failedBuilds: number
}

export interface CompactionView {
  readonly id: number
  readonly state: 'executing' | 'completed'
  readonly merges: readonly { readonly sources: readonly number[]; readonly target: number | undefined }[]
  readonly failedCount: number
}

export interface CollectionConsoleStats {
  readonly database: string
  readonly name: string
  readonly segments: readonly SegmentView[]
  readonly indexes: readonly IndexProgress[]
  /** Compactions kept in memory (Milvus's GetCompactionState records), newest first. */
  readonly compactions: readonly CompactionView[]
}

export interface IndexBuildCounters {
  readonly builtCount: number
  readonly cancelledCount: number
  readonly failedCount: number
}

/** The console's view of one collection, or undefined when it does not exist. */
export function collectionConsoleStats(db: Database, database: string, name: string): CollectionConsoleStats | undefined {
  const data = findCollection(db, database, name)
  if (data === undefined) return undefined
  const partitions = new Map(data.meta.partitions.map((p) => [p.id, p.name]))
  const segments = data.segmentsOf().map((seg) => segmentView(seg, data.meta.indexes, partitions.get(seg.partitionId) ?? String(seg.partitionId)))
  const indexes = data.meta.indexes.map((index) => indexProgress(db, data, index))
  const compactions: CompactionView[] = []
  for (const record of db.compactions.records.values()) {
    if (record.collectionId !== data.meta.id) continue
    compactions.push({ id: record.id, state: record.state, merges: record.merges.map((m) => ({ sources: [...m.sources], target: m.target })), failedCount: record.failedCount })
  }
  compactions.sort((a, b) => b.id - a.id)
  return { database, name, segments, indexes, compactions }
}

/** Index builds of the whole database since it opened. */
export function indexBuildCounters(db: Database): IndexBuildCounters {
  return { builtCount: db.indexBuilds.builtCount, cancelledCount: db.indexBuilds.cancelledCount, failedCount: db.indexBuilds.failures.size }
}

/** The engine's resolved settings (sizes, WAL, compaction, memory), without the path and the log sink. */
export function engineSettings(db: Database): Readonly<Record<string, number | boolean>> {
  const { path: _path, log: _log, ...settings } = db.options
  return settings
}

function findCollection(db: Database, database: string, name: string): CollectionData | undefined {
  for (const meta of db.state.catalog.collections.values()) {
    if (meta.database === database && meta.name === name) return db.state.data.get(meta.id)
  }
  return undefined
}

function isBuilt(seg: Segment, index: IndexMeta): boolean {
  const slot = indexSlotOf(index)
  return seg.vectorIndexes.get(slot)?.indexId === index.id || seg.scalarIndexes.get(slot)?.indexId === index.id
}

function segmentView(seg: Segment, indexes: readonly IndexMeta[], partition: string): SegmentView {
  const builtIndexes = seg.state === 'sealed' ? indexes.filter((index) => isBuilt(seg, index)).map((index) => index.name) : []
  const state = seg.state === 'growing' ? 'growing' : indexes.length > 0 && builtIndexes.length === indexes.length ? 'indexed' : 'sealed'
  return { id: seg.id, partition, state, rowCount: seg.rowCount, deletedCount: seg.deletes.count, builtIndexes }
}

function indexProgress(db: Database, data: CollectionData, index: IndexMeta): IndexProgress {
  let indexedRows = 0
  let sealedRows = 0
  let failedBuilds = 0
  for (const seg of data.segmentsOf()) {
    if (seg.state !== 'sealed') continue
    sealedRows += seg.rowCount
    if (isBuilt(seg, index)) indexedRows += seg.rowCount
    else if (db.indexBuilds.failures.has(`${seg.id}/${index.id}`)) failedBuilds++
  }
  return { name: index.name, fieldName: index.fieldName, indexType: index.indexType, metricType: index.metricType, indexedRows, sealedRows, failedBuilds }
}
