import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { indexSlotOf } from '../catalog/index-meta.ts'
import type { CollectionData } from '../collection/collection-data.ts'
import type { Database } from './database.ts'

/** What one collection holds right now (a cheap walk over its segments, no data is read). */
export interface CollectionStats {
  readonly database: string
  readonly name: string
  readonly growingSegments: number
  readonly sealedSegments: number
  /** Rows stored in growing / sealed segments, deleted ones included until compaction purges them. */
  readonly growingRows: number
  readonly sealedRows: number
  readonly deletedRows: number
  /** Rows of sealed segments still waiting for one of the collection's indexes. */
  readonly pendingIndexRows: number
  /** (segment, index) builds still to do. */
  readonly pendingIndexBuilds: number
}

export interface EngineStats {
  readonly open: boolean
  readonly collections: readonly CollectionStats[]
  /** Index builds that failed and are not retried. */
  readonly failedIndexBuilds: number
}

/** A snapshot of the database for metrics and health: collections, segments, rows, index backlog. */
export function engineStats(db: Database): EngineStats {
  let open = true
  try {
    db.assertOpen()
  } catch {
    open = false
  }
  const collections: CollectionStats[] = []
  for (const meta of db.state.catalog.collections.values()) {
    const data = db.state.data.get(meta.id)
    if (data !== undefined) collections.push(collectionStats(data))
  }
  return { open, collections, failedIndexBuilds: db.indexBuilds.failures.size }
}

function collectionStats(data: CollectionData): CollectionStats {
  const { database, name } = data.meta
  let growingSegments = 0
  let sealedSegments = 0
  let growingRows = 0
  let sealedRows = 0
  let deletedRows = 0
  let pendingIndexRows = 0
  let pendingIndexBuilds = 0
  for (const seg of data.segmentsOf()) {
    deletedRows += seg.deletes.count
    if (seg.state === 'growing') {
      growingSegments++
      growingRows += seg.rowCount
      continue
    }
    sealedSegments++
    sealedRows += seg.rowCount
    if (seg.rowCount === 0) continue
    let missing = 0
    for (const index of data.meta.indexes) {
      const built = seg.vectorIndexes.get(indexSlotOf(index))?.indexId === index.id || seg.scalarIndexes.get(indexSlotOf(index))?.indexId === index.id
      if (!built) missing++
    }
    pendingIndexBuilds += missing
    if (missing > 0) pendingIndexRows += seg.rowCount
  }
  return { database, name, growingSegments, sealedSegments, growingRows, sealedRows, deletedRows, pendingIndexRows, pendingIndexBuilds }
}

/** Bytes of WAL files on disk (under `<data dir>/wal`); 0 when there is no such directory. */
export async function walDiskBytes(db: Database): Promise<number> {
  const dir = join(db.options.path, 'wal')
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    return 0
  }
  let total = 0
  for (const name of names) {
    try {
      total += (await stat(join(dir, name))).size
    } catch {
      // A file removed by a checkpoint while we looked: it no longer counts.
    }
  }
  return total
}
