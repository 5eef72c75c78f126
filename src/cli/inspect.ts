import { Database } from '../engine/database.ts'

export interface InspectReport {
  readonly path: string
  readonly appliedLsn: number
  readonly latestTs: string
  readonly collections: readonly {
    readonly name: string
    readonly id: number
    readonly liveRows: number
    readonly segmentCount: number
    /** Deleted rows still stored in segments / all stored rows (compaction removes them). */
    readonly deletedFraction: number
    readonly partitions: readonly string[]
    readonly segments: readonly { id: number; partitionId: number; state: string; rows: number; deleted: number }[]
  }[]
}

/** Opens a data directory (recovering it as `Quiver.open` does) and describes what it holds. */
export async function inspectDataDir(path: string): Promise<InspectReport> {
  // No compaction pass for a look (index builds an open starts are cancelled by the close).
  const db = await Database.open({ path, autoCompaction: false, log: (m) => console.error(`[quiver] ${m}`) })
  try {
    const collections = [...db.state.catalog.collections.values()].map((meta) => {
      const data = db.state.collectionById(meta.id)
      const segments = data.segmentsOf().map((s) => ({ id: s.id, partitionId: s.partitionId, state: s.state, rows: s.rowCount, deleted: s.deletes.count }))
      const stored = segments.reduce((n, s) => n + s.rows, 0)
      const deleted = segments.reduce((n, s) => n + s.deleted, 0)
      return {
        name: meta.name,
        id: meta.id,
        liveRows: stored - deleted,
        segmentCount: segments.length,
        deletedFraction: stored === 0 ? 0 : deleted / stored,
        partitions: meta.partitions.map((p) => p.name),
        segments,
      }
    })
    return { path, appliedLsn: db.appliedLsn, latestTs: String(db.latestTs()), collections }
  } finally {
    await db.close()
  }
}
