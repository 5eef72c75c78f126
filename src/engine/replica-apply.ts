import type { WalRecord } from '../wal/wal-format.ts'
import type { Database } from './database.ts'

/**
 * A read replica (cluster mode) applies the writer's records as the log delivers them, exactly as
 * replay does (apply is deterministic: the same seals, the same rejections), then starts what a write
 * starts on the writer — interim indexes, index builds of sealed segments, compaction — in memory: a
 * replica writes no file and no manifest (docs/design/0015-read-replicas.md).
 */
export function applyReplicated(db: Database, records: readonly WalRecord[]): void {
  for (const rec of records) db.applyLogged(rec)
  db.indexBuilds.interim.schedule()
  if (db.state.sealedSinceCheckpoint > 0 || db.state.indexesChanged > 0) {
    db.state.sealedSinceCheckpoint = 0
    db.state.indexesChanged = 0
    db.indexBuilds.schedule()
    db.compactions.schedule(() => db.latestTs())
  }
}
