import type { Timestamp } from '../common/hybrid-ts.ts'
import type { ColumnBatch } from '../column/column.ts'
import { hashInt64 } from '../common/hash.ts'
import { errors } from '../errors/errors.ts'
import type { PartitionMeta } from '../catalog/catalog.ts'
import type { PkColumn } from '../segment/pk-index.ts'
import type { CollectionData } from './collection-data.ts'
import { type ArrayFieldOp, mergePartialRows } from './partial-merge.ts'

/** What a write did: honest counts (DESIGN §1). */
export interface WriteOutcome {
  readonly insertCount: number
  readonly deleteCount: number
  readonly upsertCount: number
  readonly primaryKeys: PkColumn
  readonly ts: Timestamp
}

const KEYS_SHOWN_MAX = 10

/**
 * Applies an insert at `ts`. Rejects (changing nothing) when a key already has a live row.
 * Deterministic in the collection's state, so WAL replay repeats the same decision.
 */
export function applyInsert(data: CollectionData, batch: ColumnBatch, partitions: readonly PartitionMeta[], ts: Timestamp): WriteOutcome {
  const keys = data.pkColumn(batch)
  const existing: string[] = []
  for (let i = 0; i < batch.rowCount && existing.length < KEYS_SHOWN_MAX; i++) {
    if (data.locate(keys, i) >= 0) existing.push(String(keys[i]))
  }
  if (existing.length > 0) {
    throw errors.invalid(
      `insert of existing primary keys is not allowed; use upsert to replace them: [${existing.join(', ')}]`,
      { field: data.pkField.name },
    )
  }
  data.appendRows(batch, partitions, ts)
  return { insertCount: batch.rowCount, deleteCount: 0, upsertCount: 0, primaryKeys: keys, ts }
}

/**
 * Applies an upsert at `ts`: the live row of each key (in any partition) is deleted at `ts` and the
 * new rows written, all in one step. autoID collections accept only keys that exist (they keep
 * their key). With `partial`, given fields are merged into the stored rows (array fields in `fieldOps`
 * appended to or removed from the stored arrays).
 */
export function applyUpsert(
  data: CollectionData,
  batch: ColumnBatch,
  partitions: readonly PartitionMeta[],
  ts: Timestamp,
  partial: boolean,
  fieldOps?: Readonly<Record<string, ArrayFieldOp>>,
): WriteOutcome {
  const keys = data.pkColumn(batch)
  if (data.pkField.autoId) rejectUnknownKeys(data, keys, batch.rowCount)
  const full = partial ? mergePartialRows(data, batch, fieldOps) : batch
  let deleteCount = 0
  for (let i = 0; i < full.rowCount; i++) if (data.deleteKey(keys, i, ts)) deleteCount++
  data.appendRows(full, partitions, ts)
  return { insertCount: full.rowCount - deleteCount, deleteCount, upsertCount: full.rowCount, primaryKeys: keys, ts }
}

function rejectUnknownKeys(data: CollectionData, keys: PkColumn, n: number): void {
  const unknown: string[] = []
  for (let i = 0; i < n && unknown.length < KEYS_SHOWN_MAX; i++) if (data.locate(keys, i) < 0) unknown.push(String(keys[i]))
  if (unknown.length > 0) {
    throw errors.invalid(
      `upsert into an autoID collection must name existing primary keys; not found: [${unknown.join(', ')}]`,
      { field: data.pkField.name },
    )
  }
}

/** Deletes the live rows of `keys` at `ts` (only in `partitionId` when given); returns rows deleted. */
export function applyDeleteKeys(data: CollectionData, keys: PkColumn, ts: Timestamp, partitionId?: number): number {
  let n = 0
  for (let i = 0; i < keys.length; i++) if (data.deleteKey(keys, i, ts, partitionId)) n++
  return n
}

/** Rejects duplicate keys inside one batch (Milvus ≥ 2.6: code 1100). */
export function rejectDuplicateKeys(keys: PkColumn): void {
  if (keys instanceof BigInt64Array) {
    const at = firstDuplicateInt64(keys)
    if (at >= 0) throw errors.invalid(`duplicate primary keys are not allowed in the same batch`, { key: String(keys[at]) })
    return
  }
  const seen = new Set<string>()
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!
    if (seen.has(k)) throw errors.invalid(`duplicate primary keys are not allowed in the same batch`, { key: k })
    seen.add(k)
  }
}

/**
 * The index of the first key that repeats an earlier one, else -1: an open-addressing table of row
 * numbers over the keys' 32-bit words (a `Set` of 100,000 bigints took ~30 ms and as much garbage).
 */
function firstDuplicateInt64(keys: BigInt64Array): number {
  const n = keys.length
  if (n < 2) return -1
  const words = new Int32Array(keys.buffer, keys.byteOffset, n * 2)
  let size = 4
  while (size < n * 2) size *= 2
  const mask = size - 1
  const slots = new Int32Array(size).fill(-1)
  for (let i = 0; i < n; i++) {
    const lo = words[2 * i]!
    const hi = words[2 * i + 1]!
    for (let s = hashInt64(lo, hi) & mask; ; s = (s + 1) & mask) {
      const j = slots[s]!
      if (j < 0) {
        slots[s] = i
        break
      }
      if (words[2 * j] === lo && words[2 * j + 1] === hi) return i
    }
  }
  return -1
}
