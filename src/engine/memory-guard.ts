import { ErrorCode, MilvusError } from '../errors/errors.ts'
import type { DbState } from './db-state.ts'
import { estimateRowBytes } from './row-bytes.ts'

/** Bytes per PK index entry (key halves + location + state) and per delete-log entry (row + ts). */
const PK_ENTRY_BYTES = 24
const DELETE_ENTRY_BYTES = 12

/**
 * What the engine holds in memory, by its own accounting: rows of every segment (estimated row
 * size), PK index entries and delete-log entries.
 */
export function memoryInUse(state: DbState): number {
  let bytes = 0
  for (const data of state.data.values()) {
    const rowBytes = estimateRowBytes(data.schema)
    bytes += data.pkIndex.size * PK_ENTRY_BYTES
    for (const seg of data.segments.values()) bytes += seg.rowCount * rowBytes + seg.deletes.count * DELETE_ENTRY_BYTES
  }
  return bytes
}

/**
 * Milvus's memory protection (`quotaAndLimits.limitWriting.memProtection`): a write that would take
 * the engine past its memory budget is refused (code 9) instead of the process running out.
 */
export function checkMemory(state: DbState, incomingBytes: number, budgetBytes: number): void {
  if (budgetBytes <= 0) return
  const used = memoryInUse(state)
  if (used + incomingBytes > budgetBytes) {
    throw new MilvusError(
      ErrorCode.MemoryQuotaExhausted,
      `memory quota exceeded: the engine holds ${used} bytes, this write needs ~${incomingBytes} more, budget ${budgetBytes} bytes (memoryBytesMax); delete data, drop collections or raise the budget`,
    )
  }
}
