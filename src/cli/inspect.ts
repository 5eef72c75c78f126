import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { Database } from '../engine/database.ts'
import { errors } from '../errors/errors.ts'
import { assertDirUnlocked } from '../storage/dir-lock.ts'
import { LocalFileStore } from '../storage/local-file-store.ts'
import { OverlayFileStore } from '../storage/overlay-file-store.ts'

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

/**
 * Describes what a data directory holds, read-only: the directory must already be a Quiver data
 * directory (a `manifest.json` or a `wal/` folder) not held by a running process; it is recovered as
 * `Quiver.open` would, but on an `OverlayFileStore`, so whatever recovery writes (a checkpoint, a cut
 * torn WAL tail) stays in memory and not one byte on disk changes.
 */
export async function inspectDataDir(path: string): Promise<InspectReport> {
  const abs = resolve(path)
  await assertQuiverDir(abs)
  await assertDirUnlocked(abs)
  const fileStore = new OverlayFileStore(new LocalFileStore(abs))
  // No compaction pass for a look (index builds an open starts are cancelled by the close).
  const db = await Database.open({ path: abs, fileStore, autoCompaction: false, log: (m) => console.error(`[quiver] ${m}`) })
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

/** A Quiver data directory has its manifest or its WAL folder; anything else is refused, never created. */
async function assertQuiverDir(abs: string): Promise<void> {
  const kind = await stat(abs).then(
    (s) => (s.isDirectory() ? 'dir' : 'file'),
    () => 'missing',
  )
  if (kind !== 'dir') throw errors.invalid(`'${abs}' is not a Quiver data directory (${kind === 'file' ? 'it is a file' : 'it does not exist'}): nothing to inspect`)
  const marks = await Promise.all([stat(`${abs}/manifest.json`), stat(`${abs}/wal`)].map((p) => p.then((s) => s, () => undefined)))
  if (marks[0]?.isFile() !== true && marks[1]?.isDirectory() !== true) {
    throw errors.invalid(`'${abs}' is not a Quiver data directory (no manifest.json or wal/ in it): nothing to inspect`)
  }
}
